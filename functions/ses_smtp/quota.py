"""The account's 24-hour sending quota and the share of it used, from SES API v2 GetAccount.

SES publishes no CloudWatch metric for this quota (AWS/SES has event counts and Reputation.* rates), and
SES refuses mail over it without queueing it: the credentials function reads it on a schedule and
publishes the share used as a metric the send-quota alarms watch; `ses-smtp status` shows the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

UNLIMITED = -1.0  # GetAccount's Max24HourSend for an account without a daily quota


@dataclass(frozen=True)
class SendQuota:
    """The account's 24-hour sending quota and what is used of it, as SES GetAccount gives them."""

    max_24_hour_send: float | None  # -1: unlimited
    sent_last_24_hours: float | None
    max_send_rate: float | None

    @classmethod
    def from_account(cls, account: Mapping[str, Any]) -> SendQuota:
        """GetAccount's answer; its SendQuota is absent for an account SES has not set up yet."""
        quota = account.get("SendQuota") or {}
        return cls(
            max_24_hour_send=quota.get("Max24HourSend"),
            sent_last_24_hours=quota.get("SentLast24Hours"),
            max_send_rate=quota.get("MaxSendRate"),
        )

    @property
    def used(self) -> float | None:
        """The share of the quota used (0.5 is half), or None: unlimited, or not known."""
        maximum, sent = self.max_24_hour_send, self.sent_last_24_hours
        if maximum is None or sent is None or maximum <= 0:
            return None  # -1 is unlimited; 0 would be an account that may not send at all
        return sent / maximum


def read_send_quota(sesv2: SESV2Client) -> SendQuota:
    return SendQuota.from_account(sesv2.get_account())
