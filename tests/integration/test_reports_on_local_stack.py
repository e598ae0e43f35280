"""Reports on the emulator: a DMARC report and a TLS report mailed to the report addresses with a real SMTP
client reach the local inbound endpoint, are stored and read by the report handler as deployed
(environment, Powertools), and `ses-smtp reports --local` (the installed script, its own process) shows
them.

The endpoint stands in for SES's rule set: mail for a report address is stored under reports/ and handed
to the report function, and stops there (modules/receiving/reports.tf); `ses-smtp local up` does not
start the endpoint yet, so these tests start it beside the emulator.
"""

from __future__ import annotations

import io
import json
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ses_smtp.admin.deployment import LocalContext
from ses_smtp.admin.environment import temporary_environment
from ses_smtp.handlers import reports as reports_handler
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.inbound import InboundEndpoint
from tests.integration.conftest import write_local_state
from tests.unit.aws_world import create_deployment
from tests.unit.report_samples import PERIOD, google_aggregate_mail, sample, tls_report_mail

pytestmark = pytest.mark.integration
BUCKET = "ses-smtp-rx-123456789012-eu-west-1"
REPORT_ADDRESSES = {"dmarc-reports@example.com", "tls-reports@example.com"}
SES_SMTP = Path(sys.executable).parent / "ses-smtp"


@pytest.fixture(scope="module")
def deployment(emulator: Emulator) -> Iterator[dict[str, str]]:
    """The table and the bucket of received mail, removed afterwards: later files find the emulator as before."""
    with temporary_environment(emulator.environment()):
        settings = create_deployment()
        session = emulator.session()
        s3 = session.client("s3")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        yield {
            "BUCKET_NAME": BUCKET,
            "OBJECT_PREFIX": "reports/",
            "TABLE_NAME": settings.table_name,
            "MAIL_FROM_DOMAIN": "mail.example.com",
            "POWERTOOLS_SERVICE_NAME": "ses-smtp",
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
        for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            s3.delete_object(Bucket=BUCKET, Key=item["Key"])
        s3.delete_bucket(Bucket=BUCKET)
        session.client("dynamodb").delete_table(TableName=settings.table_name)
        iam = session.client("iam")
        iam.delete_group(GroupName=settings.senders_group)
        iam.delete_policy(PolicyArn=settings.permissions_boundary_arn)


@pytest.fixture
def inbound(emulator: Emulator, deployment: dict[str, str]) -> Iterator[InboundEndpoint]:
    environment = {**emulator.environment(), **deployment}
    s3 = emulator.session().client("s3")
    outcomes: list[dict[str, Any]] = []
    handler = reports_handler.build(environment)  # as Lambda builds it; its clients made on first use

    def report_rule(event: dict[str, Any]) -> None:
        """What the report rule does after the endpoint stored the mail: S3 action under reports/, then the
        Lambda action; the rule set stops there, so nothing else sees the mail."""
        mail = event["Records"][0]["ses"]["mail"]
        assert set(mail["destination"]) <= REPORT_ADDRESSES, "only report mail is sent in these tests"
        s3.copy_object(
            Bucket=BUCKET,
            Key=f"reports/{mail['messageId']}",
            CopySource={"Bucket": BUCKET, "Key": f"inbound/{mail['messageId']}"},
        )
        with temporary_environment(environment), redirect_stdout(io.StringIO()):
            outcomes.extend(handler(event, LocalContext("ses-smtp-reports"))["mails"])

    endpoint = InboundEndpoint(s3, BUCKET, "example.com", report_rule)
    endpoint.outcomes = outcomes  # type: ignore[attr-defined]
    with endpoint:
        yield endpoint


def yesterday(document: bytes) -> bytes:
    """The sample's period moved to yesterday, so that `ses-smtp reports` (the last 7 days) shows it."""
    begin = int((datetime.now(UTC) - timedelta(days=1)).timestamp())
    sample_begin, sample_end = PERIOD.split("!")
    return document.replace(sample_begin.encode(), str(begin).encode()).replace(
        sample_end.encode(), str(begin + 86399).encode()
    )


def mail_to(endpoint: InboundEndpoint, raw: bytes, sender: str, recipient: str) -> None:
    with smtplib.SMTP("127.0.0.1", endpoint.port, timeout=60) as client:
        client.sendmail(sender, [recipient], raw)


def ses_smtp(state_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if not SES_SMTP.exists():
        pytest.fail(f"{SES_SMTP} is missing: `make setup` installs the ses-smtp script into the virtualenv")
    return subprocess.run(
        [str(SES_SMTP), "reports", "--local", str(state_file), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_mailed_reports_are_read_and_shown_by_the_cli(
    inbound: InboundEndpoint, emulator: Emulator, deployment: dict[str, str], tmp_path: Path
) -> None:
    dmarc = google_aggregate_mail(yesterday(sample("google-aggregate.xml")))
    mail_to(inbound, dmarc, "noreply-dmarc-support@google.com", "dmarc-reports@example.com")
    mail_to(inbound, tls_report_mail(), "tlsrpt-noreply@microsoft.com", "tls-reports@example.com")
    mail_to(inbound, dmarc, "noreply-dmarc-support@google.com", "dmarc-reports@example.com")  # sent twice
    outcomes = inbound.outcomes  # type: ignore[attr-defined]
    assert [[report["new"] for report in outcome["reports"]] for outcome in outcomes] == [[True], [True], [False]]

    config = {"schema_version": 1, "region": "eu-west-1", "credentials_table_name": deployment["TABLE_NAME"]}
    outputs = {"admin_config": config}  # the one output the CLI reads
    state = write_local_state(emulator, outputs, tmp_path)
    shown = ses_smtp(state, "--json", "--days", "36500")
    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout)
    assert found["dmarc"]["reports"] == 1, "a report mailed twice is stored once"
    assert found["dmarc"]["ours"] == {"messages": 43, "passed": 43, "pass_rate": 1.0}
    assert found["dmarc"]["failing_sources"][0]["source_ip"] == "203.0.113.77"
    assert found["tls"]["failures"] == {"certificate-host-mismatch": 2, "sts-policy-fetch-error": 1}

    recent = ses_smtp(state)  # for people, the last 7 days: yesterday's DMARC report
    assert recent.returncode == 0, recent.stderr
    assert "DMARC, last 7 days: 1 reports, 48 messages, 89.6% pass" in recent.stdout
    assert "203.0.113.77" in recent.stdout
