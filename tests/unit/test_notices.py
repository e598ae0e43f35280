"""Rotation notices by mail: what the person receives, that it carries no secret, and that a notice that
fails never fails the rotation. The mail is read back from moto's SES, as sent."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber
from moto.ses.models import ses_backends

from ses_smtp.credentials import Caller, Credentials
from ses_smtp.notices import Notices, retiring_soon
from ses_smtp.smtp_password import derive_smtp_password
from ses_smtp.wiring import build_credentials
from tests.unit.aws_world import REGION, World
from tests.unit.functions import CredentialsFunction

ACCOUNT = "123456789012"  # moto's
NO_REPLY = "no-reply@example.com"
CONFIGURATION_SET = "ses-smtp"


@pytest.fixture
def credentials(world: World) -> Credentials:
    world.client("ses").verify_domain_identity(Domain="example.com")
    settings = replace(
        world.settings,
        notices_from=NO_REPLY,
        configuration_set_name=CONFIGURATION_SET,
        retire_run_interval=timedelta(days=1),
    )
    built = build_credentials(settings, world.session)
    built.clock = lambda: world.now[0]
    return built


@pytest.fixture
def sent_requests(credentials: Credentials) -> list[dict[str, Any]]:
    """What the function asked SES for (moto keeps the mail but not its configuration set)."""
    requests: list[dict[str, Any]] = []
    assert credentials.notices is not None
    credentials.notices.sesv2.meta.events.register(
        "provide-client-params.sesv2.SendEmail", lambda params, **_: requests.append(dict(params))
    )
    return requests


def mails() -> list[Any]:
    return list(ses_backends[ACCOUNT][REGION].sent_messages)


def secrets_of(world: World) -> list[str]:
    """Every secret access key and SMTP password the world issued."""
    found = []
    for secret in world.log.secrets.values():
        found += [secret, derive_smtp_password(secret, REGION)]
    return found


def test_rotate_mails_the_person_when_the_old_password_stops_and_what_to_do(
    credentials: Credentials, world: World, sent_requests: list[dict[str, Any]]
) -> None:
    credentials.create("alice", ["alice@example.com"], Caller("admin"))
    before = credentials.store.require("alice").current_key_id
    rotated = credentials.rotate("alice", Caller("admin"), retire_after=timedelta(days=7))

    [mail] = mails()
    assert mail.source == NO_REPLY
    assert mail.destinations == {"ToAddresses": ["alice@example.com"]}
    assert mail.subject == "Your mail password was rotated"
    valid_until = world.now[0] + timedelta(days=7)
    assert f"keeps working until {valid_until:%Y-%m-%d %H:%M} UTC" in mail.body
    assert f"stops working by {valid_until + timedelta(days=1):%Y-%m-%d %H:%M} UTC at the latest" in mail.body
    assert "Settings > Accounts > Send mail as > edit info" in mail.body
    assert [request["ConfigurationSetName"] for request in sent_requests] == [CONFIGURATION_SET]
    for secret in secrets_of(world):
        assert secret not in mail.body
    for key_id in (before, rotated.current_key_id):
        assert key_id is not None and key_id not in mail.body, "a key id suffix at most"
    assert f"...{rotated.current_key_id[-4:]}" in mail.body  # type: ignore[index]


def test_the_notice_goes_to_forward_to_when_the_sender_has_one(credentials: Credentials) -> None:
    credentials.create("bob", ["*@example.com"], Caller("admin"), forward_to="bob@gmail.example")
    credentials.rotate("bob", Caller("admin"))
    assert [mail.destinations["ToAddresses"] for mail in mails()] == [["bob@gmail.example"]]


def test_a_sender_granted_only_the_domain_and_no_forward_to_gets_no_notice(credentials: Credentials) -> None:
    credentials.create("carol", ["*@example.com"], Caller("admin"))
    credentials.rotate("carol", Caller("admin"))
    assert mails() == []
    assert credentials.notices is not None and credentials.notices.take_counts() == (0, 0)


def test_a_failed_notice_does_not_fail_the_rotation(credentials: Credentials, world: World) -> None:
    credentials.create("alice", ["alice@example.com"], Caller("admin"))
    failing = world.session.client("sesv2", region_name=REGION)
    stubber = Stubber(failing)
    stubber.add_client_error("send_email", "MessageRejected", "Email address is not verified.")
    stubber.activate()
    credentials.notices = Notices(failing, NO_REPLY, CONFIGURATION_SET)

    rotated = credentials.rotate("alice", Caller("admin"))

    assert rotated.previous_key is not None and rotated.current_key_id != rotated.previous_key.access_key_id
    assert credentials.store.require("alice").current_key_id == rotated.current_key_id
    assert credentials.notices.take_counts() == (0, 1)
    stubber.assert_no_pending_responses()


def test_a_failed_notice_is_logged_and_counted_by_the_function(
    credentials: Credentials, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials.create("alice", ["alice@example.com"], Caller("admin"))
    failing = world.session.client("sesv2", region_name=REGION)
    stubber = Stubber(failing)
    stubber.add_client_error("send_email", "AccessDeniedException", "not authorized to perform ses:SendEmail")
    stubber.activate()
    credentials.notices = Notices(failing, NO_REPLY)
    captured = io.StringIO()
    with redirect_stdout(captured):
        response = CredentialsFunction(credentials)({"action": "rotate", "name": "alice"})
    assert response["ok"] is True
    lines = [json.loads(line) for line in captured.getvalue().splitlines() if line.startswith("{")]
    errors = [line for line in lines if line.get("message") == "rotation notice not sent"]
    assert [(line["level"], line["sender"]) for line in errors] == [("ERROR", "alice")]
    emf = [line for line in lines if "_aws" in line]
    assert [line["RotationNoticesFailed"] for line in emf if "RotationNoticesFailed" in line] == [[1.0]]
    for secret in secrets_of(world):
        assert secret not in captured.getvalue()


def test_the_retire_run_mails_once_a_day_before_it_retires_the_old_key(credentials: Credentials, world: World) -> None:
    credentials.create("alice", ["alice@example.com"], Caller("admin"))
    rotated = credentials.rotate("alice", Caller("admin"), retire_after=timedelta(days=3))
    assert rotated.previous_key is not None
    start, sent = world.now[0], []
    for hours in range(0, 4 * 24, 24):  # the daily runs, an hour after the rotation's time of day
        world.now[0] = start + timedelta(hours=hours + 1)
        credentials.retire_expired()
        sent.append(len(mails()) - 1)  # the rotation's own notice is the first
    assert sent == [0, 0, 1, 1], "one notice, on the run a day before the key is retired"

    notice = mails()[1]
    assert notice.subject == "Your old mail password stops working within a day"
    assert f"...{rotated.previous_key.access_key_id[-4:]}" in notice.body
    assert rotated.previous_key.access_key_id not in notice.body
    assert "Send mail as > edit info" in notice.body
    for secret in secrets_of(world):
        assert secret not in notice.body


def test_notices_are_off_without_a_from_address(world: World) -> None:
    credentials = world.credentials()
    assert credentials.notices is None
    credentials.create("alice", ["alice@example.com"], Caller("admin"))
    credentials.rotate("alice", Caller("admin"))
    assert mails() == []
    assert not any(call.startswith("sesv2:") for call in world.log.calls)


@pytest.mark.parametrize(
    ("hours_before_retirement", "expected"),
    [(25, False), (24, True), (1, True), (0, False)],
)
def test_the_notice_run_is_the_first_within_a_day_of_retirement(hours_before_retirement: int, expected: bool) -> None:
    retire_after = datetime_at(0)
    now = retire_after - timedelta(hours=hours_before_retirement)
    assert retiring_soon(retire_after, now, timedelta(days=1)) is expected


def test_an_hourly_schedule_gives_notice_on_one_run_only() -> None:
    retire_after = datetime_at(0)
    runs = [retire_after - timedelta(hours=hours) for hours in range(48, 0, -1)]
    assert sum(retiring_soon(retire_after, run, timedelta(hours=1)) for run in runs) == 1


def test_a_cron_schedule_gives_no_notice_before_retirement() -> None:
    retire_after = datetime_at(0)
    assert not retiring_soon(retire_after, retire_after - timedelta(hours=12), None)


def datetime_at(hour: int) -> datetime:
    return datetime(2026, 12, 3, hour, tzinfo=UTC)
