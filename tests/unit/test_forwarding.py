"""Forwarding received mail, on AWS's published receiving samples (tests/data/ses-receiving) and moto.

The event is the one SES's Lambda action sends; the stored object is the raw message SES's S3 action
writes (AWS publishes it base64 in its SNS-action sample). Forwarded copies are read back from moto's
SES, as SES would send them; the bounce request is checked against SES's own API model (Stubber).
"""

from __future__ import annotations

import contextlib
import copy
import email
import email.policy
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto.ses.models import ses_backends

from ses_smtp.contract import ENV, EXPIRES_AT
from ses_smtp.credentials import Caller
from ses_smtp.forwarding import (
    LOOP_HEADER,
    SES_SEND_LIMIT,
    ForwardedLedger,
    Forwarder,
    Mailbox,
    MalformedEvent,
    SenderMailboxes,
    encoded_size,
    is_loop,
    parse_event,
    rewrite,
    split_message,
)
from ses_smtp.handlers import forwarding as forwarding_handler
from tests.unit.aws_world import REGION, World
from tests.unit.functions import call, tools

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "ses-receiving"
BUCKET = "ses-smtp-rx-123456789012-eu-west-1"
PREFIX = "inbound/"
# The samples' recipient; alice holds it and wants her mail at her own mailbox.
ALICE = "recipient@example.com"
ALICE_HOME = "alice.personal@gmail.com"


def lambda_event() -> dict[str, Any]:
    event: dict[str, Any] = json.loads((SAMPLES / "lambda-action-event.json").read_text())
    return event


def stored_message() -> bytes:
    return (SAMPLES / "received-message.eml").read_bytes()


def with_receipt(event: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    changed["Records"][0]["ses"]["receipt"].update(changes)
    return changed


def message_id(event: dict[str, Any]) -> str:
    return str(event["Records"][0]["ses"]["mail"]["messageId"])


def sent(world: World) -> list[Any]:
    return list(ses_backends["123456789012"][REGION].sent_messages)


@pytest.fixture
def receiving(world: World) -> World:
    """The receiving side of a deployment: the bucket, the domain identity, alice with a forward_to."""
    s3 = world.client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    world.client("sesv2").create_email_identity(EmailIdentity="example.com")
    world.credentials().create("alice", [ALICE, "*@example.com"], Caller("admin"))
    set_forward_to(world, "alice", ALICE_HOME)
    return world


def set_forward_to(world: World, name: str, address: str) -> None:
    world.client("dynamodb").update_item(
        TableName=world.settings.table_name,
        Key={"pk": {"S": f"sender#{name}"}, "sk": {"S": "sender"}},
        UpdateExpression="SET forward_to = :to",
        ExpressionAttributeValues={":to": {"S": address}},
    )


def store(world: World, event: dict[str, Any], raw: bytes) -> None:
    """What SES's S3 action does: the raw message under the prefix and SES's message id."""
    world.client("s3").put_object(Bucket=BUCKET, Key=f"{PREFIX}{message_id(event)}", Body=raw)


def forwarder(world: World, unknown_recipient: str = "drop", ses: Any = None) -> Forwarder:
    dynamodb, table = world.client("dynamodb"), world.settings.table_name
    return Forwarder(
        sesv2=world.client("sesv2"),
        ses=ses or world.client("ses"),
        s3=world.client("s3"),
        bucket=BUCKET,
        object_prefix=PREFIX,
        domain="example.com",
        directory=SenderMailboxes(dynamodb, table),
        ledger=ForwardedLedger(dynamodb, table),
        unknown_recipient=unknown_recipient,
    )


def forward(world: World, event: dict[str, Any], raw: bytes | None = None, **options: Any) -> Any:
    store(world, event, stored_message() if raw is None else raw)
    return forwarder(world, **options).handle(parse_event(event)[0])


# The event


def test_awss_published_lambda_action_event_parses() -> None:
    received = parse_event(lambda_event())[0]
    assert received.message_id == "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000"
    assert received.recipients == (ALICE,)
    assert (received.spam, received.virus) == ("PASS", "PASS")
    assert received.from_header == '"Doe, John" <sender@example.com>'
    assert not received.loop_marked


@pytest.mark.parametrize(
    "event",
    [None, {}, {"Records": []}, {"Records": [{}]}, {"Records": [{"ses": {"mail": {}, "receipt": {}}}]}, []],
)
def test_what_is_not_a_receiving_event_is_a_clear_error(event: Any) -> None:
    with pytest.raises(MalformedEvent):
        parse_event(event)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
        max_leaves=30,
    )
)
def test_malformed_events_only_ever_raise_malformed_event(event: Any) -> None:
    with contextlib.suppress(MalformedEvent):
        parse_event(event)


@pytest.mark.parametrize(
    ("section", "key"),
    [("mail", "messageId"), ("receipt", "recipients"), ("receipt", "spamVerdict"), ("mail", "headers")],
)
def test_a_published_event_with_a_field_broken_fails_clearly(section: str, key: str) -> None:
    event = lambda_event()
    event["Records"][0]["ses"][section][key] = 42
    with pytest.raises(MalformedEvent, match="not an SES receiving record"):
        parse_event(event)


# Forwarding


def test_mail_for_a_granted_address_reaches_forward_to_from_the_senders_own_address(receiving: World) -> None:
    outcome = forward(receiving, lambda_event())
    assert (outcome.outcome, outcome.forwarded) == ("forwarded", 1)
    [copy_] = sent(receiving)
    assert copy_.source == ALICE
    assert ALICE_HOME in copy_.destinations
    message = email.message_from_bytes(copy_.raw_data.encode(), policy=email.policy.default)
    assert message["From"].addresses[0].addr_spec == ALICE
    assert message["From"].addresses[0].display_name == f"sender@example.com via {ALICE}"
    assert message["Reply-To"] == "sender@example.com"
    assert message["Subject"] == "Amazon SES Test"
    assert message[LOOP_HEADER] == message_id(lambda_event())


def test_headers_that_would_break_are_removed_and_the_body_is_byte_for_byte(receiving: World) -> None:
    forward(receiving, lambda_event())
    raw = sent(receiving)[0].raw_data.encode()
    block, _, body = split_message(raw)
    for header in ("DKIM-Signature", "Return-Path", "X-SES-RECEIPT", "X-SES-DKIM-SIGNATURE", "Message-ID", "Sender"):
        assert not re.search(rb"(?im)^" + header.encode() + rb":", block), header
    original_body = split_message(stored_message())[2]
    assert body.replace(b"\r\n", b"\n") == original_body.replace(b"\r\n", b"\n")
    original = email.message_from_bytes(stored_message(), policy=email.policy.default)
    forwarded = email.message_from_bytes(raw, policy=email.policy.default)
    assert [p.get_content() for p in forwarded.walk() if not p.is_multipart()] == [
        p.get_content() for p in original.walk() if not p.is_multipart()
    ]


def test_the_original_senders_name_and_reply_to_are_kept() -> None:
    raw = (
        b"From: =?utf-8?q?Jos=C3=A9_Garc=C3=ADa?= <jose@example.org>\r\n"
        b"Reply-To: Team <team@example.org>\r\nSubject: hola\r\n"
        b"DKIM-Signature: v=1; a=rsa-sha256;\r\n\tb=abc\r\n\r\nhola\r\n"
    )
    forwarded = email.message_from_bytes(
        rewrite(raw, Mailbox("alice", ALICE, ALICE_HOME), "id-1"), policy=email.policy.default
    )
    assert forwarded["From"].addresses[0].display_name == f"José García via {ALICE}"
    assert forwarded["Reply-To"] == "team@example.org"
    assert "DKIM-Signature" not in forwarded
    assert forwarded.get_content().strip() == "hola"


@pytest.mark.parametrize(("verdict", "outcome"), [("spamVerdict", "spam"), ("virusVerdict", "virus")])
def test_failing_verdicts_are_kept_not_forwarded(receiving: World, verdict: str, outcome: str) -> None:
    event = with_receipt(lambda_event(), **{verdict: {"status": "FAIL"}})
    result = forward(receiving, event)
    assert result.outcome == outcome
    assert sent(receiving) == []
    stored = receiving.client("s3").get_object(Bucket=BUCKET, Key=f"{PREFIX}{message_id(event)}")
    assert stored["Body"].read() == stored_message(), "kept in the bucket until it expires"


def test_mail_for_an_address_nobody_holds_is_dropped(receiving: World) -> None:
    event = with_receipt(lambda_event(), recipients=["nobody@example.com"])
    result = forward(receiving, event)
    assert (result.outcome, result.unknown, result.bounced) == ("unknown", 1, False)
    assert sent(receiving) == []


def test_mail_for_an_address_nobody_holds_is_bounced_when_asked(receiving: World) -> None:
    event = with_receipt(lambda_event(), recipients=["nobody@example.com", ALICE])
    ses = boto3.client("ses", region_name=REGION)
    with Stubber(ses) as stub:  # moto has no SendBounce; the stub checks the request against SES's model
        stub.add_response(
            "send_bounce",
            {"MessageId": "bounce-1"},
            {
                "OriginalMessageId": message_id(event),
                "BounceSender": "mailer-daemon@example.com",
                "Explanation": "There is no mailbox for this address.",
                "BouncedRecipientInfoList": [{"Recipient": "nobody@example.com", "BounceType": "DoesNotExist"}],
            },
        )
        result = forward(receiving, event, unknown_recipient="bounce", ses=ses)
        stub.assert_no_pending_responses()
        again = forward(receiving, event, unknown_recipient="bounce", ses=ses)  # no response queued: no call
    assert (result.outcome, result.forwarded, result.bounced) == ("forwarded", 1, True)
    assert (again.bounced, again.duplicates) == (False, 1), "a duplicate event bounces nobody twice"


def test_spam_is_never_bounced(receiving: World) -> None:
    event = with_receipt(lambda_event(), recipients=["nobody@example.com"], spamVerdict={"status": "FAIL"})
    ses = boto3.client("ses", region_name=REGION)
    with Stubber(ses):  # any call would fail: no response is queued
        result = forward(receiving, event, unknown_recipient="bounce", ses=ses)
    assert (result.outcome, result.bounced) == ("spam", False)


def test_a_sender_without_forward_to_or_revoked_gets_nothing_forwarded(receiving: World) -> None:
    receiving.credentials().revoke("alice", Caller("admin"))
    assert forward(receiving, lambda_event()).outcome == "unknown"
    assert sent(receiving) == []


def test_a_catch_all_pattern_is_not_a_mailbox(receiving: World) -> None:
    event = with_receipt(lambda_event(), recipients=["someone-else@example.com"])
    assert forward(receiving, event).outcome == "unknown"


def test_a_message_we_forwarded_is_not_forwarded_again(receiving: World) -> None:
    forward(receiving, lambda_event())
    looped = sent(receiving)[0].raw_data.encode()
    event = copy.deepcopy(lambda_event())
    event["Records"][0]["ses"]["mail"]["messageId"] = "looped-1"
    assert forward(receiving, event, raw=looped).outcome == "loop", "found in the stored message's headers"
    event["Records"][0]["ses"]["mail"]["messageId"] = "looped-2"
    event["Records"][0]["ses"]["mail"]["headers"].append({"name": LOOP_HEADER, "value": "x"})
    assert forward(receiving, event, raw=looped).outcome == "loop", "found in the event's headers"
    assert len(sent(receiving)) == 1


def test_a_duplicate_delivery_forwards_once(receiving: World) -> None:
    first = forward(receiving, lambda_event())
    again = forward(receiving, lambda_event())
    assert (first.forwarded, again.forwarded, again.duplicates) == (1, 0, 1)
    assert len(sent(receiving)) == 1


def test_forwarded_claims_expire_with_the_stored_message(receiving: World) -> None:
    before = datetime.now(UTC)
    dynamodb, table = receiving.client("dynamodb"), receiving.settings.table_name
    ledger = ForwardedLedger(dynamodb, table, kept=timedelta(days=7))
    assert ledger.claim("message-1", ALICE)
    ledger.done("message-1", ALICE)
    item = dynamodb.get_item(TableName=table, Key=ForwardedLedger.key("message-1", ALICE))["Item"]
    assert item["state"]["S"] == "forwarded"
    expires = datetime.fromtimestamp(int(item[EXPIRES_AT]["N"]), UTC)
    assert before + timedelta(days=7) - timedelta(seconds=1) <= expires <= datetime.now(UTC) + timedelta(days=7)


def test_claims_use_the_tables_ttl_attribute() -> None:
    state_tf = (ROOT / "modules" / "state" / "main.tf").read_text()
    # The attribute's name comes from contract.json on both sides (tests/unit/test_contract.py).
    ttl = re.search(r"ttl \{\s*attribute_name = local\.contract\.table\.expires_at\s*enabled\s*= true", state_tf)
    assert ttl is not None, "the credentials table has TTL enabled on the contract's attribute"


def test_the_handler_keeps_claims_as_long_as_the_bucket_keeps_mail() -> None:
    environment = {ENV.table_name: "t", ENV.bucket_name: "b", ENV.domain: "example.com", ENV.retention_days: "9"}
    built = forwarding_handler.forwarder_from_env(environment)  # what the function builds on first use
    assert built.ledger.kept == built.retention == timedelta(days=9)  # type: ignore[attr-defined]


def test_a_failed_send_is_raised_and_forwarded_by_the_retry(receiving: World) -> None:
    event = lambda_event()
    store(receiving, event, stored_message())
    failing = forwarder(receiving)
    sesv2 = boto3.client("sesv2", region_name=REGION)
    failing.sesv2 = sesv2
    with Stubber(sesv2) as stub:
        stub.add_client_error("send_email", "TooManyRequestsException", "Maximum sending rate exceeded.")
        with pytest.raises(ClientError):
            failing.handle(parse_event(event)[0])
    assert sent(receiving) == []
    assert forwarder(receiving).handle(parse_event(event)[0]).forwarded == 1, "Lambda's retry forwards it"


def test_a_30_mb_message_is_kept_and_the_person_told_instead(receiving: World) -> None:
    block, blank, _ = split_message(stored_message())
    attachment = b"A" * 76 + b"\r\n"
    big = block + blank + attachment * (30 * 1024 * 1024 // len(attachment))
    assert len(big) >= 30 * 1024 * 1024 - 100 and encoded_size(big) > SES_SEND_LIMIT
    result = forward(receiving, lambda_event(), raw=big)
    assert (result.forwarded, result.too_large) == (0, 1)
    [notice] = sent(receiving)
    assert ALICE_HOME in notice.destinations
    text = email.message_from_bytes(notice.raw_data.encode(), policy=email.policy.default)
    assert text["Subject"] == "Too large to forward: This is a test"  # the event's subject
    assert "over the 40 MB SES can send" in text.get_content()
    assert len(notice.raw_data) < 4096


def test_a_message_under_the_limit_is_forwarded_whole(receiving: World) -> None:
    block, blank, _ = split_message(stored_message())
    body = (b"B" * 998 + b"\r\n") * (20 * 1024)  # 20 MB: 27 MB encoded
    result = forward(receiving, lambda_event(), raw=block + blank + body)
    assert result.forwarded == 1
    assert split_message(sent(receiving)[0].raw_data.encode())[2].endswith(body[-2000:])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_rewriting_any_bytes_keeps_the_body_and_adds_the_loop_header(raw: bytes) -> None:
    forwarded = rewrite(raw, Mailbox("alice", ALICE, ALICE_HOME), "id-1")
    assert is_loop(split_message(forwarded)[0])
    assert forwarded.endswith(split_message(raw)[2])


# The handler


def test_the_handler_logs_one_line_and_counts_per_message(receiving: World) -> None:
    event = lambda_event()
    store(receiving, event, stored_message())
    built = forwarder(receiving)
    handler = forwarding_handler.make_handler(lambda: built, tools("acme-mail"))  # Terraform's service name
    response, output = call(handler, event, "ses-smtp-forwarding")
    assert response["messages"][0]["outcome"] == "forwarded"
    lines = [json.loads(line) for line in output.split("\n") if line.startswith("{")]
    logged = [line for line in lines if line.get("message") == "received mail"]
    assert len(logged) == 1 and logged[0]["correlation_id"] == message_id(event)
    assert ALICE_HOME not in json.dumps(logged), "the person's own address is not logged"
    emf = [line for line in lines if "_aws" in line]
    assert emf and all(line["service"] == "acme-mail" for line in emf)
    metric_names = {m["Name"] for line in emf for d in line["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
    assert {"Received", "Forwarded"} <= metric_names
    assert all(line["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "SesSmtp" for line in emf)


def test_receiving_regions_are_smtp_regions_read_by_terraform() -> None:
    listed = json.loads((ROOT / "functions" / "ses_smtp" / "receiving_regions.json").read_text())
    smtp = json.loads((ROOT / "functions" / "ses_smtp" / "smtp_regions.json").read_text())["regions"]
    assert listed["regions"] == sorted(listed["regions"])
    assert set(listed["regions"]) < set(smtp)
    assert not {"us-gov-east-1", "us-gov-west-1", "ap-south-2", "eu-central-2", "me-central-1"} & set(listed["regions"])
    assert listed["source"] and listed["checked"]
    assert 'file("${path.module}/functions/ses_smtp/receiving_regions.json")' in (ROOT / "main.tf").read_text()
