from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from typing import Any

import pytest

from ses_smtp import render
from ses_smtp.admin import cli
from ses_smtp.admin import deployment as deployment_module

RECORDS = [
    {
        "name": "tok._domainkey.example.com",
        "type": "CNAME",
        "value": "tok.dkim.amazonses.com",
        "ttl": 1800,
        "purpose": "DKIM",
    },
    {
        "name": "mail.example.com",
        "type": "TXT",
        "value": "v=spf1 include:amazonses.com -all",
        "ttl": 1800,
        "purpose": "SPF, with a comma",
    },
]
CONFIG = {
    "schema_version": 1,
    "dns_records": RECORDS,
    "dns_zone_file": '$ORIGIN example.com.\nmail 1800 IN TXT "v=spf1"\n',
}


@pytest.fixture
def deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deployment_module, "terraform_outputs", lambda directory: {"admin_config": CONFIG})


def test_table_aligns_columns_under_headers() -> None:
    lines = render.table([{"a": "x", "b": "long value"}, {"a": "longer", "b": 1}], ["a", "b"]).splitlines()
    assert lines[0].startswith("A       B")
    assert lines[2] == "x       long value"
    assert lines[3] == "longer  1"


def test_dns_records_as_json_round_trip(deployment: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["dns", "records", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == RECORDS


def test_dns_records_as_csv_quote_what_needs_quoting(deployment: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["dns", "records", "--format", "csv"]) == 0
    rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["purpose"] for row in rows] == ["DKIM", "SPF, with a comma"]


def test_dns_records_as_zone_file(deployment: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["dns", "records", "--format", "zone"]) == 0
    assert capsys.readouterr().out.startswith("$ORIGIN example.com.\n")


def test_a_directory_that_is_not_a_deployment_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(deployment_module, "terraform_outputs", lambda directory: {"something_else": 1})
    assert cli.main(["dns", "records", "--terraform-dir", "elsewhere"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("ses-smtp: terraform output in elsewhere has no output 'admin_config'")
    assert len(error.strip().splitlines()) == 1


def test_an_admin_config_newer_than_the_cli_says_to_upgrade_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = {"admin_config": {**CONFIG, "schema_version": 2}}
    monkeypatch.setattr(deployment_module, "terraform_outputs", lambda directory: newer)
    assert cli.main(["dns", "records", "--terraform-dir", "elsewhere"]) == 1
    assert "schema_version 2, this ses-smtp (" in capsys.readouterr().err


def test_a_missing_directory_is_one_clear_line(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["dns", "records", "--terraform-dir", str(tmp_path / "nope")]) == 1
    assert "is not a directory" in capsys.readouterr().err


def test_a_retire_run_names_what_needs_a_person() -> None:
    from ses_smtp.admin.commands import users

    text = users._for_people(
        "retire",
        {
            "retired": ["AKIAOLD"],
            "skipped_busy": ["bob"],
            "past_max_age": [{"sender": "carol", "access_key_id": "AKIACAROL", "age_days": 120}],
            "unrecorded_deactivated": [{"sender": "dave", "access_key_id": "AKIAROGUE"}],
            "migrated": ["erin"],
        },
    )
    assert text.splitlines() == [
        "retired 1 previous key(s) past their grace period",
        "  busy, next run: bob",
        "  moved to its own From policy: erin",
        "  carol: current key 120 days old, rotate it",
        "  dave: access key AKIAROGUE was active but in no record; deactivated",
    ]


def test_rotate_prints_when_the_previous_password_stops_working() -> None:
    from ses_smtp.admin.users import PreviousKey, SmtpCredential

    previous = PreviousKey.of(
        {
            "previous_access_key_id": "AKIAOLD",
            "previous_valid_until": "2026-12-10T07:44:00+00:00",
            "previous_stops_working_by": "2026-12-11T07:44:00+00:00",
        }
    )
    credential = SmtpCredential("alice", ["alice@example.com"], "email-smtp", "AKIANEW", "pw", "current", None)
    text = replace(credential, previous=previous).for_people()
    assert text.splitlines()[-1] == (
        "  Previous     AKIAOLD works until 2026-12-10 07:44 UTC, "
        "stops by 2026-12-11 07:44 UTC (the retire run after it)"
    )
    cron = PreviousKey("AKIAOLD", "2026-12-10T07:44:00+00:00", None)
    assert cron.for_people().endswith("works until 2026-12-10 07:44 UTC, stops at the first retire run after that")
    assert PreviousKey.of({"previous_access_key_id": None}) is None
