"""`ses-smtp local up` as a person runs it: a foreground process that writes its state file, a CLI in
another process that works through `--local`, and `ses-smtp local down` that stops it and leaves
nothing running (no process, no listening port, no state file).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import require_terraform

pytestmark = pytest.mark.integration


def cli(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ses_smtp.admin.cli", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_local_up_serves_the_cli_and_mail_clients_and_local_down_stops_everything(tmp_path: Path) -> None:
    require_terraform()
    state_file = tmp_path / "stack.json"
    log = (tmp_path / "up.log").open("w")
    up = subprocess.Popen(
        [sys.executable, "-m", "ses_smtp.admin.cli", "local", "up", "--state-file", str(state_file)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SES_SMTP_LOCAL_LOG": str(tmp_path / "functions.log")},
    )
    try:
        deadline = time.monotonic() + 240
        while not state_file.exists() and up.poll() is None and time.monotonic() < deadline:
            time.sleep(1)
        assert state_file.exists(), (tmp_path / "up.log").read_text()
        state = json.loads(state_file.read_text())
        assert set(state) >= {
            "endpoint_url",
            "region",
            "smtp_host",
            "starttls_port",
            "tls_port",
            "ca_file",
            "terraform_dir",
        }
        assert state["smtp_host"] == "127.0.0.1" and state["endpoint_url"].startswith("http://127.0.0.1:")
        ports = (int(state["starttls_port"]), int(state["tls_port"]), int(state["endpoint_url"].rsplit(":", 1)[1]))
        assert all(listening(port) for port in ports)

        local = {"SES_SMTP_LOCAL": str(state_file)}
        created = cli("users", "create", "dana", "--from", "dana@example.com", env=local)
        assert created.returncode == 0, created.stderr
        assert f"Port         {state['starttls_port']}" in created.stdout
        checked = cli("--local", str(state_file), "smtp-check", "--sender", "dana", "--from", "dana@example.com")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "Result: all steps passed" in checked.stdout
        assert cli("users", "delete", "dana", "--yes", env=local).returncode == 0

        stopped = cli("local", "down", "--state-file", str(state_file))
        assert stopped.returncode == 0, stopped.stderr
        assert up.wait(timeout=30) == 0
        assert not state_file.exists()
        assert not any(listening(port) for port in ports)
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()
        log.close()
