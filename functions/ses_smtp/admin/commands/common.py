"""What the commands share: the errors main() prints, and the deployment they act on."""

from __future__ import annotations

import argparse
from typing import Any

from ses_smtp.admin.deployment import config_in


class CliError(Exception):
    """Something the user can fix; printed as one line, exit code 1."""


class CheckFailed(Exception):
    """A check ran and found problems: its report is the output, the exit code says which (default 1)."""

    def __init__(self, report: str, exit_code: int = 1) -> None:
        super().__init__(report)
        self.exit_code = exit_code


def deployment_outputs(args: argparse.Namespace) -> dict[str, Any]:
    """The deployment's admin_config: the local stack's (with --local) or the output in --terraform-dir."""
    if args.local_state is not None:
        return dict(args.local_state.deployment_outputs())
    return config_in(args.terraform_dir)
