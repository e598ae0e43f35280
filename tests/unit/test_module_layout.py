"""Structure the module promises: examples re-export admin_config, every module has its files.

tflint's standard-module-structure rules check much the same, but tflint ships as a Go binary and is in none of
the package registries the project's machines and CI reach (Debian, PyPI, npm), so the checks are written here.
"""

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


def terraform_files() -> list[Path]:
    return [path for path in ROOT.glob("**/*.tf") if ".terraform" not in path.parts]


def test_the_region_is_read_from_an_attribute_both_provider_majors_have() -> None:
    """`name` is deprecated in 6.x and `region` does not exist in 5.x; `id` is the region on both."""
    read = {
        attribute
        for path in terraform_files()
        for attribute in re.findall(r"data\.aws_region\.\w+\.(\w+)", path.read_text())
    }
    assert read == {"id"}


def test_the_readme_names_the_admitted_and_the_tested_provider_versions() -> None:
    readme = " ".join((ROOT / "README.md").read_text().split())
    admitted = re.search(r'source\s*=\s*"hashicorp/aws"\s*version\s*=\s*"([^"]+)"', (ROOT / "versions.tf").read_text())
    assert admitted is not None
    assert f"admits `hashicorp/aws` `{admitted[1]}`" in readme
    assert "Tested: `hashicorp/aws` 5.100.0" in readme


@pytest.mark.parametrize("module", sorted(path.name for path in (ROOT / "modules").iterdir()))
def test_every_submodule_has_its_own_terraform_test_file(module: str) -> None:
    """Each submodule is planned on its own, in tests/<module>.tftest.hcl, not only through the root."""
    path = ROOT / "tests" / f"{module.replace('-', '_')}.tftest.hcl"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    runs = re.split(r'^run "', path.read_text(), flags=re.MULTILINE)[1:]
    assert runs, f"{path.relative_to(ROOT)} has no run"
    source = f'source = "./modules/{module}"'
    assert all(source in run for run in runs), f"every run of {path.relative_to(ROOT)} must plan modules/{module}"
