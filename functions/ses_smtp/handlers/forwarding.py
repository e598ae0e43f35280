"""The forwarding function: SES's receipt rule invokes it (Event) after storing each message.

One log line and EMF metrics per message. An error is raised, never swallowed: Lambda retries the
invocation twice, then puts it in the dead-letter queue, where an alarm sees it.
"""

from __future__ import annotations

import os
from datetime import timedelta
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ses_smtp.config import metrics_service
from ses_smtp.contract import ENV, METRIC_NAMESPACE
from ses_smtp.forwarding import OBJECT_PREFIX, ForwardedLedger, Forwarder, Outcome, SenderMailboxes, parse_event
from ses_smtp.logsafety import function_logger

logger = function_logger("ses-smtp")
tracer = Tracer(service="ses-smtp")
metrics = Metrics(namespace=METRIC_NAMESPACE)  # service: set per invocation from the environment
METRIC_BY_OUTCOME = {
    "virus": "VirusRejected",
    "spam": "SpamRejected",
    "loop": "LoopStopped",
    "unknown": "UnknownRecipient",
}


@cache
def forwarder() -> Forwarder:
    """Built on first use (not at import) and reused while warm."""
    dynamodb, table = boto3.client("dynamodb"), os.environ[ENV.table_name]
    retention = timedelta(days=int(os.environ.get(ENV.retention_days, "30")))
    return Forwarder(
        sesv2=boto3.client("sesv2"),
        ses=boto3.client("ses"),
        s3=boto3.client("s3"),
        bucket=os.environ[ENV.bucket_name],
        object_prefix=os.environ.get(ENV.object_prefix, OBJECT_PREFIX),
        domain=os.environ[ENV.domain],
        directory=SenderMailboxes(dynamodb, table),
        ledger=ForwardedLedger(dynamodb, table, kept=retention),
        unknown_recipient=os.environ.get(ENV.unknown_recipient, "drop"),
        retention=retention,
    )


def count(outcome: Outcome) -> None:
    metrics.add_metric(name="Received", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="Forwarded", unit=MetricUnit.Count, value=outcome.forwarded)
    for name, value in (("Duplicates", outcome.duplicates), ("TooLarge", outcome.too_large)):
        if value:
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    if outcome.outcome in METRIC_BY_OUTCOME:
        metrics.add_metric(name=METRIC_BY_OUTCOME[outcome.outcome], unit=MetricUnit.Count, value=1)
    if outcome.bounced:
        metrics.add_metric(name="Bounced", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tracer.put_annotation("operation", "forwarding")
    metrics.service = metrics_service()
    outcomes = []
    for message in parse_event(event):
        logger.append_keys(correlation_id=message.message_id)
        outcome = forwarder().handle(message)
        logger.info("received mail", **outcome.log_fields())
        count(outcome)
        outcomes.append(outcome.log_fields())
    return {"messages": outcomes}
