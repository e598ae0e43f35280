"""examples/local as its README says to use it: `terraform plan` with no AWS settings in the environment
at all (the providers carry the emulator's dummy credentials), against a running emulator."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ses_smtp.admin.terraform import REPO_ROOT
from ses_smtp_local.emulator import Emulator
from tests.conftest import require_terraform

pytestmark = pytest.mark.integration


def test_examples_local_plans_with_no_aws_settings_in_the_environment(emulator: Emulator, tmp_path: Path) -> None:
    require_terraform()
    bare = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    bare |= {
        "TF_DATA_DIR": str(tmp_path / ".terraform"),
        "HOME": str(tmp_path),  # no ~/.aws either
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    terraform = shutil.which("terraform") or "terraform"
    example = str(REPO_ROOT / "examples" / "local")
    init = subprocess.run(
        [terraform, f"-chdir={example}", "init", "-backend=false", "-input=false", "-no-color"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=bare,
    )
    assert init.returncode == 0, init.stderr
    plan = subprocess.run(
        [
            terraform,
            f"-chdir={example}",
            "plan",
            "-input=false",
            "-no-color",
            "-lock=false",
            f"-state={tmp_path / 'terraform.tfstate'}",
            f"-var=endpoint_url={emulator.endpoint_url}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=bare,
    )
    assert "No valid credential sources found" not in plan.stderr
    assert plan.returncode == 0, plan.stderr[-3000:]
    assert "Plan:" in plan.stdout and "to add" in plan.stdout
