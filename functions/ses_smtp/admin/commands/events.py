"""`ses-smtp events`: permanent bounces and complaints by recipient or sender; redrive failed events."""

from __future__ import annotations

import argparse
import json
from typing import Any

import boto3

from ses_smtp import render
from ses_smtp.admin import queues
from ses_smtp.admin.commands.common import CliError, deployment_outputs
from ses_smtp.contract import PK, RECIPIENT_PREFIX, SK
from ses_smtp.events import RecipientHistory
from ses_smtp.store import CredentialStore


def add_parser(commands: Any) -> None:
    history = commands.add_parser(
        "events", help="permanent bounces and complaints, by recipient or sender; redrive failed events"
    )
    history.add_argument("--recipient", help="an address: its history and counts")
    history.add_argument(
        "--sender", help="a sender (its name or IAM user name): every bounce and complaint of its mail, newest first"
    )
    history.add_argument("--terraform-dir", default=".", help="directory of the deployment (default: current)")
    history.add_argument("--table", help="credentials table name (instead of terraform output)")
    history.add_argument(
        "--redrive",
        action="store_true",
        help="move failed events from the dead-letter queue back to the events queue (once the cause is fixed)",
    )
    history.add_argument("--limit", type=int, default=10_000, help="at most this many messages to redrive")
    history.add_argument("--queue-url", help="events queue (instead of terraform output)")
    history.add_argument("--dead-letter-queue-url", help="events dead-letter queue (instead of terraform output)")
    history.set_defaults(run=events)


def events(args: argparse.Namespace) -> str:
    if args.redrive:
        return _redrive(args)
    if not (args.recipient or args.sender):
        raise CliError("give --recipient ADDRESS, --sender NAME or --redrive")
    table = args.table or deployment_outputs(args).get("credentials_table_name")
    if not table:
        raise CliError("no credentials table: give --table or --terraform-dir of a deployment")
    dynamodb = boto3.client("dynamodb", region_name=args.region)
    history = RecipientHistory(dynamodb, str(table))
    if args.recipient:
        items = history.for_recipient(args.recipient)
    else:
        items = history.for_sender(_iam_user(CredentialStore(dynamodb, str(table)), args.sender))
    if args.json:
        return json.dumps(items, indent=2, default=str)
    if not items:
        return "no permanent bounces or complaints recorded"  # the empty list says so
    return _for_people(items)


def _for_people(items: list[dict[str, Any]]) -> str:
    rows = [{**item, "recipient": item[PK].removeprefix(RECIPIENT_PREFIX)} for item in items if item[SK] != "summary"]
    summaries = [item for item in items if item[SK] == "summary"]
    text = render.table(
        rows, ["timestamp", "kind", "recipient", "sender", "bounce_type", "complaint_type", "diagnostic"]
    )
    for summary in summaries:
        text += (
            f"\n\n{summary[PK].removeprefix(RECIPIENT_PREFIX)}: {summary.get('bounces', 0)} bounces, "
            f"{summary.get('complaints', 0)} complaints, "
            f"latest {render.value(summary.get('latest_event'))} at {render.value(summary.get('latest_at'))}"
        )
    return text


def _iam_user(store: CredentialStore, sender: str) -> str:
    """SES names the IAM user that sent; accept the sender's name too (`alice` for `ses-smtp-alice`)."""
    record = store.get(sender)
    return record.iam_user if record else sender


def _redrive(args: argparse.Namespace) -> str:
    given = {"events_queue_url": args.queue_url, "events_dead_letter_queue_url": args.dead_letter_queue_url}
    given = {name: url for name, url in given.items() if url}  # a flag left out must not hide the output
    outputs = given if len(given) == 2 else {**deployment_outputs(args), **given}
    sqs = boto3.client("sqs", region_name=args.region or outputs.get("region"))
    moved = queues.redrive(sqs, outputs["events_dead_letter_queue_url"], outputs["events_queue_url"], args.limit)
    if args.json:
        return json.dumps({"moved": moved})
    return f"moved {moved} messages from the dead-letter queue back to the events queue"
