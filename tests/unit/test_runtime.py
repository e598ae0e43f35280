"""Each handler module builds its function from an environment and dependencies, as Lambda does: two
deployments' functions live side by side in one process (the local stack runs them so), nothing is reset."""

from __future__ import annotations

import importlib
import io
import json
from contextlib import redirect_stdout

import pytest

from ses_smtp.handlers.runtime import Powertools
from tests.unit.aws_world import World
from tests.unit.functions import EventsFunction, events_app, tools
from tests.unit.ses_samples import ses_event, sqs_event

HANDLERS = ("credentials", "events", "forwarding", "reports")


@pytest.mark.parametrize("name", HANDLERS)
def test_building_a_function_reads_nothing_and_makes_no_client(name: str) -> None:
    """Settings are read and clients made on the first invocation, so an import (a cold start) stays cheap."""
    module = importlib.import_module(f"ses_smtp.handlers.{name}")
    assert callable(module.build({}))
    assert callable(module.handler), "the module-level handler Lambda calls is built the same way"


def services(output: str) -> set[str]:
    return {json.loads(line)["service"] for line in output.split("\n") if '"_aws"' in line}


def test_two_deployments_functions_keep_their_own_service_in_one_process(world: World) -> None:
    acme = EventsFunction(events_app(world), tools("acme-mail"))
    other = EventsFunction(events_app(world), tools("other-mail"))
    batch = sqs_event(ses_event("Send"), ses_event("Bounce"))
    assert services(acme(batch)[1]) == {"acme-mail"}
    assert services(other(batch)[1]) == {"other-mail"}
    assert services(acme(batch)[1]) == {"acme-mail"}, "building the second changed nothing of the first"


def test_the_functions_log_lines_go_to_stdout_as_it_is_when_written() -> None:
    logger = Powertools.for_service("ses-smtp").logger
    first, second = io.StringIO(), io.StringIO()
    with redirect_stdout(first):
        logger.info("one")
    with redirect_stdout(second):
        logger.info("two")
    assert '"message":"one"' in first.getvalue() and "two" not in first.getvalue()
    assert '"message":"two"' in second.getvalue()
