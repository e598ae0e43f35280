"""The report samples of tests/data/reports, mailed the way each reporter mails them (see its README)."""

from __future__ import annotations

import gzip
import io
import zipfile
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "reports"
PERIOD = "1796169600!1796255999"
FIXED_TIME = (2026, 12, 3, 6, 0, 0)  # zip entries carry a time: fixed, so a sample's bytes never change


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def zipped(name: str, document: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), document)
    return buffer.getvalue()


def gzipped(document: bytes) -> bytes:
    return gzip.compress(document, mtime=0)


def report_mail(
    sender: str, subject: str, filename: str, content_type: str, payload: bytes, to: str = "dmarc-reports@example.com"
) -> bytes:
    """One report mailed as an attachment beside a short text part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(f"This is an aggregate report from {sender.rpartition('@')[2]}.\n")
    maintype, subtype = content_type.split("/")
    message.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes(policy=SMTP)  # CRLF line ends, as mail travels


def google_aggregate_mail(document: bytes | None = None) -> bytes:
    """Gmail: a zip named google.com!<domain>!<begin>!<end>.zip."""
    document = document or sample("google-aggregate.xml")
    name = f"google.com!example.com!{PERIOD}"
    return report_mail(
        "noreply-dmarc-support@google.com",
        "Report domain: example.com Submitter: google.com Report-ID: 4417293068812345501",
        f"{name}.zip",
        "application/zip",
        zipped(f"{name}.xml", document),
    )


def microsoft_aggregate_mail() -> bytes:
    """Outlook.com / Exchange Online: gzip, named after enterprise.protection.outlook.com."""
    return report_mail(
        "dmarcreport@microsoft.com",
        "Report Domain: example.com Submitter: enterprise.protection.outlook.com "
        "Report-ID: 6c1f0e2ab37d4d8c9e5a0b7f21d34e90",
        f"enterprise.protection.outlook.com!example.com!{PERIOD}.xml.gz",
        "application/gzip",
        gzipped(sample("microsoft-aggregate.xml")),
    )


def yahoo_aggregate_mail() -> bytes:
    """Yahoo: gzip, named after yahoo.com."""
    return report_mail(
        "noreply@dmarc.yahoo.com",
        "Report Domain: example.com Submitter: Yahoo Report-ID: <1796256521.447215>",
        f"yahoo.com!example.com!{PERIOD}.xml.gz",
        "application/gzip",
        gzipped(sample("yahoo-aggregate.xml")),
    )


def tls_report_mail(name: str = "microsoft-tls.json", submitter: str = "microsoft.com") -> bytes:
    """RFC 8460 section 5.3: multipart/report; report-type=tlsrpt, the report as application/tlsrpt+gzip."""
    message = EmailMessage()
    message["From"] = f"tlsrpt-noreply@{submitter}"
    message["To"] = "tls-reports@example.com"
    message["Subject"] = f"Report Domain: example.com Submitter: {submitter} Report-ID: <{name}>"
    message["TLS-Report-Domain"] = "example.com"
    message["TLS-Report-Submitter"] = submitter
    message.set_content("This is an aggregate TLS report.\n")
    message.add_attachment(
        gzipped(sample(name)),
        maintype="application",
        subtype="tlsrpt+gzip",
        filename=f"{submitter}!example.com!{PERIOD}!001.json.gz",
    )
    message.replace_header(
        "Content-Type", message.get("Content-Type", "").replace("multipart/mixed", "multipart/report")
    )
    message.set_param("report-type", "tlsrpt")
    return message.as_bytes(policy=SMTP)  # CRLF line ends, as mail travels
