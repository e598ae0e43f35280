"""scripts/terraform_test.py: `make test-terraform` runs every test file, one process each, and counts a
file that never printed Terraform's summary as a failure."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import terraform_test  # noqa: E402


def test_every_test_file_terraform_would_run_is_run() -> None:
    files = terraform_test.test_files(ROOT / "tests")
    assert files == sorted((ROOT / "tests").glob("*.tftest.hcl")) and files
    assert sorted(terraform_test.longest_first(files)) == files


def test_the_longest_file_starts_first(tmp_path: Path) -> None:
    short, long = tmp_path / "a.tftest.hcl", tmp_path / "b.tftest.hcl"
    short.write_text('run "one" {}\n')
    long.write_text('run "one" {}\nrun "two" {}\n')
    assert terraform_test.longest_first([short, long]) == [long, short]


def test_counts_come_from_terraforms_closing_line() -> None:
    assert terraform_test.counts("tests/x.tftest.hcl... pass\n\nSuccess! 55 passed, 0 failed.\n") == (55, 0)
    assert terraform_test.counts("Failure! 3 passed, 2 failed.\n") == (3, 2)


def test_a_file_without_a_closing_line_counts_as_a_failure() -> None:
    assert terraform_test.counts("Error: Failed to load plugin schemas\n") == (0, 1)
