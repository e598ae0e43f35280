"""The CLI finds a deployment from one output, admin_config, read with the real `terraform output`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_terraform

# What a root that used an older module version re-exported: the outputs, but no admin_config.
OLDER_ROOT = """
output "region" { value = "eu-west-1" }
output "credentials_function_name" { value = "ses-smtp-credentials" }
output "dns_records" { value = [] }
"""
CURRENT_ROOT = """
output "admin_config" {
  value = {
    schema_version = 1
    region         = "eu-west-1"
    dns_records = [{
      name = "mail.example.com", type = "TXT", value = "v=spf1 include:amazonses.com -all", ttl = 1800, purpose = "SPF"
    }]
    dns_zone_file  = "$ORIGIN example.com.\\n"
  }
}
"""


def applied(directory: Path, configuration: str) -> Path:
    """A Terraform root holding only outputs, applied (no provider: nothing to download)."""
    require_terraform()
    directory.mkdir()
    (directory / "main.tf").write_text(configuration)
    for command in (["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]):
        done = subprocess.run(
            [shutil.which("terraform") or "terraform", f"-chdir={directory}", *command, "-no-color"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    return directory


def ses_smtp(*arguments: str) -> subprocess.CompletedProcess[str]:
    """The installed script, in its own process, as a person runs it."""
    script = Path(sys.executable).parent / "ses-smtp"
    environment = {**os.environ, "AWS_EC2_METADATA_DISABLED": "true"}
    return subprocess.run(
        [str(script), *arguments], capture_output=True, text=True, timeout=120, check=False, env=environment
    )


def test_an_older_deployment_gets_one_line_naming_the_missing_output(tmp_path: Path) -> None:
    root = applied(tmp_path / "older", OLDER_ROOT)
    result = ses_smtp("dns", "records", "--terraform-dir", str(root))
    assert result.returncode == 1
    assert result.stderr.startswith(f"ses-smtp: terraform output in {root} has no output 'admin_config'")
    assert 'output "admin_config" { value = module.ses_smtp.admin_config }' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_records_come_from_admin_config_alone(tmp_path: Path) -> None:
    root = applied(tmp_path / "current", CURRENT_ROOT)
    result = ses_smtp("dns", "records", "--terraform-dir", str(root), "--json")
    assert result.returncode == 0, result.stderr
    assert '"v=spf1 include:amazonses.com -all"' in result.stdout


@pytest.mark.parametrize("users_command", [["list"], ["show", "alice"]])
def test_users_commands_name_the_missing_output_too(tmp_path: Path, users_command: list[str]) -> None:
    root = applied(tmp_path / "older", OLDER_ROOT)
    result = ses_smtp("users", "--terraform-dir", str(root), *users_command)
    assert result.returncode == 1
    assert "has no output 'admin_config'" in result.stderr
