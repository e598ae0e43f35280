"""DMARC aggregate and TLS reports: each sample as its reporter mails it, and hostile or broken ones."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ses_smtp import contract, reports
from ses_smtp.admin import cli
from ses_smtp.admin import reports as admin_reports
from ses_smtp.contract import ENV
from ses_smtp.handlers import reports as reports_handler
from ses_smtp.handlers.runtime import LambdaHandler
from ses_smtp.reports import (
    AggregateReport,
    OurSenders,
    RejectedReport,
    ReportStore,
    TlsReport,
    digest,
    parse,
    read_mail,
    unpack,
)
from ses_smtp_local.inbound import receiving_event
from tests.unit.aws_world import World
from tests.unit.functions import call
from tests.unit.report_samples import (
    google_aggregate_mail,
    gzipped,
    microsoft_aggregate_mail,
    report_mail,
    sample,
    tls_report_mail,
    yahoo_aggregate_mail,
    zipped,
)

OURS = OurSenders(mail_from_domain="mail.example.com")


def only_report(raw: bytes) -> AggregateReport | TlsReport:
    found, rejected = read_mail(raw, OURS)
    assert rejected == []
    assert len(found) == 1
    return found[0]


def aggregate(raw: bytes) -> AggregateReport:
    report = only_report(raw)
    assert isinstance(report, AggregateReport)
    return report


def test_a_gmail_zip_report_is_read_with_its_rows_and_policy() -> None:
    report = aggregate(google_aggregate_mail())
    assert (report.reporter, report.reporter_email) == ("google.com", "noreply-dmarc-support@google.com")
    assert (report.report_id, report.begin, report.end) == ("4417293068812345501", 1796169600, 1796255999)
    assert report.domain == "example.com"
    assert report.policy == {"adkim": "r", "aspf": "r", "p": "none", "sp": "none", "pct": "100", "np": "none"}
    assert [(row.source_ip, row.count, row.ours, row.passed) for row in report.rows] == [
        ("54.240.3.10", 41, True, True),
        ("203.0.113.77", 5, False, False),
        ("54.240.3.22", 2, True, True),
    ]
    assert report.totals.messages == 48
    assert (report.totals.ours, report.totals.ours_passed, report.totals.others_failed) == (43, 43, 5)


def test_a_microsoft_gzip_report_with_namespaces_envelope_and_ipv6() -> None:
    report = aggregate(microsoft_aggregate_mail())
    assert report.reporter == "Enterprise Outlook"
    assert report.policy["fo"] == "0"
    failing = [row for row in report.rows if not row.passed]
    assert [(row.source_ip, row.spf_domain, row.ours) for row in failing] == [("2001:db8:4::25", "example.com", False)]
    assert report.totals.ours_passed == 12


def test_a_yahoo_report_counts_our_own_dkim_failure_as_ours() -> None:
    """SPF passed for the MAIL FROM subdomain: SES sent it, even though DKIM failed (our problem to fix)."""
    report = aggregate(yahoo_aggregate_mail())
    assert report.reporter == "Yahoo"
    assert "sp" not in report.policy
    failing_dkim = next(row for row in report.rows if row.dkim == "fail")
    assert failing_dkim.ours
    assert failing_dkim.passed  # SPF aligned: DMARC passes on one of the two
    assert report.totals.ours == 8


def test_an_rfc_9990_report_in_its_namespace_with_testing_and_np() -> None:
    report = parse(sample("rfc9990-aggregate.xml"), OURS)
    assert isinstance(report, AggregateReport)
    assert (report.policy["np"], report.policy["testing"], report.policy["p"]) == ("reject", "y", "quarantine")
    assert report.totals.others_failed == 4


def test_a_byte_order_mark_before_the_xml_is_allowed() -> None:
    report = parse(b"\xef\xbb\xbf" + sample("yahoo-aggregate.xml"), OURS)
    assert isinstance(report, AggregateReport) and report.reporter == "Yahoo"


def test_a_plain_xml_attachment_is_read() -> None:
    raw = report_mail("dmarc@receiver.example", "report", "r.xml", "text/xml", sample("yahoo-aggregate.xml"))
    assert aggregate(raw).reporter == "Yahoo"


@pytest.mark.parametrize(
    ("name", "failed", "by_type"),
    [
        ("google-tls.json", 0, {}),
        ("microsoft-tls.json", 3, {"certificate-host-mismatch": 2, "sts-policy-fetch-error": 1}),
    ],
)
def test_a_tls_report_is_read(name: str, failed: int, by_type: dict[str, int]) -> None:
    report = only_report(tls_report_mail(name))
    assert isinstance(report, TlsReport)
    assert report.failed == failed
    assert dict(report.failures_by_type()) == by_type
    assert report.policies[0]["type"] == "sts"
    assert report.begin < report.end


def test_the_compression_is_told_by_the_bytes_not_the_name() -> None:
    """A zip named .xml.gz and a gzip named .zip: senders get names wrong."""
    document = sample("google-aggregate.xml")
    wrong_names = [
        report_mail("a@r.example", "s", "report.xml.gz", "application/gzip", zipped("r.xml", document)),
        report_mail("a@r.example", "s", "report.zip", "application/zip", gzipped(document)),
    ]
    assert [aggregate(raw).report_id for raw in wrong_names] == ["4417293068812345501"] * 2


@pytest.mark.parametrize("name", ["xml-bomb.xml", "external-entity.xml"])
def test_entities_and_doctypes_are_refused(name: str) -> None:
    with pytest.raises(RejectedReport, match="unsafe or malformed XML: DTDForbidden"):
        parse(sample(name), OURS)


def test_a_malformed_record_rejects_the_report() -> None:
    with pytest.raises(RejectedReport, match="no IP address"):
        parse(sample("malformed-aggregate.xml"), OURS)


def test_a_gzip_bomb_stops_at_the_limit() -> None:
    bomb = gzip.compress(b"<" * (reports.MAX_REPORT_BYTES + 1), compresslevel=9)
    assert len(bomb) < 200_000
    with pytest.raises(RejectedReport, match="expands past"):
        unpack(bomb)


def test_a_zip_bomb_stops_at_the_limit_whatever_size_it_declares() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("r.xml", b" " * (reports.MAX_REPORT_BYTES + 1))
    with pytest.raises(RejectedReport, match="expands past"):
        unpack(buffer.getvalue())


def test_a_huge_attachment_is_refused_before_it_is_opened() -> None:
    huge = b"PK\x03\x04" + b"\x00" * reports.MAX_ATTACHMENT_BYTES
    with pytest.raises(RejectedReport, match="over the"):
        unpack(huge)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 20, "not valid gzip"),
        (gzipped(b"<feedback/>")[:-12], "truncated"),
        (b"PK\x03\x04garbage", "not a readable zip"),
        (b"%PDF-1.7", "neither an XML"),
        (b"<html><body>hi</body></html>", "not <feedback>"),
        (b'{"organization-name": 1}', "not an RFC 8460 report"),
        (b"{" * 5000, "malformed JSON"),
    ],
)
def test_wrong_or_broken_content_is_rejected_with_a_reason(payload: bytes, reason: str) -> None:
    found, rejected = read_mail(report_mail("a@r.example", "s", "r.bin", "application/octet-stream", payload), OURS)
    assert found == []
    assert len(rejected) == 1
    assert reason in rejected[0]


def test_a_mail_without_a_report_says_so() -> None:
    raw = b"From: a@r.example\r\nSubject: hello\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
    assert read_mail(raw, OURS) == ([], ["no report attached"])


def test_rows_past_the_cap_are_counted_not_kept() -> None:
    records = "".join(
        f"<record><row><source_ip>192.0.2.{n % 250}</source_ip><count>1</count><policy_evaluated>"
        f"<disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>"
        f"<identifiers><header_from>h{n}.example.com</header_from></identifiers></record>"
        for n in range(reports.MAX_ROWS + 30)
    )
    document = sample("yahoo-aggregate.xml").replace(b"<record>", records.encode() + b"<record>", 1)
    report = parse(document, OURS)
    assert isinstance(report, AggregateReport)
    assert (len(report.rows), report.rows_dropped) == (reports.MAX_ROWS, 32)
    assert report.totals.messages == reports.MAX_ROWS + 30 + 8


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_any_bytes_are_a_report_or_a_rejection(data: bytes) -> None:
    with contextlib.suppress(RejectedReport):
        parse(unpack(data), OURS)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4),
    max_leaves=20,
)
TLS_KEYS = st.sampled_from(
    [
        "organization-name",
        "date-range",
        "report-id",
        "policies",
        "policy",
        "summary",
        "failure-details",
        "start-datetime",
        "end-datetime",
        "policy-type",
        "policy-domain",
        "result-type",
        "failed-session-count",
        "total-successful-session-count",
        "total-failure-session-count",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(TLS_KEYS, JSON | st.dictionaries(TLS_KEYS, JSON, max_size=4), max_size=8))
def test_any_json_is_a_tls_report_or_a_rejection(document: dict[str, Any]) -> None:
    with contextlib.suppress(RejectedReport):
        report = parse(json.dumps(document).encode(), OURS)
        assert isinstance(report, TlsReport) and report.failed >= 0


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_mutated_sample_is_a_report_or_a_rejection(data: st.DataObject) -> None:
    document = bytearray(sample("google-aggregate.xml"))
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(document) - 1))
        document[position] = data.draw(st.integers(0, 255))
    with contextlib.suppress(RejectedReport):
        parse(bytes(document), OURS)


# Stored once, counted once: the handler on moto


BUCKET = "ses-smtp-rx-123456789012-eu-west-1"


@pytest.fixture
def report_env(world: World) -> World:
    world.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return world


def report_function(world: World) -> LambdaHandler:
    """The report function as Lambda builds it from the environment Terraform gives it (modules/receiving)."""
    return reports_handler.build(
        {
            ENV.bucket_name: BUCKET,
            ENV.table_name: world.settings.table_name,
            ENV.mail_from_domain: "mail.example.com",
            ENV.service_name: "acme-mail",
        }
    )


def deliver(
    world: World, raw: bytes, source: str, verdicts: str = "PASS"
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What the report rule does: store under reports/, then invoke the function with SES's event."""
    message_id = f"m{len(world.client('s3').list_objects_v2(Bucket=BUCKET).get('Contents', []))}"
    world.client("s3").put_object(Bucket=BUCKET, Key=f"reports/{message_id}", Body=raw)
    event = receiving_event(message_id, source, ["dmarc-reports@example.com"], raw, "arn:report")
    receipt = event["Records"][0]["ses"]["receipt"]
    receipt["spfVerdict"] = receipt["dkimVerdict"] = {"status": verdicts}
    response, output = call(report_function(world), event, "ses-smtp-reports")
    lines = [json.loads(line) for line in output.split("\n") if line.startswith("{")]
    return response, lines


def metric_values(lines: list[dict[str, Any]], name: str, **dimensions: str) -> list[float]:
    """The values of a metric in EMF lines with exactly these dimensions (and service)."""
    found = []
    for line in lines:
        if "_aws" not in line or name not in line:
            continue
        keys = set(line["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0])
        if keys == {"service", *dimensions} and all(line[key] == value for key, value in dimensions.items()):
            value = line[name]
            found.extend(value if isinstance(value, list) else [value])
    return found


def test_a_report_is_stored_and_counted_once_however_often_it_arrives(report_env: World) -> None:
    response, lines = deliver(report_env, google_aggregate_mail(), "noreply-dmarc-support@google.com")
    assert response["mails"][0]["reports"][0]["new"] is True
    assert metric_values(lines, "DmarcPass") == [43]
    assert metric_values(lines, "DmarcFailOthers") == [5]
    assert metric_values(lines, "DmarcFail", Reporter="google.com", Disposition="none") == [5]
    flagged = [line for line in lines if line.get("message") == "mail failing DMARC from sources that are not ours"]
    assert [(line["level"], line["messages"], line["sources"][0]["source_ip"]) for line in flagged] == [
        ("WARNING", 5, "203.0.113.77")
    ]
    again, lines = deliver(report_env, google_aggregate_mail(), "noreply-dmarc-support@google.com")
    assert again["mails"][0]["reports"][0]["new"] is False
    assert metric_values(lines, "DmarcPass") == []
    assert metric_values(lines, "ReportsDuplicate") == [1]
    store = ReportStore(report_env.client("dynamodb"), report_env.settings.table_name)
    assert [summary["report_id"] for summary in store.since(datetime(2026, 1, 1, tzinfo=UTC))] == [
        "4417293068812345501"
    ]


def test_an_unauthenticated_mail_cannot_name_its_reporter_in_the_metrics(report_env: World) -> None:
    _, lines = deliver(report_env, microsoft_aggregate_mail(), "dmarcreport@microsoft.com", verdicts="FAIL")
    assert metric_values(lines, "DmarcFail", Reporter="unauthenticated", Disposition="none") == [3]
    assert metric_values(lines, "DmarcFail", Reporter="microsoft.com") == []


def test_tls_failures_are_counted_by_type(report_env: World) -> None:
    _, lines = deliver(report_env, tls_report_mail(), "tlsrpt-noreply@microsoft.com")
    assert metric_values(lines, "TlsSessionsFailed") == [3]
    assert metric_values(lines, "TlsFailures", ResultType="certificate-host-mismatch") == [2]


def test_a_hostile_report_is_logged_and_counted_not_retried(report_env: World) -> None:
    raw = report_mail("a@attacker.example", "s", "r.xml", "text/xml", sample("xml-bomb.xml"))
    response, lines = deliver(report_env, raw, "a@attacker.example")
    assert "DTDForbidden" in response["mails"][0]["rejected"][0]
    assert metric_values(lines, "ReportsRejected") == [1]
    warned = [line for line in lines if line.get("message") == "report rejected"]
    assert len(warned) == 1 and warned[0]["level"] == "WARNING"


def test_an_aws_error_is_raised_for_lambda_to_retry(report_env: World) -> None:
    report_env.client("dynamodb").delete_table(TableName=report_env.settings.table_name)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        deliver(report_env, yahoo_aggregate_mail(), "noreply@dmarc.yahoo.com")


def test_the_digest_gives_pass_rates_failing_sources_and_tls_failures(report_env: World) -> None:
    for raw, source in [
        (google_aggregate_mail(), "noreply-dmarc-support@google.com"),
        (microsoft_aggregate_mail(), "dmarcreport@microsoft.com"),
        (yahoo_aggregate_mail(), "noreply@dmarc.yahoo.com"),
        (tls_report_mail(), "tlsrpt-noreply@microsoft.com"),
    ]:
        deliver(report_env, raw, source)
    store = ReportStore(report_env.client("dynamodb"), report_env.settings.table_name)
    summary = digest(store.since(datetime(2026, 1, 1, tzinfo=UTC)), days=7)
    assert summary["dmarc"]["reports"] == 3
    assert summary["dmarc"]["ours"] == {"messages": 63, "passed": 63, "pass_rate": 1.0}
    assert summary["dmarc"]["messages"] == 71
    assert [(s["source_ip"], s["messages"]) for s in summary["dmarc"]["failing_sources"]] == [
        ("203.0.113.77", 5),
        ("2001:db8:4::25", 3),
    ]
    assert summary["tls"]["failures"] == {"certificate-host-mismatch": 2, "sts-policy-fetch-error": 1}
    assert digest(store.since(datetime(2027, 1, 1, tzinfo=UTC)), days=7)["dmarc"]["pass_rate"] is None


def test_the_cli_prints_pass_rates_failing_sources_and_tls_failures(
    report_env: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["reports", "--table", report_env.settings.table_name]) == 0
    assert "no DMARC or TLS reports in the last 7 days" in capsys.readouterr().out
    deliver(report_env, google_aggregate_mail(), "noreply-dmarc-support@google.com")
    deliver(report_env, tls_report_mail(), "tlsrpt-noreply@microsoft.com")
    assert cli.main(["reports", "--table", report_env.settings.table_name, "--days", "36500"]) == 0
    out = capsys.readouterr().out
    assert "DMARC, last 36500 days: 1 reports, 48 messages, 89.6% pass" in out
    assert "our mail (sent through SES): 43 messages, 100.0% pass" in out
    assert "after two weeks like this, take the next DMARC step" in out
    assert "203.0.113.77" in out and "google.com" in out
    assert "certificate-host-mismatch" in out
    assert cli.main(["--json", "reports", "--table", report_env.settings.table_name, "--days", "36500"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["tls"]["failed"] == 3


# Terraform and the function agree


ROOT = reports_handler.__file__.rsplit("/functions/", 1)[0]


def terraform(path: str) -> str:
    with open(f"{ROOT}/{path}") as text:
        return text.read()


def test_terraform_stores_reports_where_the_function_reads_them_and_writes_what_it_may() -> None:
    rule = terraform("modules/receiving/reports.tf")
    assert re.search(r'handler\s*=\s*"ses_smtp.handlers.reports.handler"', rule)
    # Both sides read these from contract.json (tests/unit/test_contract.py finds any copy).
    assert reports_handler.OBJECT_PREFIX == contract.REPORT_MAIL_PREFIX
    assert ReportStore.PREFIX == contract.REPORT_PREFIX
    assert re.search(r"report_object_prefix\s*=\s*local.contract.report_mail_prefix", rule)
    assert '["${local.contract.table.key_prefixes.report}*"]' in rule, "the role's LeadingKeys match the store's keys"
    for name in ("bucket_name", "table_name", "mail_from_domain", "object_prefix", "report_retention_days"):
        assert f"(local.contract.environment.{name})" in rule, f"{name} is set by Terraform"


def test_the_dashboard_shows_metrics_the_function_emits() -> None:
    dashboard = terraform("modules/monitoring/dashboard.tf")
    block = dashboard[dashboard.index("report_metrics = {") : dashboard.index("report_widgets")]
    shown = re.findall(r"^\s+\(local\.contract\.metrics\.(\w+)\)\s+=", block, re.MULTILINE)
    handler_source = terraform("functions/ses_smtp/handlers/reports.py")
    assert len(shown) == 5
    for name in shown:
        assert f"METRIC.{name}" in handler_source, f"the dashboard shows {name}, which the report function never emits"


def test_the_cli_says_to_fix_our_side_when_our_own_mail_fails() -> None:
    """Strict SPF alignment (aspf=s) against the MAIL FROM subdomain, and DKIM broken: SES sent it, it fails."""
    document = sample("yahoo-aggregate.xml").replace(
        b"<dkim>pass</dkim>\n        <spf>pass</spf>", b"<dkim>fail</dkim>\n        <spf>fail</spf>", 1
    )
    report = parse(document, OURS)
    assert isinstance(report, AggregateReport)
    out = admin_reports.for_people(digest([report.to_dict()], days=7))
    assert "our mail (sent through SES): 8 messages, 12.5% pass" in out
    assert "fix our side (`ses-smtp dns check`) before tightening dmarc_policy" in out
