"""The send-quota reading: the share of the account's 24-hour quota used, published for the send-quota
alarms. GetAccount's answers are shaped by botocore's own SES v2 model (Stubber refuses anything else)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from ses_smtp.admin import health
from ses_smtp.quota import SendQuota
from tests.unit.functions import CredentialsFunction

# A sandbox account (SES's documented starting quota: 200 messages a day, 1 a second) with 170 sent.
SANDBOX = {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 170.0}
UNLIMITED = {"Max24HourSend": -1.0, "MaxSendRate": 14.0, "SentLast24Hours": 5000.0}  # -1: no daily quota


def account(send_quota: dict[str, float]) -> dict[str, Any]:
    return {
        "SendQuota": send_quota,
        "EnforcementStatus": "HEALTHY",
        "SendingEnabled": True,
        "ProductionAccessEnabled": False,
        "DedicatedIpAutoWarmupEnabled": False,
    }


@pytest.mark.parametrize(
    ("quota", "used"),
    [
        (SANDBOX, 0.85),
        ({"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 0.0}, 0.0),
        ({"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 200.0}, 1.0),
        (UNLIMITED, None),
        ({}, None),  # an account SES answers without a quota: nothing to judge, not zero
    ],
)
def test_the_share_used_is_sent_over_the_quota(quota: dict[str, float], used: float | None) -> None:
    assert SendQuota.from_account({"SendQuota": quota}).used == used


def stubbed_sesv2(*answers: dict[str, Any] | str) -> tuple[Any, Stubber]:
    client = boto3.client("sesv2", region_name="eu-west-1")
    stubber = Stubber(client)
    for answer in answers:
        if isinstance(answer, str):
            stubber.add_client_error("get_account", service_error_code=answer, http_status_code=403)
        else:
            stubber.add_response("get_account", answer, {})
    stubber.activate()
    return client, stubber


def run_reading(sesv2: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The scheduled request, as the schedule sends it, to the credentials function built on sesv2; its
    response and the EMF lines it logged."""
    captured = io.StringIO()
    with redirect_stdout(captured):
        response = CredentialsFunction(None, sesv2=sesv2)(
            {"action": "send_quota", "actor": "schedule:ses-smtp-send-quota", "correlation_id": "run-1"}
        )
    lines = [json.loads(line) for line in captured.getvalue().split("\n") if line.startswith("{")]
    return response, lines


def test_the_reading_publishes_the_percent_used_and_nothing_else() -> None:
    client, stubber = stubbed_sesv2(account(SANDBOX))
    response, lines = run_reading(client)
    stubber.assert_no_pending_responses()
    assert response == {
        "ok": True,
        "send_quota": {"sent_last_24_hours": 170.0, "max_24_hour_send": 200.0, "used_percent": 85.0},
    }
    [emf] = [line for line in lines if "_aws" in line]
    [directive] = emf["_aws"]["CloudWatchMetrics"]
    # One metric only: each metric published every 15 minutes is billed as a whole metric-month.
    assert directive["Metrics"] == [{"Name": "SendQuotaUsed", "Unit": "Percent"}]
    assert directive["Namespace"] == "SesSmtp" and directive["Dimensions"] == [["service"]]
    assert emf["SendQuotaUsed"] == [85.0] and emf["service"] == "ses-smtp"


def test_an_unlimited_quota_publishes_no_percentage() -> None:
    client, _ = stubbed_sesv2(account(UNLIMITED))
    response, lines = run_reading(client)
    assert response["send_quota"]["used_percent"] is None
    assert not [line for line in lines if "SendQuotaUsed" in line], "an unlimited quota has no share to alarm on"
    [read] = [line for line in lines if line.get("message") == "send quota read"]
    assert read["max_24_hour_send"] == -1.0


def test_a_refused_reading_fails_the_run_so_the_errors_alarm_sees_it() -> None:
    client, _ = stubbed_sesv2("AccessDeniedException")
    with pytest.raises(ClientError, match="AccessDeniedException"):
        run_reading(client)


def test_status_warns_at_the_deployments_warning_level_and_names_the_alarm() -> None:
    view = {"available": True, **account_part(sent=150.0, thresholds=[0.7, 0.9])}
    lines = health._account_lines(view)
    assert lines[0].endswith("150 of 200 (75%)  CLOSE TO THE QUOTA: SES refuses mail over it")
    assert lines[1] == "quota alarm                warning at 70%, critical at 90% (read every 15 minutes)"


def test_status_says_when_the_quota_alarm_is_off() -> None:
    lines = health._account_lines({"available": True, **account_part(sent=150.0, thresholds=[])})
    assert not lines[0].endswith("CLOSE TO THE QUOTA: SES refuses mail over it"), "75% is under the default 80%"
    assert lines[1] == "quota alarm                off (send_quota_alarm_enabled = false)"


def account_part(sent: float, thresholds: list[float]) -> dict[str, Any]:
    client = boto3.client("sesv2", region_name="eu-west-1")
    with Stubber(client) as stubber:
        stubber.add_response("get_account", account({**SANDBOX, "SentLast24Hours": sent}), {})
        return health.account(client, thresholds)
