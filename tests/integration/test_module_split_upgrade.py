"""A deployment made before the shared state and the monitoring got modules of their own (issue 17) plans
on this tree as moves only: examples/local of that commit applied on an emulator of its own, then this
tree's examples/local planned on the same state. `moved.tf` is what makes it so."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from ses_smtp.admin.terraform import REPO_ROOT, TerraformRun
from ses_smtp_local.emulator import Emulator
from tests.conftest import separate_emulator
from tests.integration.conftest import apply_local_example

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# main just before the split: "test(modules): the send-quota runs on their modules, their outputs gone".
BEFORE_THE_SPLIT = "b06999676bea4bdcfd580e0a1a0d17e690c539d4"

# What examples/local (receiving on) moves, by its address before -> after (moved.tf).
MOVES = {
    "module.ses_smtp.module.credentials.aws_dynamodb_table.this": (
        "module.ses_smtp.module.state.aws_dynamodb_table.this"
    ),
    "module.ses_smtp.module.credentials.aws_dynamodb_resource_policy.this": (
        "module.ses_smtp.module.state.aws_dynamodb_resource_policy.this"
    ),
    "module.ses_smtp.module.credentials.aws_lambda_layer_version.dependencies": (
        "module.ses_smtp.module.state.aws_lambda_layer_version.dependencies"
    ),
    "module.ses_smtp.module.events.aws_sns_topic.alerts[0]": (
        "module.ses_smtp.module.monitoring.aws_sns_topic.alerts[0]"
    ),
    "module.ses_smtp.module.events.aws_sns_topic_policy.alerts[0]": (
        "module.ses_smtp.module.monitoring.aws_sns_topic_policy.alerts[0]"
    ),
    "module.ses_smtp.module.events.aws_cloudwatch_metric_alarm.credentials_need_attention": (
        "module.ses_smtp.module.monitoring.aws_cloudwatch_metric_alarm.credentials_need_attention"
    ),
    "module.ses_smtp.module.events.aws_cloudwatch_dashboard.this": (
        "module.ses_smtp.module.monitoring.aws_cloudwatch_dashboard.this"
    ),
    "module.ses_smtp.module.receiving[0].aws_cloudwatch_metric_alarm.dead_letters": (
        "module.ses_smtp.module.monitoring.aws_cloudwatch_metric_alarm.received_mail_dead_letters[0]"
    ),
}
# Alarms made with for_each move key by key: every key of these resources.
MOVED_ALARMS = ("reputation", "function", "queue", "sender", "send_quota")
# A layer version cannot change: a new dependencies package is a new version, moved or not.
LAYER = "module.ses_smtp.module.state.aws_lambda_layer_version.dependencies"
LAYER_PACKAGE = "functions/dist/dependencies.zip"


def git_path() -> str:
    git = shutil.which("git")
    if git is None:
        pytest.fail("git is not on PATH: install it (apt-get install git)")
    return git


def changed_since(commit: str, path: str) -> bool:
    """Whether path in this tree differs from path at commit."""
    return (
        subprocess.run(
            [git_path(), "-C", str(REPO_ROOT), "diff", "--quiet", commit, "--", path], check=False
        ).returncode
        != 0
    )


def tree_at(commit: str, directory: Path) -> Path:
    """The repository as it was at commit (git archive: its committed Lambda zips included)."""
    git = git_path()
    found = subprocess.run(
        [git, "-C", str(REPO_ROOT), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True, check=False
    )
    if found.returncode != 0:
        pytest.fail(f"commit {commit} is not in this clone (a shallow clone?): run `git fetch --unshallow` first")
    archive = subprocess.run(
        [git, "-C", str(REPO_ROOT), "archive", "--format=tar", commit], capture_output=True, check=True, timeout=120
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(directory, filter="data")
    return directory


@pytest.fixture(scope="module")
def emulator_of_its_own() -> Iterator[Emulator]:
    with separate_emulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def upgrade_plan(emulator_of_its_own: Emulator, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The plan of this tree's examples/local on the state the commit before the split applied."""
    before = tree_at(BEFORE_THE_SPLIT, tmp_path_factory.mktemp("before-the-split"))
    state_dir = tmp_path_factory.mktemp("upgraded-deployment")
    applied = apply_local_example(emulator_of_its_own, state_dir, config_dir=before / "examples" / "local")
    now = TerraformRun(
        config_dir=REPO_ROOT / "examples" / "local",
        work_dir=state_dir,
        variables=applied.variables,
        environment=applied.environment,
    )
    now.init()
    return now.plan_json()


def changes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [change for change in plan["resource_changes"] if change["mode"] == "managed"]


def test_no_resource_is_created_deleted_or_replaced(upgrade_plan: dict[str, Any]) -> None:
    made_or_lost = {
        change["address"]: change["change"]["actions"]
        for change in changes(upgrade_plan)
        if {"create", "delete"} & set(change["change"]["actions"]) and not new_layer_package(change)
    }
    assert made_or_lost == {}


def new_layer_package(change: dict[str, Any]) -> bool:
    """The layer replaced because its package changed since that commit, and for nothing else."""
    return (
        change["address"] == LAYER
        and change["change"].get("replace_paths") == [["source_code_hash"]]
        and changed_since(BEFORE_THE_SPLIT, LAYER_PACKAGE)
    )


def test_every_resource_that_changed_module_is_moved(upgrade_plan: dict[str, Any]) -> None:
    moved = {
        change["previous_address"]: change["address"]
        for change in changes(upgrade_plan)
        if "previous_address" in change
    }
    for previous, address in MOVES.items():
        assert moved.get(previous) == address, f"{previous} is not moved to {address}"
    for name in MOVED_ALARMS:
        keys = [previous for previous in moved if f".events.aws_cloudwatch_metric_alarm.{name}[" in previous]
        assert keys, f"no alarm of aws_cloudwatch_metric_alarm.{name} was moved"
        for previous in keys:
            assert moved[previous] == previous.replace(".module.events.", ".module.monitoring.")
    unexpected = {
        previous: address
        for previous, address in moved.items()
        if previous not in MOVES
        and not any(f".aws_cloudwatch_metric_alarm.{name}[" in previous for name in MOVED_ALARMS)
    }
    assert unexpected == {}
