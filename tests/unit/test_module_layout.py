"""Structure the module promises: examples re-export admin_config, every module has its files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def output_names(directory: Path) -> list[str]:
    return re.findall(r'^output "([^"]+)"', (directory / "outputs.tf").read_text(), flags=re.MULTILINE)


@pytest.mark.parametrize("example", ["complete", "local"])
def test_examples_re_export_admin_config_and_only_module_outputs(example: str) -> None:
    """The CLI reads admin_config alone; an example's other outputs are what it shows, under the module's names."""
    source = (ROOT / "examples" / example / "outputs.tf").read_text()
    names = output_names(ROOT / "examples" / example)
    assert "admin_config" in names
    assert set(names) <= set(output_names(ROOT)), "an example output the module does not have"
    for name in names:
        assert re.search(rf'^output "{name}" {{\n(?:  .*\n)*?  value\s*= module\.ses_smtp\.{name}\n', source, re.M)


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
