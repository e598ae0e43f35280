"""SES event-publishing and notification JSON, shaped as SES sends them, wrapped as SNS and SQS deliver them."""

from __future__ import annotations

import json
from typing import Any

MESSAGE_ID = "0102018f-aaaa-bbbb-cccc-000000000001"
MAIL: dict[str, Any] = {
    "timestamp": "2026-11-24T12:00:00.000Z",
    "source": "alice@example.com",
    "messageId": MESSAGE_ID,
    "destination": ["bob@gmail.com", "carol@outlook.com"],
    "tags": {"ses:caller-identity": ["ses-smtp-alice"], "ses:configuration-set": ["ses-smtp"]},
}


def ses_event(kind: str, message_id: str = MESSAGE_ID, **detail: Any) -> dict[str, Any]:
    mail = {**MAIL, "messageId": message_id}
    samples: dict[str, dict[str, Any]] = {
        "Send": {},
        "Delivery": {
            "delivery": {"timestamp": "2026-11-24T12:00:01Z", "recipients": ["bob@gmail.com"], "smtpResponse": "250 ok"}
        },
        "Bounce": {
            "bounce": {
                "bounceType": "Permanent",
                "bounceSubType": "General",
                "feedbackId": "fb-bounce-1",
                "timestamp": "2026-11-24T12:00:02Z",
                "bouncedRecipients": [
                    {
                        "emailAddress": "Bob@gmail.com",
                        "action": "failed",
                        "status": "5.1.1",
                        "diagnosticCode": "smtp; 550 5.1.1 no such user",
                    }
                ],
            }
        },
        "Complaint": {
            "complaint": {
                "complaintFeedbackType": "abuse",
                "feedbackId": "fb-complaint-1",
                "timestamp": "2026-11-24T12:00:03Z",
                "complainedRecipients": [{"emailAddress": "carol@outlook.com"}],
            }
        },
        "Reject": {"reject": {"reason": "Bad content"}},
        "DeliveryDelay": {
            "deliveryDelay": {
                "delayType": "MailboxFull",
                "timestamp": "2026-11-24T12:00:04Z",
                "delayedRecipients": [{"emailAddress": "bob@gmail.com", "status": "4.2.2"}],
            }
        },
        "RenderingFailure": {"failure": {"errorMessage": "Attribute 'name' is not present", "templateName": "t"}},
    }
    body = {"eventType": kind, "mail": mail, **samples[kind]}
    for key, value in detail.items():
        body[next(k for k in body if k not in ("eventType", "mail"))][key] = value
    return body


def identity_notification(kind: str) -> dict[str, Any]:
    """The older identity-notification format (notificationType), as SES sends it to an identity's topic."""
    body = ses_event(kind)
    body["notificationType"] = body.pop("eventType")
    return body


def sqs_event(*messages: Any) -> dict[str, Any]:
    records = []
    for index, message in enumerate(messages):
        text = (
            message
            if isinstance(message, str)
            else json.dumps({"Type": "Notification", "MessageId": f"sns-{index}", "Message": json.dumps(message)})
        )
        records.append(
            {
                "messageId": f"sqs-{index}",
                "receiptHandle": "handle",
                "body": text,
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-events",
                "awsRegion": "eu-west-1",
            }
        )
    return {"Records": records}
