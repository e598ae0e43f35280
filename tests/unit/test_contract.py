"""contract.json is the one place a name or value shared by Terraform and the functions is written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ses_smtp import contract
from ses_smtp.envelope import encryption_context

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_FILE = ROOT / "functions" / "ses_smtp" / "contract.json"
READ_BY_A_MODULE = 'jsondecode(file("${path.module}/../../functions/ses_smtp/contract.json"))'


def shared_values() -> list[str]:
    document = json.loads(CONTRACT_FILE.read_text())
    table = document["table"]
    return [
        document["metric_namespace"],
        document["password_envelope"]["purpose"],
        document["sender"]["tag"],
        document["sender"]["from_policy_name"],
        table["by_sender_index"],
        table["history_sender"],
        table["history_at"],
        table["expires_at"],
        *table["key_prefixes"].values(),
        document["received_mail_prefix"],
    ]


def quoted_copies(text: str, value: str) -> list[str]:
    """String literals that repeat a contract value: "value", 'value', "value*" or an f-string starting with it."""
    pattern = rf"""["']{re.escape(value)}(?:["'*]|\{{)|SCHEMA\({re.escape(value)},"""
    return re.findall(pattern, text)


def python_sources() -> list[Path]:
    sources = [*(ROOT / "functions" / "ses_smtp").rglob("*.py"), *(ROOT / "functions" / "ses_smtp_local").rglob("*.py")]
    return [path for path in sources if path.name != "contract.py"]


def terraform_sources() -> list[Path]:
    return [path for path in [*ROOT.glob("*.tf"), *(ROOT / "modules").rglob("*.tf")] if ".terraform" not in path.parts]


@pytest.mark.parametrize("value", shared_values())
def test_no_function_writes_a_contract_value_itself(value: str) -> None:
    found = {str(path.relative_to(ROOT)): quoted_copies(path.read_text(), value) for path in python_sources()}
    copies = sorted(path for path, hits in found.items() if hits)
    assert not copies, f"{value!r} is written out in {copies}: import it from ses_smtp.contract instead"


# The deprecated senders group's own policy happens to share the per-sender policy's name; Terraform
# never names the per-sender policy (the function puts it), so that value is not checked in .tf files.
@pytest.mark.parametrize("value", [v for v in shared_values() if v != contract.FROM_POLICY_NAME])
def test_no_module_writes_a_contract_value_itself(value: str) -> None:
    found = {str(path.relative_to(ROOT)): quoted_copies(path.read_text(), value) for path in terraform_sources()}
    copies = sorted(path for path, hits in found.items() if hits)
    assert not copies, f"{value!r} is written out in {copies}: read it from local.contract (contract.json) instead"


def test_every_module_that_uses_the_contract_reads_the_one_file() -> None:
    users = {path.parent for path in (ROOT / "modules").rglob("*.tf") if "local.contract." in path.read_text()}
    assert users, "no module reads contract.json"
    for module in users:
        assert any(READ_BY_A_MODULE in path.read_text() for path in module.glob("*.tf")), (
            f"{module.relative_to(ROOT)} uses local.contract but does not read contract.json"
        )


def test_the_password_context_is_the_one_the_key_policy_names() -> None:
    context = encryption_context("ses-smtp-alice", "AKIAIOSFODNN7EXAMPLE")
    assert tuple(sorted(context)) == tuple(sorted(contract.PASSWORD_CONTEXT_KEYS))
    assert context["purpose"] == contract.PASSWORD_PURPOSE


def variable_block(name: str) -> str:
    text = (ROOT / "variables.tf").read_text()
    match = re.search(rf'^variable "{name}" {{\n(.*?)^}}', text, flags=re.MULTILINE | re.DOTALL)
    assert match, f"variables.tf has no variable {name}"
    return match.group(1)


def default_of(block: str) -> str:
    match = re.search(r"^\s*default\s*=\s*(\d+)$", block, re.MULTILINE)
    assert match, "the variable has no numeric default"
    return match.group(1)


# A variable's default must be a literal in Terraform, so these two are written twice; this test is
# what keeps them equal.
def test_the_root_defaults_are_the_contracts_defaults() -> None:
    retire = variable_block("default_retire_after_days")
    assert default_of(retire) == str(contract.DEFAULT_RETIRE_AFTER_DAYS)
    assert f"var.default_retire_after_days <= {contract.MAX_RETIRE_AFTER_DAYS}" in retire
    assert default_of(variable_block("max_credential_age_days")) == str(contract.MAX_CREDENTIAL_AGE_DAYS)
