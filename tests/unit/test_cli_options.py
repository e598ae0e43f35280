"""Options where people put them: `--json`, `--local` and `--region` before or after the subcommand, `--json`
on every command, `--version`, and output to a closed pipe ending quietly. The installed script, in its
own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ses_smtp import __version__
from ses_smtp.admin import cli
from ses_smtp.admin.local_stack import StackState

SES_SMTP = Path(sys.executable).parent / "ses-smtp"
RECORDS = [
    {"name": f"r{index}.example.com", "type": "TXT", "value": "v=spf1 -all", "ttl": 600, "purpose": "test"}
    for index in range(400)  # more than a pipe's buffer: the writer meets the closed pipe
]


def ses_smtp(*arguments: str) -> subprocess.CompletedProcess[str]:
    if not SES_SMTP.exists():
        pytest.fail(f"{SES_SMTP} is missing: `make setup` installs the ses-smtp console script")
    environment = {name: value for name, value in os.environ.items() if name != "SES_SMTP_LOCAL"}
    return subprocess.run(
        [str(SES_SMTP), *arguments], capture_output=True, text=True, timeout=60, check=False, env=environment
    )


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    """A local stack's state file whose outputs hold DNS records (nothing needs to run for `dns records`)."""
    state = StackState(
        endpoint_url="http://127.0.0.1:9",
        region="eu-west-1",
        smtp_host="127.0.0.1",
        starttls_port=2587,
        tls_port=2465,
        ca_file="",
        terraform_dir=str(tmp_path),
        state_dir=str(tmp_path),
        pid=os.getpid(),
        outputs={
            "admin_config": {"schema_version": 1, "dns_records": RECORDS, "dns_zone_file": "", "region": "eu-west-1"}
        },
    )
    path = tmp_path / "stack.json"
    state.save(path)
    return path


@pytest.mark.parametrize(
    "arguments",
    [
        ["users", "list"],
        ["users", "show", "alice"],
        ["dns", "records"],
        ["dns", "check"],
        ["events", "--recipient", "a@example.com"],
        ["smtp-check"],
    ],
)
def test_global_options_parse_the_same_before_and_after_the_subcommand(arguments: list[str]) -> None:
    options = ["--json", "--region", "eu-central-1", "--local", "stack.json"]
    before = cli.parser().parse_args([*options, *arguments])
    after = cli.parser().parse_args([*arguments, *options])
    plain = cli.parser().parse_args(arguments)
    for name, wanted, default in (
        ("json", True, False),
        ("region", "eu-central-1", None),
        ("local", "stack.json", None),
    ):
        assert getattr(before, name) == getattr(after, name) == wanted, name
        assert getattr(plain, name) == default, name


def test_version_is_the_distributions() -> None:
    shown = ses_smtp("--version")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"ses-smtp {__version__}"


def test_dns_records_speaks_json_before_or_after(state_file: Path) -> None:
    before = ses_smtp("--json", "--local", str(state_file), "dns", "records")
    after = ses_smtp("dns", "records", "--local", str(state_file), "--json")
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert json.loads(before.stdout) == json.loads(after.stdout) == RECORDS


def test_output_to_a_closed_pipe_ends_quietly(state_file: Path) -> None:
    environment = {name: value for name, value in os.environ.items() if name != "SES_SMTP_LOCAL"}
    reader, writer = os.pipe()
    os.close(reader)  # `| head` that has already gone
    with subprocess.Popen(
        [str(SES_SMTP), "--local", str(state_file), "dns", "records"],
        stdout=writer,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    ) as process:
        os.close(writer)
        _, errors = process.communicate(timeout=60)
    assert errors == "", errors
    assert process.returncode == 141
