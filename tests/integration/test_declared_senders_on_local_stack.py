"""Senders declared in Terraform, on the local stack: `terraform apply` of examples/local with its senders
input adds, changes and removes senders through the AWS provider's aws_lambda_invocation (the emulator's
Invoke runs the credentials handler); no secret in state or plan; a second plan is clean; the CLI, as a
person runs it, refuses to change a Terraform-managed sender without --force, and the next plan shows
what --force changed.

Uses the worker's deployment (conftest.py) and leaves it with no declared senders, as it found it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.iam.models import iam_backends

from ses_smtp.admin.terraform import TerraformRun
from ses_smtp.smtp_password import derive_smtp_password
from ses_smtp_local.emulator import Emulator

pytestmark = pytest.mark.integration
ACCOUNT = "123456789012"
SENDER = 'module.ses_smtp.aws_lambda_invocation.sender["{}"]'
# Words that would mean a secret (or a way to one) reached the invocations' state.
SECRET_WORDS = ("secretaccesskey", "secret_access_key", "password", "plaintext", "data_key", "ciphertext")


@pytest.fixture
def declare(deployment: TerraformRun) -> Iterator[Any]:
    """Apply the worker's deployment with these senders declared; at the end, with none again."""

    def run(senders: dict[str, Any]) -> TerraformRun:
        return TerraformRun(
            config_dir=deployment.config_dir,
            work_dir=deployment.work_dir,
            variables=deployment.variables,
            environment={**deployment.environment, "TF_VAR_senders": json.dumps(senders)},
        )

    yield run
    run({}).apply()


def secrets_of(user_name: str) -> list[str]:
    """The emulator's copies of a user's key secrets: what must never reach state."""
    user = iam_backends[ACCOUNT]["global"].users[user_name]
    return [str(key.secret_access_key) for key in user.access_keys]


def assert_no_secret(text: str, secrets: list[str]) -> None:
    assert secrets, "the scan needs the secrets it looks for"
    for secret in secrets:
        assert secret not in text, "a secret reached Terraform's state or plan"


def invocations_in(state_file: Path) -> str:
    """The state of the senders' invocations and their data source, as one text to scan for words."""
    state = json.loads(state_file.read_text())
    return json.dumps([r for r in state["resources"] if r["type"] == "aws_lambda_invocation"]).lower()


def shown(users: Any, name: str) -> dict[str, Any]:
    code, out, err = users("--json", "show", name)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def status(users: Any, name: str) -> dict[str, Any]:
    code, out, err = users("--json", "status", name)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_senders_declared_in_terraform_are_added_changed_and_removed(
    declare: Any, users: Any, emulator: Emulator
) -> None:
    first = declare(
        {
            "carol": {"from": ["carol@example.com"], "limits": {"per_hour": 20}},
            "dave": {"from": ["dave@example.com"], "forward_to": "dave@gmail.com"},
        }
    )
    first.apply()
    carol = status(users, "carol")
    assert (carol["managed_by"], carol["from"], carol["limits"]) == (
        "terraform",
        ["carol@example.com"],
        {"per_hour": 20},
    )
    assert status(users, "dave")["forward_to"] == "dave@gmail.com"
    credential = shown(users, "carol")
    assert credential["password"] == derive_smtp_password(secrets_of("ses-smtp-local-carol")[0], "eu-west-1")
    secrets = [*secrets_of("ses-smtp-local-carol"), *secrets_of("ses-smtp-local-dave"), credential["password"]]
    assert_no_secret(first.state_file.read_text(), secrets)
    assert not any(word in invocations_in(first.state_file) for word in SECRET_WORDS)
    assert not first.has_changes(), "a second plan after adding senders is clean"

    second = declare({"carol": {"from": ["carol@example.com", "c.smith@example.com"]}})
    second.apply()
    carol = status(users, "carol")
    assert (carol["from"], carol["limits"]) == (["carol@example.com", "c.smith@example.com"], {})
    assert carol["current_access_key_id"] == credential["username"], "a change of grants keeps the key"
    iam = emulator.session().client("iam")
    policy = iam.get_user_policy(UserName="ses-smtp-local-carol", PolicyName="send-as-granted")["PolicyDocument"]
    assert policy["Statement"][0]["Condition"]["StringEqualsIgnoreCase"]["ses:FromAddress"] == [
        "carol@example.com",
        "c.smith@example.com",
    ]
    assert "ses-smtp-local-dave" not in [u["UserName"] for u in iam.list_users()["Users"]], "dave was removed"
    assert_no_secret(second.state_file.read_text(), secrets)
    assert not second.has_changes(), "a second plan after changing senders is clean"

    code, _, err = users("delete", "carol", "--yes")
    assert code != 0 and "managed by Terraform" in err and "--force" in err
    code, _, err = users("update", "carol", "--forward-to", "carol@gmail.com")
    assert code != 0 and "[ManagedElsewhere]" in err
    code, _, err = users("update", "carol", "--forward-to", "carol@gmail.com", "--force")
    assert code == 0, err

    plan = second.plan_json()
    changed = {
        c["address"]: c["change"]["actions"] for c in plan["resource_changes"] if c["change"]["actions"] != ["no-op"]
    }
    assert changed == {SENDER.format("carol"): ["update"]}, "the plan shows the sender changed outside Terraform"
    assert_no_secret(json.dumps(plan), secrets)
    second.apply()
    assert status(users, "carol")["forward_to"] is None, "the apply put the declaration back"
    assert not second.has_changes(), "once put back, the plan is clean"

    declare({}).apply()
    code, _, err = users("status", "carol")
    assert code != 0 and "SenderNotFound" in err
    assert "ses-smtp-local-carol" not in [u["UserName"] for u in iam.list_users()["Users"]]
