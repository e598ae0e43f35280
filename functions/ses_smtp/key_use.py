"""When a sender's keys were last used, as IAM reports it, and what that tells an administrator.

IAM's GetAccessKeyLastUsed gives the time of the last request made with a key. That a send through
SES's SMTP interface counts is reported by people who run it (femiwiki/femiwiki#528: a key "last used
... against ses-smtp"), not stated in AWS's SES documentation: docs/credentials.md says it is assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ses_smtp.model import Sender

RECENT = timedelta(days=1)  # "used in the last day", and "a day before" the previous key is retired


@dataclass(frozen=True)
class KeyUse:
    """The last use of a sender's current and previous key (None: never, or IAM has no record)."""

    current: datetime | None
    previous: datetime | None

    def old_password_in_use(self, sender: Sender) -> bool | None:
        """Whether the previous key was used after the rotation that replaced it; None without one.

        True means a mail client still has the old password (Gmail keeps the one it was given)."""
        if sender.previous_key is None or sender.current_key is None:
            return None
        return self.previous is not None and self.previous >= sender.current_key.created_at

    @property
    def last_used(self) -> datetime | None:
        return max((moment for moment in (self.current, self.previous) if moment is not None), default=None)

    def last_activity(self, sender: Sender) -> datetime | None:
        """The latest use of any key, or when the current key was issued if none was ever used."""
        if self.last_used is not None:
            return self.last_used
        return sender.current_key.created_at if sender.current_key else None

    def unused_for(self, sender: Sender, now: datetime) -> timedelta | None:
        """How long the sender's keys have gone unused; None for a sender with no key (revoked)."""
        last = self.last_activity(sender)
        return now - last if last is not None else None

    def to_dict(self, sender: Sender) -> dict[str, Any]:
        return {
            "current_last_used_at": _iso(self.current),
            "previous_last_used_at": _iso(self.previous),
            "old_password_in_use": self.old_password_in_use(sender),
        }


def retiring_while_in_use(sender: Sender, use: KeyUse, now: datetime) -> bool:
    """The previous key is retired within a day and was used in the last day: whoever uses it is about to
    get 535 Authentication Credentials Invalid."""
    previous = sender.previous_key
    if previous is None or previous.retire_after is None or use.previous is None:
        return False
    return now < previous.retire_after <= now + RECENT and now - use.previous <= RECENT


def is_unused(sender: Sender, use: KeyUse, now: datetime, days: float) -> bool:
    """No key of the sender was used for `days` (and it has had a key that long): a leaver, perhaps."""
    if sender.status not in ("active", "quarantined"):
        return False
    unused = use.unused_for(sender, now)
    return unused is not None and unused >= timedelta(days=days)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
