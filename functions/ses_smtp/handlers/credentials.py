"""The credentials function: create, rotate, revoke, delete, list and status of senders, and the
scheduled `retire` run that deletes previous keys whose grace period has passed.

It may create IAM users and keys and ask KMS for data keys, but it cannot decrypt: responses carry
no secret, and the CLI reads passwords with the administrator's own KMS permission.

The send-quota reading, every 15 minutes the function's most frequent request and so most of its cold
starts, is answered here; every other request loads the sender logic (handlers/sender_requests.py) when
it first comes. `make bench` measures both: handler_import_ratio (this module) and
credentials_sender_request_import_ratio (this module and what a request about senders loads).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ses_smtp.contract import METRIC, REQUEST
from ses_smtp.handlers.runtime import LambdaHandler, Powertools, once
from ses_smtp.quota import SendQuota, read_send_quota

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

    from ses_smtp.credentials import Credentials

SEND_QUOTA = REQUEST.send_quota  # the schedule's reading; apart from the sender actions: it touches no sender


def make_handler(
    credentials: Callable[[], Credentials], tools: Powertools, sesv2: Callable[[], SESV2Client]
) -> LambdaHandler:
    """The credentials function of one deployment; credentials is called per request about senders (cache it
    when warm), sesv2 per send-quota reading."""
    logger, tracer, metrics = tools.logger, tools.tracer, tools.metrics

    @logger.inject_lambda_context(correlation_id_path="correlation_id")
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        if isinstance(event, dict) and event.get("action") == SEND_QUOTA:
            return {"ok": True, "send_quota": publish_send_quota(read_send_quota(sesv2()), tools)}
        from ses_smtp.handlers import sender_requests  # here, not at import: see the module's docstring

        return sender_requests.respond(event, credentials, tools)

    made: LambdaHandler = handler
    return made


def build(env: Mapping[str, str]) -> LambdaHandler:
    """The function as Lambda builds it from its environment: settings read and clients made on first use."""
    return make_handler(once(lambda: credentials_from_env(env)), Powertools.from_env(env), sesv2_from_env)


def credentials_from_env(env: Mapping[str, str]) -> Credentials:
    """The deployment's Credentials, with the sender logic they load (the first request about senders)."""
    from ses_smtp.config import Settings
    from ses_smtp.wiring import build_credentials

    return build_credentials(Settings.from_env(env))


def sesv2_from_env() -> SESV2Client:
    """SES API v2 for the send-quota reading: a new client each run is cheap next to a run every 15 minutes."""
    return boto3.session.Session().client("sesv2")


def publish_send_quota(quota: SendQuota, tools: Powertools) -> dict[str, Any]:
    """SendQuotaUsed, the percent of the 24-hour quota used, for the send-quota alarms. Its only metric:
    every metric published every 15 minutes is billed a whole month, so no request count rides along."""
    used = None if quota.used is None else round(quota.used * 100, 2)
    if used is not None:
        tools.metrics.add_metric(name=METRIC.send_quota_used, unit=MetricUnit.Percent, value=used)
    tools.logger.info(
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


handler = build(os.environ)
