"""What the CLI prints of stored strings cannot drive the administrator's terminal (review L4)."""

from __future__ import annotations

import pytest

from ses_smtp import render
from ses_smtp.admin import cli
from tests.unit.aws_world import World
from tests.unit.functions import EventsFunction, events_app
from tests.unit.ses_samples import ses_event, sqs_event

# A remote server's diagnostic that sets the terminal's title, clears the screen and uses a C1 CSI.
HOSTILE = "smtp; 550 no such user\x1b]0;owned\x07\x1b[2J\x9b31m\r\n  Password  hunter2"


def bounce_with_diagnostic(world: World, diagnostic: str) -> None:
    recipient = {"emailAddress": "bob@gmail.com", "action": "failed", "status": "5.1.1", "diagnosticCode": diagnostic}
    EventsFunction(events_app(world))(sqs_event(ses_event("Bounce", bouncedRecipients=[recipient])))


def test_a_bounce_diagnostic_with_escape_sequences_is_printed_inert(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    bounce_with_diagnostic(world, HOSTILE)
    assert cli.main(["events", "--recipient", "bob@gmail.com", "--table", world.settings.table_name]) == 0
    out = capsys.readouterr().out
    assert "smtp; 550 no such user" in out, "the diagnostic is shown"
    assert not [ch for ch in out if ch != "\n" and (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F)]
    row = next(line for line in out.splitlines() if "no such user" in line)
    assert "Password  hunter2" in row, "a stored line break cannot start a line of its own"


def test_json_output_keeps_the_stored_text_escaped(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    bounce_with_diagnostic(world, HOSTILE)
    assert cli.main(["events", "--recipient", "bob@gmail.com", "--table", world.settings.table_name, "--json"]) == 0
    out = capsys.readouterr().out
    assert "\\u001b]0;owned" in out, "JSON keeps the exact text, escaped"
    assert "\x1b" not in out


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\r", "\t"])
def test_printable_drops_every_control_character(control: str) -> None:
    assert render.printable(f"a{control}b") == "ab"
    assert render.printable(f"a{control}\nb", keep="\n") == "a\nb"


def test_printable_keeps_ordinary_text_and_non_ascii_letters() -> None:
    assert render.printable("Zoë <zoë@example.com> — 550 5.1.1") == "Zoë <zoë@example.com> — 550 5.1.1"
