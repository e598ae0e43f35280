"""Requests from Terraform about the senders it declares (the module's `senders` input).

Two shapes, both sent by the AWS provider's own resources:
- `aws_lambda_invocation` with lifecycle_scope CRUD: `{"action": "declare", "name", "from", "forward_to",
  "limits", "generation"}` plus the provider's `tf` key, `{"action": "create" | "update" | "delete",
  "prev_input": ...}`. On delete the provider sends only the `tf` key: the sender is in `prev_input`.
- `data "aws_lambda_invocation"`, read at every plan: `{"action": "observe", "declared": {NAME: {...}}}`.

A refusal is raised, not returned: Lambda then reports a function error and the provider fails the apply
(or plan) with the message, instead of recording a sender that was never made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ses_smtp.config import Settings
from ses_smtp.contract import REQUEST
from ses_smtp.credentials import Caller, Credentials, Declared, declared_view
from ses_smtp.errors import InvalidRequest

TERRAFORM_KEY = "tf"  # aws_lambda_invocation's terraform_key, left at its default
LIFECYCLE = ("create", "update", "delete")
ACTOR = "terraform"


class TerraformRequestFailed(Exception):
    """A request from Terraform was refused; Lambda reports it as a function error."""


def is_from_terraform(event: Any) -> bool:
    return isinstance(event, dict) and (
        TERRAFORM_KEY in event or event.get("action") in (REQUEST.declare, REQUEST.observe)
    )


@dataclass(frozen=True)
class DeclareRequest:
    """Create or update (declared set) or delete (declared None) one sender."""

    lifecycle: str
    name: str
    declared: Declared | None
    generation: int


@dataclass(frozen=True)
class ObserveRequest:
    """Terraform's plan-time read of the senders it declares."""

    declared: list[Declared]


def parse(event: dict[str, Any], settings: Settings) -> DeclareRequest | ObserveRequest:
    if event.get("action") == REQUEST.observe and TERRAFORM_KEY not in event:
        return ObserveRequest([_declared(name, fields, settings) for name, fields in _map(event, "declared").items()])
    lifecycle = _map(event, TERRAFORM_KEY).get("action")
    if lifecycle not in LIFECYCLE:
        raise InvalidRequest(
            f"{TERRAFORM_KEY}.action must be one of {', '.join(LIFECYCLE)}: declare requests come from "
            "aws_lambda_invocation with lifecycle_scope = CRUD"
        )
    previous = event[TERRAFORM_KEY].get("prev_input") or {}
    if lifecycle == "delete":
        name = previous.get("name") if isinstance(previous, dict) else None
        if not isinstance(name, str):
            raise InvalidRequest("a delete from Terraform names the sender in tf.prev_input.name")
        return DeclareRequest("delete", name, None, 0)
    if event.get("action") != REQUEST.declare:
        raise InvalidRequest(f"a {lifecycle} from Terraform has action declare, not {event.get('action')!r}")
    if lifecycle == "update" and isinstance(previous, dict) and previous.get("name") != event.get("name"):
        raise InvalidRequest("a sender's name cannot change in place: Terraform must delete it and create the new one")
    declared = _declared(event.get("name"), event, settings)
    return DeclareRequest(lifecycle, declared.name, declared, _generation(event.get("generation")))


def handle(request: DeclareRequest | ObserveRequest, credentials: Credentials) -> dict[str, Any]:
    """Run one request from Terraform; the result (kept in Terraform's state) holds no key and no secret."""
    if isinstance(request, ObserveRequest):
        return {"senders": credentials.observe(request.declared)}
    caller = Caller(actor=ACTOR)
    if request.declared is None:
        if credentials.undeclare(request.name, caller):
            return {"deleted": request.name}
        return {"left_alone": request.name, "reason": "the CLI manages it now"}
    return {"sender": declared_view(credentials.declare(request.declared, request.generation, caller))}


def _declared(name: Any, fields: Any, settings: Settings) -> Declared:
    if not isinstance(fields, Mapping):
        raise InvalidRequest(f"sender {name!r}: its declaration must be an object with from, forward_to and limits")
    return Declared.parse({**fields, "name": name}, settings)


def _map(event: dict[str, Any], key: str) -> dict[str, Any]:
    value = event.get(key)
    if not isinstance(value, dict):
        raise InvalidRequest(f"{key} must be an object")
    return value


def _generation(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRequest(f"generation must be a whole number of at least 0, not {value!r}")
    return value
