"""SES event-publishing and notification JSON, shaped as SES sends them, wrapped as SNS and SQS deliver them."""

from __future__ import annotations

import json
from typing import Any

MESSAGE_ID = "0102018f-aaaa-bbbb-cccc-000000000001"
# The whole `mail` object SES publishes, headers included, for a message Gmail submitted over SMTP.
HEADERS = [
    ("MIME-Version", "1.0"),
    ("From", "Alice Example <alice@example.com>"),
    ("Date", "Tue, 24 Nov 2026 12:00:00 +0000"),
    ("Message-ID", "<CAJx8f3kq7Lw2mVh1u9oQ5nR6sT0pY4zX3cB2aD1eF0gH9iJ8kL@mail.gmail.com>"),
    ("Subject", "Quarterly figures, draft for review"),
    ("To", "Bob <bob@gmail.com>, Carol <carol@outlook.com>"),
    ("Content-Type", 'multipart/alternative; boundary="000000000000a1b2c3d4e5f60718"'),
]
MAIL: dict[str, Any] = {
    "timestamp": "2026-11-24T12:00:00.000Z",
    "source": "alice@example.com",
    "sourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
    "sourceIp": "209.85.218.41",
    "callerIdentity": "ses-smtp-alice",
    "sendingAccountId": "123456789012",
    "messageId": MESSAGE_ID,
    "destination": ["bob@gmail.com", "carol@outlook.com"],
    "headersTruncated": False,
    "headers": [{"name": name, "value": value} for name, value in HEADERS],
    "commonHeaders": {
        "from": ["Alice Example <alice@example.com>"],
        "date": "Tue, 24 Nov 2026 12:00:00 +0000",
        "to": ["Bob <bob@gmail.com>", "Carol <carol@outlook.com>"],
        "messageId": MESSAGE_ID,
        "subject": "Quarterly figures, draft for review",
    },
    "tags": {
        "ses:operation": ["SendSmtpEmail"],
        "ses:configuration-set": ["ses-smtp"],
        "ses:source-tls-version": ["TLSv1.3"],
        "ses:source-ip": ["209.85.218.41"],
        "ses:from-domain": ["example.com"],
        "ses:caller-identity": ["ses-smtp-alice"],
        "ses:outgoing-ip": ["54.240.3.1"],
    },
}
# SNS signs every notification; the envelope SQS receives carries the signature and URLs.
SNS_ENVELOPE: dict[str, Any] = {
    "Type": "Notification",
    "TopicArn": "arn:aws:sns:eu-west-1:123456789012:ses-smtp-events",
    "Timestamp": "2026-11-24T12:00:05.123Z",
    "SignatureVersion": "1",
    "Signature": "EXAMPLE" + "pQ3x" * 84,
    "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
    "UnsubscribeURL": (
        "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
        "arn:aws:sns:eu-west-1:123456789012:ses-smtp-events:2f1c4b7e-0000-4000-8000-000000000000"
    ),
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
            else json.dumps({**SNS_ENVELOPE, "MessageId": f"sns-{index}", "Message": json.dumps(message)})
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
