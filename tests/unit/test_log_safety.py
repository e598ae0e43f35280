"""No secret in any log line at any level (review M2).

The Lambda runtime sets the *root* logger to the function's log level. These tests do the same, and
drive real botocore over HTTP to a moto server on loopback, so botocore's own parser receives every
IAM and KMS response body and would log it at DEBUG ("Response body: ..."), as it does in Lambda.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import logging
from collections.abc import Iterator
from contextlib import redirect_stdout

import boto3
import pytest
from moto.server import ThreadedMotoServer

from ses_smtp.logsafety import SDK_LOGGERS, RedactSecrets, function_logger, protect_logs, redact
from ses_smtp.smtp_password import derive_smtp_password
from ses_smtp.wiring import build_credentials
from tests.unit.aws_world import REGION, CallLog, World, create_deployment
from tests.unit.functions import CredentialsFunction


class SecretRecorder(CallLog):
    """The world's call log, with a repr that keeps its secrets out of botocore's hook log lines."""

    def __repr__(self) -> str:
        return "SecretRecorder(***)"


REQUESTS = (
    {"action": "create", "name": "alice", "from": ["alice@example.com"]},
    {"action": "rotate", "name": "alice"},
    {"action": "status", "name": "alice"},
    {"action": "list"},
)


@pytest.fixture
def http_world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The deployment in a moto server on 127.0.0.1; every client reaches it over HTTP."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    try:
        settings = create_deployment()
        session = boto3.session.Session(region_name=REGION)
        log = SecretRecorder()
        session.events.register("after-call.*.*", log.after_call)
        world = World(settings, session, log, [])
        yield world
    finally:
        reset = http.client.HTTPConnection(host, port, timeout=10)
        reset.request("POST", "/moto-api/reset")  # the server shares moto's backends with other tests
        reset.getresponse().read()
        server.stop()


@pytest.fixture
def root_at_debug() -> Iterator[io.StringIO]:
    """The root logger at DEBUG with a handler that keeps every line any logger writes."""
    captured = io.StringIO()
    everything = logging.StreamHandler(captured)
    everything.setLevel(logging.DEBUG)
    root = logging.getLogger()
    level, sdk_levels = root.level, {name: logging.getLogger(name).level for name in SDK_LOGGERS}
    root.setLevel(logging.DEBUG)
    root.addHandler(everything)
    try:
        yield captured
    finally:
        root.removeHandler(everything)
        root.setLevel(level)
        for name, sdk_level in sdk_levels.items():
            logging.getLogger(name).setLevel(sdk_level)


def run_requests(world: World, capfd: pytest.CaptureFixture[str], captured: io.StringIO) -> str:
    """Every request through the handler; everything written to any logger, stdout and stderr."""
    credentials = build_credentials(world.settings, world.session)  # the real clock: the server's keys are dated now
    invoke = CredentialsFunction(credentials)
    handler_lines = io.StringIO()
    with redirect_stdout(handler_lines):
        responses = [invoke(dict(request)) for request in REQUESTS]
    assert all(response["ok"] for response in responses), responses
    output = capfd.readouterr()
    return captured.getvalue() + handler_lines.getvalue() + output.out + output.err + json.dumps(responses)


def secrets_of(world: World) -> list[str]:
    secrets = list(world.log.secrets.values())
    data_keys = world.log.data_keys
    assert len(secrets) == 2 and len(data_keys) == 2, "create and rotate each made a key and a data key"
    return [
        *secrets,
        *(derive_smtp_password(secret, REGION) for secret in secrets),
        *(base64.b64encode(key).decode() for key in data_keys),
        *(key.hex() for key in data_keys),
    ]


def assert_none_in(secrets: list[str], text: str) -> None:
    """Fails naming where a secret appeared, never the secret itself (test output is output too)."""
    leaks = [text[max(0, text.index(secret) - 80) : text.index(secret)] for secret in secrets if secret in text]
    assert not leaks, f"{len(leaks)} secret(s) written; each follows: {leaks}"


def test_root_logger_at_debug_writes_no_secret(
    http_world: World, root_at_debug: io.StringIO, capfd: pytest.CaptureFixture[str]
) -> None:
    protect_logs(*function_logger("ses-smtp").handlers)  # as at import, after the runtime's root handler
    everything = run_requests(http_world, capfd, root_at_debug)
    assert "access key created" in everything, "the handler's own lines were captured"
    assert_none_in(secrets_of(http_world), everything)


def test_the_sdk_stays_quiet_without_the_redaction_filter(
    http_world: World, root_at_debug: io.StringIO, capfd: pytest.CaptureFixture[str]
) -> None:
    protect_logs()  # quiets the SDK; the capturing handler was added without the filter
    for handler in logging.getLogger().handlers:
        handler.filters = [f for f in handler.filters if not isinstance(f, RedactSecrets)]
    everything = run_requests(http_world, capfd, root_at_debug)
    assert "Response body" not in everything
    assert_none_in(secrets_of(http_world), everything)


def test_the_redaction_filter_alone_hides_what_botocore_logs_at_debug(
    http_world: World, root_at_debug: io.StringIO, capfd: pytest.CaptureFixture[str]
) -> None:
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets())
    for name in SDK_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)  # someone raised botocore on purpose
    try:
        everything = run_requests(http_world, capfd, root_at_debug)
    finally:
        for handler in logging.getLogger().handlers:
            handler.filters = [f for f in handler.filters if not isinstance(f, RedactSecrets)]
    assert "Response body" in everything, "botocore logged the response bodies this test is about"
    assert "<SecretAccessKey>***redacted***</SecretAccessKey>" in everything
    assert '"Plaintext": "***redacted***' in everything or '"Plaintext":"***redacted***' in everything
    assert_none_in(secrets_of(http_world), everything)


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("b'<AccessKey><SecretAccessKey>wJalr/K7+MDENG</SecretAccessKey></AccessKey>'", "wJalr/K7+MDENG"),
        ('b\'{"CiphertextBlob":"AQID","Plaintext":"c2VjcmV0a2V5Cg=="}\'', "c2VjcmV0a2V5Cg=="),
        ("{'Plaintext': b'\\x01\\x02secret', 'KeyId': 'k'}", "secret"),
        ("{'SecretAccessKey': 'abc/def', 'Status': 'Active'}", "abc/def"),
        ("Action=ChangePassword&NewPassword=x&password=hunter2&x=1", "hunter2"),
        ('{\\"password\\": \\"hunter2\\"}', "hunter2"),
    ],
)
def test_redact_hides_each_secret_field_shape(line: str, secret: str) -> None:
    assert secret not in redact(line)
    assert "***redacted***" in redact(line)


def test_redact_leaves_other_text_alone() -> None:
    line = "access key created sender=alice access_key_id=AKIAEXAMPLE"
    assert redact(line) == line
