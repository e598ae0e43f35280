"""Terraform, driven through python-terraform. The only place the project runs Terraform from Python."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_terraform import IsFlagged, Terraform

from ses_smtp.admin.environment import temporary_environment

REPO_ROOT = Path(__file__).resolve().parents[3]
NO_CHANGES, CHANGES = 0, 2  # terraform plan -detailed-exitcode


class TerraformError(RuntimeError):
    """A Terraform command failed; the message carries Terraform's own error output."""


@dataclass
class TerraformRun:
    """One Terraform configuration with its own data directory and state file, outside the source tree."""

    config_dir: Path
    work_dir: Path
    variables: Mapping[str, Any] = field(default_factory=dict)
    environment: Mapping[str, str] = field(default_factory=dict)

    @property
    def state_file(self) -> Path:
        return self.work_dir / "terraform.tfstate"

    def init(self) -> None:
        self._run("init", backend=False, upgrade=False)

    def apply(self) -> None:
        self._run("apply", auto_approve=IsFlagged, var=dict(self.variables), state=str(self.state_file))

    def has_changes(self) -> bool:
        """Plan again; True when Terraform would change anything."""
        code, out, err = self._call(
            "plan", detailed_exitcode=IsFlagged, var=dict(self.variables), state=str(self.state_file)
        )
        if code not in (NO_CHANGES, CHANGES):
            raise TerraformError(f"terraform plan failed in {self.config_dir}:\n{err or out}")
        return code == CHANGES

    def destroy(self) -> None:
        # python-terraform's destroy() passes -force, which Terraform >= 0.15 rejects.
        self._run(
            "apply", destroy=IsFlagged, auto_approve=IsFlagged, var=dict(self.variables), state=str(self.state_file)
        )

    def plan_json(self) -> dict[str, Any]:
        """The plan Terraform would carry out, as `terraform show -json` describes it."""
        plan_file = self.work_dir / "plan.tfplan"
        self._run("plan", out=str(plan_file), var=dict(self.variables), state=str(self.state_file))
        return dict(json.loads(self._run("show", plan_file.as_posix(), json=IsFlagged)))

    def outputs(self) -> dict[str, Any]:
        out = self._run("output", json=IsFlagged, state=str(self.state_file))
        return {name: value["value"] for name, value in json.loads(out).items()}

    def resources(self) -> list[str]:
        """Addresses of every resource in the state (empty after a complete destroy)."""
        if not self.state_file.exists():
            return []
        state = json.loads(self.state_file.read_text())
        return [
            f"{r.get('module', '')}.{r['type']}.{r['name']}".lstrip(".")
            for r in state.get("resources", [])
            if r.get("mode") == "managed" and r.get("instances")
        ]

    def _run(self, command: str, *arguments: str, **options: Any) -> str:
        code, out, err = self._call(command, *arguments, **options)
        if code != 0:
            raise TerraformError(f"terraform {command} failed in {self.config_dir}:\n{err or out}")
        return str(out)

    def _call(self, command: str, *arguments: str, **options: Any) -> tuple[int, str, str]:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        terraform = Terraform(working_dir=str(self.config_dir))
        with temporary_environment(
            {
                **self.environment,
                "TF_DATA_DIR": str(self.work_dir / ".terraform"),
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
            }
        ):
            code, out, err = terraform.cmd(command, *arguments, no_color=IsFlagged, **options)
        return int(code), str(out), str(err)


def ensure_cli_config() -> None:
    """Point Terraform at a CLI config that uses this machine's provider mirror, if it has one."""
    configured = os.environ.get("TF_CLI_CONFIG_FILE")
    if configured and Path(configured).is_file():
        return
    if shutil.which("terraform") is None:
        raise TerraformError(
            "terraform is not on PATH: install Terraform >= 1.9 (https://developer.hashicorp.com/terraform/install)"
        )
    target = REPO_ROOT / "build" / "terraformrc"
    target.parent.mkdir(parents=True, exist_ok=True)
    config = subprocess.run(
        [str(REPO_ROOT / "scripts" / "terraformrc.sh")], cwd=REPO_ROOT, check=True, capture_output=True, text=True
    ).stdout
    # Written aside, then renamed: test processes running side by side may each write it, and none may
    # read half a file.
    partial = target.with_name(f"{target.name}.{os.getpid()}")
    partial.write_text(config)
    partial.replace(target)
    os.environ["TF_CLI_CONFIG_FILE"] = str(target)


def terraform_outputs(directory: Path) -> dict[str, Any]:
    """The outputs of an applied Terraform configuration (terraform output -json in directory)."""
    if not directory.is_dir():
        raise TerraformError(f"{directory} is not a directory")
    code, out, err = Terraform(working_dir=str(directory)).cmd("output", json=IsFlagged, no_color=IsFlagged)
    if code != 0:
        raise TerraformError(f"terraform output failed in {directory}: {str(err).strip().splitlines()[-1:]}")
    return {name: value["value"] for name, value in json.loads(out).items()}
