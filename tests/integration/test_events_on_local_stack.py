"""The events pipeline on the local stack: SES-shaped events published to the module's SNS topic reach
the SQS queue, the local event source delivers them to the events handler, bounces and complaints are
remembered, and a malformed message ends in the dead-letter queue after the queue's retries.

Shares the worker's deployment (conftest.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, cast

import pytest
from botocore.exceptions import ClientError

from ses_smtp.admin import cli
from ses_smtp.admin.terraform import REPO_ROOT, TerraformRun
from ses_smtp.events import RecipientHistory
from ses_smtp.handlers import events as events_handler
from ses_smtp.handlers.runtime import LambdaHandler, Powertools, once
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.runner import LocalEventSource
from tests.unit.ses_samples import ses_event

pytestmark = pytest.mark.integration


def visible(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_events_flow_from_sns_to_the_handler_and_bad_ones_to_the_dead_letter_queue(
    deployment: TerraformRun, emulator_env: Emulator
) -> None:
    outputs = deployment.outputs()
    config = outputs["admin_config"]
    session = emulator_env.session()
    sns, sqs = session.client("sns"), session.client("sqs")
    source = LocalEventSource(session, config["events_queue_url"], config["events_function_name"])
    source.drain(max_batches=50, timeout=60)  # events of mail sent by earlier tests
    for kind in ("Send", "Delivery", "Bounce", "Complaint", "DeliveryDelay"):
        sns.publish(TopicArn=outputs["events_topic_arn"], Message=json.dumps(ses_event(kind)))
    sns.publish(TopicArn=outputs["events_topic_arn"], Message="this is not an SES event")
    sns.publish(TopicArn=outputs["events_topic_arn"], Message=json.dumps(ses_event("Bounce")))  # a duplicate

    report = source.drain(max_batches=20, timeout=60)

    assert report.received == report.succeeded + report.failed
    assert report.succeeded == 7 - 1
    assert report.failed == 5, "the malformed message is tried maxReceiveCount (5) times"
    assert visible(sqs, config["events_queue_url"]) == 0
    dead = sqs.receive_message(QueueUrl=config["events_dead_letter_queue_url"], MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(message["Body"])["Message"] for message in dead] == ["this is not an SES event"]

    history = RecipientHistory(session.client("dynamodb"), config["credentials_table_name"])
    bob = {item["sk"]: item for item in history.for_recipient("bob@example.net")}
    assert bob["summary"]["bounces"] == 1, "the duplicate bounce changed nothing"
    carol = {item["sk"]: item for item in history.for_recipient("carol@example.org")}
    assert carol["summary"]["complaints"] == 1
    by_sender = [item["sk"] for item in history.for_sender("ses-smtp-alice")]  # the table's by-sender index
    ours = [f"event#Complaint#{ses_event('Complaint')['complaint']['feedbackId']}"]
    ours.append(f"event#Bounce#{ses_event('Bounce')['bounce']['feedbackId']}")
    assert [sk for sk in by_sender if sk in ours] == ours, "newest first"
    log = source.log_path.read_text()
    assert '"event_type":"DeliveryDelay"' in log.replace(" ", "")


# Metrics SES publishes: its reputation metrics, and event counts through a CloudWatch event destination
# (docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-cloudwatch.html).
SES_METRICS = {
    "Reputation.BounceRate",
    "Reputation.ComplaintRate",
    "Send",
    "Delivery",
    "Bounce",
    "Complaint",
    "Reject",
    "DeliveryDelay",
    "RenderingFailure",
    "Open",
    "Click",
}
SERVICE_METRICS = {
    "AWS/Lambda": {"Errors", "Throttles", "Duration"},
    "AWS/SQS": {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"},
    # Published only when something is wrong, so this test's traffic need not have made them: the retire
    # run's sum (tests/unit/test_handlers.py) and a sender over its limits (tests/unit/test_limits.py,
    # tests/integration/test_limits_on_local_stack.py). SendQuotaUsed comes from the scheduled send-quota
    # reading, not from events (tests/unit/test_send_quota.py, tests/integration/test_health_on_local_stack.py).
    "SesSmtp": {"CredentialsNeedAttention", "SendersOverLimit", "SendQuotaUsed"},
}


# Drawn from the credentials function's daily retire run, not from the events this test sends; the unit
# tests of the retire run show the handler publishes each (tests/unit/test_handlers.py, test_key_use.py).
RETIRE_RUN_METRICS = {
    "CredentialsPastMaxAge",
    "SendersSkippedBusy",
    "UnrecordedAccessKeysDeactivated",
    "OldPasswordsStillInUse",
    "UnusedSenders",
}

Dimensions = dict[str, str | None]  # a dimension's value, or None: any value (a query's GROUP BY)


def emitted_metrics(log: str) -> set[tuple[str, frozenset[tuple[str, str]]]]:
    """Each SesSmtp metric the function's EMF lines published, with its dimensions and their values."""
    found = set()
    for line in log.splitlines():
        if '"_aws"' in line:
            record = json.loads(line)
            for directive in record["_aws"]["CloudWatchMetrics"]:
                for names in directive["Dimensions"]:
                    dimensions = frozenset((name, record[name]) for name in names)
                    found |= {(metric["Name"], dimensions) for metric in directive["Metrics"]}
    return found


QUERY = re.compile(
    r"SELECT SUM\((?P<metric>\w+)\) FROM SCHEMA\((?P<namespace>[\w/]+), (?P<keys>[\w, ]+)\)"
    r" WHERE service = '(?P<service>[\w-]+)' GROUP BY \w+ ORDER BY SUM\(\) DESC LIMIT (?P<limit>\d+)$"
)


def referenced(dashboard: dict[str, Any]) -> list[tuple[str, str, Dimensions, int]]:
    """Each metric the dashboard shows, its dimensions, and how many series it can draw (a query's LIMIT)."""
    found: list[tuple[str, str, Dimensions, int]] = []
    for widget in dashboard["widgets"]:
        for metric in widget["properties"]["metrics"]:
            if isinstance(metric[0], str):
                names = [part for part in metric if isinstance(part, str)]
                found.append((names[0], names[1], dict(zip(names[2::2], names[3::2], strict=True)), 1))
            else:
                query = QUERY.match(metric[0]["expression"])
                assert query, f"unbounded or unknown expression: {metric[0]['expression']}"
                dimensions: Dimensions = {key: None for key in query["keys"].split(", ")}
                dimensions["service"] = query["service"]
                found.append((query["namespace"], query["metric"], dimensions, int(query["limit"])))
    return found


def published(name: str, wanted: Dimensions, ours: set[tuple[str, frozenset[tuple[str, str]]]]) -> bool:
    return any(
        metric == name
        and dict(dimensions).keys() == wanted.keys()
        and all(value in (None, dict(dimensions)[key]) for key, value in wanted.items())
        for metric, dimensions in ours
    )


def test_every_metric_of_the_alarms_and_dashboard_exists(
    deployment: TerraformRun, emulator_env: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = deployment.outputs()
    config = outputs["admin_config"]
    session = emulator_env.session()
    source = LocalEventSource(session, config["events_queue_url"], config["events_function_name"])
    sns = session.client("sns")
    for kind in ("Send", "Delivery", "Bounce", "Complaint", "Reject", "DeliveryDelay", "Rendering Failure"):
        sns.publish(TopicArn=outputs["events_topic_arn"], Message=json.dumps(ses_event(kind, f"metrics-{kind}")))
    sns.publish(TopicArn=outputs["events_topic_arn"], Message="malformed")
    sns.publish(
        TopicArn=outputs["events_topic_arn"], Message=json.dumps({**ses_event("Send"), "eventType": "Teleport"})
    )
    source.drain(max_batches=10, timeout=60)
    outage = ses_event("Bounce", "metrics-outage", feedbackId="fb-metrics-outage")
    sns.publish(TopicArn=outputs["events_topic_arn"], Message=json.dumps(outage))
    during_outage = LocalEventSource(
        session, config["events_queue_url"], config["events_function_name"], build=during_an_outage
    )
    during_outage.drain(max_batches=10, timeout=60)  # EventProcessingErrors
    ours = emitted_metrics(source.log_path.read_text())

    cloudwatch = session.client("cloudwatch")
    dashboard = json.loads(cloudwatch.get_dashboard(DashboardName=outputs["dashboard_name"])["DashboardBody"])
    every_alarm = cloudwatch.describe_alarms(AlarmNamePrefix="ses-smtp-local-")["MetricAlarms"]
    # examples/local receives mail: receiving's one dead-letter alarm is counted in docs/receiving.md's
    # costs; README's idle-cost table (examples/complete, receiving off) counts the others.
    receiving = [a for a in every_alarm if a["AlarmName"] == f"{outputs['forwarding_function_name']}-dead-letters"]
    assert len(receiving) == 1
    alarms = [alarm for alarm in every_alarm if alarm not in receiving]
    shown = referenced(dashboard)
    # Four past CloudWatch's always-free ten alarm metrics (credentials-need-attention, senders-over-limit,
    # send-quota-warning and -critical; README's cost table says so); dashboards stay within 50 metrics.
    assert len(alarms) == 14
    lines = sum(series for *_, series in shown)
    assert lines <= 50
    readme = (REPO_ROOT / "README.md").read_text()
    # The report widget is receiving's (examples/local receives; README's examples/complete does not).
    reports = [w for w in dashboard["widgets"] if w["properties"].get("title", "").startswith("DMARC and TLS")]
    idle_lines = lines - sum(len(widget["properties"]["metrics"]) for widget in reports)
    # The report function publishes these (tests/integration/test_reports_on_local_stack.py), not the events.
    report_metrics = {metric[1] for widget in reports for metric in widget["properties"]["metrics"]}
    assert f"| {len(alarms)} CloudWatch alarms" in readme and f"dashboard, at most {idle_lines} metrics" in readme, (
        f"README's cost table states other counts than the module has: {len(alarms)} alarms, {idle_lines} lines"
    )
    used = {(namespace, name) for namespace, name, _, _ in shown}
    used |= {(alarm["Namespace"], alarm["MetricName"]) for alarm in every_alarm}
    for namespace, name in used - {("SesSmtp", name) for _, name, _, _ in shown}:
        assert name in {"AWS/SES": SES_METRICS, **SERVICE_METRICS}.get(namespace, set()), f"{namespace}/{name}"
    # Ours must match to the dimension: this deployment's service (its name prefix), nobody else's.
    for namespace, name, dimensions, _ in shown:
        if namespace == "SesSmtp" and name not in RETIRE_RUN_METRICS | report_metrics:
            assert dimensions["service"] == "ses-smtp-local"
            assert published(name, dimensions, ours), f"SesSmtp/{name} {dimensions} is shown but never published"


class Unavailable:
    """The table refuses writes, as during an outage: every permanent bounce fails its batch item."""

    def remember(self, event: object, recipient: object) -> bool:
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "outage"}}, "TransactWriteItems")


def during_an_outage(env: Mapping[str, str]) -> LambdaHandler:
    """The events function built as Lambda builds it, but with its recipient history unavailable."""
    app = once(lambda: events_handler.App.from_env(env)._replace(history=lambda: cast(RecipientHistory, Unavailable())))
    return events_handler.make_handler(app, Powertools.from_env(env))


def test_failed_events_wait_in_the_dead_letter_queue_and_are_redriven(
    deployment: TerraformRun,
    emulator_env: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outputs = deployment.outputs()
    config = outputs["admin_config"]
    session = emulator_env.session()
    sqs = session.client("sqs")
    queue, dead_letters = (config["events_queue_url"], config["events_dead_letter_queue_url"])
    sqs.purge_queue(QueueUrl=dead_letters)  # the malformed message of the test above has been looked at
    bounce = ses_event("Bounce", "redrive-1", feedbackId="fb-redrive")
    bounce["bounce"]["bouncedRecipients"][0]["emailAddress"] = "dave@example.net"
    session.client("sns").publish(TopicArn=outputs["events_topic_arn"], Message=json.dumps(bounce))
    source = LocalEventSource(session, queue, config["events_function_name"])

    failing = LocalEventSource(session, queue, config["events_function_name"], build=during_an_outage).drain(
        max_batches=10, timeout=60
    )
    assert (failing.succeeded, failing.failed) == (0, 5)
    assert visible(sqs, dead_letters) == 1

    code = cli.main(
        ["events", "--redrive", "--queue-url", queue, "--dead-letter-queue-url", dead_letters, "--region", "eu-west-1"]
    )
    assert (code, capsys.readouterr().out.strip()) == (
        0,
        "moved 1 messages from the dead-letter queue back to the events queue",
    )
    assert visible(sqs, dead_letters) == 0

    recovered = source.drain(max_batches=10, timeout=60)
    assert (recovered.succeeded, recovered.failed) == (1, 0)
    history = RecipientHistory(session.client("dynamodb"), config["credentials_table_name"])
    summary = next(item for item in history.for_recipient("dave@example.net") if item["sk"] == "summary")
    assert summary["bounces"] == 1, "nothing was lost on the way through the dead-letter queue"
