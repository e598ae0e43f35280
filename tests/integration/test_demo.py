"""`make demo` as a person runs it: its own process, every step's line, the confirmation code it prints is
the one in the mail that reached alice's own mailbox (read with Python's own `mailbox`, not the project's),
the reply arrives there with the replier as Reply-To, and it exits 0. `make test` runs the demo only here.
"""

from __future__ import annotations

import email.policy
import mailbox
import re
import subprocess
import sys
from typing import Any

import pytest

from ses_smtp.admin.terraform import REPO_ROOT
from tests.conftest import require_terraform

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DEMO_TIMEOUT = 900  # about three minutes here; a loaded machine is slower
MAILBOX = REPO_ROOT / "build" / "demo" / "mailboxes" / "alice.personal@gmail.com"
STEPS = (
    "DNS records to publish",
    "ses-smtp users create alice --from alice@example.com --forward-to alice.personal@gmail.com",
    "ses-smtp smtp-check",
    "Gmail sends through the SMTP endpoint to SES's mailbox simulator, over both ports",
    "SES events -> SNS -> SQS -> events function",
    "Gmail mails its confirmation to alice@example.com: SES receives it, forwards it to alice.personal@gmail.com",
    "ses-smtp users confirmation alice",
    "alice writes to bob@partner.example; his reply reaches her own mailbox, Reply-To him",
    "ses-smtp users rotate alice",
    "ses-smtp users delete alice --yes",
    "tearing down",
)


@pytest.fixture(scope="module")
def demo() -> subprocess.CompletedProcess[str]:
    require_terraform()
    return subprocess.run(
        [sys.executable, "-m", "ses_smtp_local.demo"],
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT,
        check=False,
        cwd=REPO_ROOT,
    )


def test_the_demo_exits_0_and_shows_every_step(demo: subprocess.CompletedProcess[str]) -> None:
    assert demo.returncode == 0, demo.stdout[-4000:] + demo.stderr[-4000:]
    missing = [title for title in STEPS if f"==> {title}" not in demo.stdout]
    assert not missing, f"steps missing from the demo's output: {missing}"
    assert re.search(r"^Demo complete in \d+s: nothing is left running\.$", demo.stdout, re.MULTILINE)


def test_the_code_printed_is_the_one_in_the_mail_alice_received(demo: subprocess.CompletedProcess[str]) -> None:
    printed = re.search(r"^\s+Code\s+(\d+)$", demo.stdout, re.MULTILINE)
    assert printed is not None, "users confirmation printed no code:\n" + demo.stdout[-4000:]
    box = mailbox.Maildir(MAILBOX, factory=None, create=False)
    messages = [email.message_from_bytes(box.get_bytes(key), policy=email.policy.default) for key in box.iterkeys()]
    texts = [plain_text(m) for m in messages if m["Subject"].startswith("Gmail Confirmation")]
    assert len(texts) == 1, f"one confirmation in {MAILBOX}, found {len(texts)}"
    in_mail = re.search(r"Confirmation code: (\d+)", texts[0])
    assert in_mail is not None and in_mail.group(1) == printed.group(1)


def plain_text(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "the forwarded confirmation has a text part"
    return str(body.get_content())


def test_the_reply_reached_alices_own_mailbox_with_reply_to(demo: subprocess.CompletedProcess[str]) -> None:
    box = mailbox.Maildir(MAILBOX, factory=None, create=False)
    replies = [
        email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
        for key in box.iterkeys()
        if b"Subject: Re: Hello" in box.get_bytes(key)
    ]
    assert len(replies) == 1, f"one reply in {MAILBOX}, found {len(replies)}"
    assert replies[0]["Reply-To"] == "bob@partner.example"
    assert replies[0]["From"].addresses[0].addr_spec == "alice@example.com"
    assert "Reply-To:  bob@partner.example" in demo.stdout
