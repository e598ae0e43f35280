"""Per-sender limits: how much one person may send, counted from SES's events, and what passing them does.

SES has only account-wide quotas and reputation; one leaked password or one mail merge can use up both
for everyone. Each sender gets a recipients-per-hour and per-day limit (recipients, as SES counts sends)
and a bounce-rate and complaint-rate ceiling that applies once the day's volume reaches a minimum.

Counts live in the credentials table, one item per sender and UTC day (`usage#<IAM user>`, `day#<date>`),
with the current hour's sends in an attribute of its own and a TTL that removes the item two days later.
The events function adds a batch's counts with one UpdateItem per sender (ADD is atomic, so concurrent
batches never lose a count) and reads the sender's own limits (`usage#<IAM user>`, `limits`, written by
the credentials function) with one GetItem. Mail SES has already accepted is not recalled: a limit stops
what comes after it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from ses_smtp.contract import ENV, EXPIRES_AT, PK, SK, USAGE_PREFIX
from ses_smtp.errors import InvalidRequest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

WARNING_SHARE = 0.9  # a warning at 90% of a limit
USAGE_KEPT = timedelta(days=2)  # the TTL of a day's counts
LIMITS_SK = "limits"


class LimitAction(StrEnum):
    """What the events function does when a sender goes past a limit (Terraform's sender_limit_action)."""

    ALERT = "alert"
    QUARANTINE = "quarantine"


def usage_pk(iam_user: str) -> str:
    return f"{USAGE_PREFIX}{iam_user}"


def day_sk(moment: datetime) -> str:
    return f"day#{moment:%Y-%m-%d}"


def hour_attribute(moment: datetime) -> str:
    return f"sent_h{moment:%H}"


class Limits(NamedTuple):
    """A sender's limits; the module's defaults, with any of them overridden per sender."""

    per_hour: int = 100
    per_day: int = 500
    max_bounce_rate: float = 0.05
    max_complaint_rate: float = 0.01
    min_volume: int = 20  # the rates count from this many recipients in a day

    @classmethod
    def parse(cls, values: Mapping[str, Any], base: Limits | None = None) -> Limits:
        """base with the given values (None = keep base's); raises InvalidRequest naming a bad one."""
        base = base or cls()
        known = set(cls._fields)
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidRequest(f"unknown limit(s) {', '.join(unknown)}: use {', '.join(sorted(known))}")
        changes: dict[str, Any] = {name: _checked(name, value) for name, value in values.items() if value is not None}
        return base._replace(**changes)

    @classmethod
    def defaults_from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        """The module's defaults (Terraform's SENDER_LIMITS, JSON), or the built-in ones without it."""
        text = (os.environ if env is None else env).get(ENV.sender_limits, "")
        return cls.parse(json.loads(text)) if text else cls()

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


def _checked(name: str, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRequest(f"limit {name} must be a number, not {value!r}")
    if name in ("max_bounce_rate", "max_complaint_rate"):
        if not 0 < value <= 1:
            raise InvalidRequest(f"limit {name} is a fraction between 0 and 1 (0.05 is 5%), not {value}")
        return float(value)
    if value != int(value) or value < 1:
        raise InvalidRequest(f"limit {name} must be a whole number of at least 1, not {value}")
    return int(value)


class Usage(NamedTuple):
    """A sender's counts so far today (UTC) and in the current hour: recipients sent, hard bounces, complaints."""

    sent_hour: int = 0
    sent_day: int = 0
    bounces: int = 0
    complaints: int = 0


class Verdict(NamedTuple):
    """Which of a sender's limits are passed, and which are close."""

    over: tuple[str, ...]  # limits passed, each as a sentence
    near: tuple[str, ...]  # limits at 90% or more, not passed


def judge(usage: Usage, limits: Limits) -> Verdict:
    """Which limits usage has passed, and which it is close to."""
    over: list[str] = []
    near: list[str] = []
    checks: list[tuple[float, float, str]] = [
        (usage.sent_hour, limits.per_hour, "recipients this hour"),
        (usage.sent_day, limits.per_day, "recipients today (UTC)"),
    ]
    if usage.sent_day >= limits.min_volume:
        checks += [
            (usage.bounces / usage.sent_day, limits.max_bounce_rate, "bounce rate today"),
            (usage.complaints / usage.sent_day, limits.max_complaint_rate, "complaint rate today"),
        ]
    for value, limit, what in checks:
        shown = f"{value:.1%} > {limit:.1%}" if "rate" in what else f"{value:.0f} > {limit:.0f}"
        if value > limit:
            over.append(f"{what}: {shown}")
        elif value >= WARNING_SHARE * limit:
            near.append(f"{what}: {shown.replace('>', 'of')}")
    return Verdict(tuple(over), tuple(near))


class SenderState(NamedTuple):
    """What the events function reads of a sender: its limits and whether it is already quarantined."""

    limits: Limits
    quarantined: bool = False


class SenderUsage:
    """The usage and limits items of senders, in the credentials table."""

    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._db = dynamodb
        self._table = table_name

    def add(self, iam_user: str, counts: Usage, now: datetime) -> Usage:
        """Add one batch's counts (sent_day is the batch's sends) and return the totals so far: one UpdateItem."""
        hour = hour_attribute(now)
        totals = self._db.update_item(
            TableName=self._table,
            Key={PK: {"S": usage_pk(iam_user)}, SK: {"S": day_sk(now)}},
            UpdateExpression="ADD sent :sent, #hour :sent, bounces :bounces, complaints :complaints "
            "SET #expires = if_not_exists(#expires, :expires)",
            ExpressionAttributeNames={"#hour": hour, "#expires": EXPIRES_AT},
            ExpressionAttributeValues={
                ":sent": {"N": str(counts.sent_day)},
                ":bounces": {"N": str(counts.bounces)},
                ":complaints": {"N": str(counts.complaints)},
                ":expires": {"N": str(int((now + USAGE_KEPT).timestamp()))},
            },
            ReturnValues="ALL_NEW",
        )["Attributes"]
        return _usage(totals, hour)

    def today(self, iam_user: str, now: datetime) -> Usage:
        item = self._db.get_item(
            TableName=self._table, Key={PK: {"S": usage_pk(iam_user)}, SK: {"S": day_sk(now)}}
        ).get("Item", {})
        return _usage(item, hour_attribute(now))

    def state(self, iam_user: str, defaults: Limits) -> SenderState:
        """The sender's own limits over the defaults (one GetItem); defaults for a sender without any."""
        item = self._db.get_item(TableName=self._table, Key={PK: {"S": usage_pk(iam_user)}, SK: {"S": LIMITS_SK}}).get(
            "Item"
        )
        if item is None:
            return SenderState(defaults)
        overrides = json.loads(item.get("overrides", {}).get("S", "{}"))
        return SenderState(Limits.parse(overrides, defaults), item.get("quarantined", {}).get("BOOL", False))

    @staticmethod
    def state_item(iam_user: str, overrides: Mapping[str, Any], *, quarantined: bool) -> dict[str, Any]:
        """The item state() reads; the credentials store writes it with every change of the sender."""
        return {
            PK: {"S": usage_pk(iam_user)},
            SK: {"S": LIMITS_SK},
            "overrides": {"S": json.dumps(dict(overrides), sort_keys=True)},
            "quarantined": {"BOOL": quarantined},
        }

    def reset_today(self, iam_user: str, now: datetime) -> None:
        """Forget today's counts (a release starts counting afresh, or the next batch would quarantine again)."""
        self._db.delete_item(TableName=self._table, Key={PK: {"S": usage_pk(iam_user)}, SK: {"S": day_sk(now)}})

    def forget(self, iam_user: str, now: datetime) -> None:
        """A deleted sender's items."""
        for sk in (LIMITS_SK, day_sk(now), day_sk(now - timedelta(days=1))):
            self._db.delete_item(TableName=self._table, Key={PK: {"S": usage_pk(iam_user)}, SK: {"S": sk}})


def _usage(item: Mapping[str, Any], hour: str) -> Usage:
    def number(name: str) -> int:
        return int(item.get(name, {}).get("N", "0"))

    return Usage(number(hour), number("sent"), number("bounces"), number("complaints"))
