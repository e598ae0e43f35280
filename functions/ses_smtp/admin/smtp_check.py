"""`ses-smtp smtp-check`: the path a mail client takes to SES, one step at a time, with the likely cause
and fix when a step fails.

Works against SES in any region (`--region`) or any host (`--host`, e.g. the local stack).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from ses_smtp.regions import smtp_endpoint

# Exit codes, documented in `ses-smtp smtp-check --help` and docs/troubleshooting.md.
EXIT_OK, EXIT_USAGE, EXIT_NETWORK, EXIT_TLS, EXIT_AUTH, EXIT_REJECTED, EXIT_THROTTLED = 0, 1, 2, 3, 4, 5, 6
EXIT_CODES = {
    EXIT_OK: "every step passed",
    EXIT_USAGE: "the check could not start (missing credentials or options)",
    EXIT_NETWORK: "the host name did not resolve or the port could not be reached",
    EXIT_TLS: "TLS failed (handshake or certificate)",
    EXIT_AUTH: "authentication failed (530 or 535)",
    EXIT_REJECTED: "the test message was rejected (554 or another refusal)",
    EXIT_THROTTLED: "SES throttled the connection (454)",
}
SIMULATOR_SUCCESS = "success@simulator.amazonses.com"
SECRET_KEY_LENGTH = 40  # an IAM secret access key; SES SMTP passwords are 44 characters

# --password lands in shell history and in every process listing while the check runs.
SHELL_HISTORY_WARNING = (
    "ses-smtp: warning: --password is kept in your shell history and shown in process listings; "
    "set SES_SMTP_PASSWORD instead (read -rs SES_SMTP_PASSWORD; export SES_SMTP_PASSWORD)"
)


@dataclass
class Target:
    host: str
    port: int
    implicit_tls: bool
    ca_file: str | None = None
    timeout: float = 15.0


@dataclass
class Step:
    name: str
    ok: bool
    detail: str = ""
    fix: str = ""


@dataclass
class Report:
    steps: list[Step] = field(default_factory=list)
    exit_code: int = EXIT_OK

    def add(self, name: str, ok: bool, detail: str = "", fix: str = "", code: int = EXIT_OK) -> bool:
        self.steps.append(Step(name, ok, detail, fix))
        if not ok and self.exit_code == EXIT_OK:
            self.exit_code = code
        return ok

    def text(self) -> str:
        lines = []
        for step in self.steps:
            lines.append(f"{'OK  ' if step.ok else 'FAIL'}  {step.name}" + (f": {step.detail}" if step.detail else ""))
            if step.fix:
                lines.extend(f"      {line}" for line in step.fix.splitlines())
        verdict = "all steps passed" if self.exit_code == EXIT_OK else EXIT_CODES[self.exit_code]
        return "\n".join([*lines, "", f"Result: {verdict} (exit code {self.exit_code})"])

    def to_dict(self) -> dict[str, Any]:
        return {"steps": [step.__dict__ for step in self.steps], "exit_code": self.exit_code}


def target_for(region: str | None, host: str | None, port: int, ca_file: str | None) -> Target:
    if not host and not region:
        raise ValueError("give --region (SES's endpoint in that region) or --host")
    return Target(host or smtp_endpoint(str(region)), port, implicit_tls=port in (465, 2465), ca_file=ca_file)


def check(
    target: Target,
    username: str,
    password: str,
    send_from: str | None = None,
    send_to: str = SIMULATOR_SUCCESS,
    implicit_tls: bool | None = None,
) -> Report:
    """Resolve, connect, TLS, AUTH and (with send_from) send one message; stop at the first failure."""
    report = Report()
    implicit = target.implicit_tls if implicit_tls is None else implicit_tls
    if not _resolve(target, report):
        return report
    client = _connect(target, implicit, report)
    if client is None:
        return report
    with client:
        if not implicit and not _starttls(client, target, report):
            return report
        if not _authenticate(client, username, password, report):
            return report
        if send_from:
            _send(client, send_from, send_to, report)
    return report


def _resolve(target: Target, report: Report) -> bool:
    try:
        addresses = sorted(
            {str(info[4][0]) for info in socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)}
        )
    except socket.gaierror as error:
        return report.add(
            f"resolve {target.host}",
            False,
            str(error),
            "The host name does not resolve. For SES it is email-smtp.<region>.amazonaws.com in a region that "
            "has an SMTP endpoint (`terraform output smtp_endpoint`); check spelling and your DNS.",
            EXIT_NETWORK,
        )
    return report.add(f"resolve {target.host}", True, ", ".join(addresses))


def _connect(target: Target, implicit: bool, report: Report) -> smtplib.SMTP | None:
    name = f"connect to {target.host}:{target.port}" + (" (implicit TLS)" if implicit else "")
    try:
        if implicit:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                target.host, target.port, context=_context(target), timeout=target.timeout
            )
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=target.timeout)
    except ssl.SSLError as error:
        report.add(name, False, str(error), _tls_fix(error, target), EXIT_TLS)
        return None
    except (OSError, smtplib.SMTPException) as error:
        report.add(
            name,
            False,
            str(error) or type(error).__name__,
            "The port could not be reached. Many networks block outgoing port 25, and some block 587 and "
            "465: try 2587 (STARTTLS) or 2465 (TLS), which SES also listens on, or another network.",
            EXIT_NETWORK,
        )
        return None
    code, banner = client.ehlo()
    report.add(name, True, f"{code} {banner.decode(errors='replace').splitlines()[0]}")
    return client


def _starttls(client: smtplib.SMTP, target: Target, report: Report) -> bool:
    if not client.has_extn("starttls"):
        client.close()
        return report.add(
            "STARTTLS", False, "not offered", "This server does not offer STARTTLS on this port.", EXIT_TLS
        )
    try:
        client.starttls(context=_context(target))
        client.ehlo()
    except ssl.SSLError as error:
        return report.add("STARTTLS", False, str(error), _tls_fix(error, target), EXIT_TLS)
    return report.add("STARTTLS", True, _tls_detail(client))


def _authenticate(client: smtplib.SMTP, username: str, password: str, report: Report) -> bool:
    try:
        client.login(username, password)
    except smtplib.SMTPAuthenticationError as error:
        return report.add("AUTH", False, _reply(error), _auth_fix(error.smtp_code, password), EXIT_AUTH)
    except smtplib.SMTPResponseException as error:
        return report.add("AUTH", False, _reply(error), _auth_fix(error.smtp_code, password), EXIT_AUTH)
    return report.add("AUTH", True, f"as {username}")


def _send(client: smtplib.SMTP, sender: str, recipient: str, report: Report) -> bool:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, recipient, "ses-smtp smtp-check"
    message.set_content("A test message from `ses-smtp smtp-check`.")
    try:
        client.send_message(message)
    except smtplib.SMTPResponseException as error:
        code_for = EXIT_THROTTLED if error.smtp_code == 454 else EXIT_REJECTED
        return report.add(
            f"send {sender} -> {recipient}", False, _reply(error), _send_fix(error, sender, recipient), code_for
        )
    except smtplib.SMTPRecipientsRefused as error:
        return report.add(f"send {sender} -> {recipient}", False, str(error.recipients), "", EXIT_REJECTED)
    return report.add(f"send {sender} -> {recipient}", True, "accepted")


def _context(target: Target) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=target.ca_file)


def _tls_detail(client: smtplib.SMTP) -> str:
    sock: Any = client.sock
    return f"{sock.version()}, certificate verified" if hasattr(sock, "version") else "established"


def _tls_fix(error: ssl.SSLError, target: Target) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return (
            "The server's certificate is not trusted for this name. For SES, use the exact host name "
            "email-smtp.<region>.amazonaws.com (not an IP or a CNAME of your own). For the local stack, pass "
            "--ca-file with the CA certificate from `ses-smtp local up`."
        )
    return "The TLS handshake failed: a proxy or firewall may be intercepting the connection."


def _auth_fix(code: int, password: str) -> str:
    if code == 530:
        return "The server wants TLS before AUTH: use port 587 with STARTTLS, or 465 with implicit TLS."
    causes = [
        "The SMTP password was derived for another region: SMTP passwords only work in the region they were "
        "derived for (`ses-smtp users show NAME` gives the right one for this deployment).",
        "The key is inactive, retired after a rotation, or deleted: `ses-smtp users status NAME`.",
    ]
    if len(password) == SECRET_KEY_LENGTH:
        causes.insert(
            0,
            "This looks like an IAM secret access key (40 characters). SES wants the SMTP password derived "
            "from it (44 characters): `ses-smtp users show NAME`.",
        )
    return "Likely causes:\n" + "\n".join(f"- {cause}" for cause in causes)


def _send_fix(error: smtplib.SMTPResponseException, sender: str, recipient: str) -> str:
    reply = _reply(error)
    if error.smtp_code == 454:
        return "Sending faster than the account's maximum send rate: wait and retry, or ask AWS for a higher quota."
    if "not verified" in reply and recipient.lower() in reply.lower():
        return (
            "The account is in the SES sandbox: it may only send to verified addresses. Request production "
            "access (SES console > Account dashboard > Request production access), or test with the mailbox "
            "simulator (the default --to)."
        )
    if "not verified" in reply:
        return (
            "The From domain is not a verified SES identity yet: publish the DNS records and run "
            "`ses-smtp dns check --wait 600`."
        )
    if "Access denied" in reply or "not authorized" in reply:
        return f"This sender may not send as {sender}: `ses-smtp users status NAME` shows the addresses it was granted."
    if error.smtp_code == 552:
        return "The message is larger than SES accepts (40 MB, attachments included after encoding)."
    return ""


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    return f"{error.smtp_code} {text}"
