"""Dead-letter redrive: everything moves back, nothing is deleted before it has been sent."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws

from ses_smtp.admin.queues import RedriveIncomplete, redrive


@pytest.fixture
def sqs() -> Any:
    with mock_aws():
        yield boto3.client("sqs", region_name="eu-west-1")


def bodies(sqs: Any, url: str) -> list[str]:
    found = []
    for _ in range(10):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        found += [message["Body"] for message in messages]
    return sorted(found)


def test_every_message_moves_back_in_batches_and_the_limit_holds(sqs: Any) -> None:
    dead, queue = (sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("dlq", "events"))
    for number in range(25):
        sqs.send_message(QueueUrl=dead, MessageBody=f"event-{number:02}")

    assert redrive(sqs, dead, queue, limit=12) == 12
    assert redrive(sqs, dead, queue) == 13
    assert bodies(sqs, queue) == [f"event-{number:02}" for number in range(25)]
    assert bodies(sqs, dead) == []


def test_a_message_that_cannot_be_sent_back_stays_in_the_dead_letter_queue(
    sqs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead, queue = (sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("dlq", "events"))
    for number in range(3):
        sqs.send_message(QueueUrl=dead, MessageBody=f"event-{number}")
    send = sqs.send_message_batch

    def refuse_the_second(QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        response = send(
            QueueUrl=QueueUrl,
            Entries=[entry for entry in Entries if entry["Id"] != "1"],
        )
        return {
            **response,
            "Failed": [{"Id": "1", "Code": "InternalError", "SenderFault": False}],
        }

    monkeypatch.setattr(sqs, "send_message_batch", refuse_the_second)
    with pytest.raises(RedriveIncomplete, match="1 messages could not be sent back"):
        redrive(sqs, dead, queue)
    moved, kept = bodies(sqs, queue), bodies(sqs, dead)
    assert len(moved) == 2 and len(kept) == 1
    assert sorted(moved + kept) == ["event-0", "event-1", "event-2"]
