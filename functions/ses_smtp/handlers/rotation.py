"""The scheduled rotation function: retires expired previous keys, reports keys past their maximum age."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ses_smtp.wiring import credentials_from_env

logger = Logger(service="ses-smtp")
tracer = Tracer(service="ses-smtp")
metrics = Metrics(namespace="SesSmtp", service="ses-smtp")


@logger.inject_lambda_context(correlation_id_path="id")
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tracer.put_annotation("operation", "retire")
    report = credentials_from_env().retire_expired()
    metrics.add_metric(name="AccessKeysRetired", unit=MetricUnit.Count, value=len(report.retired))
    metrics.add_metric(name="CredentialsPastMaxAge", unit=MetricUnit.Count, value=len(report.past_max_age))
    logger.info(
        "rotation run complete",
        retired=len(report.retired),
        skipped_busy=report.skipped_busy,
        past_max_age=len(report.past_max_age),
    )
    return {"retired": report.retired, "skipped_busy": report.skipped_busy, "past_max_age": report.past_max_age}
