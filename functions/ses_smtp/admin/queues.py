"""Dead-letter queue redrive: events that failed (a bug since fixed, an outage) go back to the events queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ses_smtp.errors import SesSmtpError

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import DeleteMessageBatchRequestEntryTypeDef, SendMessageBatchRequestEntryTypeDef

BATCH = 10  # SQS's largest receive and send batch


class RedriveIncomplete(SesSmtpError):
    code = "RedriveIncomplete"


def redrive(sqs: SQSClient, dead_letter_url: str, queue_url: str, limit: int = 10_000) -> int:
    """Move up to limit messages back; returns how many moved.

    Each batch is sent before it is deleted: a crash in between leaves a copy in both queues, and the events
    function ignores the duplicate. A message is never only in flight.
    """
    moved = 0
    while moved < limit:
        messages = sqs.receive_message(
            QueueUrl=dead_letter_url, MaxNumberOfMessages=min(BATCH, limit - moved), WaitTimeSeconds=0
        ).get("Messages", [])
        if not messages:
            break
        entries: list[SendMessageBatchRequestEntryTypeDef] = [
            {"Id": str(index), "MessageBody": m["Body"]} for index, m in enumerate(messages)
        ]
        sent = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        done = {int(entry["Id"]) for entry in sent.get("Successful", [])}
        delete: list[DeleteMessageBatchRequestEntryTypeDef] = [
            {"Id": str(i), "ReceiptHandle": messages[i]["ReceiptHandle"]} for i in sorted(done)
        ]
        if delete:
            sqs.delete_message_batch(QueueUrl=dead_letter_url, Entries=delete)
        moved += len(done)
        if len(done) < len(messages):
            failed = sent.get("Failed", [])
            for index in sorted(set(range(len(messages))) - done):  # visible again now, not in 30 s
                sqs.change_message_visibility(
                    QueueUrl=dead_letter_url, ReceiptHandle=messages[index]["ReceiptHandle"], VisibilityTimeout=0
                )
            raise RedriveIncomplete(
                f"{len(failed)} messages could not be sent back and stay in the dead-letter queue: {failed}"
            )
    return moved
