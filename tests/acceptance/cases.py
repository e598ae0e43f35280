"""The cases, how one is sent over SMTP, and the results file.

Each case is one message from the same sender (granted `alice@<domain>` and nothing else) with a given
header From and envelope MAIL FROM; its expected reply code is the one docs/security.md states
("What the acceptance kit checks"), which tests/unit/test_acceptance_kit.py keeps in step with CASES.
"""

from __future__ import annotations

import json
import re
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

RECIPIENT = "success@simulator.amazonses.com"  # SES's mailbox simulator: accepted in the sandbox too
ACCEPTED, REFUSED = 250, 554
GRANTED, OTHER = "alice", "bob"  # local parts: alice is granted to the sender, bob to another sender
RETRY_CODES = {454, 535}  # throttled, or a key IAM has not spread yet: try again until the deadline
ACCOUNT_ID = re.compile(r"\b[0-9]{12}\b")


@dataclass(frozen=True)
class Case:
    name: str
    header_from: str  # a template: {granted}, {other} and {domain} are filled in per run
    envelope_from: str
    expected: int
    what: str
    settles: bool = False  # the first accepted send: retried while IAM spreads the new key and policy


CASES = (
    Case("granted-from", "{granted}", "{granted}", ACCEPTED, "header and envelope From granted", settles=True),
    Case("forbidden-header-from", "{other}", "{granted}", REFUSED, "header From not granted, envelope granted"),
    Case("forbidden-envelope-from", "{granted}", "{other}", REFUSED, "header From granted, envelope not granted"),
    Case("mixed-case-granted-from", "Alice@{domain_title}", "Alice@{domain_title}", ACCEPTED, "granted, mixed case"),
)


@dataclass(frozen=True)
class Server:
    """Where to send: SES's endpoint (system CAs) or the local stack's (its own CA file)."""

    host: str
    port: int
    ca_file: str | None = None

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)


@dataclass(frozen=True)
class Login:
    username: str
    password: str = field(repr=False)  # never in a traceback, a log line or the results


@dataclass
class Outcome:
    case: str
    what: str
    header_from: str
    envelope_from: str
    expected: int
    got: int
    stage: str  # the SMTP command the reply answered: AUTH, MAIL, RCPT or DATA
    reply: str
    attempts: int

    @property
    def passed(self) -> bool:
        return self.got == self.expected


def fill(template: str, domain: str) -> str:
    """A case's address for this run's domain; {domain_title} is the domain with each label capitalised."""
    title = ".".join(label.capitalize() for label in domain.split("."))
    values = {"granted": f"{GRANTED}@{domain}", "other": f"{OTHER}@{domain}", "domain_title": title}
    return template.format(**values)


def message(header_from: str, domain: str, case: str) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = header_from, RECIPIENT, f"ses-smtp acceptance: {case}"
    mail["Message-ID"] = make_msgid(domain=domain)
    mail.set_content(f"The acceptance kit of terraform-aws-ses-smtp, case {case}.")
    return mail.as_bytes()


def send_once(server: Server, login: Login, header_from: str, envelope_from: str, raw: bytes) -> tuple[int, str, str]:
    """One SMTP session as a mail client on 587 does it: (reply code, SMTP command it answered, reply text)."""
    with smtplib.SMTP(server.host, server.port, local_hostname="acceptance.local", timeout=60) as client:
        client.ehlo()
        client.starttls(context=server.tls())
        client.ehlo()
        try:
            client.login(login.username, login.password)
        except smtplib.SMTPAuthenticationError as error:
            return error.smtp_code, "AUTH", _decoded(error.smtp_error)
        code, reply = client.mail(envelope_from)
        if code >= 400:
            return code, "MAIL", _decoded(reply)
        code, reply = client.rcpt(RECIPIENT)
        if code >= 400:
            return code, "RCPT", _decoded(reply)
        try:
            code, reply = client.data(raw)
        except smtplib.SMTPDataError as error:  # DATA itself refused (no 354)
            return error.smtp_code, "DATA", _decoded(error.smtp_error)
        return code, "DATA", _decoded(reply)


Send = Callable[[Server, Login, str, str, bytes], tuple[int, str, str]]


def run_case(
    case: Case,
    server: Server,
    login: Login,
    domain: str,
    settle_seconds: float,
    send: Send = send_once,
    pause: float = 10.0,
) -> Outcome:
    """Send one case; retry what only time fixes (throttling, a key or policy IAM has not spread yet)."""
    header_from, envelope_from = fill(case.header_from, domain), fill(case.envelope_from, domain)
    raw = message(header_from, domain, case.name)
    deadline = time.monotonic() + settle_seconds
    attempts = 0
    while True:
        attempts += 1
        code, stage, reply = send(server, login, header_from, envelope_from, raw)
        retry = code in RETRY_CODES or (case.settles and code != case.expected)
        if not retry or time.monotonic() >= deadline:
            break
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
    return Outcome(
        case.name, case.what, header_from, envelope_from, case.expected, code, stage, for_the_record(reply), attempts
    )


def _decoded(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def for_the_record(reply: str) -> str:
    """The reply's first line, without the account id (the results file is meant to be committed)."""
    return ACCOUNT_ID.sub("<account>", reply.splitlines()[0] if reply else "")[:300]


def write_results(path: Path, header: dict[str, Any], outcomes: list[Outcome]) -> None:
    """The run as JSON (for tools and the tests) and as Markdown next to it (for docs/security.md)."""
    document = {**header, "passed": all(o.passed for o in outcomes), "cases": [asdict(o) for o in outcomes]}
    for outcome, row in zip(outcomes, document["cases"], strict=True):
        row["passed"] = outcome.passed
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")
    path.with_suffix(".md").write_text(markdown(document))


def markdown(document: dict[str, Any]) -> str:
    verdict = "every case as docs/security.md states" if document["passed"] else "NOT as docs/security.md states"
    lines = [
        f"# Acceptance run on {document['target']}: {verdict}",
        "",
        "Written by `python -m tests.acceptance` (docs/acceptance.md); do not edit by hand.",
        "",
        *(f"- {key}: {document[key]}" for key in ("started_at", "finished_at", "region", "domain", "module_version")),
        f"- commit: {document.get('commit') or 'unknown'}",
        *([f"- the run failed: {document['error']}"] if document.get("error") else []),
        "",
        "| Case | Header From | MAIL FROM | Expected | Got | At | Attempts | Reply |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for case in document["cases"]:
        mark = "" if case["passed"] else " **(differs)**"
        reply = case["reply"].replace("|", "\\|")
        lines.append(
            f"| {case['case']} | {case['header_from']} | {case['envelope_from']} | {case['expected']} | "
            f"{case['got']}{mark} | {case['stage']} | {case['attempts']} | {reply} |"
        )
    return "\n".join(lines) + "\n"
