"""The local stand-in for SES receiving: a loopback SMTP endpoint that does what the module's receipt rule
does. It accepts mail for the domain (550 for any other), scans it, stores the raw message in the
emulator's S3 as SES's S3 action does (`<prefix><message id>`), then hands SES's receiving event
(`Records[].ses.mail/receipt`, verdicts included) to the forwarding function, in this process.

The scan stands in for SES's: the industry's test patterns, GTUBE for spam and EICAR for viruses, make
the verdict FAIL; anything else passes. Development tooling only: never in the Lambda zip.
"""

from __future__ import annotations

import email
import email.policy
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import getaddresses
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SmtpServer
from aiosmtpd.smtp import Envelope, Session

from ses_smtp.forwarding import OBJECT_PREFIX

MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # SES receives up to 40 MB
GTUBE = b"XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
COMMON_HEADERS = {
    "from": "from",
    "to": "to",
    "cc": "cc",
    "subject": "subject",
    "date": "date",
    "message-id": "messageId",
}


@dataclass
class InboundEndpoint:
    """SES's inbound SMTP for one domain, on 127.0.0.1. deliver receives each SES event (the function)."""

    s3: Any
    bucket: str
    domain: str
    deliver: Callable[[dict[str, Any]], Any]
    function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-forwarding"
    port: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.port = self.port or _free_port()
        self._controller = Controller(
            _Handler(self),
            hostname="127.0.0.1",
            port=self.port,
            ident="inbound-smtp.local",
            data_size_limit=MAX_MESSAGE_BYTES,
        )

    def start(self) -> InboundEndpoint:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> InboundEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def receive(self, source: str, recipients: list[str], raw: bytes) -> str:
        """Store the message and hand its event on; returns SES's message id."""
        message_id = f"{uuid.uuid4().hex}{uuid.uuid4().hex[:8]}"
        self.s3.put_object(Bucket=self.bucket, Key=f"{OBJECT_PREFIX}{message_id}", Body=raw)
        event = receiving_event(message_id, source, recipients, raw, self.function_arn)
        self.events.append(event)
        self.deliver(event)
        return message_id


def receiving_event(
    message_id: str, source: str, recipients: list[str], raw: bytes, function_arn: str
) -> dict[str, Any]:
    """SES's Lambda-action event for a message, shaped as AWS documents it."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    headers = [{"name": name, "value": str(value)} for name, value in message.items()]
    common: dict[str, Any] = {"returnPath": source}
    for header, key in COMMON_HEADERS.items():
        values = message.get_all(header, [])
        if values:
            listed = header in ("from", "to", "cc")
            common[key] = [str(v) for v in values] if listed else str(values[0])
    spam = "FAIL" if GTUBE in raw else "PASS"
    virus = "FAIL" if EICAR in raw else "PASS"
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": now,
                        "source": source,
                        "messageId": message_id,
                        "destination": recipients,
                        "headersTruncated": False,
                        "headers": headers,
                        "commonHeaders": common,
                    },
                    "receipt": {
                        "timestamp": now,
                        "processingTimeMillis": 1,
                        "recipients": recipients,
                        "spamVerdict": {"status": spam},
                        "virusVerdict": {"status": virus},
                        "spfVerdict": {"status": "GRAY"},
                        "dkimVerdict": {"status": "GRAY"},
                        "dmarcVerdict": {"status": "GRAY"},
                        "action": {"type": "Lambda", "functionArn": function_arn, "invocationType": "Event"},
                    },
                },
            }
        ]
    }


class _Handler:
    def __init__(self, endpoint: InboundEndpoint) -> None:
        self.endpoint = endpoint

    async def handle_RCPT(
        self, server: SmtpServer, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.rpartition("@")[2].lower() != self.endpoint.domain:
            return "550 5.7.1 Relaying denied"  # only the rule's recipients are received
        envelope.rcpt_tos.append(address)
        return "250 Ok"

    async def handle_DATA(self, server: SmtpServer, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        recipients = [address.lower() for _, address in getaddresses([str(a) for a in envelope.rcpt_tos])]
        message_id = self.endpoint.receive(str(envelope.mail_from), recipients, raw)
        return f"250 Ok {message_id}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
