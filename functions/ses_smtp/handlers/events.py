"""The events function: SES events from SQS (via SNS), one log line and EMF metrics each.

No failure is silent, and none fails the rest of the batch:
- an event of a type SES added after this code: a WARNING line and UnknownEventType, then dropped
  (retrying cannot help, and a new type must not page anyone at night);
- a malformed record: an ERROR line and MalformedEvents, and a batch item failure, so it ends in the
  dead-letter queue after the queue's receive count, kept for a redrive once the code is fixed;
- an AWS error (permissions, throttling, a missing region) or any other exception: an ERROR line with
  the exception and EventProcessingErrors, and a batch item failure (retried, then the dead-letter queue).
"""

from __future__ import annotations

import os
import sys
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
import orjson
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from ses_smtp.config import metrics_service
from ses_smtp.contract import ENV, METRIC_NAMESPACE
from ses_smtp.events import (
    MalformedEvent,
    RecipientHistory,
    SesEvent,
    UnknownEventType,
    metric_name,
    parse_sqs_body,
)
from ses_smtp.limits import ACTIONS as LIMIT_ACTIONS
from ses_smtp.limits import Limits, SenderUsage, Usage, judge
from ses_smtp.logsafety import protect_logs

logger = Logger(service="ses-smtp")
protect_logs(*logger.handlers)  # no secret in the logs at any level: see ses_smtp.logsafety
tracer = Tracer(service="ses-smtp")
metrics = Metrics(namespace=METRIC_NAMESPACE)  # service: set per invocation from the environment
ANNOTATION_LIMIT = 500  # characters: a busy batch lists many senders
# A batch of only bad records is reported record by record too, never raised: nothing escapes.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@cache
def history() -> RecipientHistory:
    return RecipientHistory(boto3.client("dynamodb"), os.environ[ENV.table_name])


@cache
def usage() -> SenderUsage:
    return SenderUsage(boto3.client("dynamodb"), os.environ[ENV.table_name])


@cache
def lambda_client() -> Any:
    return boto3.client("lambda")


class EventLog:
    """One JSON line per event, in Powertools Logger's shape, written straight to stdout.

    A Logger call costs more than decoding the event itself; at SES volumes the per-event line is
    written the way EMF lines are, and Logger keeps the function's other messages.
    """

    def __init__(self, context: LambdaContext, service: str) -> None:
        self.full_recipients = os.environ.get(ENV.log_recipient_addresses, "false").lower() == "true"
        self._base = {
            "level": "INFO",
            "location": "record_event",
            "message": "ses event",
            "service": service,
            "function_name": context.function_name,
            "function_request_id": context.aws_request_id,
            "xray_trace_id": _trace_id(),
        }

    def write(self, event: SesEvent) -> None:
        line = {
            **self._base,
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "correlation_id": event.message_id,
            **event.log_fields(self.full_recipients),
        }
        sys.stdout.write(orjson.dumps(line).decode() + "\n")


def _trace_id() -> str | None:
    header = os.environ.get("_X_AMZN_TRACE_ID", "")
    return header.split(";")[0].removeprefix("Root=") or None


class Tally:
    """Event counts of one batch, published as a few EMF lines at its end rather than per event."""

    def __init__(self) -> None:
        self.by_kind: Counter[str] = Counter()
        self.by_sender: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.by_bounce_type: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()  # UnknownEventType, MalformedEvents, EventProcessingErrors
        # What counts against a sender's limits: recipients sent (as SES counts them), hard bounces, complaints.
        self.usage: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def count(self, event: SesEvent) -> None:
        # Counted under SES's type; named as metrics once per batch, not per event.
        self.by_kind[event.kind] += 1
        self.by_sender[event.sender][event.kind] += 1
        if event.kind == "Bounce":
            self.by_bounce_type[event.bounce_type or "Undetermined"] += 1
        if event.kind == "Send":
            self.usage[event.sender]["sent"] += len(event.recipients)
        elif event.remembered:  # a permanent bounce or a complaint
            self.usage[event.sender]["bounces" if event.kind == "Bounce" else "complaints"] += len(event.recipients)

    def publish(self) -> None:
        for kind, count in (self.by_kind + self.failures).items():
            metrics.add_metric(name=metric_name(kind), unit=MetricUnit.Count, value=count)
        # One EMF line per dimension value (a sender, a bounce type): still no AWS call.
        service = metrics_service()
        for sender, counts in self.by_sender.items():
            _publish_by(service, "Sender", sender, counts)
        for bounce_type, count in self.by_bounce_type.items():
            _publish_by(service, "BounceType", bounce_type, {"Bounce": count})


def _publish_by(service: str, dimension: str, value: str, counts: Mapping[str, int]) -> None:
    line = EphemeralMetrics(namespace=METRIC_NAMESPACE, service=service)
    line.add_dimension(name=dimension, value=value)
    for kind, count in counts.items():
        line.add_metric(name=metric_name(kind), unit=MetricUnit.Count, value=count)
    line.flush_metrics()


class LimitGuard:
    """After a batch: each sender's counts added (one UpdateItem), its limits read (one GetItem), and
    a warning, an alert or a quarantine when they are close to or past a limit. Deliveries cost nothing."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)
        self.defaults = Limits.defaults_from_env()
        self.action = os.environ.get(ENV.sender_limit_action, "alert")
        if self.action not in LIMIT_ACTIONS:
            raise ValueError(f"SENDER_LIMIT_ACTION must be one of {LIMIT_ACTIONS}, not {self.action!r}")

    def check(self, tally: Tally) -> None:
        for sender, counts in sorted(tally.usage.items()):
            if sender == "unknown":
                continue
            try:
                self._check(sender, Usage(0, counts["sent"], counts["bounces"], counts["complaints"]))
            except Exception:  # the batch's events are processed; a retry would count them twice
                logger.exception("sender limits not checked", sender=sender)
                tally.failures["SenderLimitCheckErrors"] += 1

    def _check(self, sender: str, batch: Usage) -> None:
        totals = usage().add(sender, batch, self.now)
        state = usage().state(sender, self.defaults)
        verdict = judge(totals, state.limits)
        if verdict.near and not verdict.over:
            logger.warning("sender close to a limit", sender=sender, limits=list(verdict.near))
            metrics.add_metric(name="SendersNearLimit", unit=MetricUnit.Count, value=1)
        if not verdict.over or state.quarantined:
            return
        logger.warning("sender over a limit", sender=sender, limits=list(verdict.over), action=self.action)
        metrics.add_metric(name="SendersOverLimit", unit=MetricUnit.Count, value=1)
        if self.action == "quarantine":
            quarantine(sender, "; ".join(verdict.over))


def quarantine(iam_user: str, reason: str) -> None:
    """Ask the credentials function to deactivate the sender's keys: this function has no IAM rights."""
    response = lambda_client().invoke(
        FunctionName=os.environ[ENV.credentials_function_name],
        Payload=orjson.dumps({"action": "quarantine", "iam_user": iam_user, "reason": reason, "actor": "events"}),
    )
    result = orjson.loads(response["Payload"].read())
    if response.get("FunctionError") or not result.get("ok"):
        raise RuntimeError(f"quarantine of {iam_user} refused: {result}")
    logger.warning("sender quarantined", sender=iam_user, reason=reason)
    metrics.add_metric(name="SendersQuarantined", unit=MetricUnit.Count, value=1)


def record_event(event: SesEvent, log: EventLog, tally: Tally) -> None:
    """Remember (permanent bounces and complaints), then log and count one event.

    The writes come first: an event whose write fails is retried, and is logged and counted once, when
    it goes through (a recipient written before the failure is a duplicate on the retry).
    """
    if event.remembered:
        for recipient in event.recipients:
            if not history().remember(event, recipient):
                logger.info("duplicate event ignored", correlation_id=event.message_id)
    log.write(event)
    tally.count(event)


def process_record(record: SQSRecord, log: EventLog, tally: Tally) -> None:
    """One SQS record: processed, skipped (unknown type) or failed with an ERROR line; never silently."""
    try:
        event = parse_sqs_body(record.body)
    except UnknownEventType as unknown:
        logger.warning("unknown SES event type skipped", event_type=unknown.kind, sqs_message_id=record.message_id)
        tally.failures["UnknownEventType"] += 1
        return
    except MalformedEvent as malformed:
        logger.error("malformed SES event", reason=str(malformed), sqs_message_id=record.message_id)
        tally.failures["MalformedEvents"] += 1
        raise
    try:
        record_event(event, log, tally)
    except Exception:  # an AWS error (ClientError, BotoCoreError, NoRegionError) or a bug; re-raised
        logger.exception("SES event not processed", correlation_id=event.message_id, sqs_message_id=record.message_id)
        tally.failures["EventProcessingErrors"] += 1
        raise


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tracer.put_annotation("operation", "events")
    # The deployment's name (Terraform's POWERTOOLS_SERVICE_NAME), whenever this module was imported:
    # the service dimension of the metrics and the `service` of every log line.
    service = metrics_service()
    metrics.service = service
    logger.append_keys(service=service)
    log, tally = EventLog(context, service), Tally()
    response = process_partial_response(
        event=event,
        record_handler=lambda record: process_record(record, log, tally),
        processor=processor,
        context=context,
    )
    LimitGuard().check(tally)
    tally.publish()
    # Searchable as `annotation.sender CONTAINS "alice"`, as the credentials function's traces are.
    tracer.put_annotation("sender", ",".join(sorted(tally.by_sender))[:ANNOTATION_LIMIT])
    return {"batchItemFailures": list(response.get("batchItemFailures", []))}
