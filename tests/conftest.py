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
    """Say what the fault-injection tests did: each records it as a property of its own report."""
    lines = [
        str(value)
        for report in terminalreporter.stats.get("passed", [])
        for name, value in getattr(report, "user_properties", [])
        if name == "fault_injection"
    ]
    if lines:
        terminalreporter.section("fault injection: AWS calls failed, then the operation retried")
        for line in sorted(lines):
            terminalreporter.write_line(line)
