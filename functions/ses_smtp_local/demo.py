"""`make demo`: the guided tour of the whole system on the local stack, with progress as it goes.

Brings the stack up (emulator, examples/local with receiving, SMTP endpoints, event source), shows the
DNS records, creates alice (her mail forwarded to her own mailbox), prints her Gmail settings, sends mail
through the SMTP endpoint as Gmail does (to the SES mailbox simulator), shows the events, metrics and
bounce/complaint records that come back, then the Gmail journey: Google's confirmation arrives for
alice@, is forwarded to her own mailbox, `ses-smtp users confirmation alice` prints its code, and a
reply to her mail reaches her own mailbox with the replier as Reply-To. Then it rotates alice's key,
shows both passwords working during the overlap, and stops everything (nothing of it outlives the emulator).
"""

from __future__ import annotations

import builtins
import functools
import json
import secrets
import smtplib
import ssl
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from ses_smtp import render
from ses_smtp.admin import smtp_check
from ses_smtp.admin.deployment import Deployment, InProcessInvoker, admin_config
from ses_smtp.admin.local_stack import StackState
from ses_smtp.admin.receiving import latest_confirmation
from ses_smtp.admin.terraform import REPO_ROOT, TerraformError
from ses_smtp.admin.users import Admin, SmtpCredential
from ses_smtp.contract import SK
from ses_smtp.errors import SesSmtpError
from ses_smtp.events import RecipientHistory
from ses_smtp_local import mailbox
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.stack import local_stack

WORK_DIR = REPO_ROOT / "build" / "demo"
# The in-process functions send their log lines to their log file by swapping sys.stdout while a handler
# runs, and the event source runs one in another thread: the tour's lines go to this terminal regardless.
print = functools.partial(builtins.print, file=sys.stdout, flush=True)
SIMULATOR = ("success", "bounce", "complaint")
ALICE_HOME = "alice.personal@gmail.com"  # her own mailbox: on the local stack, a Maildir under the stack
BOB = "bob@partner.example"  # someone alice writes to, who replies


@contextmanager
def step(title: str) -> Iterator[None]:
    print(f"\n==> {title}", flush=True)
    started = time.monotonic()
    yield
    print(f"    ({time.monotonic() - started:.1f}s)", flush=True)


def send_like_gmail(state: StackState, credential: SmtpCredential, recipient: str, implicit_tls: bool = False) -> str:
    """EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA (or TLS from the first byte, as on 465); SES's reply."""
    sender = credential.from_addresses[0]
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = f"Alice <{sender}>", recipient, "Hello"
    message["Message-ID"] = f"<{secrets.token_hex(8)}@gmail.local>"
    message.set_content("Sent through the local SES SMTP endpoint, the way Gmail sends.")
    context = ssl.create_default_context(cafile=state.ca_file)
    client = (
        smtplib.SMTP_SSL(state.smtp_host, state.tls_port, local_hostname="gmail.local", timeout=30, context=context)
        if implicit_tls
        else smtplib.SMTP(state.smtp_host, state.starttls_port, local_hostname="gmail.local", timeout=30)
    )
    with client:
        client.ehlo()
        if not implicit_tls:
            client.starttls(context=context)
            client.ehlo()
        client.login(credential.username, credential.password)
        client.mail(sender)
        client.rcpt(recipient)
        code, reply = client.data(message.as_bytes())
    return f"{code} {reply.decode()}"


def google_confirmation(address: str, code: str) -> EmailMessage:
    """Shaped like the mail Gmail sends to an address added under "Send mail as": a google.com sender, a
    confirmation code and a link (written for this demo; the real one's wording may differ)."""
    message = EmailMessage()
    message["From"] = "Gmail Team <forwarding-noreply@google.com>"
    message["To"] = address
    message["Subject"] = f"Gmail Confirmation - Send Mail as {address}"
    message["Message-ID"] = f"<{secrets.token_hex(12)}@google.com>"
    message.set_content(
        f"You have requested to add {address} to your Gmail account.\n"
        f"Confirmation code: {code}\n\n"
        f"Before you can send mail from {address} using your Gmail account ({ALICE_HOME}), "
        "please click the link below to confirm your request:\n\n"
        f"https://mail-settings.google.com/mail/vf-%5B{secrets.token_urlsafe(12)}%5D-{code}\n\n"
        "Thanks for using Gmail!\nThe Gmail Team\n"
    )
    return message


def deliver_inbound(state: StackState, message: EmailMessage) -> str:
    """Another mail host delivering to the domain's MX (the local stand-in for SES receiving); its reply."""
    with smtplib.SMTP(state.smtp_host, state.inbound_port, local_hostname="mx.sender.local", timeout=30) as client:
        client.ehlo()
        client.mail(str(message["From"].addresses[0].addr_spec))
        client.rcpt(str(message["To"].addresses[0].addr_spec))
        code, reply = client.data(message.as_bytes())
    return f"{code} {reply.decode()}"


def arrival(state: StackState, address: str, subject: str, timeout: float = 30.0) -> EmailMessage:
    """The newest message with this subject in an address's local mailbox, once it has arrived."""
    found: list[EmailMessage] = []

    def arrived() -> bool:
        found[:] = [m for m in mailbox.read(Path(state.mailbox_dir), address) if m["Subject"] == subject]
        return bool(found)

    if not wait_for(arrived, timeout):
        raise SesSmtpError(f"{subject!r} did not reach {address}'s mailbox within {timeout:.0f} s")
    return found[-1]


def show_headers(message: EmailMessage, names: tuple[str, ...] = ("From", "Reply-To", "To", "Subject")) -> None:
    for name in names:
        print(f"      {name + ':':<10} {message.get(name, '-')}")


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def event_lines(log: Path, start: int) -> list[dict[str, Any]]:
    lines = log.read_text()[start:].splitlines() if log.exists() else []
    return [json.loads(line) for line in lines if line.startswith("{")]


def show_events(lines: list[dict[str, Any]], sent_to: dict[str, str]) -> None:
    """The events function's log lines; sent_to names each message's recipient (the log keeps domains only)."""
    events = [line for line in lines if line.get("message") == "ses event"]
    for event in events:
        recipient = sent_to.get(event.get("correlation_id", ""), ",".join(event["recipient_domains"]))
        extra = event.get("bounce_type") or event.get("complaint_feedback_type")
        print(f"    {event['event_type']:<10} {event['sender']:<22} -> {recipient}" + (f" ({extra})" if extra else ""))
    metrics: Counter[str] = Counter()
    for line in lines:
        for definition in line.get("_aws", {}).get("CloudWatchMetrics", []):
            for metric in definition["Metrics"]:
                dimensions = ",".join(f"{d}={line[d]}" for group in definition["Dimensions"] for d in group)
                metrics[f"{metric['Name']} [{dimensions}]"] += int(sum(line[metric["Name"]]))
    print("\n    EMF metrics (SesSmtp namespace):")
    for name, value in sorted(metrics.items()):
        print(f"    {value:>3}  {name}")


def tour(state: StackState) -> None:
    outputs = admin_config(state.outputs, "the local stack")
    with step("DNS records to publish (ses-smtp dns records)"):
        print(render.table(outputs["dns_records"], ["name", "type", "value"]))

    deployment = Deployment.from_outputs(state.deployment_outputs(), "the local stack")
    session = Emulator(state.endpoint_url, state.region).session()  # this process's own AWS calls
    log_dir = Path(state.log_dir)
    admin = Admin(deployment, InProcessInvoker(deployment, session, state.environment(), log_dir), session)
    with step(f"ses-smtp users create alice --from alice@example.com --forward-to {ALICE_HOME}"):
        admin.request("create", name="alice", forward_to=ALICE_HOME, **{"from": ["alice@example.com"]})
        alice = admin.credential("alice")
        print("    Gmail > Settings > Accounts > Send mail as > Add another email address, then:")
        shown = alice.for_people().replace(
            alice.password,
            alice.password[:4] + "... (hidden: this stack goes at the end; see below for one that stays)",
        )
        print("\n".join("    " + line for line in shown.splitlines()))
        print(f"    (on AWS the server is {outputs['smtp_endpoint']}, ports 587 and 465)")

    with step("ses-smtp smtp-check: resolve, connect, STARTTLS, verify the certificate, AUTH"):
        target = smtp_check.Target(state.smtp_host, state.starttls_port, implicit_tls=False, ca_file=state.ca_file)
        print(
            "\n".join(
                "    " + line for line in smtp_check.check(target, alice.username, alice.password).text().splitlines()
            )
        )

    log = log_dir / f"{outputs['events_function_name']}.log"
    start = log.stat().st_size if log.exists() else 0
    sent_to: dict[str, str] = {}
    with step("Gmail sends through the SMTP endpoint to SES's mailbox simulator, over both ports"):
        for mailbox in SIMULATOR:
            recipient = f"{mailbox}@simulator.amazonses.com"
            for implicit_tls, port in ((False, f"{state.starttls_port} STARTTLS"), (True, f"{state.tls_port} TLS")):
                reply = send_like_gmail(state, alice, recipient, implicit_tls)
                sent_to[reply.rpartition(" ")[2]] = recipient
                print(f"    {recipient:<36} port {port:<15} {reply}")

    with step("SES events -> SNS -> SQS -> events function: log lines, metrics, records"):
        history = RecipientHistory(session.client("dynamodb"), outputs["credentials_table_name"])
        arrived = wait_for(
            lambda: (
                len(history.for_recipient("complaint@simulator.amazonses.com")) > 1
                and len(history.for_recipient("bounce@simulator.amazonses.com")) > 1
            )
        )
        show_events(event_lines(log, start), sent_to)
        print("\n    ses-smtp events --recipient (permanent bounces and complaints are remembered):")
        for address in ("bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"):
            summary = next((i for i in history.for_recipient(address) if i[SK] == "summary"), {})
            print(f"    {address:<36} bounces={summary.get('bounces', 0)} complaints={summary.get('complaints', 0)}")
        if not arrived:
            raise SesSmtpError("the events did not arrive within 30 s: see the events function's log at " + str(log))

    gmail_journey(state, admin, alice)

    with step("ses-smtp users rotate alice: both passwords work during the overlap"):
        admin.request("rotate", name="alice")
        current, previous = admin.credential("alice"), admin.credential("alice", previous=True)
        for label, key in (("new key", current), ("previous key", previous)):
            print(f"    {label:<13} {key.username}  {send_like_gmail(state, key, 'success@simulator.amazonses.com')}")
        print(
            f"    the previous key is retired at {previous.valid_until}; paste the new password into Gmail before then"
        )

    with step("ses-smtp users delete alice --yes"):
        admin.request("delete", name="alice")


def gmail_journey(state: StackState, admin: Admin, alice: SmtpCredential) -> None:
    """Google's confirmation reaches alice, who has no mailbox on the domain; so do replies to her mail."""
    address = alice.from_addresses[0]
    code = f"{secrets.randbelow(10**9):09d}"
    with step(f"Gmail mails its confirmation to {address}: SES receives it, forwards it to {ALICE_HOME}"):
        confirmation = google_confirmation(address, code)
        replied = deliver_inbound(state, confirmation)
        print(f"    mx.google.com -> {address} (inbound port {state.inbound_port}): {replied}")
        print(f"    the confirmation code in Google's mail: {code}")
        print(f"    in {ALICE_HOME}'s mailbox ({Path(state.mailbox_dir) / ALICE_HOME}):")
        show_headers(arrival(state, ALICE_HOME, str(confirmation["Subject"])))

    with step("ses-smtp users confirmation alice: the code, for a person with no other mailbox yet"):
        bucket = str(admin.deployment.received_mail_bucket_name)  # what `users confirmation` reads
        found = latest_confirmation(admin.session.client("s3"), bucket, "alice", [address])
        print("\n".join("    " + line for line in found.for_people().splitlines()))
        if found.code != code:
            raise SesSmtpError(f"users confirmation printed {found.code}, but Google's mail says {code}")

    with step(f"alice writes to {BOB}; his reply reaches her own mailbox, Reply-To him"):
        print(f"    alice -> {BOB} through the SMTP endpoint: {send_like_gmail(state, alice, BOB)}")
        original = arrival(state, BOB, "Hello")
        reply = EmailMessage()
        reply["From"], reply["To"], reply["Subject"] = f"Bob Partner <{BOB}>", address, "Re: Hello"
        reply["In-Reply-To"] = reply["References"] = str(original["Message-ID"])
        reply.set_content("Thanks Alice, received.\n\n> Sent through the local SES SMTP endpoint.")
        print(f"    {BOB} -> {address} (inbound port {state.inbound_port}): {deliver_inbound(state, reply)}")
        forwarded = arrival(state, ALICE_HOME, "Re: Hello")
        print(f"    in {ALICE_HOME}'s mailbox:")
        show_headers(forwarded)
        if forwarded["Reply-To"] != BOB:
            raise SesSmtpError(f"the forwarded reply says Reply-To {forwarded['Reply-To']}, not {BOB}")
        print(f"    Gmail's Reply goes to {BOB}; alice answers as {address} through the SMTP endpoint")


def main() -> int:
    started = time.monotonic()
    print("terraform-aws-ses-smtp demo: the whole flow on 127.0.0.1, no AWS account needed")
    try:
        with local_stack(WORK_DIR, progress=lambda text: print(f"\n==> {text}", flush=True)) as state:
            tour(state)
            print(
                "\n==> tearing down: the endpoints, event source and emulator stop; what Terraform made lived only"
                " in the emulator's memory (no destroy needed), and its state file goes too"
            )
    except (TerraformError, SesSmtpError, smtplib.SMTPException) as error:
        print(f"demo failed: {error}", file=sys.stderr)
        return 1
    print(f"\nDemo complete in {time.monotonic() - started:.0f}s: nothing is left running.")
    print(
        "To keep a stack running and paste a password into a real mail client:\n"
        "  .venv/bin/ses-smtp local up            (then, in another shell, as it says)\n"
        "  .venv/bin/ses-smtp users create alice --from alice@example.com\n"
        "See docs/local-stack.md."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
