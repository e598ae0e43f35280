"""DMARC aggregate and TLS-RPT reports, read from the mail that carries them.

Receivers mail aggregate reports (RFC 9990; RFC 7489's format before it) as an XML file, zipped
(Gmail), gzipped (Microsoft, Yahoo) or plain, and TLS reports (RFC 8460) as gzipped JSON. They come
from strangers, so every step is bounded: the attachment's size, the size once decompressed (read in
chunks, never trusting what an archive declares), one archive level only, and an XML parser that
refuses DTDs, entities and external references (defusedxml). One summary per report is kept: who
reported, for which period, the policy they saw, and its rows grouped by source IP and outcome.

Which rows are ours: mail SES sent for the domain passes SPF for the domain's custom MAIL FROM (its SPF
record allows only amazonses.com) or carries SES's own DKIM signature (d=amazonses.com, added to every
message SES sends). Reports carry no PTR or HELO name, so the address's owner is not looked up.
"""

from __future__ import annotations

import email
import email.utils
import io
import ipaddress
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple
from xml.etree.ElementTree import Element, ParseError

import orjson
from botocore.exceptions import ClientError
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ses_smtp.contract import EXPIRES_AT, PK, REPORT_PREFIX, SK
from ses_smtp.errors import InvalidRequest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # as mailed; large receivers' daily reports stay far below
MAX_REPORT_BYTES = 64 * 1024 * 1024  # decompressed: a 10 MB zip of XML is at most a few times larger
MAX_ZIP_MEMBERS = 4
MAX_ROWS = 200  # rows kept per summary (largest first); the totals count every row
MAX_TEXT = 255  # characters of any field a reporter chose
SES_DKIM_DOMAIN = "amazonses.com"
CHUNK = 1024 * 1024
REPORT_TYPES = frozenset(
    {
        "application/zip",
        "application/x-zip-compressed",
        "application/gzip",
        "application/x-gzip",
        "application/xml",
        "text/xml",
        "application/tlsrpt+gzip",
        "application/tlsrpt+json",
        "application/json",
        "application/octet-stream",
    }
)
_TOKEN = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")


class RejectedReport(InvalidRequest):
    """A report that cannot be read: malformed, hostile or too large. Retrying cannot help."""

    code = "RejectedReport"


# What a report says


class Row(NamedTuple):
    """Messages from one source with one outcome (an aggregate report's record, or several merged)."""

    source_ip: str
    count: int  # type: ignore[assignment]  # the reports' own name; hides tuple.count, never used here
    disposition: str
    dkim: str  # the DKIM outcome DMARC evaluated: pass when an aligned signature passed
    spf: str
    header_from: str
    spf_domain: str = ""
    dkim_domains: tuple[str, ...] = ()  # "domain=result" for each signature
    ours: bool = False

    @property
    def passed(self) -> bool:
        return "pass" in (self.dkim, self.spf)

    def key(self) -> tuple[str, ...]:
        return (self.source_ip, self.header_from, self.disposition, self.dkim, self.spf, str(self.ours))


class Totals(NamedTuple):
    """Messages of an aggregate report, counted by DMARC result and by source."""

    messages: int = 0
    passed: int = 0
    ours: int = 0
    ours_passed: int = 0
    others_failed: int = 0

    def add(self, row: Row) -> Totals:
        return Totals(
            self.messages + row.count,
            self.passed + row.count * row.passed,
            self.ours + row.count * row.ours,
            self.ours_passed + row.count * (row.ours and row.passed),
            self.others_failed + row.count * (not row.ours and not row.passed),
        )


class AggregateReport(NamedTuple):
    """A DMARC aggregate report, its rows merged by source and result."""

    reporter: str
    reporter_email: str
    report_id: str
    begin: int
    end: int
    domain: str
    policy: dict[str, str]
    rows: tuple[Row, ...]
    totals: Totals
    rows_dropped: int = 0
    kind: str = "dmarc"

    def to_dict(self) -> dict[str, Any]:
        return {
            **self._asdict(),
            "rows": [row._asdict() for row in self.rows],
            "totals": self.totals._asdict(),
        }


class TlsFailure(NamedTuple):
    """One kind of failed TLS session of a TLS-RPT report."""

    result_type: str
    count: int  # type: ignore[assignment]  # as in Row
    sending_mta_ip: str = ""
    receiving_mx_hostname: str = ""


class TlsReport(NamedTuple):
    """A TLS-RPT report: sessions per policy, and the failures."""

    reporter: str
    report_id: str
    begin: int
    end: int
    policies: tuple[dict[str, Any], ...]  # type, domain, successful, failed
    failures: tuple[TlsFailure, ...]
    kind: str = "tls"

    @property
    def successful(self) -> int:
        return sum(int(policy["successful"]) for policy in self.policies)

    @property
    def failed(self) -> int:
        return sum(int(policy["failed"]) for policy in self.policies)

    def failures_by_type(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for failure in self.failures:
            counts[failure.result_type] += failure.count
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {**self._asdict(), "failures": [failure._asdict() for failure in self.failures]}


Report = AggregateReport | TlsReport


class OurSenders(NamedTuple):
    """What marks a row as mail this deployment sent through SES (see the module's docstring)."""

    mail_from_domain: str
    dkim_domain: str = SES_DKIM_DOMAIN

    def owns(self, spf_domain: str, spf_result: str, dkim_results: Iterable[str]) -> bool:
        if spf_domain == self.mail_from_domain and spf_result == "pass":
            return True
        return f"{self.dkim_domain}=pass" in dkim_results


# From mail to report files


def attachments(raw: bytes) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of each part that may hold a report; a bare XML or JSON body counts too."""
    message = email.message_from_bytes(raw)  # compat32, the default: see forwarding.original_author
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_filename() or ""
        if not name and part.get_content_type() not in REPORT_TYPES:
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            yield _text(name), payload


def unpack(data: bytes) -> bytes:
    """The report file inside: by its first bytes, not its name (senders get names wrong)."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise RejectedReport(f"attachment of {len(data)} bytes is over the {MAX_ATTACHMENT_BYTES}-byte limit")
    if data[:2] == b"\x1f\x8b":
        return gunzip(data)
    if data[:4] == b"PK\x03\x04":
        return unzip(data)
    return data


def gunzip(data: bytes, limit: int = MAX_REPORT_BYTES) -> bytes:
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as error:
        raise RejectedReport(f"not valid gzip: {error}") from error
    if len(out) > limit:
        raise RejectedReport(f"gzip expands past the {limit}-byte limit")
    if not inflater.eof:
        raise RejectedReport("gzip data is truncated")
    return out


def unzip(data: bytes, limit: int = MAX_REPORT_BYTES) -> bytes:
    """The one report file of a zip (Gmail's); its declared size is not trusted, and nothing is unpacked twice."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if not members or len(members) > MAX_ZIP_MEMBERS:
                raise RejectedReport(f"zip holds {len(members)} files: expected one report (the first is read)")
            with archive.open(members[0]) as member:
                return _read_bounded(member, limit)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as error:
        raise RejectedReport(f"not a readable zip: {error}") from error


def _read_bounded(stream: io.BufferedIOBase | Any, limit: int) -> bytes:
    chunks, size = [], 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise RejectedReport(f"archive expands past the {limit}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def parse(document: bytes, ours: OurSenders) -> Report:
    """An aggregate report (XML) or a TLS report (JSON), by its first character."""
    start = document[:1024].lstrip(b" \t\r\n\xef\xbb\xbf")[:1]  # whitespace, or a UTF-8 byte order mark
    if start == b"{":
        return parse_tls(document)
    if start == b"<":
        return parse_aggregate(document, ours)
    raise RejectedReport("neither an XML aggregate report nor a JSON TLS report")


def read_mail(raw: bytes, ours: OurSenders) -> tuple[list[Report], list[str]]:
    """Every report a mail carries, and why each part that is not one was rejected."""
    reports: list[Report] = []
    rejected: list[str] = []
    for name, payload in attachments(raw):
        try:
            reports.append(parse(unpack(payload), ours))
        except RejectedReport as error:
            rejected.append(f"{name or 'body'}: {error}")
    if not reports and not rejected:
        rejected.append("no report attached")
    return reports, rejected


# Aggregate reports (XML)


def parse_aggregate(document: bytes, ours: OurSenders) -> AggregateReport:
    """Streamed record by record: a large report never sits in memory as one tree."""
    builder = _AggregateBuilder(ours)
    try:
        events = iterparse(io.BytesIO(document), events=("start", "end"), forbid_dtd=True)
        for event, element in events:
            builder.feed(event, element)
    except (ParseError, DefusedXmlException, LookupError, ValueError) as error:  # LookupError: a made-up encoding
        raise RejectedReport(f"unsafe or malformed XML: {type(error).__name__}: {error}") from error
    return builder.report()


class _AggregateBuilder:
    """An aggregate report as it is parsed, element by element."""

    def __init__(self, ours: OurSenders) -> None:
        self.ours = ours
        self.depth = 0
        self.metadata: dict[str, str] = {}
        self.policy: dict[str, str] = {}
        self.rows: dict[tuple[str, ...], Row] = {}
        self.totals = Totals()

    def feed(self, event: str, element: Element) -> None:
        name = _local(element.tag)
        if event == "start":
            if self.depth == 0 and name != "feedback":
                raise RejectedReport(f"the root element is <{name[:40]}>, not <feedback>")
            self.depth += 1
            return
        self.depth -= 1
        if self.depth != 1:
            return
        if name == "report_metadata":
            self.metadata = _metadata(element)
        elif name == "policy_published":
            self.policy = {_local(child.tag): _text(child.text) for child in element if _local(child.tag) != "domain"}
            self.policy["domain"] = _text(_child_text(element, "domain"))
        elif name == "record":
            self._add(_row(element, self.ours))
        element.clear()  # the tree stays small however many records follow

    def _add(self, row: Row) -> None:
        self.totals = self.totals.add(row)
        known = self.rows.get(row.key())
        self.rows[row.key()] = row if known is None else known._replace(count=known.count + row.count)

    def report(self) -> AggregateReport:
        if not self.metadata:
            raise RejectedReport("no <report_metadata>")
        if "domain" not in self.policy:
            raise RejectedReport("no <policy_published>")
        ranked = sorted(self.rows.values(), key=lambda row: (-row.count, row.key()))
        return AggregateReport(
            reporter=self.metadata["org_name"],
            reporter_email=self.metadata.get("email", ""),
            report_id=self.metadata["report_id"],
            begin=int(self.metadata["begin"]),
            end=int(self.metadata["end"]),
            domain=self.policy.pop("domain"),
            policy=self.policy,
            rows=tuple(ranked[:MAX_ROWS]),
            totals=self.totals,
            rows_dropped=max(0, len(ranked) - MAX_ROWS),
        )


def _metadata(element: Element) -> dict[str, str]:
    found = {
        "org_name": _child_text(element, "org_name"),
        "email": _child_text(element, "email"),
        "report_id": _child_text(element, "report_id"),
        "begin": _child_text(element, "date_range", "begin"),
        "end": _child_text(element, "date_range", "end"),
    }
    for name in ("org_name", "report_id", "begin", "end"):
        if not found[name]:
            raise RejectedReport(f"report_metadata has no {name}")
    for name in ("begin", "end"):
        found[name] = str(_integer(found[name], name))
    return {name: _text(value) for name, value in found.items()}


def _row(record: Element, ours: OurSenders) -> Row:
    paths, dkim_checks, spf_checks = _record_fields(record)
    source_ip = paths.get("row/source_ip", "")
    try:
        ipaddress.ip_address(source_ip)
    except ValueError:
        raise RejectedReport(f"record with a source_ip that is no IP address: {source_ip[:45]!r}") from None
    spf_domain, spf_result = _spf(spf_checks)
    dkim_results = tuple(
        f"{_text(check.get('domain')).lower()}={_token(check.get('result', ''))}" for check in dkim_checks
    )
    return Row(
        source_ip=source_ip,
        count=_integer(paths.get("row/count", ""), "count"),
        disposition=_token(paths.get("row/policy_evaluated/disposition", "")),
        dkim=_token(paths.get("row/policy_evaluated/dkim", "")),
        spf=_token(paths.get("row/policy_evaluated/spf", "")),
        header_from=_text(paths.get("identifiers/header_from")).lower(),
        spf_domain=spf_domain,
        dkim_domains=dkim_results,
        ours=ours.owns(spf_domain, spf_result, dkim_results),
    )


def _record_fields(record: Element) -> tuple[dict[str, str], list[dict[str, str]], list[dict[str, str]]]:
    """A record in one pass (the parser's hot path): "row/count"-style paths to their text (the first
    wins), and its DKIM and SPF results."""
    paths: dict[str, str] = {}
    checks: dict[str, list[dict[str, str]]] = {"dkim": [], "spf": []}
    for section in record:
        section_name = _local(section.tag)
        for child in section:
            name = _local(child.tag)
            if section_name == "auth_results":
                if name in checks:
                    checks[name].append({_local(leaf.tag): (leaf.text or "").strip() for leaf in child})
            elif len(child):
                for leaf in child:
                    paths.setdefault(f"{section_name}/{name}/{_local(leaf.tag)}", (leaf.text or "").strip())
            else:
                paths.setdefault(f"{section_name}/{name}", (child.text or "").strip())
    return paths, checks["dkim"], checks["spf"]


def _spf(checks: list[dict[str, str]]) -> tuple[str, str]:
    """The MAIL FROM check (scope mfrom, or no scope: RFC 9990 dropped it); a HELO check is not alignment."""
    for check in checks:
        if check.get("scope", "") in ("", "mfrom"):
            return _text(check.get("domain")).lower(), _token(check.get("result", ""))
    return "", "none"


def _local(tag: str) -> str:
    """The element's name without its namespace (RFC 9990's reports have one, RFC 7489's none)."""
    return tag if tag[:1] != "{" else tag[tag.find("}") + 1 :]


def _children(element: Element, *path: str) -> Iterator[Element]:
    if not path:
        yield element
        return
    for child in element:
        if _local(child.tag) == path[0]:
            yield from _children(child, *path[1:])


def _child_text(element: Element, *path: str) -> str:
    for found in _children(element, *path):
        return (found.text or "").strip()
    return ""


def _integer(value: str, name: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise RejectedReport(f"{name} is not a whole number: {value[:20]!r}")
    return int(value)


def _token(value: str) -> str:
    """A keyword (pass, fail, none, quarantine, ...): lower case; anything else is 'unknown'."""
    value = value.strip().lower()
    return value if _TOKEN.match(value) else "unknown"


def _text(value: str | None) -> str:
    """A reporter's free text: printable, and short."""
    value = (value or "").strip()
    if value.isprintable():
        return value[:MAX_TEXT]
    return "".join(ch for ch in value if ch.isprintable())[:MAX_TEXT]


# TLS reports (JSON)


def parse_tls(document: bytes) -> TlsReport:
    try:
        data = orjson.loads(document)
    except orjson.JSONDecodeError as error:
        raise RejectedReport(f"malformed JSON: {error}") from error
    try:
        policies = [_tls_policy(entry) for entry in data["policies"]]
        failures = [failure for entry in data["policies"] for failure in _tls_failures(entry)]
        return TlsReport(
            reporter=_text(_string(data["organization-name"])),
            report_id=_text(_string(data["report-id"])),
            begin=_epoch(data["date-range"]["start-datetime"]),
            end=_epoch(data["date-range"]["end-datetime"]),
            policies=tuple(policies),
            failures=tuple(sorted(failures, key=lambda f: -f.count)[:MAX_ROWS]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise RejectedReport(f"not an RFC 8460 report: missing or malformed {error}") from error


def _tls_policy(entry: dict[str, Any]) -> dict[str, Any]:
    policy, summary = entry["policy"], entry["summary"]
    return {
        "type": _token(_string(policy["policy-type"])),
        "domain": _text(_string(policy["policy-domain"])).lower(),
        "successful": _count(summary.get("total-successful-session-count", 0)),
        "failed": _count(summary.get("total-failure-session-count", 0)),
    }


def _tls_failures(entry: dict[str, Any]) -> Iterator[TlsFailure]:
    for detail in entry.get("failure-details", []):
        yield TlsFailure(
            result_type=_token(_string(detail["result-type"])),
            count=_count(detail["failed-session-count"]),
            sending_mta_ip=_text(_string(detail.get("sending-mta-ip", ""))),
            receiving_mx_hostname=_text(_string(detail.get("receiving-mx-hostname", ""))).lower(),
        )


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 10**12:
        raise ValueError(f"session count {str(value)[:20]!r}")
    return value


def _epoch(value: Any) -> int:
    return int(datetime.fromisoformat(_string(value).replace("Z", "+00:00")).timestamp())


# Who mailed it


class Carrier(NamedTuple):
    """The mail a report came in: SES's message id and the domain SES authenticated it for, if any.

    A report names its reporter itself; only the mail's SPF or DKIM verdict says who sent it. Metrics
    take their Reporter dimension from here, so a stranger cannot mint a metric per made-up name.
    """

    message_id: str
    domain: str  # the authenticated domain, or "unauthenticated"

    @classmethod
    def from_record(cls, record: Any) -> Carrier:
        try:
            mail, receipt = record["ses"]["mail"], record["ses"]["receipt"]
            message_id = _string(mail["messageId"])
            spf = (receipt.get("spfVerdict") or {}).get("status")
            dkim = (receipt.get("dkimVerdict") or {}).get("status")
            source = _string(mail.get("source", ""))
            from_header = ((mail.get("commonHeaders") or {}).get("from") or [""])[0]
        except (KeyError, TypeError, AttributeError, IndexError) as error:
            raise InvalidRequest(f"not an SES receiving record: missing or malformed {error}") from error
        if spf == "PASS" and "@" in source:
            return cls(message_id, _domain_of(source))
        if dkim == "PASS" and "@" in str(from_header):
            return cls(message_id, _domain_of(str(from_header)))
        return cls(message_id, "unauthenticated")


def _domain_of(address: str) -> str:
    return _text(email.utils.parseaddr(address)[1].rpartition("@")[2].lower())[:64] or "unauthenticated"


# Storing one summary per report


class Stored(NamedTuple):
    """A report as the store kept it."""

    report: Report
    carrier: Carrier
    new: bool  # False: the same report was stored before (a receiver sent it twice)


class ReportStore:
    """Summaries in the credentials table, one item per (kind, reporter, report id), kept `retention`."""

    PREFIX = REPORT_PREFIX

    def __init__(self, dynamodb: DynamoDBClient, table_name: str, retention: timedelta = timedelta(days=400)) -> None:
        self._db = dynamodb
        self._table = table_name
        self._retention = retention

    @classmethod
    def key(cls, report: Report) -> dict[str, Any]:
        return {PK: {"S": f"{cls.PREFIX}{report.kind}#{report.reporter}#{report.report_id}"}, SK: {"S": "report"}}

    def put(self, report: Report, carrier: Carrier, now: datetime | None = None) -> bool:
        """Stored once: False when this report is already there."""
        now = now or datetime.now(UTC)
        item = {
            **self.key(report),
            "kind": {"S": report.kind},
            "reporter": {"S": report.reporter},
            "mail_domain": {"S": carrier.domain},
            "ses_message_id": {"S": carrier.message_id},
            "begin": {"N": str(report.begin)},
            "end": {"N": str(report.end)},
            "received_at": {"S": now.isoformat(timespec="seconds")},
            EXPIRES_AT: {"N": str(int((now + self._retention).timestamp()))},
            "summary": {"S": orjson.dumps(report.to_dict()).decode()},
        }
        try:
            self._db.put_item(TableName=self._table, Item=item, ConditionExpression=f"attribute_not_exists({PK})")
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def since(self, start: datetime) -> list[dict[str, Any]]:
        """Summaries of reports whose period ended at or after start (a scan: reports are few a day)."""
        pages = self._db.get_paginator("scan").paginate(
            TableName=self._table,
            FilterExpression=f"{SK} = :report AND begins_with({PK}, :prefix) AND #end >= :start",
            ExpressionAttributeNames={"#end": "end"},
            ExpressionAttributeValues={
                ":report": {"S": "report"},
                ":prefix": {"S": self.PREFIX},
                ":start": {"N": str(int(start.timestamp()))},
            },
        )
        found = []
        for page in pages:
            for item in page["Items"]:
                found.append({**orjson.loads(item["summary"]["S"]), "mail_domain": item["mail_domain"]["S"]})
        return sorted(found, key=lambda summary: (summary["end"], summary["reporter"]))


# The whole flow for one mail


class ReportOutcome:
    """What became of one report mail: one log line and its metrics."""

    def __init__(self, carrier: Carrier, stored: list[Stored] | None = None, rejected: list[str] | None = None) -> None:
        self.carrier = carrier
        self.stored = stored or []
        self.rejected = rejected or []

    def log_fields(self) -> dict[str, Any]:
        return {
            "ses_message_id": self.carrier.message_id,
            "mail_domain": self.carrier.domain,
            "reports": [
                {"kind": s.report.kind, "reporter": s.report.reporter, "report_id": s.report.report_id, "new": s.new}
                for s in self.stored
            ],
            "rejected": self.rejected,
        }


class ReportReader:
    """Reads one stored report mail and keeps its reports. AWS access is passed in: S3 and the store."""

    def __init__(self, s3: S3Client, bucket: str, object_prefix: str, store: ReportStore, ours: OurSenders) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.object_prefix = object_prefix
        self.store = store
        self.ours = ours

    def handle(self, carrier: Carrier) -> ReportOutcome:
        key = f"{self.object_prefix}{carrier.message_id}"
        raw: bytes = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        found, rejected = read_mail(raw, self.ours)
        outcome = ReportOutcome(carrier, rejected=rejected)
        for report in found:
            outcome.stored.append(Stored(report, carrier, self.store.put(report, carrier)))
        return outcome


# What the reports of the last days say (the CLI's `ses-smtp reports`)


def digest(summaries: Iterable[Mapping[str, Any]], days: int, top: int = 20) -> dict[str, Any]:
    """Pass rates (all mail, and ours), the failing sources that are not ours, and TLS failures."""
    dmarc = [summary for summary in summaries if summary["kind"] == "dmarc"]
    tls = [summary for summary in summaries if summary["kind"] == "tls"]
    totals: Counter[str] = Counter()
    failing: dict[tuple[str, str], dict[str, Any]] = {}
    for summary in dmarc:
        totals.update({name: int(value) for name, value in summary["totals"].items()})
        for row in summary["rows"]:
            if row["ours"] or "pass" in (row["dkim"], row["spf"]):
                continue
            source = failing.setdefault(
                (row["source_ip"], row["header_from"]),
                {"source_ip": row["source_ip"], "header_from": row["header_from"], "messages": 0, "reporters": []},
            )
            source["messages"] += int(row["count"])
            if summary["reporter"] not in source["reporters"]:
                source["reporters"].append(summary["reporter"])
    tls_failures: Counter[str] = Counter()
    for summary in tls:
        for failure in summary["failures"]:
            tls_failures[failure["result_type"]] += int(failure["count"])
    return {
        "days": days,
        "dmarc": {
            "reports": len(dmarc),
            "messages": totals["messages"],
            "passed": totals["passed"],
            "pass_rate": _rate(totals["passed"], totals["messages"]),
            "ours": {
                "messages": totals["ours"],
                "passed": totals["ours_passed"],
                "pass_rate": _rate(totals["ours_passed"], totals["ours"]),
            },
            "failing_sources": sorted(failing.values(), key=lambda s: (-s["messages"], s["source_ip"]))[:top],
        },
        "tls": {
            "reports": len(tls),
            "successful": sum(int(p["successful"]) for s in tls for p in s["policies"]),
            "failed": sum(int(p["failed"]) for s in tls for p in s["policies"]),
            "failures": dict(tls_failures.most_common()),
        },
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
