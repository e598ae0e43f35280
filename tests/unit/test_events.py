"""The events function on SES's own payloads (tests/data/ses): every published type and notification,
unknown fields and types, malformed input, AWS errors, duplicates, and no AWS call for the common case."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from botocore.stub import Stubber
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ses_smtp.contract import METRIC_NAMESPACE
from ses_smtp.credentials import Caller
from ses_smtp.events import MalformedEvent, RecipientHistory, UnknownEventType, metric_name, parse_sqs_body
from ses_smtp.handlers import events as events_handler
from ses_smtp.limits import SenderUsage
from ses_smtp_local.simulator import events_for
from tests.unit.aws_world import World
from tests.unit.functions import EventsFunction, RecordingTracer, events_app, tools
from tests.unit.ses_samples import ALL_FILES, EVENT_FILES, detail_key, sample, ses_event, simulated_send, sqs_event

KINDS = list(EVENT_FILES)
BOUNCE_ID = "0102019a2c4e1f77-bounce01-aaaa-4bbb-8ccc-000000000001-000000"
BOUNCE_FEEDBACK = "0102019a2c4f0b1e-4f1d2b6a-7c3e-4e8a-9d21-5b6c7d8e9f01-000000"
COMPLAINT_FEEDBACK = "0102019a2c79aa10-7e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b-000000"


@pytest.fixture
def run(world: World) -> EventsFunction:
    """The events function on the world's table: `run(event)` -> (its answer, its stdout)."""
    return EventsFunction(events_app(world))


@pytest.fixture
def history(run: EventsFunction) -> RecipientHistory:
    return run.history()


def lines(output: str) -> list[str]:
    # Lambda hands CloudWatch one log event per "\n"; str.splitlines() would also split a logged U+0085 or U+2028.
    return output.split("\n")


def log_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines(output) if line.startswith('{"level"')]


def event_lines(output: str) -> list[dict[str, Any]]:
    return [entry for entry in log_lines(output) if entry["message"] == "ses event"]


def counts(output: str) -> dict[str, float]:
    """The SesSmtp counts of the batch's service-only EMF line (the per-sender and bounce-type lines aside)."""
    for line in lines(output):
        if '"_aws"' in line:
            record = json.loads(line)
            if record["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]:
                names = [m["Name"] for m in record["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
                return {name: sum(record[name]) if isinstance(record[name], list) else record[name] for name in names}
    return {}


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_published_sample_is_one_log_line_and_one_count(
    name: str, history: RecipientHistory, run: EventsFunction
) -> None:
    payload = sample(name)
    kind = payload.get("eventType") or payload["notificationType"]
    result, output = run(sqs_event(payload))
    assert result == {"batchItemFailures": []}
    (line,) = event_lines(output)
    assert line["event_type"] == kind
    assert line["correlation_id"] == payload["mail"]["messageId"]
    assert "recipients" not in line, "full addresses are logged only when asked"
    assert counts(output) == {kind.replace(" ", ""): 1}, "one count, under the metric name the dashboard uses"


def test_rendering_failure_is_spelled_as_ses_sends_it_and_counted_as_the_dashboard_names_it(
    history: RecipientHistory, run: EventsFunction
) -> None:
    payload = sample("event-rendering-failure.json")
    assert payload["eventType"] == "Rendering Failure"
    result, output = run(sqs_event(payload))
    assert result == {"batchItemFailures": []}
    assert counts(output) == {"RenderingFailure": 1}
    (line,) = event_lines(output)
    assert line["sender"] == "unknown", "AWS's example carries no caller identity"


def test_permanent_bounces_and_complaints_are_recorded_per_recipient_and_transient_ones_not(
    history: RecipientHistory, run: EventsFunction
) -> None:
    result, _ = run(sqs_event(*(sample(name) for name in ALL_FILES)))
    assert result == {"batchItemFailures": []}

    def summary(address: str) -> dict[str, Any]:
        return next((item for item in history.for_recipient(address) if item["sk"] == "summary"), {})

    assert summary("bob@example.net")["bounces"] == 1, "event publishing's permanent bounce"
    assert summary("dave@example.net")["bounces"] == 2, "with and without a DSN"
    assert summary("frank@example.net") | {"latest_at": ""} == {
        "pk": "recipient#frank@example.net",
        "sk": "summary",
        "bounces": 1,
        "complaints": 2,
        "latest_event": "Complaint",
        "latest_at": "",
        "sender": "ses-smtp-alice",
    }, "one bounce without a DSN, complaints with and without a feedback report; callerIdentity names the sender"
    assert summary("carol@example.org")["complaints"] == 1
    assert summary("suppressionlist@simulator.amazonses.com")["bounces"] == 1
    assert summary("grace@example.net")["bounces"] == 1, "the address, not 'Grace <grace@example.net>'"
    assert history.for_recipient("ooto@simulator.amazonses.com") == [], "an out-of-office reply is transient"
    assert history.for_recipient("erin@example.net") == [], "sent to, never bounced"


def test_bounce_details_are_logged_and_counted(history: RecipientHistory, run: EventsFunction) -> None:
    _, output = run(sqs_event(ses_event("Bounce")))
    (line,) = event_lines(output)
    assert (line["bounce_type"], line["bounce_subtype"]) == ("Permanent", "General")
    assert line["diagnostic_codes"] == ["smtp; 550 5.1.1 user unknown"]
    assert line["from_domain"] == "example.com", "from 'Alice Example <alice@example.com>'"
    assert line["recipient_domains"] == ["example.net"]
    assert '"BounceType":"Permanent"' in output.replace(" ", "")
    assert '"Sender":"ses-smtp-alice"' in output.replace(" ", "")


def test_every_log_line_and_metric_carries_the_deployments_name(world: World) -> None:
    run = EventsFunction(events_app(world), tools("acme-mail"))  # Terraform's POWERTOOLS_SERVICE_NAME: the prefix
    unknown = {**ses_event("Send"), "eventType": "Teleport"}
    _, output = run(sqs_event(ses_event("Send"), ses_event("Bounce"), "garbage", unknown))
    emf = [json.loads(line) for line in lines(output) if '"_aws"' in line]
    assert len(emf) == 3, "per kind, per sender, per bounce type"
    assert {line["service"] for line in emf} == {"acme-mail"}
    dimension_sets = [
        names for line in emf for directive in line["_aws"]["CloudWatchMetrics"] for names in directive["Dimensions"]
    ]
    assert all("service" in names for names in dimension_sets)
    logged = log_lines(output)
    assert {entry["level"] for entry in logged} == {"INFO", "WARNING", "ERROR"}, "events, the unknown, the garbage"
    assert {entry["service"] for entry in logged} == {"acme-mail"}


def test_traces_are_searchable_by_operation_and_sender(world: World) -> None:
    tracer = RecordingTracer()
    run = EventsFunction(events_app(world), tools(tracer=tracer))
    run(sqs_event(ses_event("Send"), ses_event("Delivery")))
    assert tracer.annotations == {"operation": "events", "sender": "ses-smtp-alice"}


def test_complaint_feedback_type_is_logged(history: RecipientHistory, run: EventsFunction) -> None:
    _, output = run(sqs_event(ses_event("Complaint")))
    (line,) = event_lines(output)
    assert line["complaint_feedback_type"] == "abuse"


def test_full_recipients_only_when_enabled(world: World) -> None:
    run = EventsFunction(events_app(world, full_recipients=True))  # Terraform's recipient_address_logging_enabled
    _, output = run(sqs_event(sample("notification-bounce-with-dsn.json")))
    (line,) = event_lines(output)
    assert line["recipients"] == ["dave@example.net"]


def test_deliveries_make_no_aws_call(world: World, history: RecipientHistory, run: EventsFunction) -> None:
    before = len(world.log.calls)
    run(sqs_event(*(ses_event("Delivery", f"d-{i}") for i in range(40))))
    assert world.log.calls[before:] == []


def test_a_batch_of_sends_costs_two_calls_per_sender_not_per_event(
    world: World, history: RecipientHistory, run: EventsFunction
) -> None:
    before = len(world.log.calls)
    run(
        sqs_event(
            *(ses_event("Send", f"m-{i}") for i in range(20)), *(ses_event("Delivery", f"d-{i}") for i in range(20))
        )
    )
    assert world.log.calls[before:] == ["dynamodb:UpdateItem", "dynamodb:GetItem"], "the sender's counts and limits"


def test_permanent_bounces_and_complaints_are_remembered_once(
    world: World, history: RecipientHistory, run: EventsFunction
) -> None:
    before = len(world.log.calls)
    run(sqs_event(ses_event("Bounce"), ses_event("Complaint")))
    calls = world.log.calls[before:]
    assert calls.count("dynamodb:TransactWriteItems") == 2, "one conditional write per recipient event"
    assert len(calls) == 2 + 2, "and the sender's counts and limits, once for the batch"
    run(sqs_event(ses_event("Bounce"), ses_event("Bounce")))  # SQS delivers at least once
    bob = {item["sk"]: item for item in history.for_recipient("bob@example.net")}
    assert bob["summary"]["bounces"] == 1
    assert bob["summary"]["latest_event"] == "Bounce"
    assert bob[f"event#Bounce#{BOUNCE_FEEDBACK}"]["diagnostic"] == "smtp; 550 5.1.1 user unknown"
    assert {item["sk"] for item in history.for_sender("ses-smtp-alice")} == {
        f"event#Bounce#{BOUNCE_FEEDBACK}",
        f"event#Complaint#{COMPLAINT_FEEDBACK}",
    }


def test_a_senders_history_is_newest_first_and_only_theirs(
    world: World, history: RecipientHistory, run: EventsFunction
) -> None:
    run(sqs_event(ses_event("Bounce"), ses_event("Complaint")))
    events = history.for_sender("ses-smtp-alice")
    assert [item["sk"] for item in events] == [
        f"event#Complaint#{COMPLAINT_FEEDBACK}",
        f"event#Bounce#{BOUNCE_FEEDBACK}",
    ]
    assert not {"history_sender", "history_at"} & set(events[0]), "index keys are not part of the record"
    assert history.for_sender("ses-smtp-bob") == []


def test_a_transient_bounce_is_not_remembered(world: World, history: RecipientHistory, run: EventsFunction) -> None:
    result, output = run(sqs_event(ses_event("Bounce", bounceType="Transient", feedbackId="fb-transient")))
    assert result == {"batchItemFailures": []}
    assert counts(output) == {"Bounce": 1}
    assert history.for_recipient("bob@example.net") == []


def test_a_malformed_record_fails_alone_with_an_error_line_and_its_own_count(
    history: RecipientHistory, run: EventsFunction
) -> None:
    result, output = run(sqs_event(ses_event("Send"), "not json", {"eventType": "Send"}, ses_event("Delivery")))
    assert result == {"batchItemFailures": [{"itemIdentifier": "sqs-1"}, {"itemIdentifier": "sqs-2"}]}
    errors = [entry for entry in log_lines(output) if entry["level"] == "ERROR"]
    assert [(entry["message"], entry["sqs_message_id"]) for entry in errors] == [
        ("malformed SES event", "sqs-1"),
        ("malformed SES event", "sqs-2"),
    ]
    assert [entry["reason"] for entry in errors] == ["SQS body is not JSON", "SES event without mail.messageId"]
    assert counts(output) == {"Send": 1, "Delivery": 1, "MalformedEvents": 2}


@pytest.mark.parametrize(
    ("field", "kind"), [("eventType", "Teleport"), ("notificationType", "AmazonSnsSubscriptionSucceeded")]
)
def test_an_unknown_event_type_is_a_warning_and_a_count_not_a_failure(
    field: str, kind: str, history: RecipientHistory, run: EventsFunction
) -> None:
    payload = sample("notification-delivery.json")
    payload.pop("notificationType")
    payload[field] = kind
    result, output = run(sqs_event(payload, ses_event("Send")))
    assert result == {"batchItemFailures": []}, "SES adds types: a new one must not end in the dead-letter queue"
    (warning,) = [entry for entry in log_lines(output) if entry["level"] == "WARNING"]
    assert (warning["message"], warning["event_type"]) == ("unknown SES event type skipped", kind)
    assert counts(output) == {"Send": 1, "UnknownEventType": 1}


@pytest.mark.parametrize("code", ["AccessDeniedException", "ThrottlingException"], ids=["permissions", "throttling"])
def test_an_aws_error_is_an_error_line_a_count_of_its_own_and_a_retry(code: str, world: World) -> None:
    client = boto3.client("dynamodb", region_name="eu-west-1")
    with Stubber(client) as stubber:
        stubber.add_client_error("transact_write_items", code, "refused by the test", 400)
        counts_client = boto3.client("dynamodb", region_name="eu-west-1")
        with Stubber(counts_client) as counts_stubber:  # the Send that went through is counted
            counts_stubber.add_response("update_item", {"Attributes": {}})
            counts_stubber.add_response("get_item", {})
            app = events_app(world)._replace(
                history=lambda: RecipientHistory(client, "table"),
                usage=lambda: SenderUsage(counts_client, "table"),
            )
            result, output = EventsFunction(app)(sqs_event(ses_event("Send"), ses_event("Bounce")))
        stubber.assert_no_pending_responses()
    assert result == {"batchItemFailures": [{"itemIdentifier": "sqs-1"}]}, "retried, then the dead-letter queue"
    (error,) = [entry for entry in log_lines(output) if entry["level"] == "ERROR"]
    assert error["message"] == "SES event not processed"
    assert error["correlation_id"] == BOUNCE_ID
    assert f"({code}) when calling the TransactWriteItems operation" in error["exception"], "with the exception"
    assert counts(output) == {"Send": 1, "EventProcessingErrors": 1}, "not counted as a bounce until it is recorded"
    assert [line["event_type"] for line in event_lines(output)] == ["Send"]


def test_a_missing_region_is_an_aws_error_too(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    # Clients are made on first use, as App.from_env makes them: the region is missed inside the record.
    app = events_app(world)._replace(history=lambda: RecipientHistory(boto3.session.Session().client("dynamodb"), "t"))
    result, output = EventsFunction(app)(sqs_event(ses_event("Complaint")))
    assert result == {"batchItemFailures": [{"itemIdentifier": "sqs-0"}]}
    (error,) = [entry for entry in log_lines(output) if entry["level"] == "ERROR"]
    assert "NoRegionError" in error["exception"]
    assert counts(output) == {"EventProcessingErrors": 1}


def test_parse_tells_an_unknown_type_from_what_is_not_an_ses_event() -> None:
    def body(message: Any) -> str:
        return json.dumps({"Type": "Notification", "Message": json.dumps(message)})

    with pytest.raises(UnknownEventType, match="unknown SES event type 'Party'"):
        parse_sqs_body(body({"eventType": "Party"}))
    with pytest.raises(MalformedEvent, match="without eventType or notificationType") as missing:
        parse_sqs_body(body({"mail": {"messageId": "m"}}))
    assert not isinstance(missing.value, UnknownEventType)
    with pytest.raises(MalformedEvent, match="without eventType"):
        parse_sqs_body(body({"eventType": ["Send"]}))
    with pytest.raises(UnknownEventType):
        parse_sqs_body(body({**ses_event("Send"), "eventType": "RenderingFailure"}))  # no AWS source spells it so


# Unknown fields at every level: SES, SNS and SQS add fields; none may change what the function does.
new_keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_:", min_size=1, max_size=12).map(lambda key: "zz" + key)
extra_values = (
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.lists(st.text(max_size=4), max_size=2)
)
extras = st.dictionaries(new_keys, extra_values, max_size=3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(ALL_FILES),
    event=extras,
    mail=extras,
    detail=extras,
    entry=extras,
    envelope=extras,
    record=extras,
    attributes=extras,
)
def test_unknown_fields_at_every_level_change_nothing(
    world: World,
    history: RecipientHistory,
    name: str,
    event: dict[str, Any],
    mail: dict[str, Any],
    detail: dict[str, Any],
    entry: dict[str, Any],
    envelope: dict[str, Any],
    record: dict[str, Any],
    attributes: dict[str, Any],
    run: EventsFunction,
) -> None:
    plain = sample(name)
    payload = {**sample(name), **event}
    payload["mail"].update(mail)
    kind = payload.get("eventType") or payload["notificationType"]
    payload[detail_key(kind)] = {**payload.get(detail_key(kind), {}), **detail}
    for listed in ("bouncedRecipients", "complainedRecipients", "delayedRecipients"):
        for recipient in payload[detail_key(kind)].get(listed, []):
            recipient.update(entry)
    batch = sqs_event(payload)
    (sqs_record,) = batch["Records"]
    sqs_record["body"] = json.dumps({**json.loads(sqs_record["body"]), **envelope})
    sqs_record.update(record)
    sqs_record["attributes"].update(attributes)

    forget_counts(world)
    result, output = run(batch)
    forget_counts(world)
    _, expected = run(sqs_event(plain))
    assert result == {"batchItemFailures": []}
    assert [_stable(line) for line in event_lines(output)] == [_stable(line) for line in event_lines(expected)]
    assert counts(output) == counts(expected)


def forget_counts(world: World) -> None:
    """Delete every sender's day counts, so each run starts from none. Hypothesis's examples share one moto
    world: counts piled up across them would pass the sample sender's limits (SendersOverLimit) and change
    the metrics compared."""
    dynamodb, table = world.client("dynamodb"), world.settings.table_name
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=table,
        ProjectionExpression="pk, sk",
        FilterExpression="begins_with(pk, :usage) AND begins_with(sk, :day)",
        ExpressionAttributeValues={":usage": {"S": "usage#"}, ":day": {"S": "day#"}},
    )
    for page in pages:
        for key in page["Items"]:
            dynamodb.delete_item(TableName=table, Key=key)


def _stable(line: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in line.items() if key not in ("timestamp", "function_request_id")}


def _key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key of a JSON value as a path (a list's items share the path `key[]`); tag names are data."""
    if isinstance(value, dict):
        paths = set()
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths |= {path} | (set() if key == "tags" else _key_paths(child, path))
        return paths
    if isinstance(value, list):
        return set().union(*(_key_paths(item, prefix + "[]") for item in value)) if value else set()
    return set()


def _simulated() -> list[dict[str, Any]]:
    boxes = ("success", "bounce", "complaint", "ooto", "suppressionlist")
    return events_for(simulated_send(*(f"{box}@simulator.amazonses.com" for box in boxes)))


# Which real payload each simulated detail object must match (a captured notification where AWS has none).
SIMULATED_LIKE = {
    ("Send", ""): "event-send.json",
    ("Delivery", ""): "event-delivery.json",
    ("Complaint", ""): "event-complaint.json",
    ("Bounce", "bounce@simulator.amazonses.com"): "event-bounce.json",
    ("Bounce", "ooto@simulator.amazonses.com"): "simulator-ooto-bounce.json",
    ("Bounce", "suppressionlist@simulator.amazonses.com"): "simulator-suppressionlist-bounce.json",
}


def test_the_local_stacks_simulator_events_are_shaped_like_ses_payloads() -> None:
    simulated = _simulated()
    matched = set()
    for event in simulated:
        kind = event["eventType"]
        bounced = [r["emailAddress"] for r in event.get("bounce", {}).get("bouncedRecipients", [])]
        key = (kind, bounced[0] if bounced else "")
        real = sample(SIMULATED_LIKE[key])
        published = sample(EVENT_FILES[kind])
        matched.add(key)
        assert set(event) == set(published), f"{key}: top-level fields"
        assert _key_paths(event["mail"]) == _key_paths(published["mail"]), f"{key}: mail fields"
        detail = detail_key(kind)
        assert _key_paths(event[detail]) == _key_paths(real[detail]), f"{key}: {detail} fields"
        ses_tags = {name for name in published["mail"].get("tags", {}) if name.startswith("ses:")}
        assert ses_tags <= set(event["mail"]["tags"]), f"{key}: SES's own tags"
        assert all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in event["mail"]["tags"].values())
        for field, value in real[detail].items():
            if field in ("bounceType", "bounceSubType", "complaintFeedbackType"):
                assert event[detail][field] == value, f"{key}: {field} as SES spells it"
    assert matched == set(SIMULATED_LIKE), "every simulated outcome was compared"


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
@example(
    batch=[json.dumps({"Type": "Notification", "Message": json.dumps({"eventType": "\u0085"})})], with_good_record=False
)
def test_malformed_bodies_never_escape_and_every_record_is_accounted_for(
    history: RecipientHistory, batch: list[str], with_good_record: bool, run: EventsFunction
) -> None:
    event = sqs_event(*batch, *([ses_event("Send")] if with_good_record else []))
    result, output = run(event)
    failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
    logged = log_lines(output)
    processed = sum(1 for entry in logged if entry["message"] == "ses event")
    skipped = sum(1 for entry in logged if entry["message"] == "unknown SES event type skipped")
    if with_good_record:
        assert "sqs-" + str(len(batch)) not in failed, "the good record still goes through"
    assert processed + skipped + len(failed) == len(event["Records"])
    assert {entry["sqs_message_id"] for entry in logged if entry["level"] == "ERROR"} == failed, "none is silent"


def test_the_cli_shows_a_recipients_history(
    world: World, history: RecipientHistory, capsys: pytest.CaptureFixture[str], run: EventsFunction
) -> None:
    from ses_smtp.admin import cli

    run(sqs_event(ses_event("Bounce")))
    assert cli.main(["events", "--recipient", "bob@example.net", "--table", world.settings.table_name]) == 0
    out = capsys.readouterr().out
    assert "smtp; 550 5.1.1 user unknown" in out
    assert "bob@example.net: 1 bounces, 0 complaints, latest Bounce" in out
    assert cli.main(["events", "--sender", "ses-smtp-alice", "--table", world.settings.table_name, "--json"]) == 0
    assert [item["kind"] for item in json.loads(capsys.readouterr().out)] == ["Bounce"]
    world.credentials().create("alice", ["alice@example.com"], Caller(actor="admin"))
    capsys.readouterr()  # the credentials logic's log lines: it writes to stdout, as in Lambda
    assert cli.main(["events", "--sender", "alice", "--table", world.settings.table_name, "--json"]) == 0
    assert [item["kind"] for item in json.loads(capsys.readouterr().out)] == ["Bounce"], "the sender's name works too"
    assert cli.main(["events", "--table", world.settings.table_name]) == 1
    assert "give --recipient ADDRESS, --sender NAME or --redrive" in capsys.readouterr().err


def test_a_batch_of_only_malformed_records_is_reported_not_raised(
    history: RecipientHistory, run: EventsFunction
) -> None:
    result, output = run(sqs_event("garbage", "{}"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "sqs-0"}, {"itemIdentifier": "sqs-1"}]}
    assert counts(output) == {"MalformedEvents": 2}


@pytest.mark.parametrize("event", [{}, {"Records": []}, {"Records": {}}, []])
def test_an_event_that_is_not_an_sqs_batch_fails_the_invocation_with_what_was_expected(
    event: Any, run: EventsFunction
) -> None:
    with pytest.raises(MalformedEvent, match=r"expected an SQS batch"):
        run(event)


@pytest.mark.parametrize(
    ("dimension", "value", "counts"),
    [
        ("Sender", "ses-smtp-alice", {"Send": 48, "Delivery": 46, "Rendering Failure": 1}),
        ("BounceType", "Permanent", {"Bounce": 2}),
    ],
)
def test_a_dimension_line_is_the_one_powertools_writes(dimension: str, value: str, counts: dict[str, int]) -> None:
    ours, theirs = io.StringIO(), io.StringIO()
    with redirect_stdout(ours):
        events_handler.publish_by("ses-smtp", dimension, value, counts)
    reference = EphemeralMetrics(namespace=METRIC_NAMESPACE, service="ses-smtp")
    reference.add_dimension(name=dimension, value=value)
    for kind, count in counts.items():
        reference.add_metric(name=metric_name(kind), unit=MetricUnit.Count, value=count)
    with redirect_stdout(theirs):
        reference.flush_metrics()
    line, expected = json.loads(ours.getvalue()), json.loads(theirs.getvalue())
    assert abs(line["_aws"].pop("Timestamp") - expected["_aws"].pop("Timestamp")) < 1000
    assert line == expected
    assert list(line) == list(expected), "the same keys in the same order"


def test_no_dimension_line_when_metrics_are_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    output = io.StringIO()
    with redirect_stdout(output):
        events_handler.publish_by("ses-smtp", "Sender", "ses-smtp-alice", {"Send": 1})
    assert output.getvalue() == ""


def test_the_log_lines_clock_writes_what_isoformat_writes() -> None:
    clock = events_handler.Clock()
    for _ in range(3):  # the first call formats the second, the next ones reuse it
        before = datetime.now(UTC)
        written = clock.now()
        after = datetime.now(UTC)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", written), written
        assert before.replace(microsecond=before.microsecond // 1000 * 1000) <= datetime.fromisoformat(written) <= after
