"""Shared fixtures. Integration fixtures fail (never skip) when a prerequisite is missing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from ses_smtp.admin.terraform import ensure_cli_config
from ses_smtp_local.emulator import Emulator, running_emulator


def require_terraform() -> None:
    if shutil.which("terraform") is None:
        pytest.fail(
            "terraform is not on PATH: install Terraform >= 1.9 (https://developer.hashicorp.com/terraform/install)"
        )
    ensure_cli_config()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """moto in server mode on a free loopback port, with the project's gap fillers installed."""
    with running_emulator() as running:
        yield running


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many fault-injection points each credential operation survived."""
    from tests.unit.test_credentials import FAULT_INJECTION

    if FAULT_INJECTION:
        terminalreporter.section("fault injection: AWS calls failed, then the operation retried")
        for operation, (survived, total) in sorted(FAULT_INJECTION.items()):
            terminalreporter.write_line(f"{operation:<18} survived {survived} of {total} injection points")
