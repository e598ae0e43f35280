"""Rotation notices on the local stack (examples/local sets rotation_notices_enabled): the credentials
function sends them through the local SES, and they arrive where the local stack puts sent mail, the
person's local mailbox, read back with Python's own `mailbox`. Neither notice carries a password or a
whole key id.

Runs before test_local_example.py (file order), which destroys the deployment; the sender made here is
deleted here.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from ses_smtp.admin.terraform import TerraformRun
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.mailbox import LocalMailboxes, read
from tests.integration import test_clients_on_local_stack as clients

pytestmark = pytest.mark.integration
users = clients.users
ROTATED = "Your mail password was rotated"
RETIRING = "Your old mail password stops working within a day"


def notices(boxes: LocalMailboxes, address: str, subject: str) -> list[EmailMessage]:
    boxes.deliver_new()  # what the local stack's pump does while it runs
    return [message for message in read(boxes.directory, address) if message["Subject"] == subject]


def assert_no_secret(notice: EmailMessage, *issued: dict[str, Any]) -> str:
    text = str(notice.get_content())
    for credential in issued:
        assert credential["password"] not in text, "a notice never carries a password"
        assert credential["username"] not in text, "nor a whole key id"
    return text


def test_a_rotation_and_the_day_before_retirement_are_mailed_to_the_person_without_a_password(
    deployment: TerraformRun, emulator_env: Emulator, users: Any, tmp_path: Path
) -> None:
    assert deployment.outputs()["admin_config"]["domain"] == "example.com"
    boxes = LocalMailboxes(tmp_path / "mailboxes", emulator_env.region)
    boxes.deliver_new()  # mail of earlier tests is not this test's
    old = users("create", "nia", "--from", "nia@example.com")
    try:
        new = users("rotate", "nia", "--retire-after-days", "0.5")  # retired within a day: the next run warns
        [rotated] = notices(boxes, "nia@example.com", ROTATED)
        assert rotated["From"] == "no-reply@example.com"
        text = assert_no_secret(rotated, old, new)
        assert f"(ending ...{new['username'][-4:]})" in text
        assert "Settings > Accounts > Send mail as" in text

        users("retire")  # the scheduled run, on demand
        [retiring] = notices(boxes, "nia@example.com", RETIRING)
        text = assert_no_secret(retiring, old, new)
        assert f"(user name ending ...{old['username'][-4:]})" in text
    finally:
        users("delete", "nia", "--yes")
