"""Receiving on the emulator: a real SMTP client delivers to the local inbound endpoint, which stores the
message in the emulator's S3 as SES does and runs the forwarding handler, as deployed (environment,
Powertools), with SES's receiving event; forwarded copies are read back from the emulator's SES.

The endpoint is not yet started by `ses-smtp local up`: these tests start it beside the emulator.
"""

from __future__ import annotations

import email
import email.policy
import io
import smtplib
from collections.abc import Iterator
from contextlib import redirect_stdout
from email.message import EmailMessage
from typing import Any

import pytest

from ses_smtp.admin.deployment import LocalContext
from ses_smtp.admin.environment import temporary_environment
from ses_smtp.credentials import Caller
from ses_smtp.handlers import forwarding as forwarding_handler
from ses_smtp.wiring import build_credentials
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.inbound import EICAR, GTUBE, InboundEndpoint
from tests.unit.aws_world import create_deployment

pytestmark = pytest.mark.integration
BUCKET = "ses-smtp-rx-123456789012-eu-west-1"
ALICE_HOME = "alice.personal@gmail.com"


@pytest.fixture(scope="module")
def deployment(emulator: Emulator) -> Iterator[dict[str, str]]:
    """The receiving side beside the worker's deployment, in the same emulator: removed afterwards, so
    that the files after it find the emulator as the deployment left it."""
    with temporary_environment(emulator.environment()):
        settings = create_deployment()
        session = emulator.session()
        credentials = build_credentials(settings, session)
        credentials.create("alice", ["alice@example.com"], Caller("admin"))
        credentials.update("alice", Caller("admin"), ALICE_HOME)
        s3 = session.client("s3")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        sesv2 = session.client("sesv2")
        created_identity = "example.com" not in {
            i["IdentityName"] for i in sesv2.list_email_identities()["EmailIdentities"]
        }
        if created_identity:
            sesv2.create_email_identity(EmailIdentity="example.com")
        yield {
            "BUCKET_NAME": BUCKET,
            "TABLE_NAME": settings.table_name,
            "DOMAIN": "example.com",
            "UNKNOWN_RECIPIENT": "drop",
            "POWERTOOLS_SERVICE_NAME": "ses-smtp",
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
        credentials.delete("alice", Caller("admin"))
        for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            s3.delete_object(Bucket=BUCKET, Key=item["Key"])
        s3.delete_bucket(Bucket=BUCKET)
        if created_identity:
            sesv2.delete_email_identity(EmailIdentity="example.com")
        session.client("dynamodb").delete_table(TableName=settings.table_name)
        iam = session.client("iam")
        iam.delete_group(GroupName=settings.senders_group)
        iam.delete_policy(PolicyArn=settings.permissions_boundary_arn)


@pytest.fixture
def inbound(emulator: Emulator, deployment: dict[str, str]) -> Iterator[InboundEndpoint]:
    log = io.StringIO()
    environment = {**emulator.environment(), **deployment}
    outcomes: list[dict[str, Any]] = []
    handler = forwarding_handler.build(environment)  # as Lambda builds it; its clients made on first use

    def deliver(event: dict[str, Any]) -> None:  # the receipt rule's Lambda action, run here
        with temporary_environment(environment), redirect_stdout(log):
            outcomes.extend(handler(event, LocalContext("ses-smtp-forwarding"))["messages"])

    endpoint = InboundEndpoint(emulator.session().client("s3"), BUCKET, "example.com", deliver)
    endpoint.outcomes = outcomes  # type: ignore[attr-defined]
    with endpoint:
        yield endpoint


def forwarded() -> list[Any]:
    from moto.ses.models import ses_backends  # the emulator runs in this process

    return [m for m in ses_backends["123456789012"]["eu-west-1"].sent_messages if ALICE_HOME in m.destinations]


def send(endpoint: InboundEndpoint, message: EmailMessage, to: list[str] | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", endpoint.port, timeout=120) as client:
        client.send_message(message, from_addr="bob@partner.example", to_addrs=to or ["alice@example.com"])


def mail(subject: str, body: str = "Hello Alice", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Bob Partner <bob@partner.example>"
    message["To"] = "alice@example.com"
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def outcome(endpoint: InboundEndpoint) -> dict[str, Any]:
    return endpoint.outcomes[-1]  # type: ignore[attr-defined,no-any-return]


def test_a_reply_reaches_the_senders_own_mailbox_with_reply_to(inbound: InboundEndpoint) -> None:
    before = len(forwarded())
    send(inbound, mail("Re: our meeting"))
    assert outcome(inbound)["outcome"] == "forwarded"
    copy = email.message_from_string(forwarded()[before].raw_data, policy=email.policy.default)
    assert copy["Subject"] == "Re: our meeting"
    assert copy["Reply-To"] == "bob@partner.example"
    assert copy["From"].addresses[0].addr_spec == "alice@example.com"
    assert copy["From"].addresses[0].display_name == "Bob Partner via alice@example.com"
    stored = inbound.s3.list_objects_v2(Bucket=BUCKET, Prefix="inbound/")["KeyCount"]
    assert stored >= 1, "the message is kept in the bucket, as SES's S3 action keeps it"


@pytest.mark.parametrize(("pattern", "verdict"), [(GTUBE, "spam"), (EICAR, "virus")])
def test_failing_verdicts_are_not_forwarded(inbound: InboundEndpoint, pattern: bytes, verdict: str) -> None:
    before = len(forwarded())
    send(inbound, mail(f"{verdict} test", body=pattern.decode()))
    assert outcome(inbound)["outcome"] == verdict
    assert len(forwarded()) == before


def test_mail_for_an_address_nobody_holds_is_dropped(inbound: InboundEndpoint) -> None:
    before = len(forwarded())
    send(inbound, mail("hello?"), to=["nobody@example.com"])
    assert outcome(inbound)["outcome"] == "unknown"
    assert len(forwarded()) == before


def test_mail_for_another_domain_is_refused(inbound: InboundEndpoint) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(inbound, mail("relay?"), to=["someone@elsewhere.example"])


def test_a_forwarded_message_coming_back_is_not_forwarded_again(inbound: InboundEndpoint) -> None:
    before = len(forwarded())
    send(inbound, mail("looping", X_Ses_Smtp_Forwarded="earlier-id"))
    assert outcome(inbound)["outcome"] == "loop"
    assert len(forwarded()) == before


def test_a_duplicate_delivery_forwards_once(inbound: InboundEndpoint) -> None:
    before = len(forwarded())
    send(inbound, mail("only once"))
    inbound.deliver(inbound.events[-1])  # SES delivers the same event again
    assert (outcome(inbound)["forwarded"], outcome(inbound)["duplicates"]) == (0, 1)
    assert len(forwarded()) == before + 1


def test_a_30_mb_message_is_kept_and_the_person_told(inbound: InboundEndpoint) -> None:
    before = len(forwarded())
    message = mail("the big file")
    # 22.5 MB of file is 30 MB of message once MIME's base64 has encoded it, as SES counts it.
    message.add_attachment(b"\x00" * (45 * 512 * 1024), maintype="application", subtype="octet-stream")
    assert 30 * 1024 * 1024 < len(message.as_bytes()) < 31 * 1024 * 1024
    send(inbound, message)
    assert (outcome(inbound)["forwarded"], outcome(inbound)["too_large"]) == (0, 1)
    notice = email.message_from_string(forwarded()[before].raw_data, policy=email.policy.default)
    assert notice["Subject"] == "Too large to forward: the big file"
    assert "It is kept until" in notice.get_content()
