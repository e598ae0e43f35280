"""What every handler module is built from: its Powertools (logger, tracer, metrics) for one deployment,
and dependencies made on first use.

Each handler module has `make_handler(app, tools)` and `build(env)`; its module-level `handler`, the one
Lambda calls, is `build(os.environ)`. The local runner, the tests and the bench build their own the same
way, passing their clients or their environment, so nothing in a handler module is patched or reset.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, NamedTuple, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer

from ses_smtp.contract import ENV, METRIC_NAMESPACE
from ses_smtp.logsafety import function_logger

T = TypeVar("T")
# (event, context): the context is Lambda's, or the local runner's with the attributes Powertools reads.
LambdaHandler = Callable[[Any, Any], dict[str, Any]]
# What X-Ray traces: every AWS call the functions make goes through botocore. The SDK's patch_all would also
# import and patch sqlite3 and look for a dozen libraries the functions never use, at every cold start.
TRACED_LIBRARIES = ("botocore",)


def once(make: Callable[[], T]) -> Callable[[], T]:
    """make, called on first use and its result kept: a warm start reuses the clients of the cold one."""
    return cache(make)


class Powertools(NamedTuple):
    """Logger, Tracer and Metrics of one deployment: `service` in every log line, trace and metric."""

    logger: Logger
    tracer: Tracer
    metrics: Metrics

    @classmethod
    def for_service(cls, service: str) -> Powertools:
        return cls(
            function_logger(service),
            Tracer(service=service, patch_modules=TRACED_LIBRARIES),
            Metrics(namespace=METRIC_NAMESPACE, service=service),
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Powertools:
        """Terraform's POWERTOOLS_SERVICE_NAME (the name prefix): two deployments keep their counts apart."""
        return cls.for_service(metrics_service(env))


def metrics_service(env: Mapping[str, str]) -> str:
    """The `service` dimension of the SesSmtp metrics: the deployment's name prefix (Terraform sets
    POWERTOOLS_SERVICE_NAME), so two deployments in one account and region keep their counts apart."""
    return env.get(ENV.service_name) or "ses-smtp"
