"""What the DMARC and TLS reports of the last days say (`ses-smtp reports` prints it).

Reads the summaries the report function stored in the credentials table (a scan of report#... items;
the administrator reads the table with their own permissions) and prints pass rates, the failing
sources that are not this deployment's SES mail, and TLS failures.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ses_smtp import render
from ses_smtp.reports import ReportStore, digest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

NO_REPORTS = (
    "no DMARC or TLS reports in the last {days} days: receivers send them daily once they see mail from "
    "the domain, to the rua addresses of its DMARC and TLS-RPT records (`ses-smtp dns records`)"
)


def summary(
    dynamodb: DynamoDBClient, table: str, days: int, top: int = 20, now: datetime | None = None
) -> dict[str, Any]:
    start = (now or datetime.now(UTC)) - timedelta(days=days)
    return digest(ReportStore(dynamodb, table).since(start), days, top)


def for_people(found: dict[str, Any]) -> str:
    dmarc, tls = found["dmarc"], found["tls"]
    if not dmarc["reports"] and not tls["reports"]:
        return NO_REPORTS.format(days=found["days"])
    ours = dmarc["ours"]
    lines = [
        f"DMARC, last {found['days']} days: {dmarc['reports']} reports, {dmarc['messages']} messages, "
        f"{_percent(dmarc['pass_rate'])} pass",
        f"  our mail (sent through SES): {ours['messages']} messages, {_percent(ours['pass_rate'])} pass",
        f"  {_advice(ours['pass_rate'])}",
        "",
        "Failing sources that are not our SES mail (someone else sending as the domain, or a forgotten tool):",
        render.table(dmarc["failing_sources"], ["source_ip", "header_from", "messages", "reporters"], empty="  none"),
        "",
        f"TLS, last {found['days']} days: {tls['reports']} reports, {tls['successful']} sessions succeeded, "
        f"{tls['failed']} failed",
    ]
    failures = [{"result_type": name, "sessions": count} for name, count in tls["failures"].items()]
    if failures:
        lines.append(render.table(failures, ["result_type", "sessions"]))
    return "\n".join(lines)


READY = 0.995  # a forwarded copy whose signature a list broke may fail: "~100%" in docs/dns.md


def _advice(rate: float | None) -> str:
    if rate is None:
        return "no report has seen our mail yet: nothing to decide"
    if rate < READY:
        return "below ~100%: fix our side (`ses-smtp dns check`) before tightening dmarc_policy"
    return "~100%: after two weeks like this, take the next DMARC step (docs/dns.md, Rolling DMARC out)"


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"
