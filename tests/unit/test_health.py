"""`ses-smtp status` parts against moto (with the emulator's gap fillers, as the local stack has them)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ses_smtp.admin import health
from ses_smtp.credentials import Caller
from ses_smtp.limits import Usage
from ses_smtp_local import emulator_gaps
from tests.unit.aws_world import REGION, World


@pytest.fixture
def outputs(world: World) -> dict[str, Any]:
    emulator_gaps.install()
    sesv2 = boto3.client("sesv2", region_name=REGION)
    sesv2.create_configuration_set(
        ConfigurationSetName="ses-smtp", ReputationOptions={"ReputationMetricsEnabled": True}
    )
    dead_letters = boto3.client("sqs", region_name=REGION).create_queue(QueueName="ses-smtp-events-dlq")["QueueUrl"]
    return {
        "region": REGION,
        "credentials_table_name": world.settings.table_name,
        "credentials_function_name": "ses-smtp-credentials",
        "configuration_set_name": "ses-smtp",
        "events_dead_letter_queue_url": dead_letters,
    }


def test_the_view_names_what_needs_a_person(world: World, outputs: dict[str, Any]) -> None:
    credentials = world.credentials()
    credentials.create("alice", ["alice@example.com"], Caller("admin"))
    credentials.create("bob", ["bob@example.com"], Caller("admin"))
    credentials.quarantine("ses-smtp-bob", "over 100 recipients in an hour", Caller("events"))
    credentials.store.usage().add("ses-smtp-alice", Usage(sent_hour=3, sent_day=3, bounces=1), world.now[0])
    boto3.client("sqs", region_name=REGION).send_message(
        QueueUrl=outputs["events_dead_letter_queue_url"], MessageBody="{}"
    )
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    for name in ("ses-smtp-bounce-rate", "other-deployment-bounce-rate", "ses-smtp-complaint-rate"):
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            MetricName="Reputation.BounceRate",
            Namespace="AWS/SES",
            Statistic="Maximum",
            Period=3600,
            EvaluationPeriods=1,
            Threshold=0.05,
            ComparisonOperator="GreaterThanThreshold",
        )
        cloudwatch.set_alarm_state(
            AlarmName=name, StateValue="OK" if "complaint" in name else "ALARM", StateReason="test"
        )

    view = health.gather(world.session, outputs, world.now[0] + timedelta(days=92), timedelta(days=90))

    assert view["account"]["max_24_hour_send"] == 200.0
    assert view["configuration_set"]["sending_enabled"] is True
    assert view["configuration_set"]["reputation_metrics_enabled"] is True
    assert view["dead_letter_queue"]["waiting"] == 1
    assert [alarm["name"] for alarm in view["alarms"]["in_alarm"]] == ["ses-smtp-bounce-rate"], (
        "this deployment's, in ALARM"
    )
    rows = {row["name"]: row for row in view["senders"]["senders"]}
    assert rows["bob"]["status"] == "quarantined"
    assert rows["bob"]["quarantine_reason"] == "over 100 recipients in an hour"
    assert [key["sender"] for key in view["senders"]["keys_past_max_age"]] == ["alice", "bob"]
    assert view["vdm_recommendations"]["available"] is False, "moto has no VDM: said, not fatal"

    text = health.for_people(view)
    assert "1 event(s) waiting: fix the cause, then `ses-smtp events --redrive`" in text
    assert "ses-smtp-bounce-rate since" in text
    assert "alice: current key 91 days old (over 90), rotate it" in text
    assert "VDM recommendations\n  not available (" in text


def test_counts_today_come_from_the_events_functions_counters(world: World, outputs: dict[str, Any]) -> None:
    credentials = world.credentials()
    credentials.create("alice", ["alice@example.com"], Caller("admin"))
    credentials.store.usage().add("ses-smtp-alice", Usage(sent_hour=3, sent_day=3, bounces=1), world.now[0])
    view = health.gather(world.session, outputs, world.now[0], timedelta(days=90))
    [alice] = view["senders"]["senders"]
    assert (alice["sent_today"], alice["bounces_today"], alice["complaints_today"]) == (3, 1, 0)
    assert view["senders"]["keys_past_max_age"] == []


def test_a_refused_part_is_not_available_and_the_rest_still_shows() -> None:
    def refused() -> dict[str, Any]:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not allowed\nsecond line"}}, "GetAccount")

    assert health.part(refused) == {"available": False, "why": "AccessDenied: not allowed"}
    page = ClientError({"Error": {"Code": "404", "Message": "<!doctype html><html>"}}, "ListRecommendations")
    assert health.not_available(page) == {"available": False, "why": "404"}


def test_close_to_the_quota_is_said_on_the_screen() -> None:
    account = {"available": True, "max_24_hour_send": 200.0, "sent_last_24_hours": 170.0, "quota_used": 0.85}
    [first, *_] = health._account_lines(account)
    assert first.endswith("170 of 200 (85%)  CLOSE TO THE QUOTA: SES refuses mail over it")
