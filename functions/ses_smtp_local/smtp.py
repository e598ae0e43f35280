"""A local SMTP endpoint that behaves like SES's: the way Gmail, swaks or smtplib see it.

STARTTLS port and implicit-TLS port; EHLO advertises what SES advertises; AUTH PLAIN and LOGIN with
the access key id as user name and the password checked by deriving the SES SMTP password from that
key's secret in the emulator; the From address checked as IAM would check ses:FromAddress against the
sender's own inline policies and boundary, read from the emulator's IAM (ses_smtp_local.iam_policy),
and against the verified identities; SES's size limit and a
sending rate; accepted mail handed to the emulator's SES as that sender with the identity's
configuration set, and SES's events (mailbox simulator included) published to the configuration set's
SNS destinations, so the events pipeline runs as it would.

Replies use SES's wording, so troubleshooting guides read the same locally.
"""

from __future__ import annotations

import email
import email.policy
import hmac
import json
import logging
import socket
import sys
import threading
import time
import urllib.parse
import warnings
from dataclasses import dataclass
from email.utils import getaddresses, parseaddr
from typing import Any, AnyStr

import boto3
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SmtpServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session, TLSSetupException
from botocore.exceptions import ClientError

from ses_smtp.smtp_password import derive_smtp_password
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.iam_policy import Request, allowed
from ses_smtp_local.simulator import Sent, events_for
from ses_smtp_local.tls import Certificates

SES_HOST = "email-smtp.amazonaws.com"
MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # SES's limit per message, headers and encoded attachments included
ACCOUNT_ID = "123456789012"  # the emulator's account

# aiosmtpd warns when AUTH is allowed without TLS; on the STARTTLS port require_starttls refuses AUTH
# (530, as SES does) until TLS is up, and the other port is TLS from the first byte.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS", module="aiosmtpd.smtp")
# The same notice per connection in its log, and a deprecation notice about its own attribute.
logging.getLogger("mail.log").setLevel(logging.ERROR)
AUTH_INVALID = "535 Authentication Credentials Invalid"
TOO_LARGE = "552 Message size exceeds fixed maximum message size"
# aiosmtpd's own replies where SES words them differently (SES's SMTP response codes page).
SES_WORDING = {
    "530 5.7.0 Authentication required": "530 Authentication required",
    "552 Error: message size exceeds fixed maximum message size": TOO_LARGE,
    "552 Error: Too much mail data": TOO_LARGE,
}
THROTTLED = "454 Throttling failure: Maximum sending rate exceeded."
EVENT_TYPES = {"Send": "SEND", "Delivery": "DELIVERY", "Bounce": "BOUNCE", "Complaint": "COMPLAINT"}


@dataclass(frozen=True)
class Caller:
    """An authenticated sender: the IAM user behind the access key."""

    user_name: str
    user_arn: str
    access_key_id: str
    secret: str


class SendingRate:
    """SES's maximum send rate: recipients per second, as a token bucket."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self._tokens = per_second
        self._at = time.monotonic()
        self._lock = threading.Lock()

    def take(self, count: int = 1) -> bool:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.per_second, self._tokens + (now - self._at) * self.per_second)
            self._at = now
            if self._tokens < count:
                return False
            self._tokens -= count
            return True


class LocalSes:
    """SES as the SMTP handler sees it: keys, grants, identities, sending and events, on the emulator."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.session = emulator.session()

    def caller(self, access_key_id: str, password: str) -> Caller | None:
        """The sender whose active key this is, if the password derives from its secret for this region."""
        found = _emulator_access_key(access_key_id)
        if found is None:
            return None
        user_name, secret, status = found
        if status != "Active":
            return None
        if not hmac.compare_digest(derive_smtp_password(secret, self.emulator.region), password):
            return None
        arn = self.session.client("iam").get_user(UserName=user_name)["User"]["Arn"]
        return Caller(user_name, arn, access_key_id, secret)

    def may_send_as(self, caller: Caller, address: str) -> bool:
        """IAM's decision on ses:SendRawEmail From this address, on its identity, for the caller.

        The caller's inline policies and permissions boundary, as the emulator's IAM holds them, with
        ses:FromAddress exactly as the client wrote it. Group and attached policies are not read: the
        module gives senders neither.
        """
        iam = self.session.client("iam")
        user = iam.get_user(UserName=caller.user_name)["User"]
        names = iam.list_user_policies(UserName=caller.user_name)["PolicyNames"]
        policies = [
            _decoded(iam.get_user_policy(UserName=caller.user_name, PolicyName=n)["PolicyDocument"]) for n in names
        ]
        boundary = None
        boundary_arn = user.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
        if boundary_arn:
            version = iam.get_policy(PolicyArn=boundary_arn)["Policy"]["DefaultVersionId"]
            found = iam.get_policy_version(PolicyArn=boundary_arn, VersionId=version)["PolicyVersion"]["Document"]
            boundary = _decoded(found)
        identity = self.identity_for(address) or address.rpartition("@")[2]
        resource = f"arn:aws:ses:{self.emulator.region}:{ACCOUNT_ID}:identity/{identity}"
        return allowed(policies, boundary, Request("ses:SendRawEmail", resource, {"ses:FromAddress": address}))

    def identity_for(self, address: str) -> str | None:
        """The verified identity (address or its domain) SES would send this From address under."""
        sesv2 = self.session.client("sesv2")
        identities = {i["IdentityName"].lower() for i in sesv2.list_email_identities()["EmailIdentities"]}
        domain = address.rpartition("@")[2].lower()
        return next((name for name in (address.lower(), domain) if name in identities), None)

    def send(self, caller: Caller, source: str, recipients: list[str], raw: bytes, identity: str) -> tuple[str, str]:
        """Hand the message to the emulator's SES as the caller; returns (message id, configuration set)."""
        configuration_set = (
            self.session.client("sesv2").get_email_identity(EmailIdentity=identity).get("ConfigurationSetName", "")
        )
        sesv2 = boto3.session.Session(
            aws_access_key_id=caller.access_key_id,
            aws_secret_access_key=caller.secret,
            region_name=self.emulator.region,
        ).client("sesv2", endpoint_url=self.emulator.endpoint_url)
        request: dict[str, Any] = {
            "FromEmailAddress": source,
            "Destination": {"ToAddresses": recipients},
            "Content": {"Raw": {"Data": raw}},
        }
        if configuration_set:
            request["ConfigurationSetName"] = configuration_set
        return sesv2.send_email(**request)["MessageId"], configuration_set

    def publish(self, sent: Sent) -> None:
        """SES's events for the message, to the configuration set's enabled SNS destinations."""
        if not sent.configuration_set:
            return
        destinations = self.session.client("sesv2").get_configuration_set_event_destinations(
            ConfigurationSetName=sent.configuration_set
        )["EventDestinations"]
        sns = self.session.client("sns")
        for event in events_for(sent):
            for destination in destinations:
                wanted = EVENT_TYPES[event["eventType"]] in destination.get("MatchingEventTypes", [])
                if destination.get("Enabled") and wanted and "SnsDestination" in destination:
                    sns.publish(TopicArn=destination["SnsDestination"]["TopicArn"], Message=json.dumps(event))


class SesHandler:
    """aiosmtpd hooks, answering as SES does."""

    def __init__(self, ses: LocalSes, rate: SendingRate) -> None:
        self.ses = ses
        self.rate = rate

    async def handle_EHLO(
        self, server: SmtpServer, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        starttls = ["250-STARTTLS"] if server.tls_context and not _encrypted(server) else []
        size = f"250-SIZE {MAX_MESSAGE_BYTES}"  # so a client refuses a too-large message before uploading it
        return [f"250-{SES_HOST}", "250-8BITMIME", size, *starttls, "250-AUTH PLAIN LOGIN", "250 Ok"]

    async def handle_exception(self, error: Exception) -> str:
        """A client that gives up on the TLS handshake is one line in the stack's terminal, not a traceback."""
        if isinstance(error, TLSSetupException):
            cause = error.__cause__ or error
            print(f"smtp: a client's TLS handshake failed ({type(cause).__name__}: {cause})", file=sys.stderr)
            return "454 TLS not available due to temporary reason"  # not sent: aiosmtpd closes the connection
        logging.getLogger("mail.log").exception("SMTP session exception")
        return f"500 Error: ({error.__class__.__name__}) {error}"

    async def handle_MAIL(
        self, server: SmtpServer, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 Ok"

    async def handle_RCPT(
        self, server: SmtpServer, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        envelope.rcpt_tos.append(address)
        return "250 Ok"

    async def handle_DATA(self, server: SmtpServer, session: Session, envelope: Envelope) -> str:
        caller = session.auth_data
        assert isinstance(caller, Caller)  # auth_required: DATA only follows a successful AUTH
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
        from_addresses = [address for _, address in getaddresses(message.get_all("From", []))] or [
            str(envelope.mail_from)
        ]
        for address in {str(envelope.mail_from), *from_addresses}:
            if not self.ses.may_send_as(caller, address):
                identity = self.ses.identity_for(address) or address
                return (
                    f"554 Access denied: User `{caller.user_arn}' is not authorized to perform `ses:SendRawEmail' "
                    f"on resource `arn:aws:ses:{self.ses.emulator.region}:{ACCOUNT_ID}:identity/{identity}'"
                )
        verified = self.ses.identity_for(from_addresses[0])
        if verified is None:
            return (
                "554 Message rejected: Email address is not verified. The following identities failed the check "
                f"in region {self.ses.emulator.region.upper()}: {from_addresses[0]}"
            )
        if not self.rate.take(len(envelope.rcpt_tos)):
            return THROTTLED
        recipients = [str(address) for address in envelope.rcpt_tos]
        try:
            message_id, configuration_set = self.ses.send(caller, str(envelope.mail_from), recipients, raw, verified)
        except ClientError as error:  # the emulator refused: answer as SES refuses, never with a traceback
            logging.getLogger(__name__).warning("emulator refused the message: %s", error)
            return f"554 Message rejected: {error.response['Error'].get('Message', 'the message was refused')}"
        sent = Sent(
            message_id=message_id,
            source=parseaddr(str(envelope.mail_from))[1],
            recipients=tuple(recipients),
            message=message,
            sender=caller.user_name,
            configuration_set=configuration_set,
            identity_arn=f"arn:aws:ses:{self.ses.emulator.region}:{ACCOUNT_ID}:identity/{verified}",
            account_id=ACCOUNT_ID,
            tls_version=_tls_version(server),
        )
        self.ses.publish(sent)
        return f"250 Ok {message_id}"


class SesSmtp(SmtpServer):
    """aiosmtpd's server, with SES's words where aiosmtpd has its own."""

    async def push(self, status: AnyStr) -> None:
        text = status.decode() if isinstance(status, bytes) else str(status)
        await super().push(SES_WORDING.get(text, text))


class SesController(Controller):
    def factory(self) -> SmtpServer:
        return SesSmtp(self.handler, **self.SMTP_kwargs)


class SmtpEndpoint:
    """Both listeners, on 127.0.0.1: STARTTLS (as SES's 587) and implicit TLS (as SES's 465)."""

    def __init__(
        self,
        emulator: Emulator,
        certificates: Certificates,
        max_send_rate: float = 14.0,
        starttls_port: int = 0,
        tls_port: int = 0,
    ) -> None:
        self.ses = LocalSes(emulator)
        self.handler = SesHandler(self.ses, SendingRate(max_send_rate))
        self.certificates = certificates
        context = certificates.server_context()
        common: dict[str, Any] = {
            "hostname": "127.0.0.1",
            "server_hostname": SES_HOST,
            "ident": "ESMTP SimpleEmailService-local",
            "authenticator": self._authenticate,
            "auth_required": True,
            "auth_require_tls": False,  # AUTH is advertised as SES does, then refused before STARTTLS
            "data_size_limit": MAX_MESSAGE_BYTES,
        }
        self._starttls = SesController(
            self.handler, port=starttls_port or _free_port(), tls_context=context, require_starttls=True, **common
        )
        self._tls = SesController(self.handler, port=tls_port or _free_port(), ssl_context=context, **common)

    @property
    def starttls_port(self) -> int:
        return int(self._starttls.port)

    @property
    def tls_port(self) -> int:
        return int(self._tls.port)

    def start(self) -> SmtpEndpoint:
        self._starttls.start()
        self._tls.start()
        return self

    def stop(self) -> None:
        self._tls.stop()
        self._starttls.stop()

    def __enter__(self) -> SmtpEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _authenticate(
        self, server: SmtpServer, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False, message=AUTH_INVALID)
        caller = self.ses.caller(auth_data.login.decode(errors="replace"), auth_data.password.decode(errors="replace"))
        if caller is None:
            return AuthResult(success=False, handled=False, message=AUTH_INVALID)
        return AuthResult(success=True, auth_data=caller, message="235 Authentication successful.")


def _emulator_access_key(access_key_id: str) -> tuple[str, str, str] | None:
    """(user name, secret, status) of an access key, read inside the emulator.

    Real IAM never returns a secret after creation; SES itself derives the password from it. The local
    endpoint does the same by reading the emulator's memory (it runs in the emulator's process).
    """
    from moto.iam.models import iam_backends

    for user in iam_backends[ACCOUNT_ID]["global"].users.values():
        for key in user.access_keys:
            if key.access_key_id == access_key_id:
                return str(user.name), str(key.secret_access_key), str(key.status)
    return None


def _decoded(document: Any) -> dict[str, Any]:
    """A policy document as IAM returns it: boto3 decodes it to a dict; a string is URL-encoded JSON."""
    if isinstance(document, str):
        return dict(json.loads(urllib.parse.unquote(document)))
    return dict(document)


def _encrypted(server: SmtpServer) -> bool:
    return server.transport is not None and server.transport.get_extra_info("ssl_object") is not None


def _tls_version(server: SmtpServer) -> str:
    ssl_object = server.transport.get_extra_info("ssl_object") if server.transport else None
    return str(ssl_object.version()) if ssl_object else "none"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
