"""The administrator's CLI cannot be steered by what others can write (review L7, L8, L9)."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from ses_smtp.admin import cli
from ses_smtp.admin import deployment as deployment_module
from ses_smtp.admin.deployment import Deployment
from ses_smtp.admin.users import SmtpCredential

PASSWORD = "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2"
STATE_OUTPUTS: dict[str, Any] = {  # admin_config's fields
    "schema_version": 1,
    "region": "eu-west-1",
    "smtp_endpoint": "smtp.attacker.example",  # whoever can write state
    "smtp_starttls_port": 2525,
    "smtp_tls_port": 4650,
    "credentials_function_name": "ses-smtp-credentials",
    "credentials_table_name": "ses-smtp-credentials",
    "kms_key_arn": "arn:aws:kms:eu-west-1:123456789012:key/k",
}


def test_the_smtp_host_shown_with_a_password_comes_from_the_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deployment_module, "terraform_outputs", lambda _: {"admin_config": dict(STATE_OUTPUTS)})
    found = Deployment.find("any-dir", {})
    assert (found.smtp_endpoint, found.starttls_port, found.tls_port) == (
        "email-smtp.eu-west-1.amazonaws.com",
        587,
        465,
    )


def test_a_region_without_smtp_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = {"admin_config": {**STATE_OUTPUTS, "region": "xx-nowhere-1"}}
    monkeypatch.setattr(deployment_module, "terraform_outputs", lambda _: elsewhere)
    with pytest.raises(deployment_module.DeploymentError, match="no SMTP endpoint in region 'xx-nowhere-1'"):
        Deployment.find("any-dir", {})


def test_in_process_needs_the_local_stack(capsys: pytest.CaptureFixture[str]) -> None:
    flags = ["--function", "f", "--table", "t", "--kms-key-arn", STATE_OUTPUTS["kms_key_arn"], "--region", "eu-west-1"]
    assert cli.main(["users", "--invoke", "in-process", *flags, "list"]) == 1
    err = capsys.readouterr().err
    assert "only for the local stack: add --local STATE_FILE" in err
    assert len(err.strip().splitlines()) == 1


def test_a_credential_has_no_password_in_its_repr() -> None:
    credential = SmtpCredential("alice", ["alice@example.com"], "h", "AKIAEXAMPLE", PASSWORD, "current", None)
    assert PASSWORD not in repr(credential)
    assert PASSWORD not in str(credential)
    assert credential.to_dict()["password"] == PASSWORD, "still there for the person who asked"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens once the probe is closed


@pytest.mark.parametrize("use_flag", [True, False])
def test_smtp_check_warns_when_the_password_is_a_flag(
    use_flag: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SES_SMTP_PASSWORD", PASSWORD)
    arguments: list[Any] = ["smtp-check", "--host", "127.0.0.1", "--port", str(closed_port()), "--username", "u"]
    cli.main([*arguments, *(["--password", PASSWORD] if use_flag else [])])
    captured = capsys.readouterr()
    assert ("shell history" in captured.err) is use_flag
    assert "SES_SMTP_PASSWORD" in captured.err or not use_flag
    assert PASSWORD not in captured.out + captured.err
