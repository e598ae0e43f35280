"""Requests about senders to the credentials function: create, update, rotate, revoke, delete, list,
status, quarantine and release, the scheduled `retire` run, and Terraform's declared senders.

handlers/credentials.py loads this module with the first such request: the send-quota reading, the
function's most frequent request (every 15 minutes), needs none of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from ses_smtp.contract import METRIC, REQUEST
from ses_smtp.credentials import UNCHANGED, Caller, Credentials
from ses_smtp.errors import InvalidRequest, SesSmtpError
from ses_smtp.handlers import declared_senders
from ses_smtp.handlers.runtime import Powertools
from ses_smtp.notices import Notices


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    ROTATE = "rotate"
    REVOKE = "revoke"
    DELETE = "delete"
    LIST = "list"
    STATUS = "status"
    RETIRE = REQUEST.retire  # the schedule's request
    QUARANTINE = "quarantine"  # the events function's request
    RELEASE = "release"


NEEDS_NAME = frozenset({Action.CREATE, Action.UPDATE, Action.ROTATE, Action.REVOKE, Action.DELETE, Action.STATUS})
NEEDS_NAME |= {Action.RELEASE}


@dataclass(frozen=True)
class CredentialRequest:
    """One request to the credentials function, every field checked."""

    action: Action
    name: str
    from_patterns: list[str]
    retire_after: timedelta | None
    retire_now: bool
    caller: Caller
    limits: dict[str, Any]
    forward_to: Any = UNCHANGED  # a person's own mailbox for received mail (str); None clears it
    iam_user: str = ""  # quarantine: the sender as SES's events name it
    reason: str = ""
    force: bool = False  # update, delete: also a sender Terraform manages
    unused_days: float | None = None  # list: only senders whose keys were not used for this many days

    @classmethod
    def parse(cls, event: Any) -> CredentialRequest:
        """Every field checked here, at the edge; raises InvalidRequest with what a caller must fix."""
        if not isinstance(event, dict):
            raise InvalidRequest("the event must be a JSON object")
        action = _action(event.get("action"))
        name = event.get("name", "")
        if action in NEEDS_NAME and not (isinstance(name, str) and name):
            raise InvalidRequest(f"{action} needs the sender's name")
        limits = event.get("limits") or {}
        if not isinstance(limits, dict):
            raise InvalidRequest('limits must be an object such as {"per_hour": 50}')
        iam_user, reason = event.get("iam_user", ""), event.get("reason", "")
        if action is Action.QUARANTINE and not (isinstance(iam_user, str) and iam_user and isinstance(reason, str)):
            raise InvalidRequest("quarantine needs the sender's iam_user and a reason")
        return cls(
            action=action,
            name=name if isinstance(name, str) else "",
            from_patterns=_from_patterns(event.get("from", [])),
            retire_after=_days(event.get("retire_after_days")),
            retire_now=event.get("retire_now") is True,
            caller=_caller(event),
            limits=limits,
            forward_to=_forward_to(event.get("forward_to", UNCHANGED)),
            iam_user=iam_user if isinstance(iam_user, str) else "",
            reason=reason if isinstance(reason, str) else "",
            force=event.get("force") is True,
            unused_days=_unused_days(event.get("unused_days")),
        )


def handle(request: CredentialRequest, credentials: Credentials, tools: Powertools) -> dict[str, Any]:
    """Run one request; the result never holds a secret. tools: where the retire run's counts go."""
    match request.action:
        case Action.CREATE:
            forward_to = None if request.forward_to is UNCHANGED else request.forward_to
            created = credentials.create(
                request.name, request.from_patterns, request.caller, forward_to, request.limits
            )
            return {"sender": credentials.view(created)}
        case Action.UPDATE:
            updated = credentials.update(
                request.name, request.caller, request.forward_to, request.limits, force=request.force
            )
            return {"sender": credentials.view(updated)}
        case Action.QUARANTINE:
            return {
                "sender": credentials.view(credentials.quarantine(request.iam_user, request.reason, request.caller))
            }
        case Action.RELEASE:
            return {"sender": credentials.view(credentials.release(request.name, request.caller))}
        case Action.ROTATE:
            sender = credentials.rotate(
                request.name, request.caller, request.retire_after, retire_now=request.retire_now
            )
            return {"sender": credentials.view(sender)}
        case Action.REVOKE:
            return {"sender": credentials.view(credentials.revoke(request.name, request.caller))}
        case Action.DELETE:
            credentials.delete(request.name, request.caller, force=request.force)
            return {"deleted": request.name}
        case Action.STATUS:
            return {"sender": credentials.status(request.name)}
        case Action.RETIRE:
            return retire(credentials, tools)
        case _:  # Action.LIST
            return {"senders": credentials.list_with_use(request.unused_days)}


def retire(credentials: Credentials, tools: Powertools) -> dict[str, Any]:
    """Retire expired previous keys and count keys past their maximum age (the schedule's request)."""
    metrics = tools.metrics
    report = credentials.retire_expired()
    found = {
        "AccessKeysRetired": len(report.retired),
        METRIC.credentials_past_max_age: len(report.past_max_age),
        METRIC.senders_skipped_busy: len(report.skipped_busy),
        METRIC.unrecorded_access_keys_deactivated: len(report.unrecorded_deactivated),
        METRIC.old_passwords_still_in_use: len(report.old_password_in_use),
        METRIC.unused_senders: len(report.unused),
    }
    for name, count in found.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=count)
    # One alarm watches this sum (the module's alarms stay inside the free allowance); the dashboard
    # shows the numbers it adds up. Unused senders are not in it: see RetirementReport.
    metrics.add_metric(name=METRIC.credentials_need_attention, unit=MetricUnit.Count, value=report.needs_attention)
    tools.logger.info(
        "retire run complete",
        retired=len(report.retired),
        skipped_busy=report.skipped_busy,
        past_max_age=len(report.past_max_age),
        unrecorded_deactivated=len(report.unrecorded_deactivated),
        migrated=report.migrated,
        old_password_in_use=len(report.old_password_in_use),
        unused=len(report.unused),
    )
    return {
        "retired": report.retired,
        "skipped_busy": report.skipped_busy,
        "past_max_age": report.past_max_age,
        "unrecorded_deactivated": report.unrecorded_deactivated,
        "migrated": report.migrated,
        "old_password_in_use": report.old_password_in_use,
        "unused": report.unused,
    }


def respond(event: Any, credentials: Callable[[], Credentials], tools: Powertools) -> dict[str, Any]:
    """The answer to a request about senders; a refusal is an answer (ok false), not an exception."""
    if declared_senders.is_from_terraform(event):
        return from_terraform(event, credentials, tools)
    logger, tracer, metrics = tools.logger, tools.tracer, tools.metrics
    try:
        request = CredentialRequest.parse(event)
        tracer.put_annotation("operation", request.action.value)
        tracer.put_annotation("sender", request.name)
        logger.append_keys(
            operation=request.action.value, sender=request.name, operation_id=request.caller.operation_id
        )
        built = credentials()
        result = handle(request, built, tools)
    except SesSmtpError as error:
        logger.warning("request refused", error_code=error.code, reason=str(error))
        metrics.add_metric(name="CredentialRequestsRefused", unit=MetricUnit.Count, value=1)
        return {"ok": False, "error": {"code": error.code, "message": str(error)}}
    count_notices(built.notices, tools)
    metrics.add_metric(name="CredentialRequestsSucceeded", unit=MetricUnit.Count, value=1)
    return {"ok": True, **result}


def count_notices(notices: Notices | None, tools: Powertools) -> None:
    """Rotation notices sent and failed by this request (a failed one never failed the request)."""
    if notices is None:
        return
    sent, failed = notices.take_counts()
    if sent or failed:
        tools.metrics.add_metric(name="RotationNoticesSent", unit=MetricUnit.Count, value=sent)
        tools.metrics.add_metric(name="RotationNoticesFailed", unit=MetricUnit.Count, value=failed)


def from_terraform(event: dict[str, Any], credentials: Callable[[], Credentials], tools: Powertools) -> dict[str, Any]:
    """A request about the senders the module's `senders` input declares; a refusal fails Terraform's run."""
    try:
        built = credentials()
        request = declared_senders.parse(event, built.settings)
        tools.logger.append_keys(operation=type(request).__name__, sender=getattr(request, "name", None))
        result = declared_senders.handle(request, built)
    except SesSmtpError as error:
        tools.logger.warning("terraform request refused", error_code=error.code, reason=str(error))
        tools.metrics.add_metric(name="CredentialRequestsRefused", unit=MetricUnit.Count, value=1)
        raise declared_senders.TerraformRequestFailed(f"[{error.code}] {error}") from error
    tools.metrics.add_metric(name="CredentialRequestsSucceeded", unit=MetricUnit.Count, value=1)
    return {"ok": True, **result}


def _action(value: Any) -> Action:
    try:
        return Action(value)
    except ValueError:
        raise InvalidRequest(f"action must be one of {', '.join(Action)}, not {value!r}") from None


def _from_patterns(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(pattern, str) for pattern in value):
        raise InvalidRequest('from must be a list of addresses or patterns, such as ["alice@example.com"]')
    return value


def _forward_to(value: Any) -> Any:
    """UNCHANGED (not given), None or "" (clear it), or an address (checked by the logic)."""
    if value is UNCHANGED or value is None or isinstance(value, str):
        return value
    raise InvalidRequest("forward_to must be an address, or null to clear it")


def _days(value: Any) -> timedelta | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRequest("retire_after_days must be a number of days")
    return timedelta(days=value)


def _unused_days(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InvalidRequest("unused_days must be a number of days, 0 or more")
    return float(value)


def _caller(event: dict[str, Any]) -> Caller:
    actor = event.get("actor") or "unknown"
    operation_id = event.get("operation_id")
    if operation_id is None:
        return Caller(actor=str(actor))
    if not isinstance(operation_id, str) or not 8 <= len(operation_id) <= 64:
        raise InvalidRequest("operation_id must be a string of 8 to 64 characters")
    return Caller(actor=str(actor), operation_id=operation_id)
