"""`ses-smtp local up|down|status`: offered by the CLI through the `ses_smtp.commands` entry point.

The admin CLI never imports this package; it finds these commands when the `local` extra is installed.
"""

from __future__ import annotations

import argparse
import json
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from ses_smtp.admin.local_stack import DEFAULT_STATE_FILE, StackState

NEEDS = ("moto", "aiosmtpd")  # the `local` extra


def add_parser(commands: Any) -> None:
    """Add `local` to the CLI's commands; ImportError (naming what is missing) without the `local` extra."""
    missing = [name for name in NEEDS if find_spec(name) is None]
    if missing:
        raise ImportError(f"{' and '.join(missing)} not installed")
    local = commands.add_parser(
        "local",
        help="the whole system on 127.0.0.1, no AWS account needed",
        description="Run the module on a local AWS emulator with a local SES SMTP endpoint (docs/local-stack.md).",
    )
    sub = local.add_subparsers(dest="local_command", required=True, metavar="{up,down,status}")
    up = sub.add_parser("up", help="start the emulator, apply examples/local, start SMTP and the event source")
    up.add_argument("--state-file", default=str(DEFAULT_STATE_FILE), help="where to describe the stack")
    up.add_argument(
        "--max-send-rate",
        type=float,
        default=14.0,
        help="recipients per second before 454 Throttling (SES's default sending rate: %(default)s)",
    )
    up.add_argument("--domain", default="example.com", help="the sending domain to deploy (default: %(default)s)")
    up.add_argument("--detach", action="store_true", help="run in the background; return once the stack is ready")
    up.set_defaults(run=local_up)
    for name, text, run in (
        ("down", "stop a stack started by `ses-smtp local up`", local_down),
        ("status", "say whether a stack runs, and its ports, CA file and log files", local_status),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("--state-file", default=str(DEFAULT_STATE_FILE), help="the stack's state file (default)")
        command.set_defaults(run=run)


def local_up(args: argparse.Namespace) -> str:
    from ses_smtp_local import stack  # the emulator and the SMTP server load only when asked for

    if args.detach:
        text = stack.up_detached(Path(args.state_file), args.max_send_rate, args.domain)
        return described(args, text)
    stack.up(Path(args.state_file), args.max_send_rate, args.domain)
    return stopped(args, "the local stack is stopped; nothing is left running")


def local_down(args: argparse.Namespace) -> str:
    from ses_smtp_local import stack

    return stopped(args, stack.down(Path(args.state_file)))


def local_status(args: argparse.Namespace) -> str:
    from ses_smtp_local import stack

    return described(args, stack.status(Path(args.state_file)))


def described(args: argparse.Namespace, text: str) -> str:
    """A running stack: the text for people, or with --json where everything is (the state file's fields)."""
    if not args.json:
        return text
    state = StackState.load(Path(args.state_file).resolve())
    where = {name: value for name, value in vars(state).items() if name != "outputs"}
    domain = state.outputs.get("admin_config", {}).get("domain")
    return json.dumps({"running": True, "state_file": str(Path(args.state_file).resolve()), "domain": domain, **where})


def stopped(args: argparse.Namespace, text: str) -> str:
    return json.dumps({"running": False, "message": text}) if args.json else text
