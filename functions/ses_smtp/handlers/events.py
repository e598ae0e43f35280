"""The events function: SES events from SQS (via SNS), one log line and EMF metrics each.

A malformed record becomes a batch item failure (retried, then the dead-letter queue); it never fails
the rest of the batch.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer, single_metric
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from ses_smtp.events import RecipientHistory, SesEvent, parse_sqs_body

logger = Logger(service="ses-smtp")
tracer = Tracer(service="ses-smtp")
metrics = Metrics(namespace="SesSmtp", service="ses-smtp")
# A batch of only bad records is reported record by record too, never raised: nothing escapes.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@cache
def history() -> RecipientHistory:
    return RecipientHistory(boto3.client("dynamodb"), os.environ["TABLE_NAME"])


def full_recipients() -> bool:
    return os.environ.get("LOG_RECIPIENT_ADDRESSES", "false").lower() == "true"


def record_event(event: SesEvent) -> None:
    """Log, count and (for permanent bounces and complaints) remember one event."""
    logger.set_correlation_id(event.message_id)
    logger.info("ses event", **event.log_fields(full_recipients()))
    metrics.add_metric(name=event.kind, unit=MetricUnit.Count, value=1)
    _count_by(event.kind, "Sender", event.sender)
    if event.kind == "Bounce":
        _count_by("Bounce", "BounceType", event.bounce_type or "Undetermined")
    if event.remembered:
        for recipient in event.recipients:
            if not history().remember(event, recipient):
                logger.info("duplicate event ignored", ses_message_id=event.message_id)


def _count_by(kind: str, dimension: str, value: str) -> None:
    # A metric of its own per dimension value; still EMF, still no AWS call.
    with single_metric(name=kind, unit=MetricUnit.Count, value=1, namespace="SesSmtp") as metric:
        metric.add_dimension(name=dimension, value=value)


def record_handler(record: SQSRecord) -> None:
    record_event(parse_sqs_body(record.body))


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tracer.put_annotation("operation", "events")
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    failures = list(response.get("batchItemFailures", []))
    if failures:
        metrics.add_metric(name="MalformedEvents", unit=MetricUnit.Count, value=len(failures))
    return {"batchItemFailures": failures}
