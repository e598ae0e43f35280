"""ses-smtp: the administrator's command line."""

from __future__ import annotations

import argparse
import copy
import csv
import io
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from ses_smtp import __version__, render
from ses_smtp.admin import dns_check as dns_check_module
from ses_smtp.admin import health, queues, smtp_check, users
from ses_smtp.admin import local_stack as local_state
from ses_smtp.admin import reports as admin_reports
from ses_smtp.admin.deployment import config_in
from ses_smtp.admin.terraform import TerraformError
from ses_smtp.contract import ENV, MAX_CREDENTIAL_AGE_DAYS, RECIPIENT_PREFIX
from ses_smtp.errors import SesSmtpError
from ses_smtp.events import RecipientHistory
from ses_smtp.store import CredentialStore

COMMAND_PLUGINS = "ses_smtp.commands"  # entry point group: (name, add_parser(commands))


class CliError(Exception):
    """Something the user can fix; printed as one line, exit code 1."""


def deployment_outputs(args: argparse.Namespace) -> dict[str, Any]:
    """The deployment's admin_config: the local stack's (with --local) or the output in --terraform-dir."""
    if args.local_state is not None:
        return dict(args.local_state.deployment_outputs())
    return config_in(args.terraform_dir)


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
    rows = [
        {**item, "recipient": item["pk"].removeprefix(RECIPIENT_PREFIX)} for item in items if item["sk"] != "summary"
    ]
    summaries = [item for item in items if item["sk"] == "summary"]
    text = render.table(
        rows, ["timestamp", "kind", "recipient", "sender", "bounce_type", "complaint_type", "diagnostic"]
    )
    for summary in summaries:
        text += (
            f"\n\n{summary['pk'].removeprefix(RECIPIENT_PREFIX)}: {summary.get('bounces', 0)} bounces, "
            f"{summary.get('complaints', 0)} complaints, "
            f"latest {render.value(summary.get('latest_event'))} at {render.value(summary.get('latest_at'))}"
        )
    return text


def status(args: argparse.Namespace) -> str:
    """The health view: quota, reputation, senders, dead letters, alarms, VDM (ses_smtp.admin.health)."""
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


def reports(args: argparse.Namespace) -> str:
    config = {} if args.table else deployment_outputs(args)
    table = args.table or config.get("credentials_table_name")
    if not table:
        raise CliError("no credentials table: give --table or --terraform-dir of a deployment")
    region = args.region or config.get("region")
    found = admin_reports.summary(boto3.client("dynamodb", region_name=region), str(table), args.days, args.top)
    return json.dumps(found, indent=2) if args.json else admin_reports.for_people(found)


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


def smtp_check_command(args: argparse.Namespace) -> str:
    local = args.local_state
    host = args.host or (local.smtp_host if local else None)
    port = args.port or _local_port(local, args.implicit_tls)
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


def _local_port(local: local_state.StackState | None, implicit_tls: bool) -> int:
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
        credential = users.admin_for(args.terraform_dir, args.local_state, {"region": args.region}).credential(
            args.sender
        )
        return credential.username, credential.password
    if not (username and password):
        raise CliError(
            "no SMTP credentials: give --username and --password, set SES_SMTP_USERNAME and SES_SMTP_PASSWORD, "
            "or --sender NAME to read them like `ses-smtp users show NAME`"
        )
    return username, password


def _local_state(args: argparse.Namespace) -> local_state.StackState | None:
    """With --local, point this process's AWS calls at the stack's emulator."""
    if not args.local or args.command == "local":
        return None
    state = local_state.StackState.load(local_state.resolve_state_file(args.local))
    os.environ.update(state.environment())
    return state


class CheckFailed(Exception):
    """A check ran and found problems: its report is the output, the exit code says which (default 1)."""

    def __init__(self, report: str, exit_code: int = 1) -> None:
        super().__init__(report)
        self.exit_code = exit_code


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="ses-smtp", description="SES SMTP credentials for Gmail and any mail client.")
    root.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = root.add_subparsers(dest="command", required=True)

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
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(run=dns_check)

    history = commands.add_parser(
        "events", help="permanent bounces and complaints, by recipient or sender; redrive failed events"
    )
    history.add_argument("--recipient", help="an address: its history and counts")
    history.add_argument(
        "--sender", help="a sender (its name or IAM user name): every bounce and complaint of its mail, newest first"
    )
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

    admin_reports.add_parser(commands).set_defaults(run=reports)
    health_view = commands.add_parser(
        "status", help="one screen: quota and use, reputation, senders today, dead letters, alarms, VDM"
    )
    health_view.add_argument("--terraform-dir", default=".", help="directory of the deployment (default: current)")
    health_view.set_defaults(run=status)
    add_smtp_check_parser(commands)
    add_plugin_parsers(commands)
    users.add_parser(commands)
    accept_everywhere(root, global_options(), root=True)
    return root


def global_options() -> argparse.ArgumentParser:
    """Options a person may put before or after the subcommand: `ses-smtp --json users list` or `users list --json`."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--local",
        metavar="STATE_FILE",
        default=os.environ.get(local_state.STATE_ENVIRONMENT),
        help=f"use the local stack this state file describes (`ses-smtp local up`; or {local_state.STATE_ENVIRONMENT})",
    )
    options.add_argument("--region", help="AWS region of the deployment (default: from its outputs)")
    options.add_argument("--json", action="store_true", help="machine-readable output")
    return options


def accept_everywhere(parser: argparse.ArgumentParser, options: argparse.ArgumentParser, root: bool = False) -> None:
    """Give every (sub)parser the global options; only the root holds their defaults.

    argparse copies a subparser's defaults over what the root parsed, so below the root each default is
    SUPPRESS: `--json` before the subcommand survives a subcommand that also knows `--json`.
    """
    for option in options._actions:
        known = parser._option_string_actions.get(option.option_strings[0])
        if known is None:
            known = parser._add_action(copy.copy(option))
        if not root:
            known.default = argparse.SUPPRESS
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in set(action.choices.values()):
                accept_everywhere(child, options)


def add_smtp_check_parser(commands: Any) -> None:
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
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(run=smtp_check_command)


def add_plugin_parsers(commands: Any) -> None:
    """Commands other packages offer (`local`, from the local stack's package) through an entry point.

    The CLI never imports the local stack: without its extra, `local` says how to get it.
    """
    found = {plugin.name: plugin for plugin in entry_points(group=COMMAND_PLUGINS)}
    missing = "not installed with this ses-smtp"
    for name, plugin in sorted(found.items()):
        try:
            plugin.load()(commands)
        except ImportError as error:
            add_unavailable(commands, name, str(error))
    if "local" not in found:
        add_unavailable(commands, "local", missing)


def add_unavailable(commands: Any, name: str, why: str) -> None:
    """A command whose package is missing: it parses anything and says how to get it."""
    command = commands.add_parser(name, help=f"(unavailable: {why})", add_help=False)
    command.add_argument("rest", nargs=argparse.REMAINDER)
    command.set_defaults(run=lambda args: _unavailable(name, why))


def _unavailable(name: str, why: str) -> str:
    raise CliError(
        f"`ses-smtp {name}` needs the local stack ({why}): from a checkout of terraform-aws-ses-smtp, "
        "`pip install -e 'functions[local]'` (or `make setup`), then run it from there"
    )


LINE_BREAKS = "\n"  # every other control character is dropped from what the CLI prints (render.printable)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.local_state = _local_state(args)
        print(render.printable(args.run(args), keep=LINE_BREAKS))
    except CheckFailed as report:
        print(render.printable(str(report), keep=LINE_BREAKS))
        return report.exit_code
    except SesSmtpError as error:
        print(render.printable(f"ses-smtp: {with_code(error)}", keep=LINE_BREAKS), file=sys.stderr)
        return 1
    except (CliError, TerraformError) as error:
        print(render.printable(f"ses-smtp: {error}", keep=LINE_BREAKS), file=sys.stderr)
        return 1
    except (BotoCoreError, ClientError) as error:
        print(render.printable(f"ses-smtp: AWS said: {error}", keep=LINE_BREAKS), file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader left (`| head`): end quietly, as other tools do; no flush error on the way out either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for a writer stopped by SIGPIPE
    return 0


def with_code(error: SesSmtpError) -> str:
    """The message with its stable code, once: `no sender named 'carol' [SenderNotFound]`."""
    text = str(error)
    return text if text.endswith("]") else f"{text} [{error.code}]"


if __name__ == "__main__":
    sys.exit(main())
