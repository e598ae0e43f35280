"""The acceptance kit, tested: `python -m tests.acceptance --target local` as a process of its own, as
`make test-aws` runs it against AWS, with the local stack in place of the account. The answers come from
the local SMTP endpoint (ses_smtp_local.smtp); each case's code is asserted here against the literal
codes docs/security.md states, not against the kit's own expectations.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ses_smtp.admin.terraform import REPO_ROOT
from tests.conftest import require_terraform

pytestmark = [pytest.mark.integration, pytest.mark.slow]

KIT_TIMEOUT = 1200  # local up (up to 600 s on a loaded machine), four messages, local down
STATED = {  # docs/security.md, "What the acceptance kit checks"
    "granted-from": 250,
    "forbidden-header-from": 554,
    "forbidden-envelope-from": 554,
    "mixed-case-granted-from": 250,
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_terraform()
    home = tmp_path_factory.mktemp("acceptance")
    results = home / "results.json"
    kit = [sys.executable, "-m", "tests.acceptance", "--target", "local"]
    done = subprocess.run(
        [*kit, "--results", str(results), "--work-dir", str(home / "work")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=KIT_TIMEOUT,
        check=False,
    )
    return {"done": done, "results": results, "home": home}


def test_the_kit_passes_on_the_local_stack(run: dict[str, Any]) -> None:
    done = run["done"]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_each_case_gets_the_code_the_docs_state(run: dict[str, Any]) -> None:
    results = json.loads(run["results"].read_text())
    got = {case["case"]: case["got"] for case in results["cases"]}
    assert got == STATED
    assert results["passed"] is True
    assert results["target"] == "local" and results["region"] == "eu-west-1"
    assert results["module_version"] and results["started_at"] <= results["finished_at"]


def test_refusals_name_the_permission_and_come_with_the_mail(run: dict[str, Any]) -> None:
    """A refusal is SES's 554 Access denied at the end of DATA, with the account id kept out of the file."""
    results = json.loads(run["results"].read_text())
    refused = [case for case in results["cases"] if case["got"] == 554]
    assert len(refused) == 2
    for case in refused:
        assert case["stage"] == "DATA"
        assert "is not authorized to perform `ses:SendRawEmail'" in case["reply"]
        assert "123456789012" not in case["reply"] and "<account>" in case["reply"]


def test_the_markdown_results_sit_next_to_the_json(run: dict[str, Any]) -> None:
    text = run["results"].with_suffix(".md").read_text()
    assert text.startswith("# Acceptance run on local: every case as docs/security.md states")
    assert all(f"| {case} |" in text for case in STATED)


def test_no_password_reaches_the_output_or_the_results(run: dict[str, Any]) -> None:
    """The kit holds the senders' passwords (from `ses-smtp users create --json`) and must print none."""
    done, results = run["done"], run["results"]
    text = done.stdout + done.stderr + results.read_text() + results.with_suffix(".md").read_text()
    assert "password" not in text.lower()
    assert re.search(r"\bB[A-Za-z0-9+/]{43}", text) is None, "an SES SMTP password is 44 base64 characters from B"
    assert "AKIA" not in text, "not even the access key id (the SMTP user name) is printed"


def test_the_senders_are_deleted_and_the_stack_is_down(run: dict[str, Any]) -> None:
    home: Path = run["home"]
    assert "failed" not in run["done"].stdout, "each `ses-smtp users delete` succeeded"
    assert "ses-smtp local down" in run["done"].stdout
    assert not (home / "work" / "stack.json").exists(), "ses-smtp local down removes the state file"
