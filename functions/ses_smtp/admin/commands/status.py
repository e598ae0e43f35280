"""`ses-smtp status`: one screen of the deployment's health (ses_smtp.admin.health)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from ses_smtp.admin import health
from ses_smtp.admin.commands.common import deployment_outputs
from ses_smtp.contract import ENV, MAX_CREDENTIAL_AGE_DAYS


def add_parser(commands: Any) -> None:
    view = commands.add_parser(
        "status", help="one screen: quota and use, reputation, senders today, dead letters, alarms, VDM"
    )
    view.add_argument("--terraform-dir", default=".", help="directory of the deployment (default: current)")
    view.set_defaults(run=status)


def status(args: argparse.Namespace) -> str:
    """The health view: quota, reputation, senders, dead letters, alarms, VDM."""
    outputs = deployment_outputs(args)
    region = args.region or outputs.get("region")
    session = boto3.session.Session(region_name=region)
    view = health.gather(session, {**outputs, "region": region}, datetime.now(UTC), _max_age(session, outputs))
    return json.dumps(view, indent=2, default=str) if args.json else health.for_people(view)


def _max_age(session: Any, outputs: dict[str, Any]) -> timedelta:
    """max_credential_age_days as the deployed credentials function has it; the module's default otherwise."""
    try:
        found = session.client("lambda").get_function_configuration(FunctionName=outputs["credentials_function_name"])
        return timedelta(days=float(found["Environment"]["Variables"][ENV.max_credential_age_days]))
    except (ClientError, BotoCoreError, KeyError, ValueError):
        return timedelta(days=MAX_CREDENTIAL_AGE_DAYS)
