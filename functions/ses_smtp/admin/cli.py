"""ses-smtp: the administrator's command line.

Builds the argument tree from the command modules (ses_smtp.admin.commands), gives every command the
options a person may put anywhere, runs the chosen command and prints what it returns.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
from collections.abc import Sequence

from botocore.exceptions import BotoCoreError, ClientError

from ses_smtp import __version__, render
from ses_smtp.admin import local_stack as local_state
from ses_smtp.admin.commands import dns, events, plugins, reports, smtp_check, status, users
from ses_smtp.admin.commands.common import CheckFailed, CliError
from ses_smtp.admin.terraform import TerraformError
from ses_smtp.errors import SesSmtpError

# In the order `ses-smtp --help` lists them; plugins add `local`.
COMMANDS = (dns, events, reports, status, smtp_check, plugins, users)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="ses-smtp", description="SES SMTP credentials for Gmail and any mail client.")
    root.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = root.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(commands)
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


def accept_everywhere(parser: argparse.ArgumentParser, options: argparse.ArgumentParser, *, root: bool = False) -> None:
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


def _local_state(args: argparse.Namespace) -> local_state.StackState | None:
    """With --local, point this process's AWS calls at the stack's emulator."""
    if not args.local or args.command == "local":
        return None
    state = local_state.StackState.load(local_state.resolve_state_file(args.local))
    os.environ.update(state.environment())
    return state


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
