"""Senders declared in Terraform: the credentials handler serving aws_lambda_invocation (CRUD) and its data
source, as the AWS provider sends them (the `tf` key, prev_input on update and delete), and the CLI's
requests refused on a Terraform-managed sender unless forced."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ses_smtp.handlers.declared_senders import TerraformRequestFailed
from tests.unit.aws_world import World, counted
from tests.unit.functions import CredentialsFunction

WRITES = ("Put", "Update", "Delete", "Create", "TransactWrite", "GenerateDataKey")


def declaration(
    name: str = "alice",
    generation: int = 1,
    grants: list[str] | None = None,
    forward_to: str | None = None,
    limits: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The resource's input as the module renders it (senders.tf)."""
    return {
        "action": "declare",
        "name": name,
        "generation": generation,
        "from": grants or [f"{name}@example.com"],
        "forward_to": forward_to,
        "limits": limits or {},
    }


def crud(lifecycle: str, current: dict[str, Any] | None, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """What aws_lambda_invocation sends with lifecycle_scope = CRUD: the input plus the `tf` key; on delete
    the provider sends the `tf` key alone."""
    return {**(current or {}), "tf": {"action": lifecycle, "prev_input": previous}}


def observe(invoke: CredentialsFunction, *declared: dict[str, Any]) -> dict[str, Any]:
    fields = ("from", "forward_to", "limits")
    event = {"action": "observe", "declared": {d["name"]: {k: d[k] for k in fields} for d in declared}}
    return invoke(event)["senders"]  # type: ignore[no-any-return]


def writes(world: World, action: Any) -> list[str]:
    before = len(world.log.calls)
    action()
    return [call for call in world.log.calls[before:] if any(verb in call for verb in WRITES)]


def test_terraform_creates_a_sender_and_its_result_holds_no_key_and_no_secret(
    wired: World, invoke: CredentialsFunction
) -> None:
    response = invoke(crud("create", declaration(forward_to="alice@gmail.com", limits={"per_hour": 20})))
    assert response["sender"] == {
        "name": "alice",
        "managed_by": "terraform",
        "generation": 1,
        "from": ["alice@example.com"],
        "forward_to": "alice@gmail.com",
        "limits": {"per_hour": 20},
        "status": "active",
    }
    text = json.dumps(response)
    (key_id, secret), *_ = wired.log.secrets.items()
    assert key_id not in text and secret not in text
    sender = wired.credentials().store.require("alice")
    assert sender.current_key is not None, "a declared sender gets its key: `ses-smtp users show` reads it"


def test_the_same_create_again_writes_nothing(wired: World, invoke: CredentialsFunction) -> None:
    invoke(crud("create", declaration()))
    assert writes(wired, lambda: invoke(crud("create", declaration()))) == []


def test_an_update_sets_grants_forward_to_and_limits_as_declared(wired: World, invoke: CredentialsFunction) -> None:
    before = declaration(limits={"per_hour": 20, "per_day": 200})
    invoke(crud("create", before))
    after = declaration(
        generation=2, grants=["alice@example.com", "*@example.com"], forward_to="a@gmail.com", limits={}
    )
    response = invoke(crud("update", after, before))
    assert response["sender"]["from"] == ["alice@example.com", "*@example.com"]
    assert response["sender"]["forward_to"] == "a@gmail.com"
    assert response["sender"]["limits"] == {}, "a limit no longer declared returns to the module's default"
    iam = wired.client("iam")
    policy = iam.get_user_policy(UserName="ses-smtp-alice", PolicyName="send-as-granted")["PolicyDocument"]
    assert [s["Condition"] for s in policy["Statement"]] == [
        {"StringEqualsIgnoreCase": {"ses:FromAddress": ["alice@example.com"]}},
        {"StringLike": {"ses:FromAddress": ["*@example.com"]}},
    ]


def test_grants_in_another_order_are_the_same_grants(wired: World, invoke: CredentialsFunction) -> None:
    invoke(crud("create", declaration(grants=["alice@example.com", "a@example.com"])))
    again = declaration(grants=["a@example.com", "alice@example.com"])
    assert observe(invoke, again)["alice"]["differs"] == []


def test_terraform_deletes_its_sender_and_a_missing_one_is_already_gone(
    wired: World, invoke: CredentialsFunction
) -> None:
    created = declaration()
    invoke(crud("create", created))
    assert invoke(crud("delete", None, created)) == {"ok": True, "deleted": "alice"}
    assert wired.client("iam").list_users(PathPrefix="/ses-smtp/senders/")["Users"] == []
    assert invoke(crud("delete", None, created)) == {"ok": True, "deleted": "alice"}


def test_terraform_leaves_a_sender_the_cli_manages_alone(wired: World, invoke: CredentialsFunction) -> None:
    invoke({"action": "create", "name": "alice", "from": ["alice@example.com"]})
    with pytest.raises(TerraformRequestFailed, match=r"\[ManagedElsewhere\] sender 'alice' exists and is managed by"):
        invoke(crud("create", declaration()))
    response = invoke(crud("delete", None, declaration()))
    assert response["left_alone"] == "alice"
    assert invoke({"action": "status", "name": "alice"})["sender"]["managed_by"] == "cli"


@pytest.mark.parametrize(
    ("request_", "refusal"),
    [
        ({"action": "update", "name": "alice", "forward_to": "a@gmail.com"}, "change it there and apply"),
        ({"action": "delete", "name": "alice"}, "delete it there and apply"),
    ],
)
def test_the_cli_may_not_change_a_terraform_sender_unless_forced(
    wired: World, request_: dict[str, Any], refusal: str, invoke: CredentialsFunction
) -> None:
    invoke(crud("create", declaration()))
    response = invoke(request_)
    assert response["ok"] is False
    assert response["error"]["code"] == "ManagedElsewhere"
    assert refusal in response["error"]["message"] and "--force" in response["error"]["message"]
    assert invoke({**request_, "force": True})["ok"] is True


def test_observe_reports_what_differs_from_the_declaration(wired: World, invoke: CredentialsFunction) -> None:
    declared = declaration(forward_to="a@gmail.com")
    assert observe(invoke, declared) == {"alice": {"generation": 0, "managed_by": None, "differs": ["missing"]}}
    invoke(crud("create", declared))
    assert observe(invoke, declared)["alice"] == {"generation": 1, "managed_by": "terraform", "differs": []}
    invoke({"action": "update", "name": "alice", "forward_to": "", "limits": {"per_day": 5}, "force": True})
    assert observe(invoke, declared)["alice"]["differs"] == ["forward_to", "limits"]


def test_observe_writes_nothing(wired: World, invoke: CredentialsFunction) -> None:
    invoke(crud("create", declaration()))
    assert writes(wired, lambda: observe(invoke, declaration())) == []
    assert counted(wired.log, lambda: observe(invoke, declaration())) == 1, "one GetItem per declared sender"


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (declaration(), "tf must be an object"),
        (crud("destroy", declaration()), "tf.action must be one of create, update, delete"),
        (crud("create", declaration(generation=-1)), "generation must be a whole number"),
        (crud("create", declaration(grants=["alice@example.org"])), "outside this deployment's domain"),
        (crud("create", declaration(forward_to="alice@example.com")), "mail would loop"),
        (crud("create", declaration(limits={"per_hour": 0})), "per_hour"),
        (crud("update", declaration("bob"), declaration("alice")), "name cannot change in place"),
        (crud("delete", None, {"action": "declare"}), "tf.prev_input.name"),
        ({"action": "observe", "declared": []}, "declared must be an object"),
    ],
)
def test_a_bad_request_from_terraform_fails_its_run(
    wired: World, event: dict[str, Any], message: str, invoke: CredentialsFunction
) -> None:
    with pytest.raises(TerraformRequestFailed, match=r"^\[InvalidRequest\] ") as raised:
        invoke(event)
    assert message in str(raised.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tf=st.one_of(
        st.none(),
        st.text(max_size=5),
        st.fixed_dictionaries(
            {"action": st.sampled_from(["create", "update", "delete", "x"])},
            optional={"prev_input": st.one_of(st.none(), st.dictionaries(st.text(max_size=5), st.text(max_size=5)))},
        ),
    ),
    body=st.dictionaries(
        st.sampled_from(["action", "name", "from", "forward_to", "limits", "generation"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=8), st.lists(st.text(max_size=8), max_size=2)),
    ),
)
def test_malformed_terraform_requests_are_refused_not_crashed(
    wired: World, tf: Any, body: dict[str, Any], invoke: CredentialsFunction
) -> None:
    try:
        response = invoke({**body, "tf": tf})
    except TerraformRequestFailed as failed:
        refusal = str(failed)
    else:
        assert response["ok"] is True
        return
    assert refusal.startswith("[InvalidRequest] ")
