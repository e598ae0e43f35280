"""Per-sender limits on the local stack, the path a person takes: mail sent with smtplib through the local
SES SMTP endpoint, SES's events drained into the events function, which counts them and asks the
credentials function (a Lambda invoke to the emulator) to quarantine a sender over its limits; the
endpoint then refuses the sender's password with 535 until `ses-smtp users release`.

examples/local deploys with sender_limit_action = "quarantine". Shares the worker's
deployment (conftest.py): senders made here are deleted here.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from typing import Any

import pytest

from ses_smtp.admin.terraform import TerraformRun
from ses_smtp_local import tls
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.runner import LocalEventSource
from ses_smtp_local.smtp import SmtpEndpoint
from tests.integration import test_clients_on_local_stack as clients

pytestmark = pytest.mark.integration
# The SMTP endpoint, its certificates and the CLI as the clients' tests set them up (fixtures).
certificates, endpoint, users = clients.certificates, clients.endpoint, clients.users
SIMULATOR = "simulator.amazonses.com"


@pytest.fixture
def made(users: Any) -> Iterator[Any]:
    """create(name, *options) -> the sender's SMTP settings; every sender made is deleted afterwards."""
    names: list[str] = []

    def create(name: str, *options: str) -> dict[str, Any]:
        names.append(name)
        return users("create", name, "--from", f"{name}@example.com", *options)  # type: ignore[no-any-return]

    yield create
    for name in names:
        users("delete", name, "--yes")


def drain(deployment: TerraformRun, emulator: Emulator) -> str:
    """Deliver SES's events to the events function; its log lines."""
    outputs = deployment.outputs()
    config = outputs["admin_config"]
    source = LocalEventSource(emulator.session(), config["events_queue_url"], config["events_function_name"])
    report = source.drain(max_batches=50, timeout=120)
    log = source.log_path.read_text()
    assert report.failed == 0, log[-3000:]
    return log


def send(endpoint: SmtpEndpoint, certificates: tls.Certificates, sender: dict[str, Any], to: list[str]) -> None:
    message = clients.gmail_message(sender["from"][0], ", ".join(to))
    clients.send_like_gmail(endpoint, certificates, sender["username"], sender["password"], message)


def login_reply(endpoint: SmtpEndpoint, certificates: tls.Certificates, sender: dict[str, Any]) -> int:
    """The endpoint's reply to AUTH with the sender's password: 235, or SES's refusal code."""
    with smtplib.SMTP("127.0.0.1", endpoint.starttls_port, timeout=30) as client:
        client.starttls(context=clients.client_context(certificates))
        try:
            code, _ = client.login(sender["username"], sender["password"])
        except smtplib.SMTPAuthenticationError as refused:
            return refused.smtp_code
        return code


def test_a_sender_over_its_hourly_limit_is_quarantined_gets_535_and_works_after_release(
    deployment: TerraformRun,
    emulator_env: Emulator,
    endpoint: SmtpEndpoint,
    certificates: tls.Certificates,
    users: Any,
    made: Any,
) -> None:
    drain(deployment, emulator_env)  # events of mail sent by earlier tests
    hana = made("hana", "--per-hour", "3")
    assert users("status", "hana")["limits"] == {"per_hour": 3}
    send(endpoint, certificates, hana, [f"success+{i}@{SIMULATOR}" for i in range(4)])  # 4 recipients > 3
    log = drain(deployment, emulator_env)

    status = users("status", "hana")
    assert status["status"] == "quarantined", [line for line in log.splitlines() if "hana" in line][-6:]
    assert status["quarantine_reason"] == "recipients this hour: 4 > 3"
    assert status["quarantined_at"]
    assert {key["status"] for key in status["iam_keys"]} == {"Inactive"}, "deactivated, not deleted"
    assert login_reply(endpoint, certificates, hana) == 535

    released = users("release", "hana")
    assert (released["status"], released["quarantined_at"]) == ("active", None)
    assert login_reply(endpoint, certificates, hana) == 235
    send(endpoint, certificates, hana, [f"success@{SIMULATOR}"])
    drain(deployment, emulator_env)
    assert users("status", "hana")["status"] == "active", "a release starts the counts afresh"


def test_a_bounce_burst_quarantines_that_sender_and_nobody_else(
    deployment: TerraformRun,
    emulator_env: Emulator,
    endpoint: SmtpEndpoint,
    certificates: tls.Certificates,
    users: Any,
    made: Any,
) -> None:
    drain(deployment, emulator_env)
    rates = ("--min-volume", "5", "--max-bounce-rate", "0.2")
    ivan, judy = made("ivan", *rates), made("judy", *rates)
    send(endpoint, certificates, ivan, [f"bounce+{i}@{SIMULATOR}" for i in range(5)])
    send(endpoint, certificates, judy, [f"success+{i}@{SIMULATOR}" for i in range(5)])
    drain(deployment, emulator_env)

    ivan_status, judy_status = users("status", "ivan"), users("status", "judy")
    assert ivan_status["status"] == "quarantined"
    assert ivan_status["quarantine_reason"] == "bounce rate today: 100.0% > 20.0%"
    assert login_reply(endpoint, certificates, ivan) == 535
    assert (judy_status["status"], judy_status["quarantine_reason"]) == ("active", None)
    assert login_reply(endpoint, certificates, judy) == 235
