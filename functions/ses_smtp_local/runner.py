"""The local event source mapping: SQS batches from the emulator into the events handler, in-process.

moto stores the function and the mapping but cannot run them; this does what Lambda's SQS poller does:
receive up to ten messages, call the handler, delete what succeeded, and leave reported failures
to come back (at once, not after the visibility timeout) until the queue's redrive policy moves them
to the dead-letter queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ses_smtp.admin.deployment import LocalFunction
from ses_smtp.handlers.runtime import LambdaHandler


@dataclass
class DrainReport:
    received: int = 0
    succeeded: int = 0
    failed: int = 0
    batches: int = 0


class LocalEventSource:
    def __init__(
        self,
        session: Any,
        queue_url: str,
        function_name: str,
        runtime: Mapping[str, str] | None = None,
        log_dir: Path | None = None,
        build: Callable[[Mapping[str, str]], LambdaHandler] | None = None,
    ) -> None:
        """runtime: the environment Lambda would add to the function's own (the emulator's, locally).
        build: the handler from the function's environment (default: its module's, as Lambda's)."""
        self._sqs = session.client("sqs")
        self._queue_url = queue_url
        self._function = LocalFunction(session, function_name, runtime=runtime, log_dir=log_dir, build=build)

    @property
    def log_path(self) -> Path:
        return self._function.log_path

    def drain(self, max_batches: int = 50, timeout: float = 60.0) -> DrainReport:
        """Deliver batches until the queue is empty, or the limits are reached."""
        report = DrainReport()
        deadline = time.monotonic() + timeout
        while report.batches < max_batches and time.monotonic() < deadline:
            messages = self._sqs.receive_message(
                QueueUrl=self._queue_url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                break
            self._deliver(messages, report)
        return report

    def _deliver(self, messages: list[dict[str, Any]], report: DrainReport) -> None:
        result = self._function.invoke({"Records": [_record(message, self._queue_url) for message in messages]})
        failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
        for message in messages:
            if message["MessageId"] in failed:
                self._sqs.change_message_visibility(
                    QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])
        report.batches += 1
        report.received += len(messages)
        report.failed += len(failed)
        report.succeeded += len(messages) - len(failed)


def _record(message: dict[str, Any], queue_url: str) -> dict[str, Any]:
    account, name = queue_url.rstrip("/").split("/")[-2:]
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:local:{account}:{name}",
        "awsRegion": "local",
    }
