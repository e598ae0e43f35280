"""`ses-smtp local up` as a person runs it, with the installed console script: `local up --detach` in the
background, the CLI in other processes and another directory with `SES_SMTP_LOCAL`, swaks and curl as
the mail clients, bounces and complaints found with `ses-smtp events`, Gmail's confirmation delivered with
swaks to the inbound port and its code printed by `ses-smtp users confirmation`, and `ses-smtp local down` that stops
it and leaves nothing running (no process, no listening port, no state file, no Terraform state).
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import pty
import re
import select
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from mailbox import Maildir
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import require_terraform

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DOMAIN = "company.example"  # not the default: `local up --domain` deploys a person's own domain
SES_SMTP = Path(sys.executable).parent / "ses-smtp"
UP_TIMEOUT = 600  # local up --detach waits at most this long itself; a loaded machine is slow


def require(program: str, package: str) -> str:
    found = shutil.which(program)
    if found is None:
        pytest.fail(f"{program} is not installed: `make system-deps` (or apt-get install {package})")
    return found


def ses_smtp(
    *arguments: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """The CLI as installed by `make setup` (.venv/bin/ses-smtp), in its own process."""
    if not SES_SMTP.exists():
        pytest.fail(f"{SES_SMTP} is missing: `make setup` installs the ses-smtp console script")
    return subprocess.run(
        [str(SES_SMTP), *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def client(program: str, package: str, *arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """A real mail client (swaks, curl) in its own process, bounded in time."""
    return subprocess.run(
        [require(program, package), *arguments], capture_output=True, text=True, timeout=timeout, check=False
    )


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A stack started with `ses-smtp local up --detach`, stopped with `ses-smtp local down` at the end."""
    require_terraform()
    home = tmp_path_factory.mktemp("local-up")
    state_file = home / "stack.json"
    up = ses_smtp(
        *("local", "up", "--detach", "--domain", DOMAIN, "--state-file", str(state_file)),
        cwd=home,
        timeout=UP_TIMEOUT + 60,  # local up --detach gives up itself after UP_TIMEOUT (its DETACH_TIMEOUT)
    )
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        state = json.loads(state_file.read_text())
        yield {"home": home, "state_file": state_file, "state": state, "banner": up.stdout}
    finally:
        if state_file.exists():
            ses_smtp("local", "down", "--state-file", str(state_file), cwd=home)


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another directory than the stack's and the repository: the CLI must find the stack from anywhere."""
    return tmp_path_factory.mktemp("elsewhere")


@pytest.fixture(scope="module")
def alice(stack: dict[str, Any], elsewhere: Path) -> dict[str, Any]:
    local = {"SES_SMTP_LOCAL": str(stack["state_file"])}
    created = ses_smtp("users", "--json", "create", "alice", "--from", f"alice@{DOMAIN}", cwd=elsewhere, env=local)
    assert created.returncode == 0, created.stderr
    return dict(json.loads(created.stdout))


def swaks(
    stack: dict[str, Any], alice: dict[str, Any], recipient: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    state = stack["state"]
    return client(
        *("swaks", "swaks", "--server", "127.0.0.1", "--port", str(state["starttls_port"])),
        *("--tls", "--tls-verify", "--tls-ca-path", state["ca_file"]),
        *("--auth", "LOGIN", "--auth-user", alice["username"], "--auth-password", alice["password"]),
        *("--from", f"alice@{DOMAIN}", "--to", recipient, "--helo", "swaks.local", "--timeout", "30"),
        *extra,
    )


def test_local_up_prints_where_everything_is(stack: dict[str, Any], elsewhere: Path) -> None:
    banner, state = stack["banner"], stack["state"]
    assert f"export SES_SMTP_LOCAL={stack['state_file']}" in banner, "an absolute path works from any directory"
    assert f"Domain          {DOMAIN}" in banner
    assert state["log_dir"] and state["log_dir"] in banner and Path(state["log_dir"]).is_relative_to(stack["home"])
    status = ses_smtp("local", "status", "--state-file", str(stack["state_file"]), cwd=elsewhere)
    assert status.returncode == 0, status.stderr
    assert f"pid {state['pid']}" in status.stdout and str(state["starttls_port"]) in status.stdout
    inbound = f"SMTP inbound    127.0.0.1:{state['inbound_port']} (mail for @{DOMAIN}"
    assert state["inbound_port"] and inbound in banner and inbound in status.stdout, "receiving is on locally"
    assert f"Mailboxes       {state['mailbox_dir']}" in status.stdout


def test_a_relative_state_file_is_read_from_the_current_directory(stack: dict[str, Any]) -> None:
    listed = ses_smtp("--local", "stack.json", "users", "list", cwd=stack["home"])
    assert listed.returncode == 0, listed.stderr


def test_bounces_and_complaints_sent_with_swaks_are_recorded(
    stack: dict[str, Any], alice: dict[str, Any], elsewhere: Path
) -> None:
    for mailbox in ("bounce", "complaint"):
        sent = swaks(stack, alice, f"{mailbox}@simulator.amazonses.com")
        assert sent.returncode == 0 and "<~  250 Ok" in sent.stdout, sent.stdout + sent.stderr
    local = {"SES_SMTP_LOCAL": str(stack["state_file"])}
    deadline = time.monotonic() + 60
    found: dict[str, str] = {}
    while time.monotonic() < deadline and len(found) < 2:
        for mailbox in ("bounce", "complaint"):
            shown = ses_smtp("events", "--recipient", f"{mailbox}@simulator.amazonses.com", cwd=elsewhere, env=local)
            if "no permanent bounces" not in shown.stdout and shown.returncode == 0:
                found[mailbox] = shown.stdout
        time.sleep(2)
    assert set(found) == {"bounce", "complaint"}, f"not recorded within 60 s; found {sorted(found)}"
    assert "1 bounces" in found["bounce"] and "1 complaints" in found["complaint"]
    by_sender = ses_smtp("events", "--sender", "alice", cwd=elsewhere, env=local)
    assert "bounce@simulator.amazonses.com" in by_sender.stdout and "None" not in by_sender.stdout
    redriven = ses_smtp("events", "--redrive", cwd=elsewhere, env=local)
    assert redriven.returncode == 0, redriven.stderr
    assert re.search(r"moved 0 messages", redriven.stdout), "nothing failed, so nothing waits in the dead-letter queue"
    log = Path(stack["state"]["log_dir"]) / f"{stack['state']['outputs']['admin_config']['events_function_name']}.log"
    assert '"ses event"' in log.read_text(), "the events function logs to the stack's own log directory"


def test_smtp_check_implicit_tls_uses_the_stacks_tls_port(
    stack: dict[str, Any], alice: dict[str, Any], elsewhere: Path
) -> None:
    checked = ses_smtp(
        *("--local", str(stack["state_file"]), "smtp-check", "--sender", "alice", "--from", f"alice@{DOMAIN}"),
        "--implicit-tls",
        cwd=elsewhere,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"127.0.0.1:{stack['state']['tls_port']}" in checked.stdout


def test_the_endpoint_answers_in_ses_words(stack: dict[str, Any], alice: dict[str, Any], tmp_path: Path) -> None:
    no_auth = client(
        *("swaks", "swaks", "--server", "127.0.0.1", "--port", str(stack["state"]["starttls_port"])),
        *("--tls", "--tls-verify", "--tls-ca-path", stack["state"]["ca_file"]),
        *("--from", f"alice@{DOMAIN}", "--to", "success@simulator.amazonses.com", "--timeout", "30"),
    )
    assert re.search(r"^<~?\* 530 Authentication required$", no_auth.stdout, re.MULTILINE), no_auth.stdout
    assert f"250-SIZE {40 * 1024 * 1024}" in no_auth.stdout, "EHLO advertises SES's 40 MB limit"

    big = tmp_path / "big.eml"
    with big.open("wb") as handle:
        handle.write(f"From: alice@{DOMAIN}\r\nTo: success@simulator.amazonses.com\r\nSubject: big\r\n\r\n".encode())
        handle.write((b"x" * 998 + b"\r\n") * 43_000)  # 43 MB: over the 40 MiB limit
    curl = client(
        *("curl", "curl", "--silent", "--show-error", "--ssl-reqd", "--cacert", stack["state"]["ca_file"]),
        *("--url", f"smtp://127.0.0.1:{stack['state']['starttls_port']}", "--user"),
        f"{alice['username']}:{alice['password']}",
        *("--mail-from", f"alice@{DOMAIN}", "--mail-rcpt", "success@simulator.amazonses.com"),
        *("-T", str(big), "--max-time", "60", "--verbose"),
        timeout=90,
    )
    assert curl.returncode != 0
    assert "MAIL FROM:<alice@company.example> SIZE=" in curl.stderr, "curl offers the size, as SIZE allows"
    assert "< 552 Message size exceeds fixed maximum message size" in curl.stderr, curl.stderr[-2000:]


def test_a_failed_tls_handshake_is_one_line_in_the_stacks_output(stack: dict[str, Any]) -> None:
    # No --cacert: curl refuses the stack's certificate and drops the handshake, on both ports.
    for url in (
        f"smtps://127.0.0.1:{stack['state']['tls_port']}",
        f"smtp://127.0.0.1:{stack['state']['starttls_port']}",
    ):
        untrusted = client("curl", "curl", "--silent", "--ssl-reqd", "--url", url, "--max-time", "20")
        assert untrusted.returncode != 0
    output = Path(stack["state"]["log_dir"]) / "local-up.log"
    deadline = time.monotonic() + 10
    while "TLS handshake failed" not in output.read_text() and time.monotonic() < deadline:
        time.sleep(0.5)
    text = output.read_text()
    assert "smtp: a client's TLS handshake failed" in text
    assert "Traceback" not in text


def test_cli_errors_are_clear(stack: dict[str, Any], alice: dict[str, Any], elsewhere: Path) -> None:
    local = {"SES_SMTP_LOCAL": str(stack["state_file"])}
    for command in (("users", "delete", "carol", "--yes"), ("users", "show", "carol")):
        missing = ses_smtp(*command, cwd=elsewhere, env=local)
        assert missing.returncode != 0 and "[SenderNotFound]" in missing.stderr, (command, missing.stderr)
        assert "deleted" not in missing.stdout
    not_an_address = ses_smtp("users", "create", "carol", "--from", "carol@", cwd=elsewhere, env=local)
    assert not_an_address.returncode == 2 and "not an address" in not_an_address.stderr
    negative = ses_smtp("users", "rotate", "alice", "--retire-after-days", "-3", cwd=elsewhere, env=local)
    assert (
        negative.returncode == 2 and "--retire-after-days" in negative.stderr and "retire_after" not in negative.stderr
    )
    shared = ses_smtp("users", "create", "bob", "--from", f"alice@{DOMAIN}", cwd=elsewhere, env=local)
    assert shared.returncode == 0, shared.stderr
    assert f"alice@{DOMAIN} is also granted to sender 'alice'" in shared.stderr
    first = ses_smtp("users", "revoke", "bob", "--yes", cwd=elsewhere, env=local)
    second = ses_smtp("users", "revoke", "bob", "--yes", cwd=elsewhere, env=local)
    assert "bob is now revoked" in first.stdout and "bob was already revoked" in second.stdout, second.stdout
    listed = ses_smtp("users", "list", cwd=elsewhere, env=local)
    assert "None" not in listed.stdout and "['" not in listed.stdout and "+00:00" not in listed.stdout
    status = ses_smtp("users", "status", "alice", cwd=elsewhere, env=local)
    assert "None" not in status.stdout and "['" not in status.stdout
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone before the CLI writes, as with `| head` on long output
    try:
        piped = subprocess.run(
            [str(SES_SMTP), "dns", "records", "--format", "json"],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
            cwd=elsewhere,
            env={**os.environ, **local},
        )
    finally:
        os.close(writer)
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr, piped.stderr


def on_a_terminal(arguments: list[str], answer: str, cwd: Path, env: dict[str, str]) -> str:
    """Run the CLI with a pseudo-terminal as stdin/stdout/stderr, answer its question, return what it showed."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [str(SES_SMTP), *arguments],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        cwd=cwd,
        env={**os.environ, **env},
    )
    os.close(secondary)
    shown, answered = b"", False
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 1)
            if ready:
                try:
                    chunk = os.read(primary, 4096)
                except OSError:  # the CLI exited and closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
            if not answered and b"Type yes" in shown:
                os.write(primary, answer.encode() + b"\n")
                answered = True
            if process.poll() is not None and not ready:
                break
    finally:
        os.close(primary)
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
    return shown.decode(errors="replace")


def test_on_a_terminal_revoke_asks_and_no_changes_nothing(
    stack: dict[str, Any], alice: dict[str, Any], elsewhere: Path
) -> None:
    local = {"SES_SMTP_LOCAL": str(stack["state_file"])}
    shown = on_a_terminal(["users", "revoke", "alice"], "no", elsewhere, local)
    assert "revoke stops 'alice' from sending at once. Type yes to revoke:" in shown, shown
    assert "revoke cancelled: nothing changed" in shown, shown
    status = ses_smtp("users", "--json", "status", "alice", cwd=elsewhere, env=local)
    assert json.loads(status.stdout)["status"] == "active"


def test_gmails_confirmation_sent_with_swaks_is_forwarded_and_its_code_printed(
    stack: dict[str, Any], alice: dict[str, Any], elsewhere: Path
) -> None:
    local = {"SES_SMTP_LOCAL": str(stack["state_file"])}
    home = "alice.personal@gmail.com"
    updated = ses_smtp("users", "update", "alice", "--forward-to", home, cwd=elsewhere, env=local)
    assert updated.returncode == 0, updated.stderr
    code = str(int(time.time() * 1000))[-9:]  # differs from run to run: the code found is this mail's
    body = (
        f"You have requested to add alice@{DOMAIN} to your Gmail account.\nConfirmation code: {code}\n\n"
        f"https://mail-settings.google.com/mail/vf-%5Btest%5D-{code}\n"
    )
    subject = f"Gmail Confirmation - Send Mail as alice@{DOMAIN}"
    sent = client(
        *("swaks", "swaks", "--server", "127.0.0.1", "--port", str(stack["state"]["inbound_port"])),
        *("--from", "forwarding-noreply@google.com", "--to", f"alice@{DOMAIN}", "--helo", "mx.google.test"),
        *("--header", "From: Gmail Team <forwarding-noreply@google.com>", "--header", f"Subject: {subject}"),
        *("--body", body, "--timeout", "30"),
    )
    assert sent.returncode == 0 and "<-  250 Ok" in sent.stdout, sent.stdout + sent.stderr  # no TLS: <- not <~

    shown = ses_smtp("users", "confirmation", "alice", cwd=elsewhere, env=local)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert re.search(rf"^  Code  {code}$", shown.stdout, re.MULTILINE), shown.stdout
    assert f"https://mail-settings.google.com/mail/vf-%5Btest%5D-{code}" in shown.stdout

    folder = Path(stack["state"]["mailbox_dir"]) / home
    deadline, arrived = time.monotonic() + 30, list[bytes]()
    while not arrived and time.monotonic() < deadline:
        if folder.exists():
            box = Maildir(folder, factory=None, create=False)
            arrived = [box.get_bytes(key) for key in box.iterkeys() if code.encode() in box.get_bytes(key)]
        time.sleep(0.5)
    assert len(arrived) == 1, f"forwarded to {home}'s local mailbox within 30 s"
    forwarded = email.message_from_bytes(arrived[0], policy=email.policy.default)
    assert forwarded["Reply-To"] == "forwarding-noreply@google.com"
    assert forwarded["From"].addresses[0].addr_spec == f"alice@{DOMAIN}"


def test_a_from_without_a_verified_identity_gets_ses_not_verified(stack: dict[str, Any], alice: dict[str, Any]) -> None:
    """The domain's identity deleted (as `aws sesv2 delete-email-identity` would): SES's 554, not Access denied."""
    state = stack["state"]
    sesv2 = boto3.client(
        "sesv2",
        endpoint_url=state["endpoint_url"],
        region_name=state["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    identity = sesv2.get_email_identity(EmailIdentity=DOMAIN)
    sesv2.delete_email_identity(EmailIdentity=DOMAIN)
    try:
        refused = swaks(stack, alice, "success@simulator.amazonses.com")
    finally:
        sesv2.create_email_identity(EmailIdentity=DOMAIN, ConfigurationSetName=identity["ConfigurationSetName"])
    expected = (
        r"^<~?\* 554 Message rejected: Email address is not verified\. The following identities failed the check "
        rf"in region {state['region'].upper()}: alice@{re.escape(DOMAIN)}$"
    )
    assert re.search(expected, refused.stdout, re.MULTILINE), refused.stdout
    assert swaks(stack, alice, "success@simulator.amazonses.com").returncode == 0, "sends again once it is back"


def test_local_down_stops_everything_and_forgets_the_terraform_state(stack: dict[str, Any], elsewhere: Path) -> None:
    state = stack["state"]
    ports = (
        int(state["starttls_port"]),
        int(state["tls_port"]),
        int(state["inbound_port"]),
        int(state["endpoint_url"].rsplit(":", 1)[1]),
    )
    assert all(listening(port) for port in ports)
    assert list(Path(state["state_dir"]).glob("terraform.tfstate"))
    stopped = ses_smtp("local", "down", "--state-file", str(stack["state_file"]), cwd=elsewhere)
    assert stopped.returncode == 0, stopped.stderr
    assert not stack["state_file"].exists()
    assert not any(listening(port) for port in ports)
    assert not list(Path(state["state_dir"]).glob("terraform.tfstate*")), "the next local up starts clean"
    status = ses_smtp("local", "status", "--state-file", str(stack["state_file"]), cwd=elsewhere)
    assert status.returncode == 1 and "no local stack state" in status.stderr
