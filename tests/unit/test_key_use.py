"""Last use of senders' keys: the old password still in use after a rotation, the day's warning before it
is retired, and senders nobody uses (leavers). IAM's record of a key's use is set in moto as IAM would
set it when the key signs a request; the local stack's test sends real mail instead."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from moto.iam.models import AccessKeyLastUsed, iam_backends

from ses_smtp.credentials import Caller, Credentials
from tests.unit.aws_world import REGION, World
from tests.unit.functions import CredentialsFunction

ACCOUNT = "123456789012"  # moto's


def used(access_key_id: str, at: datetime) -> None:
    """What IAM records when a request (an SMTP send) is made with the key."""
    for user in iam_backends[ACCOUNT]["global"].users.values():
        for key in user.access_keys:
            if key.access_key_id == access_key_id:
                key.last_used = AccessKeyLastUsed(timestamp=at, service="ses", region=REGION)
                return
    raise AssertionError(f"no access key {access_key_id}")


@pytest.fixture
def credentials(world: World) -> Credentials:
    return world.credentials()


def rotated(credentials: Credentials, world: World, grace_days: float = 7) -> tuple[str, str]:
    """alice, created and rotated now: (previous key id, current key id)."""
    credentials.create("alice", ["alice@example.com"], Caller("admin"))
    sender = credentials.rotate("alice", Caller("admin"), retire_after=timedelta(days=grace_days))
    assert sender.previous_key is not None
    assert sender.current_key is not None
    return sender.previous_key.access_key_id, sender.current_key.access_key_id


def test_the_old_password_is_in_use_when_its_key_was_used_after_the_rotation(
    credentials: Credentials, world: World
) -> None:
    previous, _ = rotated(credentials, world)
    status = credentials.status("alice")
    assert status["old_password_in_use"] is False, "not used since the rotation"
    used(previous, world.now[0] - timedelta(hours=1))  # before the rotation: not evidence of a stale client
    assert credentials.status("alice")["old_password_in_use"] is False
    used(previous, world.now[0] + timedelta(hours=2))
    status = credentials.status("alice")
    assert status["old_password_in_use"] is True
    assert status["previous_last_used_at"] == (world.now[0] + timedelta(hours=2)).isoformat()
    [listed] = credentials.list_with_use()
    assert listed["old_password_in_use"] is True


def test_a_sender_without_a_previous_key_has_no_old_password(credentials: Credentials) -> None:
    credentials.create("bob", ["bob@example.com"], Caller("admin"))
    assert credentials.status("bob")["old_password_in_use"] is None


def test_the_retire_run_warns_a_day_before_retiring_a_key_used_today(credentials: Credentials, world: World) -> None:
    previous, _ = rotated(credentials, world, grace_days=3)
    used(previous, world.now[0] + timedelta(hours=1))
    world.now[0] += timedelta(days=1)
    assert credentials.retire_expired().old_password_in_use == [], "retired in two days: no warning yet"

    world.now[0] += timedelta(days=1, hours=1)  # retired within the day; last used a day ago and more
    assert credentials.retire_expired().old_password_in_use == [], "not used in the last day"

    used(previous, world.now[0] - timedelta(hours=3))
    report = credentials.retire_expired()
    assert report.old_password_in_use == [
        {
            "sender": "alice",
            "access_key_id": previous,
            "last_used_at": (world.now[0] - timedelta(hours=3)).isoformat(),
            "valid_until": (world.now[0] + timedelta(hours=23)).isoformat(),
        }
    ]
    assert report.needs_attention == 1, "the credentials-need-attention alarm fires"


def test_the_warning_is_a_log_line_and_a_metric(credentials: Credentials, world: World, monkeypatch: Any) -> None:
    previous, _ = rotated(credentials, world, grace_days=0.5)
    used(previous, world.now[0] + timedelta(minutes=5))
    world.now[0] += timedelta(minutes=10)
    captured = io.StringIO()
    with redirect_stdout(captured):
        response = CredentialsFunction(credentials)({"action": "retire", "actor": "schedule"})
    assert [finding["sender"] for finding in response["old_password_in_use"]] == ["alice"]
    lines = [json.loads(line) for line in captured.getvalue().splitlines() if line.startswith("{")]
    warnings = [
        line for line in lines if line.get("message") == "old password still in use; its key is retired within a day"
    ]
    assert [(line["level"], line["sender"], line["access_key_id"]) for line in warnings] == [
        ("WARNING", "alice", previous)
    ]
    emf = [line for line in lines if "_aws" in line]
    assert [line["OldPasswordsStillInUse"] for line in emf if "OldPasswordsStillInUse" in line] == [[1.0]]
    assert [line["CredentialsNeedAttention"] for line in emf if "CredentialsNeedAttention" in line] == [[1.0]]


def test_unused_senders_are_listed_and_reported(credentials: Credentials, world: World) -> None:
    credentials.create("lee", ["lee@example.com"], Caller("admin"))  # never sends
    credentials.create("mia", ["mia@example.com"], Caller("admin"))
    mia_key = credentials.store.require("mia").key_ids()[0]
    world.now[0] += timedelta(days=20)
    used(mia_key, world.now[0] - timedelta(days=1))
    assert [sender["name"] for sender in credentials.list_with_use(unused_days=14)] == ["lee"]
    assert [sender["name"] for sender in credentials.list_with_use(unused_days=30)] == []
    assert [sender["name"] for sender in credentials.list_with_use()] == ["lee", "mia"]

    world.now[0] += timedelta(days=15, hours=1)  # 35 days after the keys were issued; mia sent 16 days ago
    report = credentials.retire_expired()
    assert report.unused == [{"sender": "lee", "last_used_at": None, "unused_days": 35}]
    assert report.needs_attention == 0, "a quiet sender is reported, not alarmed on"


def test_a_revoked_sender_is_not_a_leaver(credentials: Credentials, world: World) -> None:
    credentials.create("lee", ["lee@example.com"], Caller("admin"))
    credentials.revoke("lee", Caller("admin"))
    world.now[0] += timedelta(days=60)
    assert credentials.list_with_use(unused_days=30) == []
    assert credentials.retire_expired().unused == []


def test_the_dashboard_shows_the_retire_runs_metrics_by_the_names_it_emits() -> None:
    root = Path(__file__).resolve().parents[2]
    dashboard = (root / "modules/monitoring/dashboard.tf").read_text()
    block = dashboard[dashboard.index("credential_metrics = {") :]
    block = block[: block.index("}")]
    shown = re.findall(r"^\s+\(local\.contract\.metrics\.(\w+)\)\s+=", block, re.MULTILINE)
    handlers = root / "functions/ses_smtp/handlers"
    sources = "".join((handlers / name).read_text() for name in ("credentials.py", "sender_requests.py"))
    emitted = re.findall(r"\bMETRIC\.(\w+)", sources)
    assert {"old_passwords_still_in_use", "unused_senders"} <= set(shown)
    assert set(shown) <= set(emitted), "the dashboard shows a metric the credentials function never emits"
