"""`ses-smtp status` as a person runs it: the installed command, its own process, against the local stack
(`--local STATE_FILE`), after mail went through the local SMTP endpoint and its events were counted.

Shares the worker's deployment (conftest.py): senders made here are deleted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ses_smtp.admin.deployment import LocalFunction
from ses_smtp.admin.terraform import TerraformRun
from ses_smtp_local import tls
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.smtp import SmtpEndpoint
from tests.integration import test_clients_on_local_stack as clients
from tests.integration.test_limits_on_local_stack import drain

pytestmark = pytest.mark.integration
certificates, endpoint, users = clients.certificates, clients.endpoint, clients.users
SES_SMTP = Path(sys.executable).parent / "ses-smtp"  # the console script the package installs


@pytest.fixture
def noor(users: Any) -> Iterator[dict[str, Any]]:
    yield users("create", "noor", "--from", "noor@example.com")
    users("delete", "noor", "--yes")


def status(state_file: Path, *options: str) -> str:
    if not SES_SMTP.exists():
        pytest.fail(f"{SES_SMTP} is missing: `make setup-runtime` installs the ses-smtp command")
    done = subprocess.run(
        [str(SES_SMTP), "--local", str(state_file), "status", *options],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_status_shows_quota_senders_dead_letters_alarms_and_says_what_is_not_available(
    deployment: TerraformRun,
    emulator_env: Emulator,
    local_state_file: Path,
    endpoint: SmtpEndpoint,
    certificates: tls.Certificates,
    noor: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    drain(deployment, emulator_env)  # earlier tests' events first
    message = clients.gmail_message("noor@example.com", "success@simulator.amazonses.com")
    clients.send_like_gmail(endpoint, certificates, noor["username"], noor["password"], message)
    drain(deployment, emulator_env)

    view = json.loads(status(local_state_file, "--json"))
    assert view["account"]["available"] is True
    assert view["account"]["max_24_hour_send"] == 200.0, "the emulator's sandbox quota"
    assert view["account"]["sent_last_24_hours"] >= 1
    assert view["configuration_set"]["name"] == deployment.outputs()["admin_config"]["configuration_set_name"]
    assert view["configuration_set"]["sending_enabled"] is True
    [row] = [row for row in view["senders"]["senders"] if row["name"] == "noor"]
    assert (row["status"], row["sent_today"]) == ("active", 1)
    assert view["dead_letter_queue"] == {"available": True, "waiting": 0}
    assert view["alarms"] == {"available": True, "in_alarm": []}
    assert view["vdm_recommendations"]["available"] is False, "the emulator has no VDM"

    text = status(local_state_file)
    for title in ("Account", "Configuration set", "Alarms in ALARM", "Dead-letter queue", "Senders today (UTC)"):
        assert f"\n{title}\n" in text
    assert "VDM recommendations\n  not available (404)" in text
    assert "noor" in text
    with capsys.disabled():  # the example in docs/operations.md is this output (pytest -s shows it)
        print(text)


def test_the_scheduled_send_quota_reading_publishes_what_the_alarms_watch(
    deployment: TerraformRun, emulator_env: Emulator, local_state_file: Path, tmp_path: Path
) -> None:
    """The schedule's own request, as Terraform deployed it, run by the credentials function: the percent
    it publishes is the emulator's SES v1 GetSendQuota (an API the reading does not use) over its quota,
    and the alarms as deployed watch that metric, with this deployment's dimension."""
    session = emulator_env.session()
    config = deployment.outputs()["admin_config"]
    schedule = session.client("scheduler").get_schedule(Name="ses-smtp-local-send-quota")
    assert schedule["ScheduleExpression"] == "rate(15 minutes)"
    function = LocalFunction(
        session, config["credentials_function_name"], runtime=emulator_env.environment(), log_dir=tmp_path
    )
    reading = function.invoke(json.loads(schedule["Target"]["Input"]))

    v1 = session.client("ses").get_send_quota()
    expected = round(v1["SentLast24Hours"] / v1["Max24HourSend"] * 100, 2)
    assert reading == {
        "ok": True,
        "send_quota": {
            "sent_last_24_hours": v1["SentLast24Hours"],
            "max_24_hour_send": v1["Max24HourSend"],
            "used_percent": expected,
        },
    }
    [emf] = [json.loads(line) for line in function.log_path.read_text().splitlines() if '"SendQuotaUsed"' in line]
    assert (emf["SendQuotaUsed"], emf["service"]) == ([expected], "ses-smtp-local")

    alarms = session.client("cloudwatch").describe_alarms(AlarmNamePrefix="ses-smtp-local-send-quota-")["MetricAlarms"]
    assert sorted((a["Threshold"], a["Namespace"], a["MetricName"]) for a in alarms) == [
        (80.0, "SesSmtp", "SendQuotaUsed"),
        (95.0, "SesSmtp", "SendQuotaUsed"),
    ]
    assert all(a["Dimensions"] == [{"Name": "service", "Value": "ses-smtp-local"}] for a in alarms)
    assert "quota alarm                warning at 80%, critical at 95% (read every 15 minutes)" in status(
        local_state_file
    )
