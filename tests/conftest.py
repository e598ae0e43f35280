"""Shared fixtures. Integration fixtures fail (never skip) when a prerequisite is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow files first (a stable sort: file order otherwise). pytest-xdist (--dist loadscope) hands
    each file, or class, whole to one worker in this order, so no worker starts a slow one near the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


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


@contextmanager
def separate_emulator() -> Iterator[Emulator]:
    """An emulator in its own process, so its data is its own (moto shares data within a process)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ses_smtp_local.emulator"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        endpoint_url = process.stdout.readline().strip()
        if not endpoint_url.startswith("http://127."):
            pytest.fail(f"the emulator process did not start (exit code {process.poll()}): see its stderr above")
        yield Emulator(endpoint_url=endpoint_url, region="eu-west-1")
    finally:
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
