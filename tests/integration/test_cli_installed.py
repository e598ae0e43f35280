"""The CLI as a person installs it: `pip install` of functions/ into a fresh virtualenv (no extras, not the
dev venv), then the installed `ses-smtp` script against the local stack."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import pytest

from ses_smtp import __version__
from ses_smtp.admin import cli
from ses_smtp.admin.terraform import REPO_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]
INSTALL_TIMEOUT = 900  # seconds: wheels for boto3, cryptography, checkdmarc... from PyPI or pip's cache


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `ses-smtp` script of a clean virtualenv holding only the distribution and its dependencies."""
    where = tmp_path_factory.mktemp("clean-venv")
    try:
        venv.create(where / "venv", with_pip=True, clear=True)
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.fail(f"cannot create a virtualenv ({error}): install python3-venv (`make system-deps`)")
    source = shutil.copytree(  # a copy: pip's build leaves nothing in the checkout
        REPO_ROOT / "functions",
        where / "source",
        ignore=shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__"),
    )
    pip = subprocess.run(
        [str(where / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", str(source)],
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    assert pip.returncode == 0, f"pip install functions/ failed (PyPI reachable?):\n{pip.stderr[-3000:]}"
    return where / "venv" / "bin" / "ses-smtp"


def run(script: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The installed script, with nothing of the dev venv on its path."""
    environment = {name: value for name, value in os.environ.items() if name not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    environment["PATH"] = f"{script.parent}:/usr/bin:/bin"
    return subprocess.run(
        [str(script), *arguments], capture_output=True, text=True, timeout=120, check=False, env=environment
    )


def test_help_and_version_come_from_the_installed_distribution(installed: Path) -> None:
    helped = run(installed, "--help")
    assert helped.returncode == 0, helped.stderr
    assert "users" in helped.stdout and "dns" in helped.stdout
    version = run(installed, "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"ses-smtp {__version__}"
    assert not Path(sys.executable).parent.samefile(installed.parent), "the test must not use the dev venv"


def test_local_commands_say_how_to_get_the_local_extra(installed: Path) -> None:
    result = run(installed, "local", "up")
    assert result.returncode == 1
    assert "functions[local]" in result.stderr and "moto" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_installed_cli_lists_senders_of_the_local_stack(
    installed: Path, local_state_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--local", str(local_state_file), "users", "--invoke", "in-process"]
    assert cli.main([*base, "create", "installed", "--from", "installed@example.com"]) == 0
    capsys.readouterr()  # the password shown once; not needed here
    try:
        listed = run(installed, "--json", *base, "list")
        assert listed.returncode == 0, listed.stderr
        senders: list[dict[str, Any]] = json.loads(listed.stdout)
        assert "installed" in [sender["name"] for sender in senders]
        after = run(installed, *base, "list", "--json", "--local", str(local_state_file))
        assert after.returncode == 0, after.stderr
        assert json.loads(after.stdout) == senders, "--json and --local work after the subcommand too"
    finally:
        cli.main([*base, "delete", "installed", "--yes"])
