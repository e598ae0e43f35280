"""Local mailboxes: where mail the local SES sends to an ordinary address arrives, one Maildir per address.

SES hands each message to the recipient's mail host; the local stack has none. So every message the
emulator's SES accepted for an address outside the mailbox simulator is written to `<dir>/<address>/`, a
Maildir (read it with `mutt -f`, or Python's `mailbox.Maildir`). Forwarded mail lands there: the demo and
the tests read a person's own mailbox from it, from any process. Development tooling only.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
import shutil
from email.message import EmailMessage
from email.utils import getaddresses
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
        if raw is None:  # only raw sends reach the local stack (SMTP and forwarding both send raw)
            return 0
        written = 0
        self.directory.mkdir(parents=True, exist_ok=True)  # Maildir creates its own folder, not its parents
        for address in recipients(message.destinations):
            if address.rpartition("@")[2] != SIMULATOR_DOMAIN:
                mailbox.Maildir(self.directory / address, create=True).add(raw.encode("utf-8", "surrogateescape"))
                written += 1
        return written


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
