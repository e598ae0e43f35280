"""The credentials function: create, rotate, revoke, delete, list and status of senders, the
scheduled `retire` run that deletes previous keys whose grace period has passed, and the scheduled
`send_quota` reading of the account's 24-hour quota.

It may create IAM users and keys and ask KMS for data keys, but it cannot decrypt: responses carry
no secret, and the CLI reads passwords with the administrator's own KMS permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ses_smtp.config import metrics_service
from ses_smtp.contract import METRIC_NAMESPACE
from ses_smtp.credentials import UNCHANGED, Caller, Credentials
from ses_smtp.errors import InvalidRequest, SesSmtpError
from ses_smtp.handlers import declared_senders
from ses_smtp.logsafety import function_logger, protect_logs
from ses_smtp.notices import Notices
from ses_smtp.quota import SendQuota, read_send_quota
from ses_smtp.wiring import credentials_from_env, sesv2_from_env

logger = function_logger("ses-smtp")
protect_logs(*logger.handlers)  # no secret in the logs at any level: see ses_smtp.logsafety
tracer = Tracer(service="ses-smtp")
metrics = Metrics(namespace=METRIC_NAMESPACE)  # service: set per invocation from the environment

ACTIONS = ("create", "update", "rotate", "revoke", "delete", "list", "status", "retire", "quarantine", "release")
NEEDS_NAME = ("create", "update", "rotate", "revoke", "delete", "status", "release")
SEND_QUOTA = "send_quota"  # the schedule's reading; apart from ACTIONS: it touches no sender


@dataclass(frozen=True)
class CredentialRequest:
    action: str
    name: str
    from_patterns: list[str]
    retire_after: timedelta | None
    retire_now: bool
    caller: Caller
    limits: dict[str, Any]
    forward_to: Any = UNCHANGED  # a person's own mailbox for received mail; "" or null clears it
    iam_user: str = ""  # quarantine: the sender as SES's events name it
    reason: str = ""
    force: bool = False  # update, delete: also a sender Terraform manages
    unused_days: float | None = None  # list: only senders whose keys were not used for this many days

    @classmethod
    def parse(cls, event: Any) -> CredentialRequest:
        if not isinstance(event, dict):
            raise InvalidRequest("the event must be a JSON object")
        action = event.get("action")
        if action not in ACTIONS:
            raise InvalidRequest(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
        name = event.get("name", "")
        if action in NEEDS_NAME and not (isinstance(name, str) and name):
            raise InvalidRequest(f"{action} needs the sender's name")
        limits = event.get("limits") or {}
        if not isinstance(limits, dict):
            raise InvalidRequest('limits must be an object such as {"per_hour": 50}')
        iam_user, reason = event.get("iam_user", ""), event.get("reason", "")
        if action == "quarantine" and not (isinstance(iam_user, str) and iam_user and isinstance(reason, str)):
            raise InvalidRequest("quarantine needs the sender's iam_user and a reason")
        return cls(
            action=action,
            name=name,
            from_patterns=event.get("from", []),
            retire_after=_days(event.get("retire_after_days")),
            retire_now=event.get("retire_now") is True,
            caller=_caller(event),
            limits=limits,
            forward_to=event.get("forward_to", UNCHANGED),
            iam_user=iam_user,
            reason=reason,
            force=event.get("force") is True,
            unused_days=_unused_days(event.get("unused_days")),
        )


def handle(request: CredentialRequest, credentials: Credentials) -> dict[str, Any]:
    """Run one request; the result never holds a secret."""
    match request.action:
        case "create":
            forward_to = None if request.forward_to is UNCHANGED else request.forward_to
            created = credentials.create(
                request.name, request.from_patterns, request.caller, forward_to, request.limits
            )
            return {"sender": credentials.view(created)}
        case "update":
            updated = credentials.update(
                request.name, request.caller, request.forward_to, request.limits, force=request.force
            )
            return {"sender": credentials.view(updated)}
        case "quarantine":
            return {
                "sender": credentials.view(credentials.quarantine(request.iam_user, request.reason, request.caller))
            }
        case "release":
            return {"sender": credentials.view(credentials.release(request.name, request.caller))}
        case "rotate":
            sender = credentials.rotate(
                request.name, request.caller, request.retire_after, retire_now=request.retire_now
            )
            return {"sender": credentials.view(sender)}
        case "revoke":
            return {"sender": credentials.view(credentials.revoke(request.name, request.caller))}
        case "delete":
            credentials.delete(request.name, request.caller, force=request.force)
            return {"deleted": request.name}
        case "status":
            return {"sender": credentials.status(request.name)}
        case "retire":
            return retire(credentials)
        case _:
            return {"senders": credentials.list_with_use(request.unused_days)}


def retire(credentials: Credentials) -> dict[str, Any]:
    """Retire expired previous keys and count keys past their maximum age (the schedule's request)."""
    report = credentials.retire_expired()
    metrics.add_metric(name="AccessKeysRetired", unit=MetricUnit.Count, value=len(report.retired))
    metrics.add_metric(name="CredentialsPastMaxAge", unit=MetricUnit.Count, value=len(report.past_max_age))
    metrics.add_metric(name="SendersSkippedBusy", unit=MetricUnit.Count, value=len(report.skipped_busy))
    metrics.add_metric(
        name="UnrecordedAccessKeysDeactivated", unit=MetricUnit.Count, value=len(report.unrecorded_deactivated)
    )
    metrics.add_metric(name="OldPasswordsStillInUse", unit=MetricUnit.Count, value=len(report.old_password_in_use))
    metrics.add_metric(name="UnusedSenders", unit=MetricUnit.Count, value=len(report.unused))
    # One alarm watches this sum (the module's alarms stay inside the free allowance); the dashboard
    # shows the numbers it adds up. Unused senders are not in it: see RetirementReport.
    metrics.add_metric(name="CredentialsNeedAttention", unit=MetricUnit.Count, value=report.needs_attention)
    logger.info(
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


@logger.inject_lambda_context(correlation_id_path="correlation_id")
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    metrics.service = metrics_service()  # the function's environment, whenever this module was imported
    if declared_senders.is_from_terraform(event):
        return from_terraform(event)
    if isinstance(event, dict) and event.get("action") == SEND_QUOTA:
        return {"ok": True, "send_quota": publish_send_quota(read_send_quota(sesv2_from_env()))}
    try:
        request = CredentialRequest.parse(event)
        tracer.put_annotation("operation", request.action)
        tracer.put_annotation("sender", request.name)
        logger.append_keys(operation=request.action, sender=request.name, operation_id=request.caller.operation_id)
        credentials = credentials_from_env()
        result = handle(request, credentials)
    except SesSmtpError as error:
        logger.warning("request refused", error_code=error.code, reason=str(error))
        metrics.add_metric(name="CredentialRequestsRefused", unit=MetricUnit.Count, value=1)
        return {"ok": False, "error": {"code": error.code, "message": str(error)}}
    count_notices(credentials.notices)
    metrics.add_metric(name="CredentialRequestsSucceeded", unit=MetricUnit.Count, value=1)
    return {"ok": True, **result}


def publish_send_quota(quota: SendQuota) -> dict[str, Any]:
    """SendQuotaUsed, the percent of the 24-hour quota used, for the send-quota alarms. Its only metric:
    every metric published every 15 minutes is billed a whole month, so no request count rides along."""
    used = None if quota.used is None else round(quota.used * 100, 2)
    if used is not None:
        metrics.add_metric(name="SendQuotaUsed", unit=MetricUnit.Percent, value=used)
    logger.info(
        "send quota read",
        sent_last_24_hours=quota.sent_last_24_hours,
        max_24_hour_send=quota.max_24_hour_send,  # -1: unlimited, nothing to publish
        used_percent=used,
    )
    return {
        "sent_last_24_hours": quota.sent_last_24_hours,
        "max_24_hour_send": quota.max_24_hour_send,
        "used_percent": used,
    }


def count_notices(notices: Notices | None) -> None:
    """Rotation notices sent and failed by this request (a failed one never failed the request)."""
    if notices is None:
        return
    sent, failed = notices.take_counts()
    if sent or failed:
        metrics.add_metric(name="RotationNoticesSent", unit=MetricUnit.Count, value=sent)
        metrics.add_metric(name="RotationNoticesFailed", unit=MetricUnit.Count, value=failed)


def from_terraform(event: dict[str, Any]) -> dict[str, Any]:
    """A request about the senders the module's `senders` input declares; a refusal fails Terraform's run."""
    try:
        credentials = credentials_from_env()
        request = declared_senders.parse(event, credentials.settings)
        logger.append_keys(operation=type(request).__name__, sender=getattr(request, "name", None))
        result = declared_senders.handle(request, credentials)
    except SesSmtpError as error:
        logger.warning("terraform request refused", error_code=error.code, reason=str(error))
        metrics.add_metric(name="CredentialRequestsRefused", unit=MetricUnit.Count, value=1)
        raise declared_senders.TerraformRequestFailed(f"[{error.code}] {error}") from error
    metrics.add_metric(name="CredentialRequestsSucceeded", unit=MetricUnit.Count, value=1)
    return {"ok": True, **result}


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
