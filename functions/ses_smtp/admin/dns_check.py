"""`ses-smtp dns check`: is every record the domain needs published, right, and alone?

Each expected record is queried (concurrently, with dnspython) and reported as ok, missing, wrong
(expected vs found) or conflicting (two SPF or DMARC records, a CNAME where other data must live, or another
mail host beside SES's receiving MX). With SES's own view of the identity, Easy DKIM CNAMEs are checked
against SES's SigningHostedZone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import dns.exception
import dns.resolver
from checkdmarc.dmarc import parse_dmarc_record
from checkdmarc.mta_sts import parse_mta_sts_record
from checkdmarc.smtp_tls_reporting import parse_smtp_tls_reporting_record

OK, MISSING, WRONG, CONFLICT, ERROR = "ok", "missing", "wrong", "conflict", "error"
# TXT records of which a name may hold only one, told apart by their version tag.
SINGLE_TXT = {"v=spf1": "SPF", "v=DMARC1": "DMARC", "v=TLSRPTv1": "TLS-RPT", "v=STSv1": "MTA-STS"}
# DMARC tags RFC 7489 defined and RFC 9989 removed (Appendix C.5.2), with what to do instead.
REMOVED_DMARC_TAGS = {
    "pct": "pct=0 becomes t=y (dmarc_testing_enabled = true), any other pct goes",
    "rf": "rf goes (RFC 9989 receivers ignore it)",
    "ri": "ri goes (RFC 9989 receivers ignore it)",
}
RECEIVING_HOST = "inbound-smtp."  # SES's receiving endpoint: the MX of receiving_enabled


@dataclass(frozen=True)
class Finding:
    name: str
    type: str
    expected: str
    status: str
    found: list[str] = field(default_factory=list)
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def make_resolver(nameserver: str | None, timeout: float = 5.0) -> dns.resolver.Resolver:
    """The system's resolver, or one that asks only nameserver (IP or IP:PORT)."""
    resolver = dns.resolver.Resolver(configure=nameserver is None)
    if nameserver:
        host, _, port = nameserver.rpartition(":") if nameserver.count(":") == 1 else (nameserver, "", "53")
        resolver.nameservers = [host or nameserver]
        resolver.port = int(port or 53)
    resolver.lifetime = timeout
    return resolver


def check_records(records: Sequence[dict[str, Any]], resolver: dns.resolver.Resolver) -> list[Finding]:
    """One finding per expected record, in the order given."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda record: check_record(record, resolver), records))


def check_record(record: dict[str, Any], resolver: dns.resolver.Resolver) -> Finding:
    name, kind, expected = str(record["name"]), str(record["type"]), str(record["value"])
    try:
        if kind != "CNAME":
            alias = _lookup(resolver, name, "CNAME")
            if alias:
                return Finding(name, kind, expected, CONFLICT, alias, f"a CNAME exists at {name}, so no {kind} can")
        found = _lookup(resolver, name, kind)
    except dns.exception.DNSException as error:
        return Finding(name, kind, expected, ERROR, [], f"DNS query failed: {error}")
    finding = _judge(name, kind, expected, found)
    module_value = record.get("module_value")
    return replace(finding, detail=_ses_dkim_note(finding, str(module_value))) if module_value else finding


def follow_ses_dkim(records: Sequence[dict[str, Any]], signing_hosted_zone: str | None) -> list[dict[str, Any]]:
    """The records with each Easy DKIM CNAME pointed where SES itself says (its SigningHostedZone); where
    that differs from the module's value, the module's is kept as module_value. The provider cannot tell
    Terraform the zone yet (terraform-provider-aws #48568), so SES's answer wins."""
    if not signing_hosted_zone:
        return list(records)
    return [_ses_dkim_target(record, signing_hosted_zone.rstrip(".")) for record in records]


def _ses_dkim_target(record: dict[str, Any], zone: str) -> dict[str, Any]:
    name, value = str(record["name"]), str(record["value"])
    if record["type"] != "CNAME" or "._domainkey." not in name:
        return record
    ses_value = f"{name.split('._domainkey.', 1)[0]}.{zone}"
    return record if _normal(value) == _normal(ses_value) else {**record, "value": ses_value, "module_value": value}


def _ses_dkim_note(finding: Finding, module_value: str) -> str:
    note = (
        f"SES (SigningHostedZone) says {finding.expected}, the module's record says {module_value}: SES is right; "
        "the module's DKIM domain for this region (ses_dkim_domains.json) is out of date"
    )
    return note if finding.status == OK else f"publish {finding.expected}; {note}"


def _judge(name: str, kind: str, expected: str, found: list[str]) -> Finding:
    if kind == "TXT":
        return _judge_txt(name, expected, found)
    wanted = _normal(expected)
    if not found:
        return Finding(name, kind, expected, MISSING)
    others = [value for value in found if _normal(value) != wanted]
    if kind == "MX" and RECEIVING_HOST in expected and others:
        return Finding(name, kind, expected, CONFLICT, found, _another_mail_host(name, others))
    if wanted in (_normal(value) for value in found):
        extra = [value for value in found if _normal(value) != wanted]
        detail = f"also found {', '.join(extra)}" if extra and kind == "MX" else ""
        return Finding(name, kind, expected, OK, found, detail)
    return Finding(name, kind, expected, WRONG, found, f"expected {expected}")


def _another_mail_host(name: str, others: list[str]) -> str:
    return (
        f"another mail host already receives mail for {name} ({', '.join(others)}): publishing SES's MX "
        "would take its mail (senders pick the lowest priority, and fall back to the rest). Keep one: remove "
        "the other MX if SES is to receive, or turn receiving_enabled off"
    )


def _judge_txt(name: str, expected: str, found: list[str]) -> Finding:
    family = next((tag for tag in SINGLE_TXT if expected.startswith(tag)), None)
    candidates = [value for value in found if family and value.startswith(family)] if family else found
    if not candidates:
        return Finding(name, "TXT", expected, MISSING, found)
    if family and len(candidates) > 1:
        label = SINGLE_TXT[family]
        return Finding(
            name, "TXT", expected, CONFLICT, candidates, f"{len(candidates)} {label} records; only one may exist"
        )
    if expected in candidates:
        return Finding(name, "TXT", expected, OK, candidates)
    problem = _txt_problem(name, candidates[0])
    if not problem and family == "v=DMARC1":
        problem = _removed_dmarc_tags(candidates[0], expected)
    if not problem and family == "v=STSv1":
        problem = (
            f"stale policy id: the policy changed since this record was published; publish {expected} "
            "so that senders fetch the new policy"
        )
    return Finding(name, "TXT", expected, WRONG, candidates, problem or f"expected {expected}")


def _txt_problem(name: str, value: str) -> str:
    """What checkdmarc says is wrong with a published DMARC, TLS-RPT or MTA-STS record, if anything."""
    try:
        if value.startswith("v=DMARC1"):
            parse_dmarc_record(value, name.removeprefix("_dmarc."))
        elif value.startswith("v=TLSRPTv1"):
            parse_smtp_tls_reporting_record(value)
        elif value.startswith("v=STSv1"):
            parse_mta_sts_record(value)
    except Exception as error:  # checkdmarc raises its own error classes for every syntax problem
        return f"invalid: {error}"
    return ""


def _removed_dmarc_tags(value: str, expected: str) -> str:
    """What to change in a DMARC record that still uses tags RFC 9989 removed, or "" if it uses none."""
    tags = dict(_tag(part) for part in value.split(";") if part.strip())
    removed = [tag for tag in REMOVED_DMARC_TAGS if tag in tags]
    if not removed:
        return ""
    used = ", ".join(f"{tag}={tags[tag]}" for tag in removed)
    advice = "; ".join(REMOVED_DMARC_TAGS[tag] for tag in removed)
    return f"uses tags RFC 9989 removed ({used}): {advice}; publish {expected}"


def _tag(part: str) -> tuple[str, str]:
    name, _, value = part.partition("=")
    return name.strip().lower(), value.strip()


def _lookup(resolver: dns.resolver.Resolver, name: str, kind: str) -> list[str]:
    try:
        answer = resolver.resolve(name, kind, raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        return []
    if kind == "TXT":
        return [b"".join(rdata.strings).decode() for rdata in answer]
    return [rdata.to_text() for rdata in answer]


def _normal(value: str) -> str:
    return " ".join(part.rstrip(".").lower() for part in value.split())


def wait_until_ok(
    check: Callable[[], list[Finding]],
    seconds: float,
    progress: Callable[[list[Finding], float], None],
    interval: float = 10.0,
) -> list[Finding]:
    """Check again every interval until everything is ok or seconds have passed."""
    deadline = time.monotonic() + seconds
    while True:
        findings = check()
        left = deadline - time.monotonic()
        if all(finding.status == OK for finding in findings) or left <= 0:
            return findings
        progress(findings, left)
        time.sleep(min(interval, max(left, 0)))


def ses_status(domain: str, region: str, session: Any) -> dict[str, str]:
    """What SES itself says about the domain's DKIM and MAIL FROM (needs ses:GetEmailIdentity)."""
    identity = session.client("sesv2", region_name=region).get_email_identity(EmailIdentity=domain)
    dkim = identity.get("DkimAttributes", {})
    mail_from = identity.get("MailFromAttributes", {})
    status = {
        "identity_verified": str(identity.get("VerifiedForSendingStatus", False)).lower(),
        "dkim": dkim.get("Status", "NOT_STARTED"),
        "mail_from": mail_from.get("MailFromDomainStatus", "NOT_CONFIGURED"),
    }
    if dkim.get("SigningHostedZone"):
        status["dkim_signing_hosted_zone"] = dkim["SigningHostedZone"]
    return status
