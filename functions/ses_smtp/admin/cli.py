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

from botocore.exceptions import BotoCoreError, ClientError

from ses_smtp import render
from ses_smtp.admin import users
from ses_smtp.admin.terraform import TerraformError, terraform_outputs
from ses_smtp.errors import SesSmtpError


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


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="ses-smtp", description="SES SMTP credentials for Gmail and any mail client.")
    commands = root.add_subparsers(dest="command", required=True)

    dns = commands.add_parser("dns", help="the DNS records the sending domain needs")
    dns_commands = dns.add_subparsers(dest="dns_command", required=True)
    records = dns_commands.add_parser("records", help="print every record to publish")
    records.add_argument("--format", choices=["table", "zone", "json", "csv"], default="table")
    records.add_argument("--terraform-dir", default=".", help="directory of the deployment (default: current)")
    records.set_defaults(run=dns_records)

    users.add_parser(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        print(args.run(args))
    except (CliError, TerraformError, SesSmtpError) as error:
        print(f"ses-smtp: {error}", file=sys.stderr)
        return 1
    except (BotoCoreError, ClientError) as error:
        print(f"ses-smtp: AWS said: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
