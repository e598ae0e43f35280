"""One deployment of examples/local on the emulator, shared by the integration tests of a session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ses_smtp.admin.terraform import REPO_ROOT, TerraformRun
from ses_smtp.local.emulator import Emulator
from tests.conftest import require_terraform


@pytest.fixture(scope="session")
def deployment(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TerraformRun]:
    require_terraform()
    run = TerraformRun(
        config_dir=REPO_ROOT / "examples" / "local",
        work_dir=Path(tmp_path_factory.mktemp("examples-local")),
        variables={"endpoint_url": emulator.endpoint_url},
        environment=emulator.environment(),
    )
    run.init()
    run.apply()
    yield run
    if run.resources():  # a failed test left it standing
        run.destroy()


@pytest.fixture
def emulator_env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """Point boto3 in this process (the CLI, the in-process handlers) at the emulator."""
    for name, value in emulator.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    return emulator
