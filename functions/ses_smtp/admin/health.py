"""`ses-smtp status`: the administrator's health view of a deployment, on one screen.

Each part is read on its own and says "not available" (with why) when the account, the region or the
local emulator cannot answer it, so one missing permission does not hide the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from ses_smtp import render
from ses_smtp.quota import SendQuota
from ses_smtp.store import CredentialStore

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient

Part = dict[str, Any]
QUOTA_WARNING = 0.8  # the share of the 24-hour quota at which the view says "close to the quota"


def not_available(error: Exception) -> Part:
    """Why a part could not be read, in one short line (an emulator's 404 comes as a whole HTML page)."""
    if isinstance(error, ClientError):
        found = error.response.get("Error", {})
        message = str(found.get("Message", "")).strip()
        first = "" if message.startswith("<") else message.splitlines()[0][:120] if message else ""
        return {"available": False, "why": f"{found.get('Code', 'Error')}{': ' + first if first else ''}"}
    return {"available": False, "why": (str(error) or type(error).__name__).splitlines()[0][:120]}


def part(read: Callable[[], Part]) -> Part:
    """One part of the view; an AWS refusal or an unimplemented call becomes "not available"."""
    try:
        return {"available": True, **read()}
    except (ClientError, BotoCoreError, NotImplementedError) as error:  # the last: moto in-process lacks the action
        return not_available(error)


def account(sesv2: SESV2Client, alarm_thresholds: list[float] | None = None) -> Part:
    """The sending quota, the last 24 hours' use and the account's reputation status (SES's own).
    alarm_thresholds: the deployment's send-quota alarm levels ([] off; None: a deployment that predates them)."""
    found = sesv2.get_account()
    quota = SendQuota.from_account(found)
    return {
        "max_24_hour_send": quota.max_24_hour_send,
        "sent_last_24_hours": quota.sent_last_24_hours,
        "quota_used": round(quota.used, 4) if quota.used is not None else None,
        "max_send_rate": quota.max_send_rate,
        "enforcement_status": found.get("EnforcementStatus"),  # HEALTHY, PROBATION or SHUTDOWN
        "sending_enabled": found.get("SendingEnabled"),
        "production_access": found.get("ProductionAccessEnabled"),
        "quota_alarm_thresholds": alarm_thresholds,
    }


def configuration_set(sesv2: SESV2Client, name: str) -> Part:
    """Whether SES still sends for the configuration set (it can pause one), and its reputation metrics."""
    found = sesv2.get_configuration_set(ConfigurationSetName=name)
    reputation = found.get("ReputationOptions", {})
    return {
        "name": name,
        "sending_enabled": found.get("SendingOptions", {}).get("SendingEnabled", True),
        "reputation_metrics_enabled": reputation.get("ReputationMetricsEnabled", False),
        "last_fresh_start": _iso(reputation.get("LastFreshStart")),
    }


def senders(store: CredentialStore, now: datetime, max_age: timedelta) -> Part:
    """Each sender's counts today (the events function's), its state, and keys past the maximum age."""
    usage = store.usage()
    rows, old = [], []
    for sender in sorted(store.senders(), key=lambda found: found.name):
        today = usage.today(sender.iam_user, now)
        rows.append(
            {
                "name": sender.name,
                "status": sender.status,
                "sent_today": today.sent_day,
                "bounces_today": today.bounces,
                "complaints_today": today.complaints,
                "quarantine_reason": sender.quarantine_reason,
            }
        )
        current = sender.current_key
        if current and now - current.created_at > max_age:
            old.append(
                {
                    "sender": sender.name,
                    "access_key_id": current.access_key_id,
                    "age_days": (now - current.created_at).days,
                }
            )
    return {"senders": rows, "keys_past_max_age": old, "max_age_days": max_age.days}


def dead_letters(sqs: SQSClient, queue_url: str) -> Part:
    """Events the events function gave up on (ses-smtp events --redrive sends them back)."""
    found = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])
    return {"waiting": int(found["Attributes"].get("ApproximateNumberOfMessages", 0))}


def alarms(cloudwatch: CloudWatchClient, prefix: str) -> Part:
    """The deployment's alarms now in ALARM (its alarm names start with its name prefix)."""
    found = cloudwatch.describe_alarms(AlarmNamePrefix=f"{prefix}-", StateValue="ALARM")
    firing = [
        {
            "name": alarm["AlarmName"],
            "since": _iso(alarm.get("StateUpdatedTimestamp")),
            "reason": alarm.get("StateReason"),
        }
        for alarm in found.get("MetricAlarms", [])
        if alarm.get("StateValue") == "ALARM"  # the emulator applies only one of the two filters
    ]
    return {"in_alarm": firing}


def recommendations(sesv2: SESV2Client) -> Part:
    """Virtual Deliverability Manager's open recommendations, where the account has VDM."""
    found = sesv2.list_recommendations(Filter={"STATUS": "OPEN"})
    return {
        "open": [
            {
                "type": item.get("Type"),
                "impact": item.get("Impact"),
                "resource": item.get("ResourceArn"),
                "description": item.get("Description"),
            }
            for item in found.get("Recommendations", [])
        ]
    }


def gather(session: Any, outputs: dict[str, Any], now: datetime, max_age: timedelta) -> dict[str, Any]:
    """Every part of the view, each read on its own; outputs: the deployment's admin_config."""
    region = outputs["region"]
    sesv2 = session.client("sesv2", region_name=region)
    store = CredentialStore(session.client("dynamodb", region_name=region), outputs["credentials_table_name"])
    prefix = outputs.get("name_prefix") or str(outputs["credentials_function_name"]).removesuffix("-credentials")
    return {
        "at": now.isoformat(),
        "account": part(lambda: account(sesv2, outputs.get("send_quota_alarm_thresholds"))),
        "configuration_set": part(lambda: configuration_set(sesv2, outputs["configuration_set_name"])),
        "senders": part(lambda: senders(store, now, max_age)),
        "dead_letter_queue": part(
            lambda: dead_letters(session.client("sqs", region_name=region), outputs["events_dead_letter_queue_url"])
        ),
        "alarms": part(lambda: alarms(session.client("cloudwatch", region_name=region), prefix)),
        "vdm_recommendations": part(lambda: recommendations(sesv2)),
    }


def for_people(view: dict[str, Any]) -> str:
    sections = [
        f"ses-smtp status at {render.value(view['at'])}",
        _section("Account", view["account"], _account_lines),
        _section("Configuration set", view["configuration_set"], _configuration_set_lines),
        _section("Alarms in ALARM", view["alarms"], _alarm_lines),
        _section("Dead-letter queue", view["dead_letter_queue"], _dead_letter_lines),
        _section("Senders today (UTC)", view["senders"], _sender_lines),
        _section("VDM recommendations", view["vdm_recommendations"], _recommendation_lines),
    ]
    return "\n\n".join(sections)


def _section(title: str, found: Part, lines: Callable[[Part], list[str]]) -> str:
    body = lines(found) if found.get("available") else [f"not available ({found.get('why')})"]
    return "\n".join([title, *(f"  {line}" for line in body)])


def _account_lines(found: Part) -> list[str]:
    used = found.get("quota_used")
    share = f" ({used:.0%})" if used is not None else ""
    sandbox = " (the sandbox: mail only to verified addresses)" if found.get("production_access") is False else ""
    thresholds = found.get("quota_alarm_thresholds")
    close = thresholds[0] if thresholds else QUOTA_WARNING  # the deployment's warning alarm, where it has one
    warning = "  CLOSE TO THE QUOTA: SES refuses mail over it" if used is not None and used >= close else ""
    return [
        f"sent in the last 24 hours  {_count(found.get('sent_last_24_hours'))} of "
        f"{_count(found.get('max_24_hour_send'))}{share}{warning}",
        *_quota_alarm_line(thresholds),
        f"max send rate              {_count(found.get('max_send_rate'))} per second",
        f"reputation status          {render.value(found.get('enforcement_status'))}",
        f"sending enabled            {render.value(found.get('sending_enabled'))}",
        f"production access          {render.value(found.get('production_access'))}{sandbox}",
    ]


def _quota_alarm_line(thresholds: list[float] | None) -> list[str]:
    """Where the send-quota alarms fire; nothing for a deployment whose admin_config predates them."""
    if thresholds is None:
        return []
    if not thresholds:
        return ["quota alarm                off (send_quota_alarm_enabled = false)"]
    warning, critical = thresholds
    return [f"quota alarm                warning at {warning:.0%}, critical at {critical:.0%} (read every 15 minutes)"]


def _configuration_set_lines(found: Part) -> list[str]:
    return [
        f"{found['name']}: sending enabled {render.value(found.get('sending_enabled'))}, "
        f"reputation metrics {render.value(found.get('reputation_metrics_enabled'))}"
    ]


def _alarm_lines(found: Part) -> list[str]:
    firing = found["in_alarm"]
    return [f"{alarm['name']} since {render.value(alarm['since'])}" for alarm in firing] or ["none"]


def _dead_letter_lines(found: Part) -> list[str]:
    waiting = found["waiting"]
    if not waiting:
        return ["empty"]
    return [f"{waiting} event(s) waiting: fix the cause, then `ses-smtp events --redrive`"]


def _sender_lines(found: Part) -> list[str]:
    table = render.table(
        found["senders"],
        ["name", "status", "sent_today", "bounces_today", "complaints_today", "quarantine_reason"],
        empty="no senders",
    )
    old = [
        f"{key['sender']}: current key {key['age_days']} days old (over {found['max_age_days']}), rotate it"
        for key in found["keys_past_max_age"]
    ]
    return [*table.splitlines(), *(old or [f"no key past {found['max_age_days']} days"])]


def _recommendation_lines(found: Part) -> list[str]:
    return [
        f"{render.value(item['impact'])} {render.value(item['type'])}: {render.value(item['description'])}"
        for item in found["open"]
    ] or ["none open"]


def _count(value: Any) -> str:
    """SES reports counts as doubles: 200.0 reads as 200; -1 is an unlimited quota."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "unlimited" if value == -1 else render.value(value)


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value
