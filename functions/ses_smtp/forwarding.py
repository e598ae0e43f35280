"""Received mail, forwarded to the person it was for: parse SES's receiving event, decide, rewrite.

SES stores each message (S3 action) and then invokes the forwarding function with the event its Lambda
action sends: `Records[].ses.mail` and `.receipt`, verdicts included, without the body. For each
recipient that is a sender's granted exact address with a `forward_to`, the stored message is sent on to
forward_to, From the sender's own address (SES sends only as verified identities), with the original
sender's name kept in the display name and their address as Reply-To. Only the header block is
rewritten: the body bytes, and so every MIME part, are sent as received.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from botocore.exceptions import ClientError

from ses_smtp.contract import EXPIRES_AT, FORWARDED_PREFIX, FORWARDING_READS, PK, RECEIVED_MAIL_PREFIX, SK
from ses_smtp.errors import InvalidRequest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sesv2 import SESV2Client

# Where SES's S3 action stores received mail (Terraform passes it as OBJECT_PREFIX too).
OBJECT_PREFIX = RECEIVED_MAIL_PREFIX
# Added to every message we forward; a message that carries it is never forwarded again.
LOOP_HEADER = "X-Ses-Smtp-Forwarded"
BOUNCE_CLAIM = "bounce"  # the ledger's recipient slot for a message's one bounce (never an address: no @)
# SES's v2 API (and SMTP) limit, measured after base64 encoding of the raw message.
SES_SEND_LIMIT = 40 * 1024 * 1024
# Headers that would break or mislead once the message leaves From another address: signatures over
# the old headers, the old envelope and relay trace SES adds, and headers we set ourselves.
DROPPED_HEADERS = frozenset(
    name.lower()
    for name in (
        "DKIM-Signature",
        "Domainkey-Signature",
        "ARC-Seal",
        "ARC-Message-Signature",
        "ARC-Authentication-Results",
        "Authentication-Results",
        "Received-SPF",
        "Return-Path",
        "Sender",
        "From",
        "Reply-To",
        "Message-ID",  # SES gives the forwarded copy its own
        "Errors-To",
        "Feedback-ID",
        "X-SES-RECEIPT",
        "X-SES-DKIM-SIGNATURE",
        "X-SES-Spam-Verdict",
        "X-SES-Virus-Verdict",
        "X-SES-Outgoing",
        LOOP_HEADER,
    )
)
_FIELD_START = re.compile(rb"^[^\s:]+:")


class MalformedEvent(InvalidRequest):
    """The invocation is not an SES receiving event we understand."""

    code = "MalformedEvent"


class Mailbox(NamedTuple):
    """Where mail for one granted address goes."""

    sender: str
    address: str
    forward_to: str


class Received(NamedTuple):
    """One message SES received, from its Lambda action event."""

    message_id: str
    timestamp: str
    source: str
    recipients: tuple[str, ...]
    spam: str
    virus: str
    subject: str = ""
    from_header: str = ""
    loop_marked: bool = False
    headers_truncated: bool = False

    @classmethod
    def parse(cls, record: Any) -> Received:
        try:
            ses = record["ses"]
            mail, receipt = ses["mail"], ses["receipt"]
            message_id = _text(mail["messageId"])
            recipients = tuple(_text(r).lower() for r in receipt["recipients"])
            spam = _text(receipt["spamVerdict"]["status"])
            virus = _text(receipt["virusVerdict"]["status"])
            headers = mail.get("headers") or []
            common = mail.get("commonHeaders") or {}
            from_values = common.get("from") or []
            return cls(
                message_id=message_id,
                timestamp=_text(mail.get("timestamp", "")),
                source=_text(mail.get("source", "")),
                recipients=recipients,
                spam=spam,
                virus=virus,
                subject=_text(common.get("subject", "")),
                from_header=_text(from_values[0]) if from_values else "",
                loop_marked=any(_text(h["name"]).lower() == LOOP_HEADER.lower() for h in headers),
                headers_truncated=bool(mail.get("headersTruncated", False)),
            )
        except (KeyError, TypeError, IndexError, AttributeError) as error:
            raise MalformedEvent(f"not an SES receiving record: missing or malformed {error}") from error

    @property
    def object_key_suffix(self) -> str:
        """SES's S3 action stores the message under the prefix followed by the message id."""
        return self.message_id


def parse_event(event: Any) -> list[Received]:
    """The messages of one Lambda action invocation (SES sends one record per message)."""
    if not isinstance(event, Mapping) or not isinstance(event.get("Records"), list) or not event["Records"]:
        raise MalformedEvent("expected SES's receiving event: {'Records': [{'ses': {'mail': ..., 'receipt': ...}}]}")
    return [Received.parse(record) for record in event["Records"]]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


# Deciding


class Plan(NamedTuple):
    """What happens to one message: who gets a copy, and what happens to everyone else."""

    outcome: str  # forwarded | spam | virus | loop | unknown | nothing
    deliveries: tuple[Mailbox, ...] = ()
    unknown: tuple[str, ...] = ()


def plan(message: Received, mailboxes: Mapping[str, Mailbox]) -> Plan:
    """Verdicts first (failing mail is kept, never forwarded), then loops, then the recipients."""
    if message.virus == "FAIL":
        return Plan("virus")
    if message.spam == "FAIL":
        return Plan("spam")
    if message.loop_marked:
        return Plan("loop")
    deliveries = tuple(mailboxes[r] for r in message.recipients if r in mailboxes)
    unknown = tuple(r for r in message.recipients if r not in mailboxes)
    return Plan("forwarded" if deliveries else "unknown", deliveries, unknown)


# Rewriting


class Original(NamedTuple):
    """The received message's author, as its headers name them."""

    name: str
    address: str
    reply_to: str

    @property
    def label(self) -> str:
        return self.name or self.address or "unknown sender"


def split_message(raw: bytes) -> tuple[bytes, bytes, bytes]:
    """(header block, the line break and empty line that end it, body) without decoding either."""
    match = re.search(rb"\r?\n\r?\n", raw)
    if match is None:
        return raw, b"", b""
    return raw[: match.start()], raw[match.start() : match.end()], raw[match.end() :]


def header_fields(block: bytes) -> Iterator[tuple[str, bytes]]:
    """Each header field as (lower-case name, its raw lines with folding kept)."""
    current: list[bytes] = []
    for line in block.splitlines(keepends=True):
        if current and (line[:1] in (b" ", b"\t") or not _FIELD_START.match(line)):
            current.append(line)
            continue
        if current:
            yield _field_name(current[0]), b"".join(current)
        current = [line]
    if current:
        yield _field_name(current[0]), b"".join(current)


def _field_name(first_line: bytes) -> str:
    return first_line.split(b":", 1)[0].strip().decode("ascii", "replace").lower()


def original_author(header_block: bytes) -> Original:
    # compat32, the parser's default: headers as they are written. (Naming it would import email.policy and
    # its header registry, a few milliseconds of every cold start.)
    headers = BytesHeaderParser().parsebytes(header_block + b"\r\n\r\n")
    name, address = email.utils.parseaddr(_decoded(headers.get("From", "")))
    _, reply_to = email.utils.parseaddr(_decoded(headers.get("Reply-To", "")))
    return Original(name=name.strip(), address=address, reply_to=reply_to or address)


def is_loop(header_block: bytes) -> bool:
    return any(name == LOOP_HEADER.lower() for name, _ in header_fields(header_block))


def _decoded(value: Any) -> str:
    try:
        return str(make_header(decode_header(str(value))))
    except (UnicodeDecodeError, LookupError, ValueError):
        return str(value)


def rewrite(raw: bytes, mailbox: Mailbox, message_id: str) -> bytes:
    """The message as forwarded: new From, Reply-To and loop header; the body byte for byte."""
    block, blank, body = split_message(raw)
    newline = b"\r\n" if b"\r\n" in blank or block.endswith(b"\r") else b"\n"
    author = original_author(block)
    kept = [lines for name, lines in header_fields(block) if name not in DROPPED_HEADERS]
    display = f"{author.label} via {mailbox.address}"
    added = [
        f"From: {email.utils.formataddr((display, mailbox.address), charset='utf-8')}",
        *([f"Reply-To: {author.reply_to}"] if author.reply_to else []),
        f"{LOOP_HEADER}: {message_id}",
    ]
    new_block = b"".join(_ending(lines, newline) for lines in kept)
    new_block += b"".join(line.encode("utf-8") + newline for line in added)
    return new_block + newline + body  # every kept line ends with its newline: add the empty line only


def _ending(lines: bytes, newline: bytes) -> bytes:
    return lines if lines.endswith(b"\n") else lines + newline


def encoded_size(raw: bytes) -> int:
    """Size as SES counts it: after base64 encoding."""
    return 4 * ((len(raw) + 2) // 3)


def too_large_notice(message: Received, mailbox: Mailbox, size: int, kept_until: datetime) -> bytes:
    """A short note to the person: the message exists, is kept, and could not be forwarded whole."""
    lines = [
        f"From: {email.utils.formataddr(('Mail for ' + mailbox.address, mailbox.address))}",
        f"To: {mailbox.forward_to}",
        f"Subject: Too large to forward: {message.subject or '(no subject)'}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        f"{LOOP_HEADER}: {message.message_id}",
        "",
        f"A message from {message.from_header or message.source} arrived for {mailbox.address} "
        f"on {message.timestamp}, but at {size / 1_048_576:.1f} MB it is over the 40 MB SES can send "
        "(sizes count after base64 encoding, about a third more than the attachments).",
        "",
        f"It is kept until {kept_until:%Y-%m-%d}. Ask the sender for a link instead, or ask your "
        f"administrator for the stored message (SES message id {message.message_id}).",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")


# Data access


class Directory(Protocol):
    def mailboxes(self) -> Mapping[str, Mailbox]: ...


class SenderMailboxes:
    """Granted exact addresses of active senders with a forward_to, from the credentials table.

    Reads only the attributes forwarding needs (the role may read nothing else: no sealed credential),
    and keeps them for a minute in a warm function.
    """

    TTL = timedelta(minutes=1)

    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._db = dynamodb
        self._table = table_name
        self._cached: tuple[datetime, dict[str, Mailbox]] | None = None

    def mailboxes(self) -> Mapping[str, Mailbox]:
        now = datetime.now(UTC)
        if self._cached is None or now - self._cached[0] > self.TTL:
            self._cached = (now, dict(_by_address(self._scan())))
        return self._cached[1]

    def _scan(self) -> Iterator[dict[str, Any]]:
        # Placeholders for every name: some (name, status) are DynamoDB reserved words.
        names = {f"#read{index}": name for index, name in enumerate(FORWARDING_READS)}
        pages = self._db.get_paginator("scan").paginate(
            TableName=self._table,
            Select="SPECIFIC_ATTRIBUTES",
            ProjectionExpression=", ".join(names),
            FilterExpression=f"{SK} = :sender",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={":sender": {"S": "sender"}},
        )
        for page in pages:
            yield from page["Items"]


def _by_address(items: Iterable[dict[str, Any]]) -> Iterator[tuple[str, Mailbox]]:
    for item in items:
        forward_to = item.get("forward_to", {}).get("S")
        if not forward_to or item.get("status", {}).get("S") != "active":
            continue
        for pattern in item.get("from_patterns", {}).get("L", []):
            address = pattern.get("S", "").lower()
            if address and not address.startswith("*@"):  # exact addresses only: a catch-all is not a person
                yield address, Mailbox(item["name"]["S"], address, forward_to)


class Ledger(Protocol):
    def claim(self, message_id: str, recipient: str) -> bool: ...
    def done(self, message_id: str, recipient: str) -> None: ...
    def release(self, message_id: str, recipient: str) -> None: ...


class ForwardedLedger:
    """Which (message, recipient) pairs were forwarded: SES may deliver an event twice, Lambda retries.

    A claim is one conditional write; a claim whose function died (older than STALE) may be retaken.
    Each claim expires (the table's TTL) once the stored message has: a later copy has nothing to forward.
    """

    STALE = timedelta(minutes=5)

    def __init__(self, dynamodb: DynamoDBClient, table_name: str, kept: timedelta = timedelta(days=30)) -> None:
        self._db = dynamodb
        self._table = table_name
        self.kept = kept

    @staticmethod
    def key(message_id: str, recipient: str) -> dict[str, Any]:
        return {PK: {"S": f"{FORWARDED_PREFIX}{message_id}#{recipient}"}, SK: {"S": "forwarded"}}

    def claim(self, message_id: str, recipient: str) -> bool:
        now = datetime.now(UTC)
        try:
            self._db.put_item(
                TableName=self._table,
                Item={
                    **self.key(message_id, recipient),
                    "state": {"S": "claimed"},
                    "at": {"S": now.isoformat()},
                    EXPIRES_AT: {"N": str(int((now + self.kept).timestamp()))},
                },
                ConditionExpression=f"attribute_not_exists({PK}) OR (#state = :claimed AND #at < :stale)",
                ExpressionAttributeNames={"#state": "state", "#at": "at"},
                ExpressionAttributeValues={
                    ":claimed": {"S": "claimed"},
                    ":stale": {"S": (now - self.STALE).isoformat()},
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def done(self, message_id: str, recipient: str) -> None:
        self._db.update_item(
            TableName=self._table,
            Key=self.key(message_id, recipient),
            UpdateExpression="SET #state = :forwarded",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={":forwarded": {"S": "forwarded"}},
        )

    def release(self, message_id: str, recipient: str) -> None:
        self._db.delete_item(TableName=self._table, Key=self.key(message_id, recipient))


# The whole flow for one message


class Outcome:
    """What happened to one message, counted as it happens: one log line and its metrics."""

    def __init__(self, message_id: str, outcome: str, unknown: int = 0) -> None:
        self.message_id = message_id
        self.outcome = outcome
        self.unknown = unknown
        self.forwarded = self.duplicates = self.too_large = self.size = 0
        self.bounced = False

    def log_fields(self) -> dict[str, Any]:
        return {
            "ses_message_id": self.message_id,
            "outcome": self.outcome,
            "forwarded": self.forwarded,
            "duplicates": self.duplicates,
            "too_large": self.too_large,
            "unknown_recipients": self.unknown,
            "bounced": self.bounced,
            "size_bytes": self.size,
        }


class Forwarder:
    """Forwards one received message. AWS access is passed in: SES v2 and v1 clients, S3, the table."""

    def __init__(
        self,
        sesv2: SESV2Client,
        ses: SESClient,
        s3: S3Client,
        bucket: str,
        object_prefix: str,
        domain: str,
        directory: Directory,
        ledger: Ledger,
        unknown_recipient: str = "drop",  # or bounce
        retention: timedelta = timedelta(days=30),
    ) -> None:
        self.sesv2, self.ses, self.s3 = sesv2, ses, s3
        self.bucket, self.object_prefix, self.domain = bucket, object_prefix, domain
        self.directory, self.ledger = directory, ledger
        self.unknown_recipient, self.retention = unknown_recipient, retention

    def handle(self, message: Received) -> Outcome:
        decided = plan(message, self.directory.mailboxes())
        result = Outcome(message.message_id, decided.outcome, unknown=len(decided.unknown))
        if decided.outcome in ("virus", "spam", "loop"):
            return result  # kept in the bucket until it expires; never bounced (no backscatter)
        if decided.unknown and self.unknown_recipient == "bounce":
            result.bounced = self._bounce_once(message, decided.unknown)
        if not decided.deliveries:
            return result
        raw = self._stored(message)
        result.size = len(raw)
        if is_loop(split_message(raw)[0]):  # the event's headers may have been truncated
            result.outcome = "loop"
            return result
        for mailbox in decided.deliveries:
            self._deliver(message, mailbox, raw, result)
        return result

    def _deliver(self, message: Received, mailbox: Mailbox, raw: bytes, result: Outcome) -> None:
        if not self.ledger.claim(message.message_id, mailbox.address):
            result.duplicates += 1
            return
        try:
            forwarded = rewrite(raw, mailbox, message.message_id)
            if encoded_size(forwarded) > SES_SEND_LIMIT:
                kept_until = datetime.now(UTC) + self.retention
                self._send(mailbox, too_large_notice(message, mailbox, encoded_size(forwarded), kept_until))
                result.too_large += 1
            else:
                self._send(mailbox, forwarded)
                result.forwarded += 1
        except Exception:
            self.ledger.release(message.message_id, mailbox.address)  # so Lambda's retry forwards it
            raise
        self.ledger.done(message.message_id, mailbox.address)

    def _stored(self, message: Received) -> bytes:
        key = f"{self.object_prefix}{message.object_key_suffix}"
        body: bytes = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def _send(self, mailbox: Mailbox, raw: bytes) -> None:
        self.sesv2.send_email(
            FromEmailAddress=mailbox.address,
            Destination={"ToAddresses": [mailbox.forward_to]},
            Content={"Raw": {"Data": raw}},
        )

    def _bounce_once(self, message: Received, recipients: Sequence[str]) -> bool:
        """One bounce per message, however often the event is delivered or retried."""
        if not self.ledger.claim(message.message_id, BOUNCE_CLAIM):
            return False
        try:
            self._bounce(message, recipients)
        except Exception:
            self.ledger.release(message.message_id, BOUNCE_CLAIM)
            raise
        self.ledger.done(message.message_id, BOUNCE_CLAIM)
        return True

    def _bounce(self, message: Received, recipients: Sequence[str]) -> None:
        self.ses.send_bounce(
            OriginalMessageId=message.message_id,
            BounceSender=f"mailer-daemon@{self.domain}",
            Explanation="There is no mailbox for this address.",
            BouncedRecipientInfoList=[{"Recipient": r, "BounceType": "DoesNotExist"} for r in recipients],
        )
