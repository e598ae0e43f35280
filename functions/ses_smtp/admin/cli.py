"""ses-smtp: the administrator's command line."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from ses_smtp import render
from ses_smtp.admin import dns_check as dns_check_module
from ses_smtp.admin import queues, users
from ses_smtp.admin.terraform import TerraformError, terraform_outputs
from ses_smtp.errors import SesSmtpError
from ses_smtp.events import RecipientHistory


class CliError(Exception):
    """Something the user can fix; printed as one line, exit code 1."""


def dns_records(args: argparse.Namespace) -> str:
    outputs = terraform_outputs(Path(args.terraform_dir))
    if "dns_records" not in outputs:
        raise CliError(f"{args.terraform_dir} has no dns_records output: is it a deployment of terraform-aws-ses-smtp?")
    records: list[dict[str, Any]] = outputs["dns_records"]
    if args.format == "zone":
        return str(outputs["dns_zone_file"]).rstrip("\n")
    if args.format == "json":
        return json.dumps(records, indent=2)
    if args.format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["name", "type", "value", "ttl", "purpose"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return buffer.getvalue().rstrip("\n")
    return render.table(records, ["name", "type", "value", "ttl", "purpose"])


def expected_records(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The records to check, and (from the deployment's outputs) its domain and region if unset."""
    if args.records_file:
        try:
            loaded = json.loads(Path(args.records_file).read_text())
        except (OSError, ValueError) as error:
            raise CliError(f"cannot read {args.records_file}: {error}") from error
        records = loaded.get("value", loaded) if isinstance(loaded, dict) else loaded
    else:
        outputs = terraform_outputs(Path(args.terraform_dir))
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
    resolver = dns_check_module.make_resolver(args.nameserver)

    def progress(findings: list[dns_check_module.Finding], left: float) -> None:
        done = sum(finding.status == dns_check_module.OK for finding in findings)
        print(f"  {done}/{len(findings)} records OK; checking again, {left:.0f}s left", file=sys.stderr, flush=True)

    findings = dns_check_module.wait_until_ok(
        lambda: dns_check_module.check_records(records, resolver), args.wait, progress
    )
    failed = [finding for finding in findings if finding.status != dns_check_module.OK]
    ses = _ses_status(args)
    if args.json:
        text = json.dumps([finding.to_dict() for finding in findings], indent=2)
        if ses:
            text = json.dumps({"records": json.loads(text), "ses": ses}, indent=2)
    else:
        rows = [
            {**finding.to_dict(), "status": finding.status.upper(), "found": " | ".join(finding.found)}
            for finding in findings
        ]
        text = render.table(rows, ["status", "type", "name", "found", "detail"])
        text += f"\n\n{len(findings) - len(failed)} of {len(findings)} records OK"
        if ses:
            text += "\nSES says: " + ", ".join(f"{key} {value}" for key, value in ses.items())
    if failed:
        raise CheckFailed(text)
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


def events(args: argparse.Namespace) -> str:
    if args.redrive:
        return _redrive(args)
    if not (args.recipient or args.sender):
        raise CliError("give --recipient ADDRESS, --sender NAME or --redrive")
    table = args.table or terraform_outputs(Path(args.terraform_dir)).get("credentials_table_name")
    if not table:
        raise CliError("no credentials table: give --table or --terraform-dir of a deployment")
    history = RecipientHistory(boto3.client("dynamodb", region_name=args.region), str(table))
    items = history.for_recipient(args.recipient) if args.recipient else history.for_sender(args.sender)
    if args.json:
        return json.dumps(items, indent=2, default=str)
    if not items:
        return "no permanent bounces or complaints recorded"
    rows = [{**item, "recipient": item["pk"].removeprefix("recipient#")} for item in items if item["sk"] != "summary"]
    summaries = [item for item in items if item["sk"] == "summary"]
    text = render.table(
        rows, ["timestamp", "kind", "recipient", "sender", "bounce_type", "complaint_type", "diagnostic"]
    )
    for summary in summaries:
        text += (
            f"\n\n{summary['pk'].removeprefix('recipient#')}: {summary.get('bounces', 0)} bounces, "
            f"{summary.get('complaints', 0)} complaints, "
            f"latest {summary.get('latest_event')} at {summary.get('latest_at')}"
        )
    return text


def _redrive(args: argparse.Namespace) -> str:
    given = {"events_queue_url": args.queue_url, "events_dead_letter_queue_url": args.dead_letter_queue_url}
    outputs = given if all(given.values()) else {**terraform_outputs(Path(args.terraform_dir)), **given}
    sqs = boto3.client("sqs", region_name=args.region or outputs.get("region"))
    moved = queues.redrive(sqs, outputs["events_dead_letter_queue_url"], outputs["events_queue_url"], args.limit)
    return f"moved {moved} messages from the dead-letter queue back to the events queue"


class CheckFailed(Exception):
    """A check ran and found problems: its report is the output, the exit code is 1."""


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="ses-smtp", description="SES SMTP credentials for Gmail and any mail client.")
    commands = root.add_subparsers(dest="command", required=True)

    dns = commands.add_parser("dns", help="the DNS records the sending domain needs")
    dns_commands = dns.add_subparsers(dest="dns_command", required=True)
    records = dns_commands.add_parser("records", help="print every record to publish")
    records.add_argument("--format", choices=["table", "zone", "json", "csv"], default="table")
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
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(run=dns_check)

    history = commands.add_parser(
        "events", help="permanent bounces and complaints, by recipient or sender; redrive failed events"
    )
    history.add_argument("--recipient", help="an address: its history and counts")
    history.add_argument("--sender", help="a sender's IAM user name: every bounce and complaint of its mail")
    history.add_argument("--terraform-dir", default=".", help="directory of the deployment (default: current)")
    history.add_argument("--table", help="credentials table name (instead of terraform output)")
    history.add_argument("--region", help="AWS region of the deployment")
    history.add_argument("--json", action="store_true", help="machine-readable output")
    history.add_argument(
        "--redrive",
        action="store_true",
        help="move failed events from the dead-letter queue back to the events queue (once the cause is fixed)",
    )
    history.add_argument("--limit", type=int, default=10_000, help="at most this many messages to redrive")
    history.add_argument("--queue-url", help="events queue (instead of terraform output)")
    history.add_argument("--dead-letter-queue-url", help="events dead-letter queue (instead of terraform output)")
    history.set_defaults(run=events)

    users.add_parser(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        print(args.run(args))
    except CheckFailed as report:
        print(report)
        return 1
    except (CliError, TerraformError, SesSmtpError) as error:
        print(f"ses-smtp: {error}", file=sys.stderr)
        return 1
    except (BotoCoreError, ClientError) as error:
        print(f"ses-smtp: AWS said: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
