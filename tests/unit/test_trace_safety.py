"""No secret in the X-Ray trace of a credentials request (review L9 / M2).

The X-Ray SDK is enabled here as in Lambda, botocore is patched as Powertools' Tracer patches it
there, and every segment the SDK would send to the daemon is kept and searched.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from typing import Any

import pytest
from aws_xray_sdk import global_sdk_config
from aws_xray_sdk.core import patch, xray_recorder
from aws_xray_sdk.core.context import Context
from aws_xray_sdk.core.emitters.udp_emitter import UDPEmitter

from ses_smtp.admin.deployment import LocalContext, logs_to
from ses_smtp.handlers import credentials as credentials_handler
from ses_smtp.smtp_password import derive_smtp_password
from tests.unit.aws_world import World


class KeptSegments(UDPEmitter):  # type: ignore[misc]  # the SDK is untyped
    """The daemon's side: every entity the SDK sends, serialized as it would go over UDP."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def send_entity(self, entity: Any) -> None:
        self.sent.append(entity.serialize())


@pytest.fixture
def traced(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[KeptSegments]:
    credentials = world.credentials()
    monkeypatch.setattr(credentials_handler, "credentials_from_env", lambda: credentials)
    monkeypatch.setattr(credentials_handler.tracer, "disabled", False)
    kept = KeptSegments()
    global_sdk_config.set_sdk_enabled(True)
    xray_recorder.configure(emitter=kept, context=Context(context_missing="LOG_ERROR"), sampling=False)
    patch(["botocore"])  # what the Tracer does at import in Lambda
    try:
        yield kept
    finally:
        global_sdk_config.set_sdk_enabled(False)


def test_no_secret_in_any_trace_segment(world: World, traced: KeptSegments) -> None:
    with logs_to(io.StringIO()):  # the log lines are test_log_safety's concern
        for request in (
            {"action": "create", "name": "alice", "from": ["alice@example.com"]},
            {"action": "rotate", "name": "alice"},
        ):
            xray_recorder.begin_segment("ses-smtp-credentials")
            try:
                assert credentials_handler.handler(request, LocalContext("ses-smtp-credentials"))["ok"]
            finally:
                xray_recorder.end_segment()
    trace = "\n".join(traced.sent)
    assert '"operation": "CreateAccessKey"' in trace, "the IAM call that returns the secret was traced"
    assert '"operation": "GenerateDataKey"' in trace, "and the KMS call that returns the data key"
    secrets = list(world.log.secrets.values())
    assert len(secrets) == 2 and len(world.log.data_keys) == 2
    forbidden = [
        *secrets,
        *(derive_smtp_password(secret, world.settings.smtp_region) for secret in secrets),
        *(base64.b64encode(key).decode() for key in world.log.data_keys),
    ]
    leaks = sum(1 for secret in forbidden if secret in trace)
    assert leaks == 0, f"{leaks} secret(s) in the trace"
