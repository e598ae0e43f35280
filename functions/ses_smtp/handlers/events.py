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
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import boto3
import orjson
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from aws_lambda_powertools.utilities.typing import LambdaContext

from ses_smtp.contract import ENV, METRIC, METRIC_NAMESPACE, SENDER_DIMENSION, SERVICE_DIMENSION
from ses_smtp.events import (
    MalformedEvent,
    RecipientHistory,
    SesEvent,
    UnknownEventType,
    metric_name,
    parse_sqs_body,
)
from ses_smtp.handlers.runtime import LambdaHandler, Powertools, once
from ses_smtp.limits import LimitAction, Limits, SenderUsage, Usage, judge

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

ANNOTATION_LIMIT = 500  # characters: a busy batch lists many senders


class Settings(NamedTuple):
    """The events function's environment, set by Terraform (modules/events)."""

    table_name: str
    credentials_function_name: str
    limit_action: LimitAction
    default_limits: Limits
    full_recipients: bool  # LOG_RECIPIENT_ADDRESSES: whole addresses in the log, not only their domains

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        action = env.get(ENV.sender_limit_action, LimitAction.ALERT)
        if action not in set(LimitAction):
            raise ValueError(
                f"{ENV.sender_limit_action} must be one of {[a.value for a in LimitAction]}, not {action!r}"
            )
        return cls(
            table_name=env[ENV.table_name],
            credentials_function_name=env.get(ENV.credentials_function_name, ""),
            limit_action=LimitAction(action),
            default_limits=Limits.defaults_from_env(env),
            full_recipients=env.get(ENV.log_recipient_addresses, "false").lower() == "true",
        )


class App(NamedTuple):
    """What the events function reaches. Each client is made on first use: a batch of sends and
    deliveries alone makes none but the limit counts' (and no AWS call per event)."""

    settings: Settings
    history: Callable[[], RecipientHistory]
    usage: Callable[[], SenderUsage]
    credentials_function: Callable[[], LambdaClient]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> App:
        settings = Settings.from_env(env)
        dynamodb = once(lambda: boto3.client("dynamodb"))
        return cls(
            settings=settings,
            history=once(lambda: RecipientHistory(dynamodb(), settings.table_name)),
            usage=once(lambda: SenderUsage(dynamodb(), settings.table_name)),
            credentials_function=once(lambda: boto3.client("lambda")),
        )


class EventLog:
    """One JSON line per event, in Powertools Logger's shape, written straight to stdout.

    A Logger call costs more than decoding the event itself; at SES volumes the per-event line is
    written the way EMF lines are, and Logger keeps the function's other messages.
    """

    def __init__(self, context: LambdaContext, service: str, full_recipients: bool) -> None:
        self.full_recipients = full_recipients
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
        line = self._base.copy()
        line["timestamp"] = CLOCK.now()
        line["correlation_id"] = event.message_id
        event.log_fields(self.full_recipients, line)
        sys.stdout.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE).decode())


class Clock:
    """The time as datetime.now(UTC).isoformat(timespec="milliseconds") writes it, the date and time of day
    formatted once a second: at one log line per event, formatting it whole was a twentieth of the event's cost."""

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def now(self) -> str:
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second, self._prefix = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._prefix}.{int((now - second) * 1000):03d}+00:00"


CLOCK = Clock()


def _trace_id() -> str | None:
    header = os.environ.get("_X_AMZN_TRACE_ID", "")  # set by Lambda per invocation
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

    def publish(self, tools: Powertools) -> None:
        for kind, count in (self.by_kind + self.failures).items():
            tools.metrics.add_metric(name=metric_name(kind), unit=MetricUnit.Count, value=count)
        # One EMF line per dimension value (a sender, a bounce type): still no AWS call.
        service = tools.logger.service
        for sender, counts in self.by_sender.items():
            publish_by(service, SENDER_DIMENSION, sender, counts)
        for bounce_type, count in self.by_bounce_type.items():
            publish_by(service, "BounceType", bounce_type, {"Bounce": count})


def publish_by(service: str, dimension: str, value: str, counts: Mapping[str, int]) -> None:
    """One EMF line of counts under a dimension, as Powertools' EphemeralMetrics writes it (a unit test holds
    the two equal) at a tenth of its cost: a batch writes one per sender and bounce type."""
    if is_metrics_disabled():
        return
    names = [metric_name(kind) for kind in counts]
    line: dict[str, Any] = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": METRIC_NAMESPACE,
                    "Dimensions": [[dimension, SERVICE_DIMENSION]],
                    "Metrics": [{"Name": name, "Unit": MetricUnit.Count.value} for name in names],
                }
            ],
        },
        dimension: value,
        SERVICE_DIMENSION: service,
    }
    for name, count in zip(names, counts.values(), strict=True):
        line[name] = [float(count)]
    sys.stdout.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE).decode())


class Batch:
    """One invocation: its records logged, remembered and counted, then each sender's limits checked."""

    def __init__(self, app: App, tools: Powertools, context: LambdaContext) -> None:
        self.app, self.tools = app, tools
        self.log = EventLog(context, tools.logger.service, app.settings.full_recipients)
        self.tally = Tally()

    def process(self, event: Any) -> dict[str, Any]:
        """SQS's partial batch response (ReportBatchItemFailures): every record processed, the failed ones
        named for a retry. A batch of only bad records is reported record by record too, never raised."""
        records = event.get("Records") if isinstance(event, dict) else None
        if not records or not isinstance(records, list):
            raise MalformedEvent("expected an SQS batch: {'Records': [...]}")
        failures = []
        for record in records:
            try:
                self.process_record(record)
            except Exception:  # logged and counted by process_record; the queue retries this record alone
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    def process_record(self, record: dict[str, Any]) -> None:
        """One SQS record: processed, skipped (unknown type) or failed with an ERROR line; never silently."""
        logger = self.tools.logger
        try:
            event = parse_sqs_body(record.get("body"))
        except UnknownEventType as unknown:
            logger.warning(
                "unknown SES event type skipped", event_type=unknown.kind, sqs_message_id=record.get("messageId")
            )
            self.tally.failures[METRIC.unknown_event_type] += 1
            return
        except MalformedEvent as malformed:
            logger.error("malformed SES event", reason=str(malformed), sqs_message_id=record.get("messageId"))
            self.tally.failures[METRIC.malformed_events] += 1
            raise
        try:
            self.record_event(event)
        except Exception:  # an AWS error (ClientError, BotoCoreError, NoRegionError) or a bug; re-raised
            logger.exception(
                "SES event not processed", correlation_id=event.message_id, sqs_message_id=record.get("messageId")
            )
            self.tally.failures[METRIC.event_processing_errors] += 1
            raise

    def record_event(self, event: SesEvent) -> None:
        """Remember (permanent bounces and complaints), then log and count one event.

        The writes come first: an event whose write fails is retried, and is logged and counted once, when
        it goes through (a recipient written before the failure is a duplicate on the retry).
        """
        if event.remembered:
            for recipient in event.recipients:
                if not self.app.history().remember(event, recipient):
                    self.tools.logger.info("duplicate event ignored", correlation_id=event.message_id)
        self.log.write(event)
        self.tally.count(event)

    def check_limits(self, now: datetime | None = None) -> None:
        """After a batch: each sender's counts added (one UpdateItem), its limits read (one GetItem), and
        a warning, an alert or a quarantine when they are close to or past a limit. Deliveries cost nothing."""
        now = now or datetime.now(UTC)
        for sender, counts in sorted(self.tally.usage.items()):
            if sender == "unknown":
                continue
            try:
                self._check(sender, Usage(0, counts["sent"], counts["bounces"], counts["complaints"]), now)
            except Exception:  # the batch's events are processed; a retry would count them twice
                self.tools.logger.exception("sender limits not checked", sender=sender)
                self.tally.failures["SenderLimitCheckErrors"] += 1

    def _check(self, sender: str, batch: Usage, now: datetime) -> None:
        logger, metrics, action = self.tools.logger, self.tools.metrics, self.app.settings.limit_action
        totals = self.app.usage().add(sender, batch, now)
        state = self.app.usage().state(sender, self.app.settings.default_limits)
        verdict = judge(totals, state.limits)
        if verdict.near and not verdict.over:
            logger.warning("sender close to a limit", sender=sender, limits=list(verdict.near))
            metrics.add_metric(name="SendersNearLimit", unit=MetricUnit.Count, value=1)
        if not verdict.over or state.quarantined:
            return
        logger.warning("sender over a limit", sender=sender, limits=list(verdict.over), action=action.value)
        metrics.add_metric(name=METRIC.senders_over_limit, unit=MetricUnit.Count, value=1)
        if action is LimitAction.QUARANTINE:
            self.quarantine(sender, "; ".join(verdict.over))

    def quarantine(self, iam_user: str, reason: str) -> None:
        """Ask the credentials function to deactivate the sender's keys: this function has no IAM rights."""
        response = self.app.credentials_function().invoke(
            FunctionName=self.app.settings.credentials_function_name,
            Payload=orjson.dumps({"action": "quarantine", "iam_user": iam_user, "reason": reason, "actor": "events"}),
        )
        result = orjson.loads(response["Payload"].read())
        if response.get("FunctionError") or not result.get("ok"):
            raise RuntimeError(f"quarantine of {iam_user} refused: {result}")
        self.tools.logger.warning("sender quarantined", sender=iam_user, reason=reason)
        self.tools.metrics.add_metric(name="SendersQuarantined", unit=MetricUnit.Count, value=1)


def make_handler(app: Callable[[], App], tools: Powertools) -> LambdaHandler:
    """The events function of one deployment; app is called once per invocation (cache it to keep clients)."""
    logger, tracer, metrics = tools.logger, tools.tracer, tools.metrics

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        tracer.put_annotation("operation", "events")
        batch = Batch(app(), tools, context)
        response = batch.process(event)
        batch.check_limits()
        batch.tally.publish(tools)
        # Searchable as `annotation.sender CONTAINS "alice"`, as the credentials function's traces are.
        tracer.put_annotation("sender", ",".join(sorted(batch.tally.by_sender))[:ANNOTATION_LIMIT])
        return response

    built: LambdaHandler = handler
    return built


def build(env: Mapping[str, str]) -> LambdaHandler:
    """The function as Lambda builds it from its environment: settings read and clients made on first use."""
    return make_handler(once(lambda: App.from_env(env)), Powertools.from_env(env))


handler = build(os.environ)
