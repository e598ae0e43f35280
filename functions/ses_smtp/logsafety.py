"""Keeps secrets out of the functions' logs whatever log level the Lambda runtime is given.

The runtime sets the *root* logger to the function's application log level. At DEBUG, botocore
writes whole response bodies, so IAM's SecretAccessKey and the KMS data key's Plaintext would reach
CloudWatch Logs. Two lines of defence: the AWS SDK's loggers stay at WARNING whatever the root
level, and every handler that writes our output redacts secret-bearing fields from each line.
"""

from __future__ import annotations

import logging
import re
import sys
from functools import cache
from typing import TextIO

from aws_lambda_powertools import Logger

# The AWS SDK's loggers: at DEBUG they write request parameters and response bodies.
SDK_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer", "aws_xray_sdk")
SDK_LEVEL = logging.WARNING
REDACTED = "***redacted***"
SECRET_FIELDS = ("SecretAccessKey", "Plaintext", "Password", "password", "secret_access_key", "smtp_password")

_names = "|".join(SECRET_FIELDS)
# <SecretAccessKey>...</SecretAccessKey> (IAM's XML), "Plaintext": "..." / 'Plaintext': b'...' (JSON,
# Python reprs of parsed responses and request parameters), and password=... (form and query strings).
_XML = re.compile(rf"(<({_names})>)[^<]*(</\2>)")
_QUOTED = re.compile(rf"""(\\?["']({_names})\\?["']\s*:\s*b?\\?["'])((?:[^"'\\]|\\[^"'])*)""")
_ASSIGNED = re.compile(rf"""(\b({_names})=)([^&\s,;'"]+)""")


def redact(text: str) -> str:
    """The text with the value of every secret-bearing field replaced."""
    text = _XML.sub(rf"\1{REDACTED}\3", text)
    text = _QUOTED.sub(rf"\1{REDACTED}", text)
    return _ASSIGNED.sub(rf"\1{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (and any traceback) with secret fields redacted; never drops it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def protect_logs(*handlers: logging.Handler) -> None:
    """Quiet the SDK's loggers and redact on every handler of the root logger and on `handlers`.

    Called once at import by each handler module; the Lambda runtime has installed its root handler
    by then. Idempotent.
    """
    for name in SDK_LOGGERS:
        logging.getLogger(name).setLevel(SDK_LEVEL)
    for handler in [*logging.getLogger().handlers, *handlers]:
        if not any(isinstance(existing, RedactSecrets) for existing in handler.filters):
            handler.addFilter(RedactSecrets())


class StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the process's standard output as it is at each line, as EMF's print() does: Lambda sends
    stdout to CloudWatch Logs, and the local runner gives each invocation its own (contextlib.redirect_stdout)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)
        self.addFilter(RedactSecrets())

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _: TextIO) -> None:
        """StreamHandler's constructor sets it; the stream is always the current stdout."""


@cache
def function_logger(service: str) -> Logger:
    """The functions' Powertools Logger of a service, one per process: it writes to stdout, redacted.

    Powertools keeps one handler per logger name and ignores a second Logger's; hence one per service.
    """
    protect_logs()
    return Logger(service=service, logger_handler=StdoutHandler())
