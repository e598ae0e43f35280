"""Run a Terraform root as its docs give it, against an emulator, with Terraform's own override files.

The docs' files are written unchanged except for what cannot work on an emulator (named by the caller);
`emulator_override.tf` points the providers at the emulator. Terraform merges `*_override.tf` into the
provider blocks of the same name and alias, so the documented provider blocks stay as they are.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ses_smtp.admin.terraform import REPO_ROOT
from ses_smtp_local.emulator import Emulator

TIMEOUT = 900  # seconds for one init, apply or destroy on the emulator


def hcl_block(document: Path, heading: str) -> str:
    """The first ```hcl block after a Markdown heading."""
    text = document.read_text()
    found = re.search(rf"^#+ {re.escape(heading)}\n.*?```hcl\n(.*?)```", text, flags=re.S | re.M)
    assert found, f"{document.name} has no hcl block under '{heading}'"
    return found.group(1)


def emulator_services() -> list[str]:
    """The services examples/local points at the emulator: one list for both."""
    text = (REPO_ROOT / "examples" / "local" / "main.tf").read_text()
    return sorted(set(re.findall(r"^\s+([a-z0-9]+)\s+= var\.endpoint_url$", text, flags=re.M)))


def provider_override(endpoint_url: str, aliases: list[str]) -> str:
    endpoints = "\n".join(f'    {service} = "{endpoint_url}"' for service in emulator_services())
    blocks = []
    for alias in [None, *aliases]:
        blocks.append(
            'provider "aws" {\n'
            + (f'  alias = "{alias}"\n' if alias else "")
            + '  access_key                  = "testing"\n'
            + '  secret_key                  = "testing"\n'
            + "  skip_credentials_validation = true\n"
            + "  skip_metadata_api_check     = true\n"
            + "  s3_use_path_style           = true\n"
            + f"  endpoints {{\n{endpoints}\n  }}\n}}\n"
        )
    return "\n".join(blocks)


def write_root(directory: Path, main_tf: str, emulator: Emulator) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(main_tf)
    aliases = re.findall(r'^\s+alias\s+=\s+"([^"]+)"', main_tf, flags=re.M)
    (directory / "emulator_override.tf").write_text(provider_override(emulator.endpoint_url, aliases))
    return directory


def copy_example(example: Path, directory: Path, emulator: Emulator) -> Path:
    """An example's files in directory, its module source pointing at this checkout, plus the override."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in sorted(example.glob("*.tf")):
        (directory / path.name).write_text(path.read_text().replace('source = "../.."', f'source = "{REPO_ROOT}"'))
    text = "\n".join(path.read_text() for path in sorted(directory.glob("*.tf")))
    aliases = sorted(set(re.findall(r'^\s+alias\s+=\s+"([^"]+)"', text, flags=re.M)))
    (directory / "emulator_override.tf").write_text(provider_override(emulator.endpoint_url, aliases))
    return directory


def state(directory: Path) -> dict[str, Any]:
    """`terraform show -json` of the root's state."""
    return dict(json.loads(terraform(directory, "show", "-json").stdout))


def environment() -> dict[str, str]:
    """The caller's environment without AWS settings: the override carries the emulator's."""
    return {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}


def terraform(directory: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    asks = ["-input=false"] if arguments[0] in ("init", "apply", "plan") else []  # the commands that may prompt
    done = subprocess.run(
        [shutil.which("terraform") or "terraform", f"-chdir={directory}", *arguments, "-no-color", *asks],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        env=environment(),
    )
    assert done.returncode == 0, f"terraform {arguments[0]} in {directory} failed:\n{done.stderr[-4000:]}"
    return done


def has_changes(directory: Path, *arguments: str) -> bool:
    """Plan again; True when Terraform would change anything (-detailed-exitcode 2)."""
    terraform = shutil.which("terraform") or "terraform"
    done = subprocess.run(
        [terraform, f"-chdir={directory}", "plan", "-detailed-exitcode", "-no-color", "-input=false", *arguments],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        env=environment(),
    )
    assert done.returncode in (0, 2), f"terraform plan in {directory} failed:\n{done.stderr[-4000:]}"
    if done.returncode == 2:
        print(done.stdout[-4000:])  # what changed, for the failure report
    return done.returncode == 2


def outputs(directory: Path) -> dict[str, Any]:
    return {name: value["value"] for name, value in json.loads(terraform(directory, "output", "-json").stdout).items()}


def ses_smtp(directory: Path, emulator: Emulator, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The `ses-smtp` script in its own process, run in directory as a person would."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "ses-smtp"), *arguments],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**environment(), **emulator.environment()},
    )
