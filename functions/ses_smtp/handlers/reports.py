"""The report function: SES's report rule invokes it (Event) after storing a mail sent to a report address.

One log line and EMF metrics per mail. A report that cannot be read (malformed, hostile, too large) is
logged and counted, never retried: retrying cannot help. An AWS error is raised: Lambda retries twice,
then the receiving dead-letter queue keeps the event, where the receiving alarm sees it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import boto3
from aws_lambda_powertools.metrics import EphemeralMetrics, Metrics, MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from ses_smtp.contract import ENV, METRIC, METRIC_NAMESPACE, REPORT_MAIL_PREFIX
from ses_smtp.errors import InvalidRequest
from ses_smtp.handlers.runtime import LambdaHandler, Powertools, once
from ses_smtp.reports import AggregateReport, Carrier, OurSenders, ReportOutcome, ReportReader, ReportStore

OBJECT_PREFIX = REPORT_MAIL_PREFIX  # modules/receiving's report rule stores mail here


def reader_from_env(env: Mapping[str, str]) -> ReportReader:
    """The ReportReader of the deployment whose environment (Terraform's, modules/receiving) env is."""
    retention = timedelta(days=int(env.get(ENV.report_retention_days, "400")))
    return ReportReader(
        s3=boto3.client("s3"),
        bucket=env[ENV.bucket_name],
        object_prefix=env.get(ENV.object_prefix, OBJECT_PREFIX),
        store=ReportStore(boto3.client("dynamodb"), env[ENV.table_name], retention),
        ours=OurSenders(mail_from_domain=env[ENV.mail_from_domain]),
    )


def count(outcome: ReportOutcome, tools: Powertools) -> None:
    """Counts of new reports only: a report sent twice is stored, and counted, once."""
    metrics, service = tools.metrics, tools.logger.service
    metrics.add_metric(name="ReportMails", unit=MetricUnit.Count, value=1)
    if outcome.rejected:
        metrics.add_metric(name=METRIC.reports_rejected, unit=MetricUnit.Count, value=len(outcome.rejected))
    for stored in outcome.stored:
        if not stored.new:
            metrics.add_metric(name="ReportsDuplicate", unit=MetricUnit.Count, value=1)
            continue
        metrics.add_metric(name="ReportsStored", unit=MetricUnit.Count, value=1)
        if isinstance(stored.report, AggregateReport):
            _count_dmarc(stored.report, stored.carrier.domain, metrics, service)
        else:
            metrics.add_metric(name="TlsSessionsSucceeded", unit=MetricUnit.Count, value=stored.report.successful)
            metrics.add_metric(name=METRIC.tls_sessions_failed, unit=MetricUnit.Count, value=stored.report.failed)
            for result_type, failed in stored.report.failures_by_type().items():
                _publish_by(service, {"ResultType": result_type}, {"TlsFailures": failed})


def _count_dmarc(report: AggregateReport, reporter: str, metrics: Metrics, service: str) -> None:
    totals = report.totals
    metrics.add_metric(name=METRIC.dmarc_pass, unit=MetricUnit.Count, value=totals.passed)
    metrics.add_metric(name="DmarcFail", unit=MetricUnit.Count, value=totals.messages - totals.passed)
    metrics.add_metric(name=METRIC.dmarc_fail_ours, unit=MetricUnit.Count, value=totals.ours - totals.ours_passed)
    metrics.add_metric(name=METRIC.dmarc_fail_others, unit=MetricUnit.Count, value=totals.others_failed)
    by_disposition: dict[str, dict[str, int]] = {}
    for row in report.rows:
        counts = by_disposition.setdefault(row.disposition, {METRIC.dmarc_pass: 0, "DmarcFail": 0})
        counts[METRIC.dmarc_pass if row.passed else "DmarcFail"] += row.count
    for disposition, counts in by_disposition.items():
        _publish_by(service, {"Reporter": reporter, "Disposition": disposition}, counts)


def _publish_by(service: str, dimensions: Mapping[str, str], counts: Mapping[str, int]) -> None:
    """One EMF line per dimension set: still no AWS call."""
    line = EphemeralMetrics(namespace=METRIC_NAMESPACE, service=service)
    for dimension, value in dimensions.items():
        line.add_dimension(name=dimension, value=value)
    for metric, count in counts.items():
        line.add_metric(name=metric, unit=MetricUnit.Count, value=count)
    line.flush_metrics()


def flag_other_senders(outcome: ReportOutcome, tools: Powertools, top: int = 5) -> None:
    """A WARNING per new report in which mail that is not ours failed DMARC: someone else sending as the
    domain, or a tool the organisation forgot. The largest sources are named; `ses-smtp reports` has all."""
    for stored in outcome.stored:
        report = stored.report
        if not stored.new or not isinstance(report, AggregateReport) or not report.totals.others_failed:
            continue
        failing = [row for row in report.rows if not row.ours and not row.passed][:top]
        tools.logger.warning(
            "mail failing DMARC from sources that are not ours",
            reporter=report.reporter,
            report_id=report.report_id,
            messages=report.totals.others_failed,
            sources=[
                {"source_ip": row.source_ip, "header_from": row.header_from, "count": row.count} for row in failing
            ],
        )


def carriers(event: Any) -> list[Carrier]:
    if not isinstance(event, Mapping) or not isinstance(event.get("Records"), list) or not event["Records"]:
        raise InvalidRequest("expected SES's receiving event: {'Records': [{'ses': {'mail': ..., 'receipt': ...}}]}")
    return [Carrier.from_record(record) for record in event["Records"]]


def make_handler(reader: Callable[[], ReportReader], tools: Powertools) -> LambdaHandler:
    """The report function of one deployment; reader is called per mail (cache it when warm)."""
    logger, tracer, metrics = tools.logger, tools.tracer, tools.metrics

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        tracer.put_annotation("operation", "reports")
        outcomes = []
        for carrier in carriers(event):  # the whole event parsed before any report is read
            logger.append_keys(correlation_id=carrier.message_id)
            outcome = reader().handle(carrier)
            if outcome.rejected:
                logger.warning("report rejected", **outcome.log_fields())
            else:
                logger.info("report mail read", **outcome.log_fields())
            count(outcome, tools)
            flag_other_senders(outcome, tools)
            outcomes.append(outcome.log_fields())
        return {"mails": outcomes}

    made: LambdaHandler = handler
    return made


def build(env: Mapping[str, str]) -> LambdaHandler:
    """The function as Lambda builds it from its environment: its clients made on first use, kept while warm."""
    return make_handler(once(lambda: reader_from_env(env)), Powertools.from_env(env))


handler = build(os.environ)
