"""The functions built the way Lambda builds them (each handler module's make_handler), on a test's clients.

Nothing in a handler module is patched: a test builds its own function from its own dependencies and
reads what the function wrote to its standard output, the stream Lambda hands to CloudWatch Logs.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import redirect_stdout
from numbers import Number
from typing import Any

from aws_lambda_powertools import Metrics, Tracer

from ses_smtp.admin.deployment import LocalContext
from ses_smtp.contract import METRIC_NAMESPACE
from ses_smtp.credentials import Credentials
from ses_smtp.events import RecipientHistory
from ses_smtp.handlers import credentials as credentials_handler
from ses_smtp.handlers import events
from ses_smtp.handlers.runtime import LambdaHandler, Powertools
from ses_smtp.limits import LimitAction, Limits, SenderUsage
from ses_smtp.logsafety import function_logger
from tests.unit.aws_world import World

SERVICE = "ses-smtp"


class RecordingTracer(Tracer):
    """A disabled Tracer that keeps the annotations the function puts on its trace."""

    def __init__(self, service: str = SERVICE) -> None:
        super().__init__(service=service, disabled=True)
        self.annotations: dict[str, Any] = {}

    def put_annotation(self, key: str, value: str | Number | bool) -> None:
        self.annotations[key] = value


def tools(service: str = SERVICE, tracer: Tracer | None = None) -> Powertools:
    """A deployment's Powertools; tracer: one of the test's (no other Tracer is made: a disabled one would
    turn X-Ray's SDK off for every Tracer, they share their configuration)."""
    if tracer is None:
        return Powertools.for_service(service)
    return Powertools(function_logger(service), tracer, Metrics(namespace=METRIC_NAMESPACE, service=service))


def call(handler: LambdaHandler, event: Any, function_name: str) -> tuple[dict[str, Any], str]:
    """The handler's answer and what it wrote to stdout (its log lines and EMF metrics)."""
    output = io.StringIO()
    with redirect_stdout(output):
        result = handler(event, LocalContext(function_name))
    return result, output.getvalue()


def events_app(world: World, credentials_function: Any = None, **settings: Any) -> events.App:
    """The events function's dependencies on the world's table; settings override Terraform's defaults."""
    dynamodb = world.session.client("dynamodb")
    table = world.settings.table_name
    history, usage = RecipientHistory(dynamodb, table), SenderUsage(dynamodb, table)
    defaults = events.Settings(
        table_name=table,
        credentials_function_name="ses-smtp-credentials",
        limit_action=LimitAction.ALERT,
        default_limits=Limits(),
        full_recipients=False,
    )
    return events.App(
        settings=defaults._replace(**settings),
        history=lambda: history,
        usage=lambda: usage,
        credentials_function=lambda: credentials_function,
    )


class EventsFunction:
    """The events function of one deployment, built on an App: `run(event)` -> (answer, stdout)."""

    def __init__(self, app: events.App, powertools: Powertools | None = None) -> None:
        self.app = app
        self.handler = events.make_handler(lambda: app, powertools or tools())

    def __call__(self, event: Any) -> tuple[dict[str, Any], str]:
        return call(self.handler, event, "ses-smtp-events")

    def history(self) -> RecipientHistory:
        return self.app.history()


def with_history(app: events.App, history: Callable[[], RecipientHistory]) -> events.App:
    return app._replace(history=history)


class CredentialsFunction:
    """The credentials function of one deployment, built on its Credentials: `invoke(event)` -> answer.

    Its log lines and metrics go to stdout, as in Lambda: read them with contextlib.redirect_stdout."""

    def __init__(
        self, credentials: Credentials | None, powertools: Powertools | None = None, sesv2: Any = None
    ) -> None:
        """credentials: None for a request that needs none; sesv2: the client of the send-quota reading."""

        def given_credentials() -> Credentials:
            assert credentials is not None, "this request needs the deployment's Credentials: pass them"
            return credentials

        def given_sesv2() -> Any:
            assert sesv2 is not None, "the send-quota reading needs an sesv2 client: pass one"
            return sesv2

        self.credentials = credentials
        self.handler = credentials_handler.make_handler(given_credentials, powertools or tools(), given_sesv2)

    def __call__(self, event: Any) -> dict[str, Any]:
        return self.handler(event, LocalContext("ses-smtp-credentials"))
