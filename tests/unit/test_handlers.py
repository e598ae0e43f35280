"""The Lambda handlers: request parsing, refusals as data, and no secret in any log line or response."""

from __future__ import annotations

import base64
import io
import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ses_smtp.admin.deployment import logs_to
from ses_smtp.config import schedule_interval
from ses_smtp.errors import InvalidRequest
from ses_smtp.handlers.declared_senders import TERRAFORM_KEY, TerraformRequestFailed
from ses_smtp.handlers.sender_requests import CredentialRequest
from ses_smtp.logsafety import function_logger
from ses_smtp.smtp_password import derive_smtp_password
from ses_smtp.wiring import build_credentials
from tests.unit.aws_world import World
from tests.unit.functions import CredentialsFunction, RecordingTracer, tools


def test_create_returns_the_sender_without_any_secret(wired: World, invoke: CredentialsFunction) -> None:
    response = invoke({"action": "create", "name": "alice", "from": ["alice@example.com"], "actor": "admin"})
    assert response["ok"] is True
    assert response["sender"]["name"] == "alice"
    assert response["sender"]["current_access_key_id"] in wired.log.secrets
    assert set(response["sender"]) == {
        "name",
        "iam_user",
        "from",
        "status",
        "created_at",
        "created_by_claimed",
        "current_access_key_id",
        "previous_access_key_id",
        "previous_valid_until",
        "previous_stops_working_by",
        "revoked_at",
        "revoked_by_claimed",
        "forward_to",
        "limits",
        "quarantined_at",
        "quarantine_reason",
        "managed_by",
    }


def test_a_refusal_is_a_response_not_an_exception(wired: World, invoke: CredentialsFunction) -> None:
    invoke({"action": "create", "name": "alice", "from": ["alice@example.com"]})
    response = invoke({"action": "create", "name": "alice", "from": ["alice@example.com"]})
    assert response == {
        "ok": False,
        "error": {"code": "SenderExists", "message": "sender 'alice' already exists (status active)"},
    }


def test_list_and_status_and_delete(wired: World, invoke: CredentialsFunction) -> None:
    invoke({"action": "create", "name": "alice", "from": ["alice@example.com"]})
    assert [s["name"] for s in invoke({"action": "list"})["senders"]] == ["alice"]
    assert invoke({"action": "status", "name": "alice"})["sender"]["iam_keys"][0]["role"] == "current"
    assert invoke({"action": "delete", "name": "alice"}) == {"ok": True, "deleted": "alice"}


def test_the_retire_run_publishes_one_attention_metric_for_its_alarm(wired: World, invoke: CredentialsFunction) -> None:
    invoke({"action": "create", "name": "alice", "from": ["alice@example.com"]})
    wired.now[0] += timedelta(days=91)  # alice's key is past the maximum age
    captured = io.StringIO()
    with logs_to(captured):
        invoke({"action": "retire", "actor": "schedule"})
    emf = [json.loads(line) for line in captured.getvalue().split("\n") if '"_aws"' in line]
    metric_names = {m["Name"] for line in emf for d in line["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
    values = {name: line[name] for line in emf for name in metric_names if name in line}
    assert values["CredentialsNeedAttention"] == [1.0]
    assert values["CredentialsPastMaxAge"] == [1.0]
    assert values["SendersSkippedBusy"] == [0.0]
    assert values["UnrecordedAccessKeysDeactivated"] == [0.0]


def test_rotate_says_when_the_previous_password_stops_working(world: World) -> None:
    """Valid until the grace period ends; gone by the retire run after it (daily, as the module's default)."""
    settings = replace(world.settings, retire_run_interval=schedule_interval("rate(1 day)"))
    credentials = build_credentials(settings, world.session)
    credentials.clock = lambda: world.now[0]
    invoke = CredentialsFunction(credentials)
    created = invoke({"action": "create", "name": "alice", "from": ["alice@example.com"]})["sender"]
    assert created["previous_valid_until"] is None
    assert created["previous_stops_working_by"] is None
    rotated = invoke({"action": "rotate", "name": "alice", "retire_after_days": 7})["sender"]
    assert rotated["previous_access_key_id"] == created["current_access_key_id"]
    assert rotated["previous_valid_until"] == (world.now[0] + timedelta(days=7)).isoformat()
    assert rotated["previous_stops_working_by"] == (world.now[0] + timedelta(days=8)).isoformat()


@pytest.mark.parametrize(
    ("expression", "interval"),
    [
        ("rate(1 day)", timedelta(days=1)),
        ("rate(6 hours)", timedelta(hours=6)),
        ("rate(1 minute)", timedelta(minutes=1)),
        ("cron(0 3 * * ? *)", None),  # runs at set times: no fixed bound without a cron parser
        ("", None),
    ],
)
def test_the_retire_schedule_gives_the_longest_wait_for_a_retire_run(expression: str, interval: Any) -> None:
    assert schedule_interval(expression) == interval


def test_the_scheduled_retire_request_retires_only_expired_keys(wired: World, invoke: CredentialsFunction) -> None:
    invoke({"action": "create", "name": "alice", "from": ["alice@example.com"]})
    rotated = invoke({"action": "rotate", "name": "alice", "retire_after_days": 1})["sender"]
    schedule = {"action": "retire", "actor": "schedule", "correlation_id": "d32c5kddcf5bb8c3"}
    assert invoke(schedule) == {
        "ok": True,
        "retired": [],
        "skipped_busy": [],
        "past_max_age": [],
        "unrecorded_deactivated": [],
        "migrated": [],
        "old_password_in_use": [],
        "unused": [],
    }
    wired.now[0] += timedelta(days=2)
    assert invoke(schedule)["retired"] == [rotated["previous_access_key_id"]]
    status = invoke({"action": "status", "name": "alice"})["sender"]
    assert status["previous_access_key_id"] is None
    assert [key["access_key_id"] for key in status["iam_keys"]] == [rotated["current_access_key_id"]]


def test_traces_are_searchable_by_operation_and_sender(wired: World) -> None:
    tracer = RecordingTracer()
    invoke = CredentialsFunction(wired.credentials(), tools(tracer=tracer))
    invoke({"action": "create", "name": "alice", "from": ["alice@example.com"]})
    assert tracer.annotations == {"operation": "create", "sender": "alice"}


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ([], "JSON object"),
        ({"action": "explode"}, "action must be one of"),
        ({"action": "create"}, "needs the sender's name"),
        ({"action": "rotate", "name": "alice", "retire_after_days": "seven"}, "number of days"),
        ({"action": "rotate", "name": "alice", "operation_id": "x"}, "8 to 64 characters"),
    ],
)
def test_malformed_requests_are_refused_clearly(event: Any, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        CredentialRequest.parse(event)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
events = (
    st.dictionaries(
        st.sampled_from(["action", "name", "from", "retire_after_days", "retire_now", "operation_id", "actor"]),
        json_values,
    )
    | json_values
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(event=events)
def test_any_malformed_event_gets_a_refusal_never_an_exception(
    wired: World, event: Any, invoke: CredentialsFunction
) -> None:
    if isinstance(event, dict) and event.get("action") in ("create", "rotate", "revoke", "delete"):
        event = {**event, "action": "status"}  # fuzz the parser, not IAM: status changes nothing
    try:
        response = invoke(event)
    except TerraformRequestFailed:
        # Only a request from Terraform (its `tf` key) fails the invocation: that is what fails the apply.
        assert isinstance(event, dict) and TERRAFORM_KEY in event
        return
    assert response["ok"] in (True, False)
    if not response["ok"]:
        assert response["error"]["code"] in ("InvalidRequest", "SenderNotFound")


def test_no_secret_in_any_log_line_or_response(
    wired: World, capsys: pytest.CaptureFixture[str], invoke: CredentialsFunction
) -> None:
    captured = io.StringIO()
    function_logger("ses-smtp").setLevel("DEBUG")
    try:
        with logs_to(captured):
            responses = [
                invoke({"action": "create", "name": "alice", "from": ["alice@example.com"]}),
                invoke({"action": "rotate", "name": "alice"}),
                invoke({"action": "rotate", "name": "alice", "retire_now": True}),
                invoke({"action": "status", "name": "alice"}),
                invoke({"action": "list"}),
                invoke({"action": "revoke", "name": "alice"}),
            ]
    finally:
        function_logger("ses-smtp").setLevel("INFO")
    output = capsys.readouterr()
    logged = captured.getvalue()
    everything = logged + output.out + output.err + json.dumps(responses)
    secrets = list(wired.log.secrets.values())
    passwords = [derive_smtp_password(secret, "eu-west-1") for secret in secrets]
    data_keys = wired.log.data_keys
    keys = [base64.b64encode(key).decode() for key in data_keys] + [key.hex() for key in data_keys]
    assert len(secrets) == 3
    assert len(data_keys) == 3
    assert '"message":"access key created"' in logged, "the log lines this test inspects were captured"
    assert '"CredentialRequestsSucceeded"' in logged, "and the metrics"
    for secret in [*secrets, *passwords, *keys]:
        assert secret not in everything
