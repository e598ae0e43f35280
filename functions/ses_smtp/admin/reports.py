"""`ses-smtp reports`: what the DMARC and TLS reports of the last days say.

Reads the summaries the report function stored in the credentials table (a scan of report#... items;
the administrator reads the table with their own permissions) and prints pass rates, the failing
sources that are not this deployment's SES mail, and TLS failures.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import Any

from ses_smtp import render
from ses_smtp.reports import ReportStore, digest

NO_REPORTS = (
    "no DMARC or TLS reports in the last {days} days: receivers send them daily once they see mail from "
    "the domain, to the rua addresses of its DMARC and TLS-RPT records (`ses-smtp dns records`)"
)


def add_parser(commands: Any) -> argparse.ArgumentParser:
    reports: argparse.ArgumentParser = commands.add_parser(
        "reports",
        help="what the DMARC and TLS reports say: pass rates, failing sources, TLS failures",
        description="Summaries of the DMARC aggregate and TLS-RPT reports the report function stored "
        "(receiving_enabled with receiving_reports_enabled).",
    )
    reports.add_argument("--days", type=int, default=7, help="reports whose period ended in the last N days (7)")
    reports.add_argument("--top", type=int, default=20, help="at most this many failing sources (20)")
    reports.add_argument("--terraform-dir", default=".", help="directory of the deployment (default: current)")
    reports.add_argument("--table", help="credentials table name (instead of terraform output)")
    reports.add_argument("--region", help="AWS region of the deployment")
    reports.add_argument("--json", action="store_true", help="machine-readable output")
    return reports


def summary(dynamodb: Any, table: str, days: int, top: int = 20, now: datetime | None = None) -> dict[str, Any]:
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
