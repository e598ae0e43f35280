"""The dev/test environment is locked: functions/requirements-dev.lock pins every package exactly, covers
what functions/pyproject.toml asks for, pins moto as pyproject does (the local stack patches its
internals), holds the versions the functions' layer ships (the tests run what Lambda runs), and is what
this environment runs (`make setup` installs from it)."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from ses_smtp.admin.terraform import REPO_ROOT

LOCK = REPO_ROOT / "functions" / "requirements-dev.lock"
LAYER = REPO_ROOT / "functions" / "requirements-lambda.txt"
PYPROJECT = tomllib.loads((REPO_ROOT / "functions" / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][^\s;]*)$")


def normalised(name: str) -> str:
    """PEP 503: case and runs of -, _ and . do not matter."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path = LOCK) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    unpinned = [line for line in lines if not PIN.match(line)]
    assert unpinned == [], "every line is name==version"
    return {normalised(m[1]): m[2] for m in (PIN.match(line) for line in lines) if m}


def requirement_name(requirement: str) -> str:
    return normalised(re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0])


def asked_for() -> list[str]:
    project = PYPROJECT["project"]
    extras = project["optional-dependencies"]
    return [*project["dependencies"], *extras["local"], *extras["dev"]]


def test_the_lock_pins_everything_pyproject_asks_for() -> None:
    pins = locked()
    missing = [r for r in asked_for() if requirement_name(r) not in pins and requirement_name(r) != "ses-smtp"]
    assert missing == [], "run `make lock`"


def test_the_lock_holds_the_layers_versions() -> None:
    """The unit tests import the functions' code with the lock's packages: they must be the layer's."""
    lock = locked()
    differing = {name: (pin, lock.get(name)) for name, pin in locked(LAYER).items() if lock.get(name) != pin}
    assert differing == {}, "(layer, lock): `make lock` takes the layer's pins (functions/requirements-lambda.txt)"


def test_the_lock_does_not_hold_the_project_itself() -> None:
    assert "ses-smtp" not in locked(), "the project is installed editable on top of the lock"


def test_moto_is_pinned_exactly_in_pyproject_and_the_lock_alike() -> None:
    (moto,) = [r for r in PYPROJECT["project"]["optional-dependencies"]["local"] if requirement_name(r) == "moto"]
    assert re.search(r"==([0-9.]+)", moto), "the local extra pins moto exactly"
    assert moto.rpartition("==")[2].split(",")[0].strip() == locked()["moto"]


@pytest.mark.parametrize(
    "name", ["moto", "boto3", "botocore", "aws-lambda-powertools", "wrapt", "aiosmtpd", "pytest", "ruff"]
)
def test_this_environment_runs_the_locked_versions(name: str) -> None:
    assert version(name) == locked()[name], "`make setup` installs from the lock; rebuild .venv (rm -rf .venv)"
