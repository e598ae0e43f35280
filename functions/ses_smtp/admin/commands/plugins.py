"""Commands other packages offer (`local`, from the local stack's package) through an entry point.

The CLI never imports the local stack: without its extra, `local` says how to get it.
"""

from __future__ import annotations

import argparse
from importlib.metadata import entry_points
from typing import Any

from ses_smtp.admin.commands.common import CliError

GROUP = "ses_smtp.commands"  # entry point group: (name, add_parser(commands))


def add_parser(commands: Any) -> None:
    """Every plugin's commands, and `local` saying how to get it when its package is missing."""
    found = {plugin.name: plugin for plugin in entry_points(group=GROUP)}
    for name, plugin in sorted(found.items()):
        try:
            plugin.load()(commands)
        except ImportError as error:
            add_unavailable(commands, name, str(error))
    if "local" not in found:
        add_unavailable(commands, "local", "not installed with this ses-smtp")


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
