"""SES delivery events: parsed from SQS -> SNS -> SES JSON, logged, counted, and remembered per recipient.

Accepts SES event publishing (`eventType`) and identity notifications (`notificationType`), in the
spellings AWS publishes (docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html;
tests/data/ses holds a payload after each example). Fields SES adds later are ignored, and a type SES
adds later is reported as unknown rather than failed. Sends and deliveries make no AWS call; a permanent
bounce or a complaint is one conditional write per recipient, keyed by the SES feedback id, so a
duplicate delivery of the same event changes nothing.
"""

from __future__ import annotations

from email.utils import parseaddr
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson
from botocore.exceptions import ClientError

from ses_smtp.contract import BY_SENDER_INDEX, HISTORY_AT, HISTORY_SENDER, METRIC, PK, RECIPIENT_PREFIX, SK
from ses_smtp.errors import InvalidRequest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# SES's event type -> the object holding its details. "Rendering Failure" is spelled with a space
# by SES (the field reference and its example); no AWS source shows it without one.
DETAIL_KEYS = {
    "Send": "send",
    "Delivery": "delivery",
    "Bounce": "bounce",
    "Complaint": "complaint",
    "Reject": "reject",
    "DeliveryDelay": "deliveryDelay",
    "Rendering Failure": "failure",
    "Open": "open",
    "Click": "click",
    "Subscription": "subscription",
}
KINDS = tuple(DETAIL_KEYS)
# Types whose details list their recipients (with a bounce's action, status and diagnostic code).
LISTED_RECIPIENTS = {
    "Bounce": "bouncedRecipients",
    "Complaint": "complainedRecipients",
    "DeliveryDelay": "delayedRecipients",
}
FEEDBACK_KINDS = frozenset({"Bounce", "Complaint"})
NO_FEEDBACK = ("", "", "", "")
CALLER_TAG = "ses:caller-identity"  # SES sets it to the IAM user that sent


def metric_name(kind: str) -> str:
    """A type's metric: SES's name without spaces ("Rendering Failure" -> RenderingFailure, as dashboards name it)."""
    return kind.replace(" ", "")


class MalformedEvent(InvalidRequest):
    """A record that is not an SES event we understand; it becomes a batch item failure."""

    code = "MalformedEvent"


class UnknownEventType(MalformedEvent):
    """An SES payload of a type this function does not know (SES adds types): reported, not retried."""

    code = METRIC.unknown_event_type  # the error code is the name of the metric that counts it

    def __init__(self, kind: str) -> None:
        super().__init__(f"unknown SES event type {kind!r}")
        self.kind = kind


# Recipient and SesEvent are NamedTuples, immutable as frozen dataclasses are: made per event, they cost
# a third of a frozen dataclass to build (which sets each field through object.__setattr__).
class Recipient(NamedTuple):
    """A recipient of an event, as SES lists it; a bounce's details with it."""

    address: str
    action: str = ""  # bounce action, e.g. failed
    status: str = ""
    diagnostic: str = ""

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()


class SesEvent(NamedTuple):
    """One SES event: what the function logs, counts and remembers of it."""

    kind: str
    message_id: str
    timestamp: str
    source: str
    sender: str
    recipients: tuple[Recipient, ...]
    feedback_id: str
    bounce_type: str
    bounce_subtype: str
    complaint_type: str
    detail: dict[str, Any]

    @property
    def from_domain(self) -> str:
        return self.source.rpartition("@")[2].rstrip(">").lower()

    @property
    def remembered(self) -> bool:
        """Permanent bounces and complaints are kept per recipient."""
        return (self.kind == "Bounce" and self.bounce_type == "Permanent") or self.kind == "Complaint"

    def log_fields(self, full_recipients: bool, fields: dict[str, Any] | None = None) -> dict[str, Any]:
        """What a log line says of the event, added to fields (a line's other fields) if given."""
        fields = {} if fields is None else fields
        fields["event_type"] = self.kind
        fields["ses_message_id"] = self.message_id
        fields["sender"] = self.sender
        fields["from_domain"] = self.from_domain
        fields["recipient_domains"] = sorted({r.domain for r in self.recipients})
        if full_recipients:
            fields["recipients"] = [r.address for r in self.recipients]
        if self.kind == "Bounce":
            fields |= {
                "bounce_type": self.bounce_type,
                "bounce_subtype": self.bounce_subtype,
                "diagnostic_codes": sorted({r.diagnostic for r in self.recipients if r.diagnostic}),
            }
        if self.kind == "Complaint":
            fields["complaint_feedback_type"] = self.complaint_type
        return fields


def parse_sqs_body(body: Any) -> SesEvent:
    """SQS body (an SNS envelope) -> the SES event inside. Raises MalformedEvent (UnknownEventType)."""
    envelope = _json_object(body, "SQS body")
    message = envelope.get("Message")
    if envelope.get("Type") != "Notification" or not isinstance(message, str):
        raise MalformedEvent("not an SNS notification")
    return parse_ses_message(_json_object(message, "SNS message"))


def parse_ses_message(message: dict[str, Any]) -> SesEvent:
    kind = message.get("eventType") or message.get("notificationType")
    if not isinstance(kind, str) or not kind:
        raise MalformedEvent("SES payload without eventType or notificationType")
    if kind not in DETAIL_KEYS:
        raise UnknownEventType(kind)
    mail = message.get("mail")
    if not isinstance(mail, dict) or not isinstance(mail.get("messageId"), str) or not mail["messageId"]:
        raise MalformedEvent("SES event without mail.messageId")
    detail = message.get(DETAIL_KEYS[kind], {})
    if not isinstance(detail, dict):
        raise MalformedEvent(f"{kind} details are not an object")
    # Positional, in SesEvent's field order: keywords cost a NamedTuple a tenth of this function's time.
    return SesEvent(
        kind,
        mail["messageId"],
        str(detail.get("timestamp") or mail.get("timestamp") or ""),
        str(mail.get("source") or ""),
        _sender(mail),
        _recipients(kind, mail, detail),
        *_feedback(kind, detail),
        detail,
    )


def _feedback(kind: str, detail: dict[str, Any]) -> tuple[str, str, str, str]:
    """Feedback id, bounce type and subtype, complaint type: only bounces and complaints have them, and
    nothing reads them of another type, so the other nineteen events in twenty skip the lookups."""
    if kind not in FEEDBACK_KINDS:
        return NO_FEEDBACK
    return (
        str(detail.get("feedbackId") or ""),
        str(detail.get("bounceType") or ""),
        str(detail.get("bounceSubType") or ""),
        str(detail.get("complaintFeedbackType") or ""),
    )


def _sender(mail: dict[str, Any]) -> str:
    """The IAM user that sent: the caller-identity tag (event publishing) or callerIdentity (notifications)."""
    tags = mail.get("tags")
    caller = tags.get(CALLER_TAG) if isinstance(tags, dict) else None
    if isinstance(caller, list) and caller and isinstance(caller[0], str):
        return caller[0]
    identity = mail.get("callerIdentity")
    return identity if isinstance(identity, str) and identity else "unknown"


def _recipients(kind: str, mail: dict[str, Any], detail: dict[str, Any]) -> tuple[Recipient, ...]:
    if kind in LISTED_RECIPIENTS:
        entries = detail.get(LISTED_RECIPIENTS[kind])
        if not isinstance(entries, list):
            raise MalformedEvent(f"{kind} without a list of recipients")
        return tuple(_listed(kind, entry) for entry in entries)
    addresses = detail.get("recipients") if kind == "Delivery" else mail.get("destination")
    if not isinstance(addresses, list):
        raise MalformedEvent(f"{kind} without recipients")
    recipients = []
    for address in addresses:  # one pass: checked and kept
        if not isinstance(address, str):
            raise MalformedEvent(f"{kind} without recipients")
        recipients.append(Recipient(_address(address)))
    return tuple(recipients)


def _listed(kind: str, entry: Any) -> Recipient:
    """A bounced, complained-about or delayed recipient with its details."""
    if not isinstance(entry, dict) or not isinstance(entry.get("emailAddress"), str):
        raise MalformedEvent(f"{kind} without a list of recipients")
    return Recipient(
        _address(entry["emailAddress"]),
        str(entry.get("action", "")),
        str(entry.get("status", "")),
        str(entry.get("diagnosticCode", "")),
    )


def _address(text: str) -> str:
    """SES writes some recipients with their display name ("Grace <grace@example.net>"): the address alone."""
    if "<" in text:
        text = parseaddr(text)[1] or text
    return text.lower()


def _json_object(text: Any, what: str) -> dict[str, Any]:
    # orjson: the events function's time goes mostly into decoding SNS-in-SQS JSON twice per record.
    try:
        value = orjson.loads(text)
    except (TypeError, orjson.JSONDecodeError) as error:
        raise MalformedEvent(f"{what} is not JSON") from error
    if not isinstance(value, dict):
        raise MalformedEvent(f"{what} is not a JSON object")
    return value


# The table's sparse by-sender index (contract.json; modules/credentials creates it).
INDEX_KEYS = (HISTORY_SENDER, HISTORY_AT)


class RecipientHistory:
    """Per-recipient record of permanent bounces and complaints, in the credentials table."""

    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._db = dynamodb
        self._table = table_name

    def remember(self, event: SesEvent, recipient: Recipient) -> bool:
        """One transaction: the event item (only if new) and the recipient's summary. False if seen before."""
        pk = {"S": f"{RECIPIENT_PREFIX}{recipient.address}"}
        event_key = event.feedback_id or event.message_id
        item = {
            PK: pk,
            SK: {"S": f"event#{event.kind}#{event_key}"},
            "kind": {"S": event.kind},
            "ses_message_id": {"S": event.message_id},
            "timestamp": {"S": event.timestamp},
            "sender": {"S": event.sender},
            "from_domain": {"S": event.from_domain},
            "bounce_type": {"S": event.bounce_type},
            "bounce_subtype": {"S": event.bounce_subtype},
            "complaint_type": {"S": event.complaint_type},
            "diagnostic": {"S": recipient.diagnostic},
            # Only event items carry these, so the by-sender index holds events and nothing else.
            HISTORY_SENDER: {"S": event.sender},
            HISTORY_AT: {"S": f"{event.timestamp}#{event_key}"},
        }
        counter = "bounces" if event.kind == "Bounce" else "complaints"
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": item,
                            "ConditionExpression": f"attribute_not_exists({PK})",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": {PK: pk, SK: {"S": "summary"}},
                            "UpdateExpression": (
                                f"ADD {counter} :one SET latest_event = :kind, latest_at = :at, sender = :sender"
                            ),
                            "ExpressionAttributeValues": {
                                ":one": {"N": "1"},
                                ":kind": {"S": event.kind},
                                ":at": {"S": event.timestamp},
                                ":sender": {"S": event.sender},
                            },
                        }
                    },
                ]
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException" and _duplicate(error):
                return False
            raise
        return True

    def for_recipient(self, address: str) -> list[dict[str, Any]]:
        """The recipient's summary and events."""
        return self._query(
            KeyConditionExpression=f"{PK} = :pk",
            ExpressionAttributeValues={":pk": {"S": f"{RECIPIENT_PREFIX}{address.lower()}"}},
        )

    def for_sender(self, sender: str) -> list[dict[str, Any]]:
        """The sender's remembered events, newest first (from the by-sender index, not a scan)."""
        return self._query(
            IndexName=BY_SENDER_INDEX,
            KeyConditionExpression=f"{HISTORY_SENDER} = :sender",
            ExpressionAttributeValues={":sender": {"S": sender}},
            ScanIndexForward=False,
        )

    def _query(self, **query: Any) -> list[dict[str, Any]]:
        pages = self._db.get_paginator("query").paginate(TableName=self._table, **query)
        return [_plain(item) for page in pages for item in page["Items"]]


def _duplicate(error: ClientError) -> bool:
    reasons = error.response.get("CancellationReasons") or []
    return bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    plain = {key: deserializer.deserialize(value) for key, value in item.items() if key not in INDEX_KEYS}
    return {key: int(value) if key in ("bounces", "complaints") else value for key, value in plain.items()}
