"""The CLI's manners as a person meets them: the installed `ses-smtp` in its own process (help, argument
errors, a stack that is not running), the human rendering of values, and the setup script's refusal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from ses_smtp import render
from ses_smtp.admin import cli
from ses_smtp.admin.local_stack import StackState, resolve_state_file
from ses_smtp.admin.terraform import REPO_ROOT

SES_SMTP = Path(sys.executable).parent / "ses-smtp"


def ses_smtp(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    if not SES_SMTP.exists():
        pytest.fail(f"{SES_SMTP} is missing: `make setup` installs the ses-smtp console script")
    environment = {name: value for name, value in os.environ.items() if name != "SES_SMTP_LOCAL"}
    return subprocess.run(
        [str(SES_SMTP), *arguments], capture_output=True, text=True, timeout=60, check=False, cwd=cwd, env=environment
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "-"),
        ("", "-"),
        ([], "-"),
        (["bob@example.com", "sales@example.com"], "bob@example.com, sales@example.com"),
        ("2026-12-02T07:05:42.291431+00:00", "2026-12-02 07:05 UTC"),
        ("2026-11-25T07:08:14.428Z", "2026-11-25 07:08 UTC"),
        ("2026-11-25T09:08:14+02:00", "2026-11-25 07:08 UTC"),
        (datetime(2026, 12, 2, 7, 5, tzinfo=UTC), "2026-12-02 07:05 UTC"),
        (True, "yes"),
        (3, "3"),
        ("alice@example.com", "alice@example.com"),
    ],
)
def test_values_read_as_a_person_expects(value: object, shown: str) -> None:
    assert render.value(value) == shown


def test_an_empty_table_says_so() -> None:
    assert render.table([], ["name"], empty="no senders yet") == "no senders yet"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["--help"], ["dns", "the DNS records the sending domain needs", "local", "no AWS account needed"]),
        (["dns", "records", "--help"], ["--format {table,zone,json,csv}", "zone: a BIND zone file"]),
        (["users", "show", "--help"], ["name", "the sender's name"]),
        (["local", "--help"], ["up", "down", "status"]),
        (["local", "up", "--help"], ["recipients per second", "--domain", "--detach"]),
    ],
)
def test_every_command_and_argument_has_help(command: list[str], expected: list[str]) -> None:
    shown = ses_smtp(*command)
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    for phrase in expected:
        assert phrase in text, (phrase, shown.stdout)


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["users", "create", "carol", "--from", "carol@"], "'carol@' is not an address"),
        (["users", "rotate", "alice", "--retire-after-days", "-3"], "--retire-after-days: -3 is outside 0 to 90"),
        (["users", "rotate", "alice", "--retire-after-days", "soon"], "'soon' is not a number of days"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_asked(command: list[str], said: str) -> None:
    refused = ses_smtp(*command)
    assert refused.returncode == 2 and said in refused.stderr, refused.stderr


def test_a_stack_that_is_not_running_is_said_with_the_default_location(tmp_path: Path) -> None:
    status = ses_smtp("local", "status", "--state-file", str(tmp_path / "stack.json"), cwd=tmp_path)
    assert status.returncode == 1
    assert f"no local stack state at {tmp_path / 'stack.json'}" in status.stderr
    assert "[LocalStackError]" in status.stderr


def test_a_state_file_path_is_resolved_from_here_then_from_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_state_file("/somewhere/stack.json") == Path("/somewhere/stack.json")
    assert resolve_state_file("missing.json") == tmp_path / "missing.json"  # the error names where it looked
    (tmp_path / "here.json").write_text("{}")
    assert resolve_state_file("here.json") == tmp_path / "here.json"
    assert resolve_state_file("functions/pyproject.toml") == REPO_ROOT / "functions" / "pyproject.toml"


def test_system_deps_stops_at_once_with_the_command_when_it_cannot_install(tmp_path: Path) -> None:
    """As a user without root or sudo, on a PATH without BIND or swaks: one command to run, exit 1."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("python3", "make"):  # what the script looks for that is here
        (bin_dir / tool).symlink_to(f"/usr/bin/{tool}")
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")  # an ordinary user, and no sudo on the PATH
    (bin_dir / "id").chmod(0o755)
    script = REPO_ROOT / "scripts" / "system-deps.sh"
    result = subprocess.run(
        ["/bin/bash", str(script), "test"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={"PATH": str(bin_dir)},
    )
    assert result.returncode == 1
    assert "bind9 bind9-utils swaks libnet-ssleay-perl" in result.stderr
    assert "apt-get update && apt-get install -y --no-install-recommends" in result.stderr


def stack_state(tmp_path: Path, pid: int) -> Path:
    state = StackState(
        endpoint_url="http://127.0.0.1:9",
        region="eu-west-1",
        smtp_host="127.0.0.1",
        starttls_port=2587,
        tls_port=2465,
        ca_file=str(tmp_path / "ca.pem"),
        terraform_dir=str(tmp_path),
        state_dir=str(tmp_path),
        pid=pid,
        outputs={"admin_config": {"schema_version": 1, "domain": "company.example"}},
    )
    state.save(tmp_path / "stack.json")
    return tmp_path / "stack.json"


def test_local_status_and_down_speak_json(tmp_path: Path) -> None:
    running = stack_state(tmp_path, os.getpid())  # this test's process: alive while the CLI looks
    status = ses_smtp("--json", "local", "status", "--state-file", str(running))
    assert status.returncode == 0, status.stderr
    described = json.loads(status.stdout)
    assert (described["running"], described["domain"], described["starttls_port"]) == (True, "company.example", 2587)
    assert described["state_file"] == str(running)

    gone = subprocess.Popen(["/bin/true"])
    gone.wait()  # its pid no longer runs
    stale = stack_state(tmp_path, gone.pid)
    down = ses_smtp("local", "down", "--state-file", str(stale), "--json")
    assert down.returncode == 0, down.stderr
    assert json.loads(down.stdout)["running"] is False
    assert not stale.exists()


def test_events_redrive_speaks_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-west-1")
        dead, queue = (sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("dlq", "events"))
        sqs.send_message(QueueUrl=dead, MessageBody="event")
        arguments = [
            "events",
            "--redrive",
            "--queue-url",
            queue,
            "--dead-letter-queue-url",
            dead,
            "--region",
            "eu-west-1",
        ]
        assert cli.main([*arguments, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"moved": 1}
