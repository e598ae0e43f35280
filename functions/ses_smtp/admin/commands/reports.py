"""`ses-smtp reports`: what the DMARC and TLS reports of the last days say (ses_smtp.admin.reports)."""

from __future__ import annotations

import argparse
import json
from typing import Any

import boto3

from ses_smtp.admin import reports as admin_reports
from ses_smtp.admin.commands.common import CliError, deployment_outputs


def add_parser(commands: Any) -> None:
    reports = commands.add_parser(
        "reports",
        help="what the DMARC and TLS reports say: pass rates, failing sources, TLS failures",
        description="Summaries of the DMARC aggregate and TLS-RPT reports the report function stored "
        "(receiving_enabled with receiving_reports_enabled).",
    )
    reports.add_argument("--days", type=int, default=7, help="reports whose period ended in the last N days (7)")
    reports.add_argument("--top", type=int, default=20, help="at most this many failing sources (20)")
    reports.add_argument("--terraform-dir", default=".", help="directory of the deployment (default: current)")
    reports.add_argument("--table", help="credentials table name (instead of terraform output)")
    reports.set_defaults(run=reports_command)


def reports_command(args: argparse.Namespace) -> str:
    config = {} if args.table else deployment_outputs(args)
    table = args.table or config.get("credentials_table_name")
    if not table:
        raise CliError("no credentials table: give --table or --terraform-dir of a deployment")
    region = args.region or config.get("region")
    found = admin_reports.summary(boto3.client("dynamodb", region_name=region), str(table), args.days, args.top)
    return json.dumps(found, indent=2) if args.json else admin_reports.for_people(found)
