"""One deployment of examples/local on the emulator, shared by the integration tests of a worker.

Why shared, not one per test: an apply is the costly part of every test here. Each pytest worker (xdist)
has its own emulator and so its own deployment, applied when its first test asks for it; a test leaves it
as it found it (it deletes the senders it made, restores what it applied), so the files can run in any
order on any worker. test_local_example.py, which destroys what it applies, has a deployment of its own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from ses_smtp.admin import cli
from ses_smtp.admin.local_stack import StackState
from ses_smtp.admin.terraform import REPO_ROOT, TerraformRun
from ses_smtp_local.emulator import Emulator
from tests.conftest import require_terraform


def apply_local_example(emulator: Emulator, work_dir: Path, config_dir: Path | None = None) -> TerraformRun:
    """examples/local applied on the emulator, as a person applies it, with its state in work_dir
    (config_dir: the example of another tree, such as an earlier commit's)."""
    require_terraform()
    run = TerraformRun(
        config_dir=config_dir or REPO_ROOT / "examples" / "local",
        work_dir=work_dir,
        variables={"endpoint_url": emulator.endpoint_url},
        environment=emulator.environment(),
    )
    run.init()
    run.apply()
    return run


@pytest.fixture(scope="session")
def deployment(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> TerraformRun:
    # No destroy: the worker's emulator, and with it everything applied, ends with the session.
    return apply_local_example(emulator, Path(tmp_path_factory.mktemp("examples-local")))


@pytest.fixture
def emulator_env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """Point boto3 in this process (the CLI, the in-process handlers) at the emulator."""
    for name, value in emulator.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    return emulator


@pytest.fixture
def local_state_file(deployment: TerraformRun, emulator_env: Emulator, tmp_path: Path) -> Path:
    """A state file describing the emulator and its deployment, as `ses-smtp local up` writes one:
    `--invoke in-process` is allowed only with `--local` (review L7)."""
    return write_local_state(emulator_env, deployment.outputs(), tmp_path)


@pytest.fixture
def users(local_state_file: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """`ses-smtp --local STATE users --invoke in-process ...` as a person runs it: (exit code, stdout, stderr)."""
    base = ["--local", str(local_state_file), "users", "--invoke", "in-process"]

    def run(*arguments: str) -> tuple[int, str, str]:
        code = cli.main([*base, *arguments])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def write_local_state(emulator: Emulator, outputs: dict[str, Any], directory: Path) -> Path:
    state = StackState(
        endpoint_url=emulator.endpoint_url,
        region=outputs["admin_config"]["region"],
        smtp_host="127.0.0.1",
        starttls_port=2587,
        tls_port=2465,
        ca_file="",
        terraform_dir=str(REPO_ROOT / "examples" / "local"),
        state_dir=str(directory),
        pid=os.getpid(),
        outputs=outputs,
    )
    path = directory / "stack.json"
    state.save(path)
    return path
