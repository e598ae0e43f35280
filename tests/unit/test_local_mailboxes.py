"""The local mailboxes: what the emulator's SES sent to ordinary addresses, one Maildir each (moto in-process)."""

from __future__ import annotations

import mailbox
from pathlib import Path

import boto3
from moto import mock_aws

from ses_smtp_local import emulator_gaps
from ses_smtp_local.mailbox import LocalMailboxes, read

REGION = "eu-west-1"


def send(sesv2: object, to: list[str], subject: str) -> None:
    raw = f"From: alice@example.com\r\nTo: {', '.join(to)}\r\nSubject: {subject}\r\n\r\nhello\r\n".encode()
    sesv2.send_email(  # type: ignore[attr-defined]
        FromEmailAddress="alice@example.com", Destination={"ToAddresses": to}, Content={"Raw": {"Data": raw}}
    )


def test_mail_to_ordinary_addresses_lands_in_their_maildirs_once(tmp_path: Path) -> None:
    emulator_gaps.install()
    tmp_path = tmp_path / "stack" / "mailboxes"  # made on the first delivery
    with mock_aws():
        sesv2 = boto3.client("sesv2", region_name=REGION)
        sesv2.create_email_identity(EmailIdentity="example.com")
        boxes = LocalMailboxes(tmp_path, REGION)
        boxes.deliver_new()  # whatever an earlier test sent in this process is not this mailbox's
        send(sesv2, ["Bob@Partner.example", "success@simulator.amazonses.com"], "first")
        send(sesv2, ["bob@partner.example"], "second")
        assert boxes.deliver_new() == 2
        assert boxes.deliver_new() == 0, "each message is delivered once"
    assert [m["Subject"] for m in read(tmp_path, "bob@partner.example")] == ["first", "second"]
    assert not (tmp_path / "success@simulator.amazonses.com").exists(), "the simulator keeps its mail"
    assert len(mailbox.Maildir(tmp_path / "bob@partner.example", create=False)) == 2, "a Maildir any reader opens"
    assert read(tmp_path, "nobody@partner.example") == []


def test_a_simple_send_lands_as_the_text_message_ses_would_build(tmp_path: Path) -> None:
    emulator_gaps.install()
    with mock_aws():
        sesv2 = boto3.client("sesv2", region_name=REGION)
        sesv2.create_email_identity(EmailIdentity="example.com")
        boxes = LocalMailboxes(tmp_path, REGION)
        boxes.deliver_new()
        sesv2.send_email(
            FromEmailAddress="no-reply@example.com",
            Destination={"ToAddresses": ["Kai@Example.com"]},
            Content={
                "Simple": {"Subject": {"Data": "Your mail password was rotated"}, "Body": {"Text": {"Data": "hi"}}}
            },
        )
        assert boxes.deliver_new() == 1
    [notice] = read(tmp_path, "kai@example.com")
    assert (notice["From"], notice["To"], notice["Subject"]) == (
        "no-reply@example.com",
        "Kai@Example.com",
        "Your mail password was rotated",
    )
    assert notice.get_content().strip() == "hi"
