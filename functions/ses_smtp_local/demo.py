"""`make demo`: the guided tour of the whole system on the local stack, with progress as it goes.

Brings the stack up (emulator, examples/local, SMTP endpoint, event source), shows the DNS records,
creates alice, prints her Gmail settings, sends mail through the SMTP endpoint as Gmail does (to the
SES mailbox simulator), shows the events, metrics and bounce/complaint records that come back,
rotates alice's key and shows both passwords working during the overlap, then tears everything down.
"""

from __future__ import annotations

import builtins
import functools
import json
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
from ses_smtp.admin.terraform import REPO_ROOT, TerraformError
from ses_smtp.admin.users import Admin, SmtpCredential
from ses_smtp.errors import SesSmtpError
from ses_smtp.events import RecipientHistory
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.stack import local_stack

WORK_DIR = REPO_ROOT / "build" / "demo"
# The in-process functions send their log lines to their log file by swapping sys.stdout while a handler
# runs, and the event source runs one in another thread: the tour's lines go to this terminal regardless.
print = functools.partial(builtins.print, file=sys.stdout, flush=True)
SIMULATOR = ("success", "bounce", "complaint")


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
    with step("ses-smtp users create alice --from alice@example.com"):
        admin.request("create", name="alice", **{"from": ["alice@example.com"]})
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
            summary = next((i for i in history.for_recipient(address) if i["sk"] == "summary"), {})
            print(f"    {address:<36} bounces={summary.get('bounces', 0)} complaints={summary.get('complaints', 0)}")
        if not arrived:
            raise SesSmtpError("the events did not arrive within 30 s: see the events function's log at " + str(log))

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


def main() -> int:
    started = time.monotonic()
    print("terraform-aws-ses-smtp demo: the whole flow on 127.0.0.1, no AWS account needed")
    try:
        with local_stack(WORK_DIR, progress=lambda text: print(f"\n==> {text}", flush=True), destroy=True) as state:
            tour(state)
            print("\n==> tearing down: terraform destroy, then the SMTP endpoint, event source and emulator stop")
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
