"""SES payloads for tests and the bench, from tests/data/ses (after AWS's published examples and notifications
real SES sent; the README there names each one's source), wrapped as SNS and SQS deliver them."""

from __future__ import annotations

import json
from email.message import EmailMessage
from functools import cache
from pathlib import Path
from typing import Any

from ses_smtp_local.simulator import Sent

DATA = Path(__file__).resolve().parents[1] / "data" / "ses"
# Event publishing (eventType), one file per type SES publishes, in SES's spelling.
EVENT_FILES = {
    "Send": "event-send.json",
    "Delivery": "event-delivery.json",
    "Bounce": "event-bounce.json",
    "Complaint": "event-complaint.json",
    "Reject": "event-reject.json",
    "DeliveryDelay": "event-delivery-delay.json",
    "Rendering Failure": "event-rendering-failure.json",
    "Open": "event-open.json",
    "Click": "event-click.json",
    "Subscription": "event-subscription.json",
}
# Identity notifications (notificationType), with and without DSN / feedback report.
NOTIFICATION_FILES = (
    "notification-bounce-with-dsn.json",
    "notification-bounce-without-dsn.json",
    "notification-complaint-with-feedback.json",
    "notification-complaint-without-feedback.json",
    "notification-delivery.json",
)
# What real SES sent where AWS publishes no example (mailbox simulator, account suppression list).
CAPTURED_FILES = (
    "simulator-ooto-bounce.json",
    "simulator-suppressionlist-bounce.json",
    "account-suppression-list-bounce.json",
)
ALL_FILES = (*EVENT_FILES.values(), *NOTIFICATION_FILES, *CAPTURED_FILES)
DETAIL_KEYS = {"DeliveryDelay": "deliveryDelay", "Rendering Failure": "failure"}

# Hand-written (no published sample): the SNS envelope of a notification, as SNS documents its fields,
# and (sqs_event) the SQS record around it, as Lambda's SQS event documents its fields.
SNS_ENVELOPE: dict[str, Any] = {
    "Type": "Notification",
    "TopicArn": "arn:aws:sns:eu-west-1:111122223333:ses-smtp-events",
    "Timestamp": "2026-11-02T09:20:05.123Z",
    "SignatureVersion": "1",
    "Signature": "EXAMPLE" + "pQ3x" * 84,
    "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
    "UnsubscribeURL": (
        "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
        "arn:aws:sns:eu-west-1:111122223333:ses-smtp-events:2f1c4b7e-0000-4000-8000-000000000000"
    ),
}


@cache
def _text(name: str) -> str:
    return (DATA / name).read_text()


def sample(name: str) -> dict[str, Any]:
    """A fresh copy of one payload file."""
    value: dict[str, Any] = json.loads(_text(name))
    return value


def ses_event(kind: str, message_id: str | None = None, **detail: Any) -> dict[str, Any]:
    """The published example of an event type; message_id and detail fields (e.g. bounceType) replaced."""
    body = sample(EVENT_FILES[kind])
    if message_id is not None:
        body["mail"]["messageId"] = message_id
    body[detail_key(kind)].update(detail)
    return body


def detail_key(kind: str) -> str:
    return DETAIL_KEYS.get(kind, kind[0].lower() + kind[1:])


def sqs_event(*messages: Any) -> dict[str, Any]:
    records = []
    for index, message in enumerate(messages):
        text = (
            message
            if isinstance(message, str)
            else json.dumps({**SNS_ENVELOPE, "MessageId": f"sns-{index}", "Message": json.dumps(message)})
        )
        records.append(
            {
                "messageId": f"sqs-{index}",
                "receiptHandle": "handle",
                "body": text,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1793610005123",
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": "1793610005130",
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:111122223333:ses-smtp-events",
                "awsRegion": "eu-west-1",
            }
        )
    return {"Records": records}


def simulated_send(*recipients: str, message_id: str = "m-1") -> Sent:
    """A message the local SMTP endpoint accepted from alice, for the mailbox simulator's events."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Alice <alice@example.com>", ", ".join(recipients), "Hi"
    return Sent(
        message_id=message_id,
        source="alice@example.com",
        recipients=recipients,
        message=message,
        sender="ses-smtp-alice",
        configuration_set="ses-smtp",
        identity_arn="arn:aws:ses:eu-west-1:111122223333:identity/example.com",
        account_id="111122223333",
        tls_version="TLSv1.3",
    )
