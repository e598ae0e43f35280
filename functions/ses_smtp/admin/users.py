"""The administrator's side of sender credentials (`ses-smtp users` is ses_smtp.admin.commands.users).

Changes go through the credentials function (which cannot read passwords); reading a password is a
KMS Decrypt with the administrator's own credentials, audited in CloudTrail.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ses_smtp import render
from ses_smtp.admin.deployment import Deployment, DeploymentError, InProcessInvoker, LambdaInvoker, session_for
from ses_smtp.envelope import encryption_context, open_sealed
from ses_smtp.errors import SenderNotFound, SesSmtpError
from ses_smtp.store import CredentialStore

if TYPE_CHECKING:
    from ses_smtp.admin.local_stack import StackState


class RequestRefused(SesSmtpError):
    """The credentials function refused the request; its message says why."""

    code = "RequestRefused"


@dataclass(frozen=True)
class PreviousKey:
    """The key a rotation replaced: it works until valid_until, and the retire run after that deletes it."""

    username: str
    valid_until: str | None
    stops_working_by: str | None  # with a rate() retire schedule; None: "at the first retire run after"

    @classmethod
    def of(cls, sender: dict[str, Any]) -> PreviousKey | None:
        if not sender.get("previous_access_key_id"):
            return None
        return cls(
            sender["previous_access_key_id"],
            sender.get("previous_valid_until"),
            sender.get("previous_stops_working_by"),
        )

    def for_people(self) -> str:
        when = f"works until {render.value(self.valid_until)}"
        if self.stops_working_by:
            return f"{self.username} {when}, stops by {render.value(self.stops_working_by)} (the retire run after it)"
        return f"{self.username} {when}, stops at the first retire run after that"


@dataclass(frozen=True)
class SmtpCredential:
    sender: str
    from_addresses: list[str]
    smtp_server: str
    username: str
    password: str = field(repr=False)  # keep it out of tracebacks, debuggers and test output
    role: str
    valid_until: str | None
    starttls_port: int = 587
    tls_port: int = 465
    previous: PreviousKey | None = None  # create and rotate say when the previous password stops working

    def to_dict(self) -> dict[str, Any]:
        return {
            "sender": self.sender,
            "from": self.from_addresses,
            "smtp_server": self.smtp_server,
            "starttls_port": self.starttls_port,
            "tls_port": self.tls_port,
            "username": self.username,
            "password": self.password,
            "key": self.role,
            "valid_until": self.valid_until,
            "previous": asdict(self.previous) if self.previous else None,
        }

    def for_people(self) -> str:
        lines = [
            f"SMTP settings for {self.sender} ({', '.join(self.from_addresses)}), {self.role} key:",
            f"  SMTP Server  {self.smtp_server}",
            f"  Port         {self.starttls_port}, 'Secured connection using TLS' (or {self.tls_port} with SSL)",
            f"  Username     {self.username}",
            f"  Password     {self.password}",
        ]
        if self.valid_until:
            lines.append(f"  Valid until  {self.valid_until} (then the daily retire run deletes it)")
        if self.previous:
            lines.append(f"  Previous     {self.previous.for_people()}")
        return "\n".join(lines)


class Admin:
    """What the CLI does for one deployment."""

    def __init__(self, deployment: Deployment, invoke: Callable[[dict[str, Any]], dict[str, Any]], session: Any):
        self.deployment = deployment
        self.invoke = invoke
        self.session = session

    def request(self, action: str, **fields: Any) -> dict[str, Any]:
        correlation_id = str(uuid.uuid4())
        payload = {
            "action": action,
            "correlation_id": correlation_id,
            "operation_id": correlation_id,  # a retry of this invocation is the same operation
            "actor": self._actor(),
            **fields,
        }
        response = self.invoke(payload)
        if not response.get("ok"):
            error = response.get("error", {})
            raise RequestRefused(f"{error.get('message', 'refused')} [{error.get('code', 'Error')}]")
        return response

    def credential(self, name: str, *, previous: bool = False) -> SmtpCredential:
        store = CredentialStore(self.session.client("dynamodb"), self.deployment.credentials_table_name)
        sender = store.require(name)
        key = sender.previous_key if previous else sender.current_key
        if key is None:
            which = "previous" if previous else "current"
            raise SenderNotFound(f"sender {name!r} has no {which} key (status {sender.status})")
        sealed = store.sealed_credential(name, key.access_key_id)
        if sealed is None:
            raise SenderNotFound(f"no stored password for {name!r} key {key.access_key_id}; rotate to issue a new one")
        context = encryption_context(name, key.access_key_id)
        password = open_sealed(self.session.client("kms"), sealed, context, self.deployment.kms_key_arn)
        return SmtpCredential(
            sender=name,
            from_addresses=sender.from_patterns.as_list(),
            smtp_server=self.deployment.smtp_endpoint,
            username=key.access_key_id,
            password=password,
            role="previous" if previous else "current",
            valid_until=render.timestamp(key.retire_after) if key.retire_after else None,
            starttls_port=self.deployment.starttls_port,
            tls_port=self.deployment.tls_port,
        )

    def _actor(self) -> str:
        try:
            return str(self.session.client("sts").get_caller_identity()["Arn"])
        except Exception:  # the audit field is best effort; CloudTrail records the real caller
            return "unknown"


def admin_for(
    terraform_dir: str, local: StackState | None, given: dict[str, str | None], *, in_process: bool = False
) -> Admin:
    """The deployment's administration: the local stack's (its handler run here), or the one in terraform_dir."""
    if local is not None:
        deployment = Deployment.from_outputs(local.deployment_outputs(), "the local stack's state file")
        session = session_for(deployment)
        log_dir = Path(local.log_dir) if local.log_dir else None  # the stack's own log files
        return Admin(deployment, InProcessInvoker(deployment, session, log_dir=log_dir), session)
    if in_process:
        raise DeploymentError(
            "--invoke in-process runs the credentials code here, with your AWS credentials and the deployed "
            "function's settings (which whoever can change the function controls); it is only for the local "
            "stack: add --local STATE_FILE, or use --invoke lambda"
        )
    deployment = Deployment.find(terraform_dir, given)
    session = session_for(deployment)
    return Admin(deployment, LambdaInvoker(deployment, session), session)
