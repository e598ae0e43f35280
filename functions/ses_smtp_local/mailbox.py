"""Local mailboxes: where mail the local SES sends to an ordinary address arrives, one Maildir per address.

SES hands each message to the recipient's mail host; the local stack has none. So every message the
emulator's SES accepted (raw, or Simple as rotation notices are) for an address outside the mailbox
simulator is written to `<dir>/<address>/`, a
Maildir (read it with `mutt -f`, or Python's `mailbox.Maildir`). Forwarded mail lands there: the demo and
the tests read a person's own mailbox from it, from any process. Development tooling only.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
import shutil
from email.message import EmailMessage
from email.utils import formatdate, getaddresses
from pathlib import Path
from typing import Any

from ses_smtp_local.simulator import SIMULATOR_DOMAIN

ACCOUNT_ID = "123456789012"  # the emulator's account


class LocalMailboxes:
    """Copies what the emulator's SES sent (in this process) into one Maildir per recipient."""

    def __init__(self, directory: Path, region: str) -> None:
        self.directory = directory
        self.region = region
        self._seen = 0

    def empty(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def deliver_new(self) -> int:
        """Write the messages sent since the last call; returns how many copies were written."""
        from moto.ses.models import ses_backends  # the emulator runs in this process

        sent = ses_backends[ACCOUNT_ID][self.region].sent_messages
        new, self._seen = sent[self._seen :], len(sent)
        return sum(self._deliver(message) for message in new)

    def _deliver(self, message: Any) -> int:
        raw = getattr(message, "raw_data", None)
        if raw is None:  # a Simple send (rotation notices): SES would build the message from its parts
            data, destinations = simple_message(message), simple_destinations(message.destinations)
        else:
            data, destinations = raw.encode("utf-8", "surrogateescape"), message.destinations
        written = 0
        self.directory.mkdir(parents=True, exist_ok=True)  # Maildir creates its own folder, not its parents
        for address in recipients(destinations):
            if address.rpartition("@")[2] != SIMULATOR_DOMAIN:
                mailbox.Maildir(self.directory / address, create=True).add(data)
                written += 1
        return written


def simple_destinations(destinations: Any) -> list[str]:
    """A Simple send's To, Cc and Bcc, as the emulator keeps them (a dict of lists)."""
    if not isinstance(destinations, dict):
        return list(destinations or [])
    return [
        address for field in ("ToAddresses", "CcAddresses", "BccAddresses") for address in destinations.get(field, [])
    ]


def simple_message(message: Any) -> bytes:
    """The text message SES builds from a Simple send's From, To, Subject and body (the emulator keeps parts)."""
    built = EmailMessage()
    built["From"] = message.source
    built["To"] = ", ".join(simple_destinations(message.destinations))
    built["Subject"] = message.subject
    built["Date"] = formatdate(usegmt=True)
    built["Message-ID"] = f"<{message.id}@email.amazonses.com>"
    built.set_content(message.body)
    return built.as_bytes()


def recipients(destinations: Any) -> list[str]:
    """Lower-case addresses from SES's destinations (a list of addresses, or of headers' values)."""
    values = destinations if isinstance(destinations, list) else [destinations]
    return sorted({address.lower() for _, address in getaddresses([str(v) for v in values]) if "@" in address})


def read(directory: Path, address: str) -> list[EmailMessage]:
    """The messages in one address's local mailbox, oldest first (none when nothing arrived)."""
    folder = directory / address.lower()
    if not folder.exists():
        return []
    box = mailbox.Maildir(folder, create=False)
    ordered = sorted(box.iterkeys(), key=lambda key: (box.get_message(key).get_date(), key))
    return [_parsed(box.get_bytes(key)) for key in ordered]


def _parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # policy.default parses to EmailMessage
    return message
