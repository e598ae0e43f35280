"""The events function: every SES event type, malformed input, duplicates, and no AWS call for the common case."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ses_smtp.admin.deployment import LocalContext, logs_to
from ses_smtp.credentials import Caller
from ses_smtp.events import MalformedEvent, RecipientHistory, parse_sqs_body
from ses_smtp.handlers import events as events_handler
from tests.unit.aws_world import World
from tests.unit.ses_samples import identity_notification, ses_event, sqs_event

CONTEXT = LocalContext("ses-smtp-events")
KINDS = ["Send", "Delivery", "Bounce", "Complaint", "Reject", "DeliveryDelay", "RenderingFailure"]


@pytest.fixture
def history(world: World, monkeypatch: pytest.MonkeyPatch) -> RecipientHistory:
    recorded = RecipientHistory(world.session.client("dynamodb"), world.settings.table_name)
    monkeypatch.setattr(events_handler, "history", lambda: recorded)
    return recorded


def run(event: dict[str, Any]) -> tuple[dict[str, Any], str]:
    captured = io.StringIO()
    with logs_to(captured):
        result: dict[str, Any] = events_handler.handler(event, CONTEXT)
    return result, captured.getvalue()


def log_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith('{"level"')]


@pytest.mark.parametrize("kind", KINDS)
def test_every_event_type_is_one_log_line_with_its_details(kind: str, history: RecipientHistory) -> None:
    result, output = run(sqs_event(ses_event(kind)))
    assert result == {"batchItemFailures": []}
    (line,) = [entry for entry in log_lines(output) if entry["message"] == "ses event"]
    assert line["event_type"] == kind
    assert line["correlation_id"] == "0102018f-aaaa-bbbb-cccc-000000000001"
    assert line["sender"] == "ses-smtp-alice"
    assert line["from_domain"] == "example.com"
    assert "recipients" not in line, "full addresses are logged only when asked"
    assert set(line["recipient_domains"]) <= {"gmail.com", "outlook.com"}
    assert f'"{kind}":[1.0]' in output.replace(" ", ""), "an EMF count per event type"


def test_bounce_details_are_logged_and_counted(history: RecipientHistory) -> None:
    _, output = run(sqs_event(ses_event("Bounce")))
    (line,) = [entry for entry in log_lines(output) if entry["message"] == "ses event"]
    assert (line["bounce_type"], line["bounce_subtype"]) == ("Permanent", "General")
    assert line["diagnostic_codes"] == ["smtp; 550 5.1.1 no such user"]
    assert '"BounceType":"Permanent"' in output.replace(" ", "")
    assert '"Sender":"ses-smtp-alice"' in output.replace(" ", "")


def test_every_metric_carries_the_deployments_service_dimension(
    history: RecipientHistory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "acme-mail")  # Terraform sets it to the name prefix
    _, output = run(sqs_event(ses_event("Send"), ses_event("Bounce"), "garbage"))
    lines = [json.loads(line) for line in output.splitlines() if '"_aws"' in line]
    assert len(lines) == 3, "per kind, per sender, per bounce type"
    assert {line["service"] for line in lines} == {"acme-mail"}
    dimension_sets = [
        names for line in lines for directive in line["_aws"]["CloudWatchMetrics"] for names in directive["Dimensions"]
    ]
    assert all("service" in names for names in dimension_sets)


def test_traces_are_searchable_by_operation_and_sender(
    history: RecipientHistory, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotations: dict[str, Any] = {}
    monkeypatch.setattr(events_handler.tracer, "put_annotation", lambda key, value: annotations.update({key: value}))
    run(sqs_event(ses_event("Send"), ses_event("Delivery")))
    assert annotations == {"operation": "events", "sender": "ses-smtp-alice"}


def test_complaint_feedback_type_is_logged(history: RecipientHistory) -> None:
    _, output = run(sqs_event(ses_event("Complaint")))
    (line,) = [entry for entry in log_lines(output) if entry["message"] == "ses event"]
    assert line["complaint_feedback_type"] == "abuse"


def test_full_recipients_only_when_enabled(history: RecipientHistory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_RECIPIENT_ADDRESSES", "true")
    _, output = run(sqs_event(ses_event("Send")))
    (line,) = [entry for entry in log_lines(output) if entry["message"] == "ses event"]
    assert line["recipients"] == ["bob@gmail.com", "carol@outlook.com"]


@pytest.mark.parametrize("kind", ["Bounce", "Complaint", "Delivery"])
def test_identity_notifications_are_understood(kind: str, history: RecipientHistory) -> None:
    result, output = run(sqs_event(identity_notification(kind)))
    assert result == {"batchItemFailures": []}
    assert [entry["event_type"] for entry in log_lines(output) if entry["message"] == "ses event"] == [kind]


def test_sends_and_deliveries_make_no_aws_call(world: World, history: RecipientHistory) -> None:
    before = len(world.log.calls)
    run(
        sqs_event(
            *(ses_event("Send", f"m-{i}") for i in range(20)), *(ses_event("Delivery", f"d-{i}") for i in range(20))
        )
    )
    assert world.log.calls[before:] == []


def test_permanent_bounces_and_complaints_are_remembered_once(world: World, history: RecipientHistory) -> None:
    before = len(world.log.calls)
    run(sqs_event(ses_event("Bounce"), ses_event("Complaint")))
    assert len(world.log.calls) - before == 2, "one conditional write per recipient event"
    run(sqs_event(ses_event("Bounce"), ses_event("Bounce")))  # SQS delivers at least once
    bob = {item["sk"]: item for item in history.for_recipient("bob@gmail.com")}
    assert bob["summary"]["bounces"] == 1
    assert bob["summary"]["latest_event"] == "Bounce"
    assert bob["event#Bounce#fb-bounce-1"]["diagnostic"] == "smtp; 550 5.1.1 no such user"
    assert {item["sk"] for item in history.for_sender("ses-smtp-alice")} == {
        "event#Bounce#fb-bounce-1",
        "event#Complaint#fb-complaint-1",
    }


def test_a_senders_history_is_newest_first_and_only_theirs(world: World, history: RecipientHistory) -> None:
    run(sqs_event(ses_event("Bounce"), ses_event("Complaint")))
    events = history.for_sender("ses-smtp-alice")
    assert [item["sk"] for item in events] == ["event#Complaint#fb-complaint-1", "event#Bounce#fb-bounce-1"]
    assert not {"history_sender", "history_at"} & set(events[0]), "index keys are not part of the record"
    assert history.for_sender("ses-smtp-bob") == []


def test_a_transient_bounce_is_not_remembered(world: World, history: RecipientHistory) -> None:
    run(sqs_event(ses_event("Bounce", bounceType="Transient", feedbackId="fb-transient")))
    assert history.for_recipient("bob@gmail.com") == []


def test_a_malformed_record_fails_alone(history: RecipientHistory) -> None:
    result, _ = run(sqs_event(ses_event("Send", "m-1"), "not json", {"eventType": "Send"}, ses_event("Delivery")))
    assert result == {"batchItemFailures": [{"itemIdentifier": "sqs-1"}, {"itemIdentifier": "sqs-2"}]}


def test_parse_rejects_what_is_not_an_ses_event() -> None:
    with pytest.raises(MalformedEvent, match="unknown SES event type"):
        parse_sqs_body(json.dumps({"Type": "Notification", "Message": json.dumps({"eventType": "Party"})}))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
ses_like = st.fixed_dictionaries(
    {"eventType": st.sampled_from([*KINDS, "Nope"]) | json_values},
    optional={
        "mail": json_values | st.fixed_dictionaries({"messageId": json_values}),
        "bounce": json_values,
        "complaint": json_values,
        "delivery": json_values,
    },
)
bodies = (
    st.text(max_size=40)
    | json_values.map(json.dumps)
    | ses_like.map(lambda m: json.dumps({"Type": "Notification", "Message": json.dumps(m)}))
    | json_values.map(lambda m: json.dumps({"Type": "Notification", "Message": m}))
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(bodies, min_size=1, max_size=5), with_good_record=st.booleans())
def test_malformed_bodies_never_escape_and_every_record_is_accounted_for(
    history: RecipientHistory, batch: list[str], with_good_record: bool
) -> None:
    event = sqs_event(*batch, *([ses_event("Send")] if with_good_record else []))
    result, output = run(event)
    failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
    processed = sum(1 for entry in log_lines(output) if entry["message"] == "ses event")
    if with_good_record:
        assert "sqs-" + str(len(batch)) not in failed, "the good record still goes through"
    assert processed + len(failed) == len(event["Records"])


def test_the_cli_shows_a_recipients_history(
    world: World, history: RecipientHistory, capsys: pytest.CaptureFixture[str]
) -> None:
    from ses_smtp.admin import cli

    run(sqs_event(ses_event("Bounce")))
    assert cli.main(["events", "--recipient", "bob@gmail.com", "--table", world.settings.table_name]) == 0
    out = capsys.readouterr().out
    assert "smtp; 550 5.1.1 no such user" in out
    assert "bob@gmail.com: 1 bounces, 0 complaints, latest Bounce" in out
    assert cli.main(["events", "--sender", "ses-smtp-alice", "--table", world.settings.table_name, "--json"]) == 0
    assert [item["kind"] for item in json.loads(capsys.readouterr().out)] == ["Bounce"]
    world.credentials().create("alice", ["alice@example.com"], Caller(actor="admin"))
    assert cli.main(["events", "--sender", "alice", "--table", world.settings.table_name, "--json"]) == 0
    assert [item["kind"] for item in json.loads(capsys.readouterr().out)] == ["Bounce"], "the sender's name works too"
    assert cli.main(["events", "--table", world.settings.table_name]) == 1
    assert "give --recipient ADDRESS, --sender NAME or --redrive" in capsys.readouterr().err


def test_a_batch_of_only_malformed_records_is_reported_not_raised(history: RecipientHistory) -> None:
    result, _ = run(sqs_event("garbage", "{}"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "sqs-0"}, {"itemIdentifier": "sqs-1"}]}
