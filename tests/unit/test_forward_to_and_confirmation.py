"""A sender's forward_to (set through the credentials function) and `ses-smtp users confirmation`.

The confirmation is built like Google's ("Send mail as" confirmation from forwarding-noreply@google.com,
a confirmation code and a mail-settings.google.com link) and stored as SES's S3 action stores mail.
"""

from __future__ import annotations

import argparse
import time
from email.message import EmailMessage
from typing import Any

import pytest

from ses_smtp.admin import receiving
from ses_smtp.admin import users as users
from ses_smtp.admin.commands import users as users_command
from ses_smtp.admin.deployment import Deployment
from ses_smtp.errors import InvalidRequest
from ses_smtp.handlers.sender_requests import CredentialRequest, handle
from tests.unit.aws_world import REGION, World
from tests.unit.functions import CredentialsFunction, tools

BUCKET = "ses-smtp-rx-123456789012-eu-west-1"
CODE = "482915736"
LINK = "https://mail-settings.google.com/mail/vf-%5BANGjdJ8mQ2x%5D-Xk9pLr3sT0uV"


def google_confirmation(to: str, code: str = CODE) -> bytes:
    message = EmailMessage()
    message["From"] = "Gmail Team <forwarding-noreply@google.com>"
    message["To"] = to
    message["Subject"] = f"Gmail Confirmation - Send Mail as {to}"
    message["Date"] = "Wed, 25 Nov 2026 09:00:00 +0000"
    message.set_content(
        f"You have requested to add {to} to your Gmail account.\n"
        f"Confirmation code: {code}\n\n"
        f"Before you can send mail from {to} using your Gmail account (alice.personal@gmail.com), "
        "please click the link below to confirm your request:\n\n"
        f"{LINK}\n\nThanks for using Gmail!\nSincerely,\nThe Gmail Team\n"
    )
    return message.as_bytes()


def request(world: World, action: str, **fields: Any) -> dict[str, Any]:
    event = {"action": action, "actor": "admin", **fields}
    return handle(CredentialRequest.parse(event), world.credentials(), tools())


@pytest.fixture
def admin(world: World) -> users.Admin:
    world.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    deployment = Deployment(
        region=REGION,
        smtp_endpoint=f"email-smtp.{REGION}.amazonaws.com",
        credentials_function_name="ses-smtp-credentials",
        credentials_table_name=world.settings.table_name,
        kms_key_arn=world.settings.kms_key_arn,
        received_mail_bucket_name=BUCKET,
    )

    def invoke(payload: dict[str, Any]) -> dict[str, Any]:
        return CredentialsFunction(world.credentials())(payload)  # refusals are answers, as from Lambda

    return users.Admin(deployment, invoke, world.session)


def args(command: str, name: str, **extra: Any) -> argparse.Namespace:
    return argparse.Namespace(users_command=command, name=name, json=False, **extra)


def test_create_and_update_set_where_received_mail_goes(world: World) -> None:
    created = request(
        world, "create", name="alice", forward_to="alice.personal@gmail.com", **{"from": ["alice@example.com"]}
    )
    assert created["sender"]["forward_to"] == "alice.personal@gmail.com"
    updated = request(world, "update", name="alice", forward_to="alice@outlook.com")
    assert updated["sender"]["forward_to"] == "alice@outlook.com"
    assert world.credentials().store.require("alice").forward_to == "alice@outlook.com"
    assert request(world, "update", name="alice", forward_to="")["sender"]["forward_to"] is None


def test_one_update_changes_forward_to_and_or_limits_and_leaves_the_rest(world: World) -> None:
    request(world, "create", name="alice", forward_to="alice.personal@gmail.com", **{"from": ["alice@example.com"]})
    limits_only = request(world, "update", name="alice", limits={"per_hour": 5})["sender"]
    assert (limits_only["forward_to"], limits_only["limits"]) == ("alice.personal@gmail.com", {"per_hour": 5})
    both = request(world, "update", name="alice", forward_to="alice@outlook.com", limits={"per_day": 50})["sender"]
    assert (both["forward_to"], both["limits"]) == ("alice@outlook.com", {"per_hour": 5, "per_day": 50})
    forward_only = request(world, "update", name="alice", forward_to="")["sender"]
    assert (forward_only["forward_to"], forward_only["limits"]) == (None, {"per_hour": 5, "per_day": 50})
    with pytest.raises(InvalidRequest, match="forward_to and/or limits"):
        request(world, "update", name="alice")


def test_users_update_takes_forward_to_and_limits_in_one_command() -> None:
    parser = argparse.ArgumentParser()
    users_command.add_parser(parser.add_subparsers(dest="command"))
    parsed = parser.parse_args(["users", "update", "alice", "--forward-to", "a@b.org", "--per-hour", "5"])
    assert (parsed.forward_to, parsed.per_hour, parsed.per_day) == ("a@b.org", 5, None)


@pytest.mark.parametrize("address", ["alice@example.com", "not an address", "alice@", 42])
def test_forward_to_must_be_a_plain_address_outside_the_domain(world: World, address: Any) -> None:
    with pytest.raises(InvalidRequest, match="forward_to"):
        request(world, "create", name="alice", forward_to=address, **{"from": ["alice@example.com"]})


def test_confirmation_prints_googles_code_and_link(admin: users.Admin, world: World) -> None:
    admin.request("create", name="alice", forward_to="alice.personal@gmail.com", **{"from": ["alice@example.com"]})
    s3 = world.client("s3")
    s3.put_object(Bucket=BUCKET, Key="inbound/older", Body=google_confirmation("alice@example.com", "111111111"))
    s3.put_object(Bucket=BUCKET, Key="inbound/other", Body=google_confirmation("bob@example.com", "222222222"))
    time.sleep(1.1)  # S3 keeps LastModified to the second; the listing is by key, not time
    s3.put_object(Bucket=BUCKET, Key="inbound/a-newest", Body=google_confirmation("alice@example.com"))
    printed = users_command.ACTIONS["confirmation"](admin, args("confirmation", "alice"))
    assert isinstance(printed, receiving.Confirmation)
    assert (printed.address, printed.code, printed.link) == ("alice@example.com", CODE, LINK)
    text = users_command._for_people("confirmation", printed)
    assert CODE in text and LINK in text


def test_mail_that_is_not_from_google_is_not_a_confirmation() -> None:
    forged = google_confirmation("alice@example.com").replace(b"forwarding-noreply@google.com", b"noreply@evil.example")
    assert receiving.confirmation_in(forged, {"alice@example.com"}) is None
    assert receiving.confirmation_in(google_confirmation("alice@example.com"), {"alice@example.com"}) is not None


def test_no_confirmation_says_what_to_do(admin: users.Admin) -> None:
    admin.request("create", name="alice", **{"from": ["alice@example.com"]})
    with pytest.raises(receiving.NoConfirmation, match="add the address in Gmail again"):
        users_command.ACTIONS["confirmation"](admin, args("confirmation", "alice"))


def test_the_cli_parses_the_receiving_commands() -> None:
    parser = argparse.ArgumentParser()
    users_command.add_parser(parser.add_subparsers(dest="command"))
    parsed = parser.parse_args(["users", "create", "alice", "--from", "alice@example.com", "--forward-to", "a@b.org"])
    assert parsed.forward_to == "a@b.org"
    assert parser.parse_args(["users", "update", "alice", "--forward-to", ""]).forward_to == ""
    assert parser.parse_args(["users", "confirmation", "alice"]).users_command == "confirmation"
