"""examples/existing-infrastructure applied on the local stack: two deployments side by side in one account
and region, on the caller's key, alerts topic, zone and permissions boundary, with the caller's tags."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ses_smtp.admin.terraform import REPO_ROOT
from ses_smtp_local.emulator import Emulator
from tests.conftest import require_terraform, separate_emulator
from tests.integration import snippets

pytestmark = [pytest.mark.integration, pytest.mark.slow]
EXAMPLE = REPO_ROOT / "examples" / "existing-infrastructure"
TAGS = {"Team": "platform", "CostCentre": "mail"}  # the example's default tags
VARIABLES = [
    "-var",
    'key_administrator_arns=["arn:aws:iam::123456789012:user/platform"]',
    "-var",
    "deletion_protection_enabled=false",
]
PREFIXES = ("sales-mail", "support-mail")
BOUNDARY = "platform-workload-boundary"  # the caller's, in the example


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Emulator]]:
    require_terraform()
    with separate_emulator() as emulator:
        root = snippets.copy_example(EXAMPLE, tmp_path_factory.mktemp("existing-infrastructure"), emulator)
        snippets.terraform(root, "init")
        snippets.terraform(root, "apply", "-auto-approve", *VARIABLES)
        yield root, emulator


def managed(state: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every managed resource of the state, modules included."""
    modules = [state["values"]["root_module"]]
    while modules:
        module = modules.pop()
        modules.extend(module.get("child_modules", []))
        yield from (resource for resource in module.get("resources", []) if resource["mode"] == "managed")


def test_two_deployments_stand_side_by_side(applied: tuple[Path, Emulator]) -> None:
    _, emulator = applied
    functions = [f["FunctionName"] for f in emulator.session().client("lambda").list_functions()["Functions"]]
    tables = emulator.session().client("dynamodb").list_tables()["TableNames"]
    for prefix in PREFIXES:
        assert sorted(name.removeprefix(prefix) for name in functions if name.startswith(f"{prefix}-")) == sorted(
            name.removeprefix(PREFIXES[0]) for name in functions if name.startswith(f"{PREFIXES[0]}-")
        ), "both deployments have the same functions, each under its own prefix"
        assert f"{prefix}-credentials" in tables
    assert len(functions) == 2 * len([name for name in functions if name.startswith(f"{PREFIXES[0]}-")])


def test_every_role_carries_the_callers_boundary(applied: tuple[Path, Emulator]) -> None:
    _, emulator = applied
    iam = emulator.session().client("iam")
    (boundary,) = [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == BOUNDARY]
    roles = iam.list_roles()["Roles"]
    assert {prefix: any(r["RoleName"].startswith(prefix) for r in roles) for prefix in PREFIXES} == dict.fromkeys(
        PREFIXES, True
    )
    for role in roles:
        found = iam.get_role(RoleName=role["RoleName"])["Role"].get("PermissionsBoundary", {})
        assert found.get("PermissionsBoundaryArn") == boundary, f"{role['RoleName']} has no boundary"


def test_the_callers_tags_are_on_every_taggable_resource(applied: tuple[Path, Emulator]) -> None:
    root, _ = applied
    taggable = [r for r in managed(snippets.state(root)) if "tags" in r["values"]]
    assert len(taggable) > 20
    untagged = [r["address"] for r in taggable if not TAGS.items() <= (r["values"]["tags"] or {}).items()]
    assert untagged == []


def test_the_cli_reaches_each_deployment_by_its_names(applied: tuple[Path, Emulator]) -> None:
    root, emulator = applied
    configs = snippets.outputs(root)
    for prefix, output in zip(PREFIXES, ("sales_admin_config", "support_admin_config"), strict=True):
        config = configs[output]
        flags = ["--function", config["credentials_function_name"], "--table", config["credentials_table_name"]]
        flags += ["--kms-key-arn", config["kms_key_arn"], "--region", config["region"]]
        sender = f"{prefix}-alice"
        created = snippets.ses_smtp(
            root, emulator, "users", *flags, "create", sender, "--from", f"alice@{config['domain']}"
        )
        assert created.returncode == 0, created.stderr
        listed = snippets.ses_smtp(root, emulator, "users", *flags, "list", "--json")
        assert [s["name"] for s in json.loads(listed.stdout)] == [sender], "each deployment sees its own senders"


def test_a_second_plan_is_clean(applied: tuple[Path, Emulator]) -> None:
    root, _ = applied
    assert snippets.has_changes(root, *VARIABLES) is False


def test_destroy_leaves_nothing(applied: tuple[Path, Emulator]) -> None:
    root, emulator = applied
    for prefix, output in zip(PREFIXES, ("sales_admin_config", "support_admin_config"), strict=True):
        config = snippets.outputs(root)[output]
        flags = ["--function", config["credentials_function_name"], "--table", config["credentials_table_name"]]
        flags += ["--kms-key-arn", config["kms_key_arn"], "--region", config["region"]]
        snippets.ses_smtp(root, emulator, "users", *flags, "delete", f"{prefix}-alice", "--yes")
    snippets.terraform(root, "apply", "-destroy", "-auto-approve", *VARIABLES)
    state = snippets.state(root)
    assert (list(managed(state)) if "values" in state else []) == []
    session = emulator.session()
    assert session.client("lambda").list_functions()["Functions"] == []
    assert session.client("iam").list_roles()["Roles"] == []
    assert session.client("dynamodb").list_tables()["TableNames"] == []
