"""The forwarding function: SES's receipt rule invokes it (Event) after storing each message.

One log line and EMF metrics per message. An error is raised, never swallowed: Lambda retries the
invocation twice, then puts it in the dead-letter queue, where an alarm sees it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import boto3
from aws_lambda_powertools.metrics import Metrics, MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ses_smtp.contract import ENV
from ses_smtp.forwarding import OBJECT_PREFIX, ForwardedLedger, Forwarder, Outcome, SenderMailboxes, parse_event
from ses_smtp.handlers.runtime import LambdaHandler, Powertools, once

METRIC_BY_OUTCOME = {
    "virus": "VirusRejected",
    "spam": "SpamRejected",
    "loop": "LoopStopped",
    "unknown": "UnknownRecipient",
}


def forwarder_from_env(env: Mapping[str, str]) -> Forwarder:
    """The Forwarder of the deployment whose environment (Terraform's, modules/receiving) env is."""
    dynamodb, table = boto3.client("dynamodb"), env[ENV.table_name]
    retention = timedelta(days=int(env.get(ENV.retention_days, "30")))
    return Forwarder(
        sesv2=boto3.client("sesv2"),
        ses=boto3.client("ses"),
        s3=boto3.client("s3"),
        bucket=env[ENV.bucket_name],
        object_prefix=env.get(ENV.object_prefix, OBJECT_PREFIX),
        domain=env[ENV.domain],
        directory=SenderMailboxes(dynamodb, table),
        ledger=ForwardedLedger(dynamodb, table, kept=retention),
        unknown_recipient=env.get(ENV.unknown_recipient, "drop"),
        retention=retention,
    )


def count(outcome: Outcome, metrics: Metrics) -> None:
    metrics.add_metric(name="Received", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="Forwarded", unit=MetricUnit.Count, value=outcome.forwarded)
    for name, value in (("Duplicates", outcome.duplicates), ("TooLarge", outcome.too_large)):
        if value:
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    if outcome.outcome in METRIC_BY_OUTCOME:
        metrics.add_metric(name=METRIC_BY_OUTCOME[outcome.outcome], unit=MetricUnit.Count, value=1)
    if outcome.bounced:
        metrics.add_metric(name="Bounced", unit=MetricUnit.Count, value=1)


def make_handler(forwarder: Callable[[], Forwarder], tools: Powertools) -> LambdaHandler:
    """The forwarding function of one deployment; forwarder is called per message (cache it when warm)."""
    logger, tracer, metrics = tools.logger, tools.tracer, tools.metrics

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        tracer.put_annotation("operation", "forwarding")
        outcomes = []
        for message in parse_event(event):  # the whole event parsed before any mail is handled
            logger.append_keys(correlation_id=message.message_id)
            outcome = forwarder().handle(message)
            logger.info("received mail", **outcome.log_fields())
            count(outcome, metrics)
            outcomes.append(outcome.log_fields())
        return {"messages": outcomes}

    made: LambdaHandler = handler
    return made


def build(env: Mapping[str, str]) -> LambdaHandler:
    """The function as Lambda builds it from its environment: its clients made on first use, kept while warm."""
    return make_handler(once(lambda: forwarder_from_env(env)), Powertools.from_env(env))


handler = build(os.environ)
