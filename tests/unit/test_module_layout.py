"""Structure the module promises: examples re-export every output, every module has its files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def output_names(directory: Path) -> list[str]:
    return re.findall(r'^output "([^"]+)"', (directory / "outputs.tf").read_text(), flags=re.MULTILINE)


@pytest.mark.parametrize("example", ["complete", "local"])
def test_examples_re_export_every_module_output(example: str) -> None:
    source = (ROOT / "examples" / example / "outputs.tf").read_text()
    assert output_names(ROOT / "examples" / example) == output_names(ROOT)
    for name in output_names(ROOT):
        assert f"value       = module.ses_smtp.{name}\n" in source


@pytest.mark.parametrize("module", sorted(path.name for path in (ROOT / "modules").iterdir()))
def test_every_submodule_has_the_standard_files(module: str) -> None:
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
        assert (ROOT / "modules" / module / name).is_file(), f"modules/{module}/{name} is missing"


def test_every_variable_and_output_is_described() -> None:
    for path in ROOT.glob("**/*.tf"):
        if ".terraform" in path.parts:
            continue
        blocks = re.split(r'^(?=variable "|output ")', path.read_text(), flags=re.MULTILINE)[1:]
        for block in blocks:
            assert "description = " in block, f"{path.relative_to(ROOT)}: {block.splitlines()[0]} has no description"
