"""Rotation notices: a short plain-text mail to the person when their password was rotated, and a day
before the old one stops working, with what to do in Gmail.

Off unless the deployment turns them on (rotation_notices_enabled), which gives the From address. A
notice never carries a password or a whole key id (its last four characters at most), and a notice that
fails is logged and counted, never a reason for the rotation to fail: the new password is already stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ses_smtp.key_use import RECENT
from ses_smtp.logsafety import function_logger
from ses_smtp.model import Sender

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

logger = function_logger("ses-smtp")

GMAIL_STEPS = (
    "In Gmail: Settings > Accounts > Send mail as > edit info (next to {address}) > Next Step >\n"
    "enter the new Username and Password > Save Changes. Gmail tests them when you save.\n"
    "Other mail clients: replace the SMTP password in the account's outgoing server settings."
)


@dataclass(frozen=True)
class Window:
    """When an old password stops working: the retire run after valid_until retires it, which with a
    rate() schedule is at the latest stops_by (what `rotate` prints too)."""

    valid_until: datetime
    stops_by: datetime | None = None

    def __str__(self) -> str:
        until = f"keeps working until {_when(self.valid_until)}"
        if self.stops_by is None:
            return f"{until} and stops working at the first scheduled run after that"
        return f"{until} and stops working by {_when(self.stops_by)} at the latest"


@dataclass(frozen=True)
class Notice:
    """A mail to a person about their password."""

    to: str
    subject: str
    body: str


def recipient(sender: Sender) -> str | None:
    """Where a notice goes: the sender's forward_to mailbox if set, else its first granted address
    (None for a sender granted only *@domain and no forward_to)."""
    if sender.forward_to:
        return sender.forward_to
    return sender.from_patterns.addresses[0] if sender.from_patterns.addresses else None


def key_hint(access_key_id: str | None) -> str:
    """The end of a key id, enough to tell two user names apart, never the whole id."""
    return f"...{access_key_id[-4:]}" if access_key_id else "(none)"


def rotated_notice(sender: Sender, to: str, old_stops_working: Window) -> Notice:
    address = sender.from_patterns.addresses[0] if sender.from_patterns.addresses else to
    body = (
        f"Your SMTP password for sending as {address} was rotated.\n\n"
        f"Your administrator has a new user name (ending {key_hint(_current_id(sender))}) and password for you:\n"
        "ask them for it (this mail never contains one).\n\n"
        f"The old password {old_stops_working}.\n\n"
        f"{GMAIL_STEPS.format(address=address)}\n"
    )
    return Notice(to, "Your mail password was rotated", body)


def retiring_notice(sender: Sender, to: str, old_stops_working: Window) -> Notice:
    address = sender.from_patterns.addresses[0] if sender.from_patterns.addresses else to
    previous = sender.previous_key.access_key_id if sender.previous_key else None
    body = (
        f"The old SMTP password for sending as {address} (user name ending {key_hint(previous)})\n"
        f"{old_stops_working}.\n\n"
        "If your mail client still uses it, enter the new user name and password now (ask your\n"
        "administrator for them; this mail never contains one), or sending will fail.\n\n"
        f"{GMAIL_STEPS.format(address=address)}\n"
    )
    return Notice(to, "Your old mail password stops working within a day", body)


def retiring_soon(retire_after: datetime | None, now: datetime, run_interval: timedelta | None) -> bool:
    """Whether this retire run is the one to give a day's notice: the first run at or after a day before
    retire_after (runs are run_interval apart). Without a rate() interval no run knows it is the first."""
    if retire_after is None or run_interval is None or now >= retire_after:
        return False
    notice_at = retire_after - RECENT
    return notice_at <= now < notice_at + run_interval


@dataclass
class Notices:
    """Sends notices through SES (API v2 SendEmail) from one address, through the deployment's
    configuration set; remembers how many failed, for the handler's metric."""

    sesv2: SESV2Client
    from_address: str
    configuration_set: str | None = None
    failed: int = 0
    sent: int = 0

    def rotated(self, sender: Sender, old_stops_working: Window) -> bool:
        to = recipient(sender)
        return to is not None and self._send(sender, rotated_notice(sender, to, old_stops_working))

    def retiring(self, sender: Sender, old_stops_working: Window) -> bool:
        to = recipient(sender)
        return to is not None and self._send(sender, retiring_notice(sender, to, old_stops_working))

    def take_counts(self) -> tuple[int, int]:
        """(sent, failed) since the last call: the function is reused while warm."""
        counts, self.sent, self.failed = (self.sent, self.failed), 0, 0
        return counts

    def _send(self, sender: Sender, notice: Notice) -> bool:
        request: dict[str, Any] = {
            "FromEmailAddress": self.from_address,
            "Destination": {"ToAddresses": [notice.to]},
            "Content": {
                "Simple": {
                    "Subject": {"Data": notice.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": notice.body, "Charset": "UTF-8"}},
                }
            },
        }
        if self.configuration_set:
            request["ConfigurationSetName"] = self.configuration_set
        try:
            self.sesv2.send_email(**request)
        except Exception as error:  # any failure: the rotation stands, the notice is counted as failed
            self.failed += 1
            logger.error("rotation notice not sent", sender=sender.name, subject=notice.subject, reason=str(error))
            return False
        self.sent += 1
        logger.info("rotation notice sent", sender=sender.name, subject=notice.subject)
        return True


def _current_id(sender: Sender) -> str | None:
    return sender.current_key.access_key_id if sender.current_key else None


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"
