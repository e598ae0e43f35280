"""Real mail clients against the local SES-compatible SMTP endpoint: Python's smtplib doing what Gmail
does, and swaks from Debian as a second, independent client. Rotation through the endpoint, SES's
refusals (530, 535, 554, 454, size), and the mailbox simulator's bounce and complaint flowing through
the events pipeline into the bounce/complaint records and metrics.

Shares the worker's deployment (conftest.py): senders made here are deleted here.
"""

from __future__ import annotations

import json
import shutil
import smtplib
import socket
import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from ses_smtp.admin import cli
from ses_smtp.admin.terraform import TerraformRun
from ses_smtp.events import RecipientHistory
from ses_smtp_local import tls
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.runner import LocalEventSource
from ses_smtp_local.smtp import SmtpEndpoint

pytestmark = pytest.mark.integration
HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> tls.Certificates:
    return tls.issue(tmp_path_factory.mktemp("smtp-tls"))


@pytest.fixture(scope="module")
def endpoint(emulator: Emulator, certificates: tls.Certificates) -> Iterator[SmtpEndpoint]:
    with SmtpEndpoint(emulator, certificates) as running:
        yield running


@pytest.fixture
def users(local_state_file: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    base = ["--local", str(local_state_file), "users", "--invoke", "in-process", "--json"]

    def run(*arguments: str) -> dict[str, Any]:
        code = cli.main([*base, *arguments])
        out = capsys.readouterr().out
        assert code == 0, out
        return json.loads(out)  # type: ignore[no-any-return]

    return run


@pytest.fixture
def alice(users: Any) -> Iterator[dict[str, Any]]:
    created = users("create", "alice", "--from", "alice@example.com")
    yield created
    users("delete", "alice", "--yes")


def gmail_message(sender: str, recipient: str, subject: str = "Hello from Gmail") -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = f"Alice <{sender}>", recipient, subject
    message.set_content("Sent the way Gmail's 'Send mail as' sends it.")
    return message


def client_context(certificates: tls.Certificates) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificates.ca_file))


def send_like_gmail(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, username: str, password: str, message: EmailMessage
) -> tuple[int, bytes]:
    """EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA: returns the reply to DATA."""
    with smtplib.SMTP(HOST, endpoint.starttls_port, local_hostname="mail-gmail.local", timeout=30) as client:
        client.ehlo()
        client.starttls(context=client_context(certificates))
        client.ehlo()
        client.login(username, password)
        client.send_message(message)  # raises on anything but 250
        return client.noop()


def test_ehlo_advertises_what_ses_advertises(endpoint: SmtpEndpoint, certificates: tls.Certificates) -> None:
    with smtplib.SMTP(HOST, endpoint.starttls_port, timeout=30) as client:
        code, banner = client.ehlo()
        assert code == 250
        assert banner.decode().splitlines() == [
            "email-smtp.amazonaws.com",
            "8BITMIME",
            "SIZE 41943040",
            "STARTTLS",
            "AUTH PLAIN LOGIN",
            "Ok",
        ]
        client.starttls(context=client_context(certificates))
        _, after = client.ehlo()
        assert after.decode().splitlines() == [
            "email-smtp.amazonaws.com",
            "8BITMIME",
            "SIZE 41943040",
            "AUTH PLAIN LOGIN",
            "Ok",
        ]


def test_gmail_sends_with_starttls_and_auth(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any]
) -> None:
    message = gmail_message("alice@example.com", "success@simulator.amazonses.com")
    with smtplib.SMTP(HOST, endpoint.starttls_port, timeout=30) as client:
        client.ehlo()
        client.starttls(context=client_context(certificates))
        client.ehlo()
        assert client.login(alice["username"], alice["password"])[0] == 235
        client.mail("alice@example.com")
        client.rcpt("success@simulator.amazonses.com")
        code, reply = client.data(message.as_bytes())
    assert code == 250 and reply.decode().startswith("Ok "), reply


def test_implicit_tls_with_auth_login(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any]
) -> None:
    with smtplib.SMTP_SSL(HOST, endpoint.tls_port, context=client_context(certificates), timeout=30) as client:
        client.ehlo()
        client.user, client.password = alice["username"], alice["password"]
        assert client.auth("LOGIN", client.auth_login)[0] == 235
        assert client.send_message(gmail_message("alice@example.com", "success@simulator.amazonses.com")) == {}


def test_a_wrong_password_is_535(endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any]) -> None:
    with smtplib.SMTP(HOST, endpoint.starttls_port, timeout=30) as client:
        client.starttls(context=client_context(certificates))
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            client.login(alice["username"], alice["password"][:-1] + ("A" if alice["password"][-1] != "A" else "B"))
    assert (refused.value.smtp_code, refused.value.smtp_error) == (535, b"Authentication Credentials Invalid")


def test_an_unknown_key_is_535(endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any]) -> None:
    with smtplib.SMTP(HOST, endpoint.starttls_port, timeout=30) as client:
        client.starttls(context=client_context(certificates))
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            client.login("AKIAIOSFODNN7EXAMPLE", alice["password"])
    assert refused.value.smtp_code == 535


def test_the_secret_key_is_not_the_password(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any]
) -> None:
    from tests.integration.test_credentials_on_local_stack import secret_of

    with smtplib.SMTP(HOST, endpoint.starttls_port, timeout=30) as client:
        client.starttls(context=client_context(certificates))
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            client.login(alice["username"], secret_of(alice["username"]))
    assert refused.value.smtp_code == 535


def test_auth_before_starttls_is_530(endpoint: SmtpEndpoint, alice: dict[str, Any]) -> None:
    with smtplib.SMTP(HOST, endpoint.starttls_port, timeout=30) as client:
        client.ehlo()
        code, reply = client.docmd("AUTH", "PLAIN")
    assert (code, reply) == (530, b"Must issue a STARTTLS command first")


def test_mail_before_auth_is_530(endpoint: SmtpEndpoint, certificates: tls.Certificates) -> None:
    with smtplib.SMTP(HOST, endpoint.starttls_port, timeout=30) as client:
        client.starttls(context=client_context(certificates))
        client.ehlo()
        code, _ = client.mail("alice@example.com")
    assert code == 530


def test_a_from_address_not_granted_is_554(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any]
) -> None:
    message = gmail_message("bob@example.com", "success@simulator.amazonses.com")
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send_like_gmail(endpoint, certificates, alice["username"], alice["password"], message)
    assert refused.value.smtp_code == 554
    reply = str(refused.value.smtp_error, "utf-8") if isinstance(refused.value.smtp_error, bytes) else ""
    assert reply.startswith("Access denied: User `arn:aws:iam::123456789012:user/")
    assert "is not authorized to perform `ses:SendRawEmail'" in reply


def test_a_granted_address_typed_in_mixed_case_is_sent(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any]
) -> None:
    """alice@example.com is granted with StringEqualsIgnoreCase: Gmail users type Alice@Example.com."""
    message = gmail_message("Alice@Example.com", "success@simulator.amazonses.com")
    send_like_gmail(endpoint, certificates, alice["username"], alice["password"], message)


def test_a_domain_grant_refuses_a_mixed_case_domain_and_sends_a_mixed_case_local_part(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, users: Any
) -> None:
    """*@example.com is StringLike, case-sensitive: the domain part must be written in lower case."""
    team = users("create", "team", "--from", "*@example.com")
    try:
        sent = gmail_message("Carol@example.com", "success@simulator.amazonses.com")
        send_like_gmail(endpoint, certificates, team["username"], team["password"], sent)
        refused_message = gmail_message("carol@Example.com", "success@simulator.amazonses.com")
        with pytest.raises(smtplib.SMTPDataError) as refused:
            send_like_gmail(endpoint, certificates, team["username"], team["password"], refused_message)
        assert refused.value.smtp_code == 554
        reply = refused.value.smtp_error
        assert (reply.decode() if isinstance(reply, bytes) else reply).startswith("Access denied: User `arn:aws:iam::")
    finally:
        users("delete", "team", "--yes")


def test_a_message_over_ses_size_limit_is_refused(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any]
) -> None:
    message = gmail_message("alice@example.com", "success@simulator.amazonses.com")
    message.add_attachment(b"\0" * (31 * 1024 * 1024), maintype="application", subtype="octet-stream")  # 41 MB encoded
    # EHLO advertises SIZE, so smtplib offers the size at MAIL FROM and is refused before uploading.
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        send_like_gmail(endpoint, certificates, alice["username"], alice["password"], message)
    assert (refused.value.smtp_code, refused.value.smtp_error) == (
        552,
        b"Message size exceeds fixed maximum message size",
    )


def test_sending_faster_than_the_rate_is_454(
    emulator: Emulator, certificates: tls.Certificates, alice: dict[str, Any]
) -> None:
    # The rate counts recipients (as SES's does): two in one message exceed one per second at once, however
    # slowly a loaded machine runs the test (two messages a second apart would not).
    two = gmail_message("alice@example.com", "success@simulator.amazonses.com, success+2@simulator.amazonses.com")
    with SmtpEndpoint(emulator, certificates, max_send_rate=1) as slow, pytest.raises(smtplib.SMTPDataError) as refused:
        send_like_gmail(slow, certificates, alice["username"], alice["password"], two)
    assert (refused.value.smtp_code, refused.value.smtp_error) == (
        454,
        b"Throttling failure: Maximum sending rate exceeded.",
    )


def swaks(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, username: str, password: str
) -> subprocess.CompletedProcess[str]:
    program = shutil.which("swaks")
    if program is None:
        pytest.fail("swaks is not installed: apt-get install swaks (the CI script installs it)")
    return subprocess.run(
        [
            program,
            "--server",
            HOST,
            "--port",
            str(endpoint.starttls_port),
            "--tls",
            "--tls-verify",
            "--tls-ca-path",
            str(certificates.ca_file),
            "--auth",
            "LOGIN",
            "--auth-user",
            username,
            "--auth-password",
            password,
            "--from",
            "alice@example.com",
            "--to",
            "success@simulator.amazonses.com",
            "--helo",
            "swaks.local",
            "--timeout",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_swaks_sends_with_the_right_password_and_gets_535_with_a_wrong_one(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any]
) -> None:
    accepted = swaks(endpoint, certificates, alice["username"], alice["password"])
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "<~  250 Ok " in accepted.stdout
    refused = swaks(endpoint, certificates, alice["username"], "not-the-password")
    assert refused.returncode != 0
    assert "<~* 535 Authentication Credentials Invalid" in refused.stdout


def test_both_keys_work_during_the_overlap_and_the_old_one_fails_once_retired(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any], users: Any
) -> None:
    message = gmail_message("alice@example.com", "success@simulator.amazonses.com")
    users("rotate", "alice")
    current, previous = users("show", "alice"), users("show", "alice", "--previous")
    assert current["username"] != previous["username"] == alice["username"]
    for key in (current, previous):
        send_like_gmail(endpoint, certificates, key["username"], key["password"], message)

    users("rotate", "alice", "--retire-now")
    with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
        send_like_gmail(endpoint, certificates, previous["username"], previous["password"], message)
    assert refused.value.smtp_code == 535
    send_like_gmail(endpoint, certificates, current["username"], current["password"], message)


def test_simulator_bounce_and_complaint_become_records_and_metrics(
    deployment: TerraformRun,
    emulator_env: Emulator,
    endpoint: SmtpEndpoint,
    certificates: tls.Certificates,
    alice: dict[str, Any],
) -> None:
    outputs = deployment.outputs()
    config = outputs["admin_config"]
    session = emulator_env.session()
    for recipient in ("bounce+q4@simulator.amazonses.com", "complaint@simulator.amazonses.com"):
        send_like_gmail(
            endpoint, certificates, alice["username"], alice["password"], gmail_message("alice@example.com", recipient)
        )
    source = LocalEventSource(session, config["events_queue_url"], config["events_function_name"])
    report = source.drain(max_batches=20, timeout=60)
    assert report.failed == 0 and report.succeeded >= 5  # 2 sends, 1 bounce, 1 delivery, 1 complaint

    history = RecipientHistory(session.client("dynamodb"), config["credentials_table_name"])
    bounced = {item["sk"]: item for item in history.for_recipient("bounce+q4@simulator.amazonses.com")}
    assert bounced["summary"]["bounces"] == 1
    assert next(i for k, i in bounced.items() if k != "summary")["sender"].endswith("alice")
    complained = {item["sk"]: item for item in history.for_recipient("complaint@simulator.amazonses.com")}
    assert complained["summary"]["complaints"] == 1
    log = source.log_path.read_text().replace(" ", "")
    assert '"Bounce":[1' in log and '"Complaint":[1' in log and '"BounceType":"Permanent"' in log


def smtp_check(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, capsys: Any, *arguments: str
) -> tuple[int, dict[str, Any]]:
    base = ["smtp-check", "--host", HOST, "--port", str(endpoint.starttls_port), "--ca-file", str(certificates.ca_file)]
    code = cli.main([*base, *arguments, "--json"])
    return code, json.loads(capsys.readouterr().out)


def logged_in_as(sender: dict[str, Any]) -> tuple[str, ...]:
    return ("--username", sender["username"], "--password", sender["password"])


def test_smtp_check_passes_every_step_and_sends_to_the_simulator(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any], capsys: Any
) -> None:
    code, report = smtp_check(endpoint, certificates, capsys, *logged_in_as(alice), "--from", "alice@example.com")
    assert code == 0, report
    assert [step["name"].split()[0] for step in report["steps"]] == ["resolve", "connect", "STARTTLS", "AUTH", "send"]
    assert all(step["ok"] for step in report["steps"])


def test_smtp_check_explains_a_secret_key_used_as_password(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any], capsys: Any
) -> None:
    from tests.integration.test_credentials_on_local_stack import secret_of

    code, report = smtp_check(
        endpoint, certificates, capsys, "--username", alice["username"], "--password", secret_of(alice["username"])
    )
    assert code == 4
    auth = report["steps"][-1]
    assert (auth["name"], auth["ok"], auth["detail"]) == ("AUTH", False, "535 Authentication Credentials Invalid")
    assert "looks like an IAM secret access key" in auth["fix"] and "another region" in auth["fix"]


def test_smtp_check_names_a_from_address_not_granted(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, alice: dict[str, Any], capsys: Any
) -> None:
    code, report = smtp_check(endpoint, certificates, capsys, *logged_in_as(alice), "--from", "carol@example.com")
    assert code == 5
    assert "may not send as carol@example.com" in report["steps"][-1]["fix"]


def test_smtp_check_without_the_local_ca_is_a_certificate_problem(
    endpoint: SmtpEndpoint, alice: dict[str, Any], capsys: Any
) -> None:
    code = cli.main(
        ["smtp-check", "--host", HOST, "--port", str(endpoint.starttls_port), "--username", "x", "--password", "y"]
    )
    out = capsys.readouterr().out
    assert code == 3
    assert "FAIL  STARTTLS" in out and "--ca-file" in out


def test_smtp_check_names_a_blocked_port_and_an_unknown_host(capsys: Any) -> None:
    closed = socket.socket()
    closed.bind((HOST, 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    assert cli.main(["smtp-check", "--host", HOST, "--port", str(port), "--username", "x", "--password", "y"]) == 2
    assert "try 2587 (STARTTLS) or 2465 (TLS)" in capsys.readouterr().out
    assert cli.main(["smtp-check", "--host", "email-smtp.nowhere.invalid", "--username", "x", "--password", "y"]) == 2
    assert "does not resolve" in capsys.readouterr().out


def test_no_secret_reaches_terraform_state(deployment: TerraformRun, alice: dict[str, Any], users: Any) -> None:
    from tests.integration.test_credentials_on_local_stack import secret_of

    users("rotate", "alice")
    state = deployment.state_file.read_text()
    for key in (users("show", "alice"), users("show", "alice", "--previous")):
        assert key["password"] not in state
        assert secret_of(key["username"]) not in state
