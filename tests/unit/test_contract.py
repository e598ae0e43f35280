"""contract.json is the one place a name or value shared by Terraform and the functions is written."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

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
        table["partition_key"],
        table["sort_key"],
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
        document["report_mail_prefix"],
        *document["metrics"].values(),
    ]


def request_actions() -> list[str]:
    return list(json.loads(CONTRACT_FILE.read_text())["requests"].values())


def environment_names() -> list[str]:
    return list(json.loads(CONTRACT_FILE.read_text())["environment"].values())


def quoted_copies(text: str, value: str) -> list[str]:
    """String literals that repeat a contract value: "value", 'value', "value*" or an f-string starting with it."""
    pattern = rf"""["']{re.escape(value)}(?:["'*]|\{{)|SCHEMA\({re.escape(value)},"""
    return re.findall(pattern, text)


def python_sources() -> list[Path]:
    packages = [ROOT / "functions" / "ses_smtp", ROOT / "functions" / "ses_smtp_local", ROOT / "scripts"]
    return [path for package in packages for path in package.rglob("*.py") if path.name != "contract.py"]


def terraform_sources() -> list[Path]:
    sources = [*ROOT.glob("*.tf"), *(ROOT / "modules").rglob("*.tf"), *(ROOT / "examples").rglob("*.tf")]
    return [path for path in sources if ".terraform" not in path.parts]


def environment_copies(path: Path, name: str) -> list[str]:
    """An environment variable name written out: quoted, or as a Terraform map key (`NAME = ...`)."""
    key = rf"|^\s*{name}\s*=" if path.suffix == ".tf" else ""
    return re.findall(rf"""["']{name}["']{key}""", path.read_text(), flags=re.MULTILINE)


# Words that are an environment variable's name here and something else there.
OTHER_MEANINGS = {("DOMAIN", "functions/ses_smtp_local/emulator_gaps.py"): "SES's identity type DOMAIN"}


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


# In Python "retire" is also a CLI subcommand and "declare" an operation's label, and in Terraform
# "send_quota" names resources: only values (`= "retire"`) in the modules are looked for; the handlers
# parse these actions with contract.REQUEST.
@pytest.mark.parametrize("action", request_actions())
def test_no_module_writes_a_request_action_itself(action: str) -> None:
    found = {
        str(path.relative_to(ROOT)): re.findall(rf'=\s*"{action}"', path.read_text()) for path in terraform_sources()
    }
    copies = sorted(path for path, hits in found.items() if hits)
    assert not copies, f"{action!r} is written out in {copies}: use local.contract.requests instead"


def test_the_metrics_carry_the_service_dimension_the_alarms_name() -> None:
    """Powertools, not this project, names the service dimension: what it writes is what the alarms read."""
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

    line = EphemeralMetrics(namespace=contract.METRIC_NAMESPACE, service="ses-smtp")
    line.add_metric(name=contract.METRIC.send_quota_used, unit=MetricUnit.Percent, value=1)
    emf: dict[str, Any] = dict(line.serialize_metric_set())
    dimensions = emf["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]
    assert dimensions == [contract.SERVICE_DIMENSION]
    assert emf[dimensions[0]] == "ses-smtp"


@pytest.mark.parametrize("name", environment_names())
def test_no_function_or_module_writes_an_environment_name_itself(name: str) -> None:
    sources = [*python_sources(), *terraform_sources()]
    found = {str(path.relative_to(ROOT)): environment_copies(path, name) for path in sources}
    copies = sorted(path for path, hits in found.items() if hits and (name, path) not in OTHER_MEANINGS)
    assert not copies, f"{name} is written out in {copies}: use ENV in Python, local.contract.environment in Terraform"


def test_the_functions_read_every_environment_name_the_modules_set() -> None:
    python = "\n".join(path.read_text() for path in python_sources())
    unread = [field for field in contract.ENV._fields if f"ENV.{field}" not in python]
    # Powertools reads its metrics namespace itself; the functions never look it up.
    assert unread == ["metrics_namespace"]


def test_every_environment_name_the_functions_read_is_set_by_a_module() -> None:
    terraform = "\n".join(path.read_text() for path in terraform_sources())
    python = "\n".join(path.read_text() for path in python_sources())
    read = set(re.findall(r"\bENV\.(\w+)", python))
    unset = sorted(name for name in read if f"(local.contract.environment.{name})" not in terraform)
    assert not unset, f"the functions read {unset} but no module sets it"


def test_every_module_that_uses_the_contract_reads_the_one_file() -> None:
    users = {path.parent for path in (ROOT / "modules").rglob("*.tf") if "local.contract." in path.read_text()}
    assert users, "no module reads contract.json"
    for module in users:
        assert any(READ_BY_A_MODULE in path.read_text() for path in module.glob("*.tf")), (
            f"{module.relative_to(ROOT)} uses local.contract but does not read contract.json"
        )


def test_the_forwarding_function_may_read_the_tables_keys() -> None:
    assert {contract.PK, contract.SK} <= set(contract.FORWARDING_READS)


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
