"""`ses-smtp users confirmation`: Gmail's confirmation code and link, read from the stored mail.

The administrator reads the bucket of received mail with their own permissions (s3:GetObject, and
kms:Decrypt through S3 granted to admin_principal_arns); the forwarding function stores nothing but the
message itself.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from ses_smtp.errors import SesSmtpError
from ses_smtp.forwarding import OBJECT_PREFIX

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectTypeDef

NEWEST = 200  # stored messages looked at, newest first
LARGEST = 1_048_576  # bytes; Google's confirmation is a few KB, so larger objects are skipped unread
_CODE = re.compile(r"Confirmation code:\s*(\d{6,12})")
_LINK = re.compile(r"https://mail(?:-settings)?\.google\.com/mail/\S+")


class NoConfirmation(SesSmtpError):
    code = "NoConfirmation"


@dataclass(frozen=True)
class Confirmation:
    sender: str
    address: str
    code: str
    link: str | None
    received_at: str
    subject: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "sender": self.sender,
            "address": self.address,
            "code": self.code,
            "link": self.link,
            "received_at": self.received_at,
            "subject": self.subject,
        }

    def for_people(self) -> str:
        lines = [
            f"Gmail confirmation for {self.address} ({self.sender}), received {self.received_at}:",
            f"  Code  {self.code}",
        ]
        if self.link:
            lines.append(f"  Link  {self.link}")
        lines.append(
            "Type the code into Gmail's 'Confirm verification' window, or open the link signed in as the person."
        )
        return "\n".join(lines)


def latest_confirmation(s3: S3Client, bucket: str, sender: str, addresses: list[str]) -> Confirmation:
    """The newest message from Google with a confirmation code for one of the sender's addresses."""
    wanted = {address.lower() for address in addresses}
    for item in _newest(s3, bucket):
        if item["Size"] > LARGEST:
            continue
        raw = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        found = confirmation_in(raw, wanted)
        if found is not None:
            address, code, link, subject = found
            return Confirmation(sender, address, code, link, item["LastModified"].isoformat(), subject)
    raise NoConfirmation(
        f"no Gmail confirmation for {', '.join(sorted(wanted))} among the newest {NEWEST} received messages: "
        "add the address in Gmail again (Settings > Accounts > Send mail as), then run this again"
    )


def confirmation_in(raw: bytes, addresses: set[str]) -> tuple[str, str, str | None, str] | None:
    """(address, code, link, subject) when raw is Google's confirmation for one of addresses."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    _, sender = email.utils.parseaddr(str(message.get("From", "")))
    if not (sender.lower().endswith("@google.com") or sender.lower().endswith(".google.com")):
        return None
    recipients = {a.lower() for _, a in email.utils.getaddresses([str(v) for v in message.get_all("To", [])])}
    address = next(iter(sorted(recipients & addresses)), None)
    text = _text(message)
    code = _CODE.search(text)
    if address is None or code is None:
        return None
    link = _LINK.search(text)
    return address, code.group(1), link.group(0) if link else None, str(message.get("Subject", ""))


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return str(part.get_content()) if part is not None else ""


def _newest(s3: S3Client, bucket: str) -> list[ObjectTypeDef]:
    items: list[ObjectTypeDef] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=OBJECT_PREFIX):
        items.extend(page.get("Contents", []))
    return sorted(items, key=lambda item: item["LastModified"], reverse=True)[:NEWEST]
