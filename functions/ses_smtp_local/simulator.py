"""What SES would publish about a message: event-publishing JSON for each outcome, with the mailbox
simulator's outcomes (success@, bounce@, ooto@, complaint@, suppressionlist@ simulator.amazonses.com,
`+label` allowed). Any other recipient is reported delivered: the local stack sends nothing anywhere.

Shaped as SES's own payloads are (tests/data/ses; tests/unit/test_events.py compares the key sets):
ooto@ is delivered and then bounces as Transient/General with no DSN fields, and suppressionlist@ bounces
as Permanent/General with the "blacklisted address" diagnostic, as captured from real SES.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses
from typing import Any

SIMULATOR_DOMAIN = "simulator.amazonses.com"
SUPPRESSED_DIAGNOSTIC = "smtp; 550 5.1.1 user unknown ( blacklisted address: {address} )"


@dataclass(frozen=True)
class Sent:
    """One accepted message, as SES knows it."""

    message_id: str
    source: str
    recipients: tuple[str, ...]
    message: Message
    sender: str  # the IAM user name: SES's ses:caller-identity
    configuration_set: str
    identity_arn: str
    account_id: str
    tls_version: str


def simulated_outcome(recipient: str) -> str:
    """success, bounce, ooto, complaint, suppressionlist, or delivered for an ordinary address."""
    local, _, domain = recipient.lower().partition("@")
    if domain != SIMULATOR_DOMAIN:
        return "delivered"
    mailbox = local.split("+", 1)[0]
    return mailbox if mailbox in {"success", "bounce", "ooto", "complaint", "suppressionlist"} else "delivered"


def events_for(sent: Sent, now: datetime | None = None) -> list[dict[str, Any]]:
    """Send, then per recipient what SES would report next, in SES's event-publishing JSON."""
    moment = _timestamp(now)
    mail = _mail(sent, moment)
    events = [{"eventType": "Send", "mail": mail, "send": {}}]
    for recipient in sent.recipients:
        outcome = simulated_outcome(recipient)
        if outcome in {"bounce", "suppressionlist"}:
            events.append({"eventType": "Bounce", "mail": mail, "bounce": _bounce(recipient, outcome, moment)})
            continue
        events.append({"eventType": "Delivery", "mail": mail, "delivery": _delivery(recipient, moment)})
        if outcome == "complaint":
            events.append({"eventType": "Complaint", "mail": mail, "complaint": _complaint(recipient, moment)})
        if outcome == "ooto":
            events.append({"eventType": "Bounce", "mail": mail, "bounce": _out_of_office(recipient, moment)})
    return events


def _mail(sent: Sent, moment: str) -> dict[str, Any]:
    headers = [{"name": name, "value": str(value)} for name, value in sent.message.items()]
    from_domain = sent.source.rpartition("@")[2].lower()
    return {
        "timestamp": moment,
        "source": sent.source,
        "sourceArn": sent.identity_arn,
        "sendingAccountId": sent.account_id,
        "messageId": sent.message_id,
        "destination": list(sent.recipients),
        "headersTruncated": False,
        "headers": headers,
        "commonHeaders": {
            "from": [str(v) for v in sent.message.get_all("From", [])],
            "to": [address for _, address in getaddresses([str(v) for v in sent.message.get_all("To", [])])],
            "messageId": sent.message_id,
            "subject": str(sent.message.get("Subject", "")),
        },
        "tags": {
            "ses:operation": ["SendSmtpEmail"],
            "ses:configuration-set": [sent.configuration_set],
            "ses:source-tls-version": [sent.tls_version],
            "ses:source-ip": ["127.0.0.1"],
            "ses:from-domain": [from_domain],
            "ses:caller-identity": [sent.sender],
            "ses:outgoing-ip": ["127.0.0.1"],
        },
    }


def _delivery(recipient: str, moment: str) -> dict[str, Any]:
    return {
        "timestamp": moment,
        "processingTimeMillis": 120,
        "recipients": [recipient],
        "smtpResponse": "250 2.6.0 Message received",
        "reportingMTA": "local.ses-smtp",
    }


def _bounce(recipient: str, outcome: str, moment: str) -> dict[str, Any]:
    suppressed = outcome == "suppressionlist"
    bounce: dict[str, Any] = {
        "bounceType": "Permanent",
        "bounceSubType": "General",
        "bouncedRecipients": [
            {
                "emailAddress": recipient,
                "action": "failed",
                "status": "5.1.1",
                "diagnosticCode": (
                    SUPPRESSED_DIAGNOSTIC.format(address=recipient) if suppressed else "smtp; 550 5.1.1 user unknown"
                ),
            }
        ],
        "timestamp": moment,
        "feedbackId": _feedback_id(),
    }
    if suppressed:
        bounce["remoteMtaIp"] = "127.0.0.1"
    bounce["reportingMTA"] = "dns; local.ses-smtp"
    return bounce


def _out_of_office(recipient: str, moment: str) -> dict[str, Any]:
    """An auto-reply: a soft bounce, without the DSN fields of a hard one."""
    return {
        "feedbackId": _feedback_id(),
        "bounceType": "Transient",
        "bounceSubType": "General",
        "bouncedRecipients": [{"emailAddress": recipient}],
        "timestamp": moment,
    }


def _complaint(recipient: str, moment: str) -> dict[str, Any]:
    return {
        "complainedRecipients": [{"emailAddress": recipient}],
        "timestamp": moment,
        "feedbackId": _feedback_id(),
        "userAgent": "Amazon SES Mailbox Simulator",
        "complaintFeedbackType": "abuse",
        "arrivalDate": moment,
    }


def _feedback_id() -> str:
    return f"0102018f{uuid.uuid4().hex}-000000"


def _timestamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
