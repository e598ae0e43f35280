"""No secret in the X-Ray trace of a credentials request (review L9 / M2).

The X-Ray SDK is enabled here as in Lambda, botocore is patched as Powertools' Tracer patches it
there, and every segment the SDK would send to the daemon is kept and searched.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from contextlib import redirect_stdout
from typing import Any

import pytest
from aws_lambda_powertools import Tracer
from aws_xray_sdk import global_sdk_config
from aws_xray_sdk.core import patch, xray_recorder
from aws_xray_sdk.core.context import Context
from aws_xray_sdk.core.emitters.udp_emitter import UDPEmitter

from ses_smtp.smtp_password import derive_smtp_password
from tests.unit.aws_world import World
from tests.unit.functions import CredentialsFunction, tools


class KeptSegments(UDPEmitter):  # type: ignore[misc]  # the SDK is untyped
    """The daemon's side: every entity the SDK sends, serialized as it would go over UDP."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def send_entity(self, entity: Any) -> None:
        self.sent.append(entity.serialize())


@pytest.fixture
def traced() -> Iterator[tuple[KeptSegments, Tracer]]:
    """X-Ray's recorder keeping every segment, and a Tracer that uses it (made first: a disabled one turns
    the SDK off)."""
    tracer = Tracer(service="ses-smtp")
    tracer.disabled = False  # Powertools disables itself outside Lambda; what a trace would hold is the question
    kept = KeptSegments()
    global_sdk_config.set_sdk_enabled(True)
    xray_recorder.configure(emitter=kept, context=Context(context_missing="LOG_ERROR"), sampling=False)
    patch(["botocore"])  # what the Tracer does at import in Lambda
    try:
        yield kept, tracer
    finally:
        global_sdk_config.set_sdk_enabled(False)


def test_no_secret_in_any_trace_segment(world: World, traced: tuple[KeptSegments, Tracer]) -> None:
    kept, tracer = traced
    invoke = CredentialsFunction(world.credentials(), tools(tracer=tracer))
    with redirect_stdout(io.StringIO()):  # the log lines are test_log_safety's concern
        for request in (
            {"action": "create", "name": "alice", "from": ["alice@example.com"]},
            {"action": "rotate", "name": "alice"},
        ):
            xray_recorder.begin_segment("ses-smtp-credentials")
            try:
                assert invoke(request)["ok"]
            finally:
                xray_recorder.end_segment()
    trace = "\n".join(kept.sent)
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
