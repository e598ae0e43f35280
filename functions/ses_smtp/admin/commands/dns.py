"""`ses-smtp dns records|check`: the records the sending domain needs, printed or checked."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from ses_smtp import render
from ses_smtp.admin import dns_check as dns_check_module
from ses_smtp.admin.commands.common import CheckFailed, CliError, deployment_outputs

COLUMNS = ["name", "type", "value", "ttl", "purpose"]


def add_parser(commands: Any) -> None:
    dns = commands.add_parser(
        "dns",
        help="the DNS records the sending domain needs",
        description="Print the DNS records to publish (records), or query them and say what is wrong (check).",
    )
    dns_commands = dns.add_subparsers(dest="dns_command", required=True, metavar="{records,check}")
    records = dns_commands.add_parser("records", help="print every record to publish")
    records.add_argument(
        "--format",
        choices=["table", "zone", "json", "csv"],
        default="table",
        help="table: for people (default); zone: a BIND zone file to import; json or csv: for tools",
    )
    records.add_argument("--terraform-dir", default=".", help="directory of the deployment (default: current)")
    records.set_defaults(run=dns_records)
    check = dns_commands.add_parser("check", help="query every record and say what is missing, wrong or conflicting")
    check.add_argument("--terraform-dir", default=".", help="directory of the deployment (default: current)")
    check.add_argument("--records-file", help="expected records as JSON (terraform output -json dns_records)")
    check.add_argument("--nameserver", help="ask this server (IP or IP:PORT) instead of the system resolver")
    check.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="keep checking until everything is OK or this many seconds have passed",
    )
    check.add_argument("--domain", help="sending domain, for SES's own status (default: from terraform output)")
    check.add_argument("--region", help="SES region, for SES's own status (default: from terraform output)")
    check.add_argument("--no-ses", action="store_true", help="do not ask SES for its DKIM and MAIL FROM status")
    check.set_defaults(run=dns_check)


def dns_records(args: argparse.Namespace) -> str:
    outputs = deployment_outputs(args)
    if "dns_records" not in outputs:
        raise CliError(f"the admin_config of {args.terraform_dir} has no dns_records: upgrade the module")
    records: list[dict[str, Any]] = outputs["dns_records"]
    if args.format == "zone":
        return str(outputs["dns_zone_file"]).rstrip("\n")
    if args.format == "json" or args.json:
        return json.dumps(records, indent=2)
    if args.format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return buffer.getvalue().rstrip("\n")
    return render.table(records, COLUMNS)


def expected_records(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The records to check, and (from the deployment's outputs) its domain and region if unset."""
    if args.records_file:
        try:
            loaded = json.loads(Path(args.records_file).read_text())
        except (OSError, ValueError) as error:
            raise CliError(f"cannot read {args.records_file}: {error}") from error
        records = loaded.get("value", loaded) if isinstance(loaded, dict) else loaded
    else:
        outputs = deployment_outputs(args)
        records = outputs.get("dns_records")
        args.domain = args.domain or outputs.get("domain")
        args.region = args.region or outputs.get("region")
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and {"name", "type", "value"} <= set(r) for r in records
    ):
        raise CliError(
            "no DNS records to check: give --records-file (terraform output -json dns_records) "
            "or --terraform-dir of a deployment"
        )
    return records


def dns_check(args: argparse.Namespace) -> str:
    records = expected_records(args)
    ses = _ses_status(args)
    records = dns_check_module.follow_ses_dkim(records, ses.get("dkim_signing_hosted_zone"))
    resolver = dns_check_module.make_resolver(args.nameserver)

    def progress(findings: list[dns_check_module.Finding], left: float) -> None:
        done = sum(finding.status == dns_check_module.OK for finding in findings)
        print(f"  {done}/{len(findings)} records OK; checking again, {left:.0f}s left", file=sys.stderr, flush=True)

    findings = dns_check_module.wait_until_ok(
        lambda: dns_check_module.check_records(records, resolver), args.wait, progress
    )
    failed = [finding for finding in findings if finding.status != dns_check_module.OK]
    if args.wait:  # SES's status may have moved on while DNS propagated
        ses = _ses_status(args) or ses
    text = _check_json(findings, ses) if args.json else _check_text(findings, failed, ses)
    if failed:
        raise CheckFailed(text)
    return text


def _check_json(findings: list[dns_check_module.Finding], ses: dict[str, str]) -> str:
    records = [finding.to_dict() for finding in findings]
    return json.dumps({"records": records, "ses": ses} if ses else records, indent=2)


def _check_text(
    findings: list[dns_check_module.Finding], failed: list[dns_check_module.Finding], ses: dict[str, str]
) -> str:
    rows = [
        {**finding.to_dict(), "status": finding.status.upper(), "found": " | ".join(finding.found)}
        for finding in findings
    ]
    text = render.table(rows, ["status", "type", "name", "found", "detail"])
    text += f"\n\n{len(findings) - len(failed)} of {len(findings)} records OK"
    if ses:
        text += "\nSES says: " + ", ".join(f"{key} {value}" for key, value in ses.items())
    return text


def _ses_status(args: argparse.Namespace) -> dict[str, str]:
    """SES's own view, when the domain and region are known and AWS credentials work; else nothing."""
    if args.no_ses or not (args.domain and args.region):
        return {}
    try:
        return dns_check_module.ses_status(args.domain, args.region, boto3.session.Session())
    except (BotoCoreError, ClientError) as error:
        print(f"  (SES status not shown: {error})", file=sys.stderr)
        return {}
