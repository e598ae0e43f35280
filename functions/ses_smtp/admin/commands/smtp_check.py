"""`ses-smtp smtp-check`: connect the way a mail client does and say what fails (ses_smtp.admin.smtp_check)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ses_smtp.admin import local_stack, smtp_check, users
from ses_smtp.admin.commands.common import CheckFailed, CliError


def add_parser(commands: Any) -> None:
    codes = "\n".join(f"  {code}  {meaning}" for code, meaning in smtp_check.EXIT_CODES.items())
    check = commands.add_parser(
        "smtp-check",
        help="connect to an SMTP endpoint the way a mail client does and say what fails, and why",
        description="Resolve, connect, STARTTLS or implicit TLS, verify the certificate, AUTH, and optionally "
        "send a test message (to SES's mailbox simulator by default).",
        epilog=f"exit codes:\n{codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("--region", help="SES region: checks email-smtp.<region>.amazonaws.com")
    check.add_argument("--host", help="any SMTP host instead (the local stack with --local)")
    check.add_argument("--port", type=int, help="587 (default), 2587 or 25 use STARTTLS; 465 and 2465 implicit TLS")
    check.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte on any port")
    check.add_argument("--ca-file", help="trust this CA certificate (the local stack's); default: the system's")
    check.add_argument("--username", help="SMTP user name (the access key id); or SES_SMTP_USERNAME")
    check.add_argument("--password", help="SMTP password; or SES_SMTP_PASSWORD (keeps it out of shell history)")
    check.add_argument("--sender", help="read the credentials of this sender, as `ses-smtp users show` does")
    check.add_argument("--terraform-dir", default=".", help="deployment's Terraform directory, for --sender")
    check.add_argument("--from", dest="send_from", help="send a test message from this address")
    check.add_argument("--to", default=smtp_check.SIMULATOR_SUCCESS, help="test recipient (default: %(default)s)")
    check.set_defaults(run=smtp_check_command)


def smtp_check_command(args: argparse.Namespace) -> str:
    local = args.local_state
    host = args.host or (local.smtp_host if local else None)
    port = args.port or _local_port(local, implicit_tls=args.implicit_tls)
    ca_file = args.ca_file or (local.ca_file if local else None)
    region = args.region or (local.region if local else None)
    try:
        target = smtp_check.target_for(region, host, port, ca_file)
    except ValueError as error:
        raise CliError(str(error)) from error
    if args.implicit_tls:
        target.implicit_tls = True
    username, password = _smtp_credentials(args)
    report = smtp_check.check(target, username, password, send_from=args.send_from, send_to=args.to)
    text = json.dumps(report.to_dict(), indent=2) if args.json else report.text()
    if report.exit_code:
        raise CheckFailed(text, report.exit_code)
    return text


def _local_port(local: local_stack.StackState | None, *, implicit_tls: bool) -> int:
    """The local stack's port for the TLS mode asked for; on AWS, smtp_check picks 587 or 465."""
    if local is None:
        return 465 if implicit_tls else 587
    return local.tls_port if implicit_tls else local.starttls_port


def _smtp_credentials(args: argparse.Namespace) -> tuple[str, str]:
    """From --username/--password, SES_SMTP_USERNAME/SES_SMTP_PASSWORD, or `users show --sender`."""
    username = args.username or os.environ.get("SES_SMTP_USERNAME")
    password = args.password or os.environ.get("SES_SMTP_PASSWORD")
    if args.password:
        print(smtp_check.SHELL_HISTORY_WARNING, file=sys.stderr)
    if args.sender:
        admin = users.admin_for(args.terraform_dir, args.local_state, {"region": args.region})
        credential = admin.credential(args.sender)
        return credential.username, credential.password
    if not (username and password):
        raise CliError(
            "no SMTP credentials: give --username and --password, set SES_SMTP_USERNAME and SES_SMTP_PASSWORD, "
            "or --sender NAME to read them like `ses-smtp users show NAME`"
        )
    return username, password
