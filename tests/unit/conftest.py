from __future__ import annotations

from collections.abc import Iterator

import pytest

from ses_smtp_local import emulator_gaps
from tests.unit.aws_world import World, aws_world
from tests.unit.functions import CredentialsFunction


@pytest.fixture(autouse=True)
def offline_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests never reach AWS: fake credentials, a fixed region, no tracing daemon."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    emulator_gaps.install()  # moto, like the local stack, with its gaps filled


@pytest.fixture
def world() -> Iterator[World]:
    with aws_world() as created:
        yield created


@pytest.fixture
def wired(world: World) -> World:
    """The world the `invoke` fixture's credentials function runs on (its session records every call and secret)."""
    return world


@pytest.fixture
def invoke(wired: World) -> CredentialsFunction:
    """The credentials function built on the world's Credentials, as Lambda builds it on its own."""
    return CredentialsFunction(wired.credentials())
