"""Rotation people can follow, on the local stack: mail sent with smtplib through the local SES SMTP
endpoint is a request made with the sender's key, which IAM (the emulator) records as the key's last use;
after a rotation, mail sent with the old password shows in `ses-smtp users status` and `users list` as
the old password still in use, and the retire run warns a day before that key is retired. A sender whose
keys went unused is listed by `users list --unused-days N`.

Shares the worker's deployment (conftest.py): senders made here are deleted here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ses_smtp.admin import cli
from ses_smtp.admin.terraform import TerraformRun
from ses_smtp.store import SENDER_SK, sender_pk
from ses_smtp_local import tls
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.smtp import SmtpEndpoint
from tests.integration import test_clients_on_local_stack as clients

pytestmark = pytest.mark.integration
certificates, endpoint, users = clients.certificates, clients.endpoint, clients.users


@pytest.fixture
def made(users: Any) -> Iterator[Any]:
    names: list[str] = []

    def create(name: str) -> dict[str, Any]:
        names.append(name)
        return users("create", name, "--from", f"{name}@example.com")  # type: ignore[no-any-return]

    yield create
    for name in names:
        users("delete", name, "--yes")


@pytest.fixture
def users_text(local_state_file: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """`ses-smtp users ...` as a person reads it (no --json)."""

    def run(*arguments: str) -> str:
        code = cli.main(["--local", str(local_state_file), "users", "--invoke", "in-process", *arguments])
        out = capsys.readouterr().out
        assert code == 0, out
        return out

    return run


def send(endpoint: SmtpEndpoint, certificates: tls.Certificates, username: str, password: str, sender: str) -> None:
    message = clients.gmail_message(sender, "someone@example.org")
    clients.send_like_gmail(endpoint, certificates, username, password, message)


def test_gmail_with_the_old_password_shows_and_is_warned_about_before_the_key_is_retired(
    endpoint: SmtpEndpoint, certificates: tls.Certificates, users: Any, users_text: Any, made: Any
) -> None:
    old = made("kai")
    new = users("rotate", "kai", "--retire-after-days", "0.5")  # the previous key is retired within a day
    assert users("status", "kai")["old_password_in_use"] is False, "no mail since the rotation"

    send(endpoint, certificates, old["username"], old["password"], "kai@example.com")  # Gmail, not yet updated
    status = users("status", "kai")
    assert status["old_password_in_use"] is True
    assert datetime.fromisoformat(status["previous_last_used_at"]) > datetime.now(UTC) - timedelta(minutes=5)
    [listed] = [sender for sender in users("list") if sender["name"] == "kai"]
    assert listed["old_password_in_use"] is True
    assert "kai: a mail client (Gmail?) still has the old password" in users_text("list")

    retire = users("retire")
    [warned] = [finding for finding in retire["old_password_in_use"] if finding["sender"] == "kai"]
    assert warned["access_key_id"] == old["username"]
    assert warned["valid_until"] == new["previous"]["valid_until"]

    send(endpoint, certificates, new["username"], new["password"], "kai@example.com")  # the person updated Gmail
    assert users("status", "kai")["current_last_used_at"] is not None


def test_a_sender_whose_keys_went_unused_is_listed(
    deployment: TerraformRun,
    emulator_env: Emulator,
    endpoint: SmtpEndpoint,
    certificates: tls.Certificates,
    users: Any,
    made: Any,
) -> None:
    active = made("ada")
    made("lee")
    send(endpoint, certificates, active["username"], active["password"], "ada@example.com")
    issued_long_ago = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    for name in ("ada", "lee"):  # both keys issued 40 days ago; only lee has not sent since
        emulator_env.session().client("dynamodb").update_item(
            TableName=deployment.outputs()["admin_config"]["credentials_table_name"],
            Key={"pk": {"S": sender_pk(name)}, "sk": {"S": SENDER_SK}},
            UpdateExpression="SET current_key.created_at = :issued",
            ExpressionAttributeValues={":issued": {"S": issued_long_ago}},
        )
    unused = [sender["name"] for sender in users("list", "--unused-days", "30")]
    assert "lee" in unused
    assert "ada" not in unused, "ada sent mail a moment ago"
    assert "lee" in [finding["sender"] for finding in users("retire")["unused"]], "the module's default: 30 days"
