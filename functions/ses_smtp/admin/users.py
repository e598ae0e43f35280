"""`ses-smtp users`: the administrator's side of sender credentials.

Changes go through the credentials function (which cannot read passwords); reading a password is a
KMS Decrypt with the administrator's own credentials, audited in CloudTrail.
"""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ses_smtp import render
from ses_smtp.admin.deployment import Deployment, DeploymentError, InProcessInvoker, LambdaInvoker, session_for
from ses_smtp.envelope import encryption_context, open_sealed
from ses_smtp.errors import SenderNotFound, SesSmtpError
from ses_smtp.store import CredentialStore

if TYPE_CHECKING:
    from ses_smtp.local.state import StackState


class RequestRefused(SesSmtpError):
    """The credentials function refused the request; its message says why."""

    code = "RequestRefused"


@dataclass(frozen=True)
class SmtpCredential:
    sender: str
    from_addresses: list[str]
    smtp_server: str
    username: str
    password: str
    role: str
    valid_until: str | None
    starttls_port: int = 587
    tls_port: int = 465

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

    def credential(self, name: str, previous: bool = False) -> SmtpCredential:
        store = CredentialStore(self.session.client("dynamodb"), self.deployment.credentials_table_name)
        sender = store.require(name)
        key = sender.previous_key if previous else sender.current_key
        if key is None:
            which = "previous" if previous else "current"
            raise SenderNotFound(f"sender {name!r} has no {which} key (status {sender.status})")
        sealed = store.sealed_credential(name, key.access_key_id)
        if sealed is None:
            raise SenderNotFound(f"no stored password for {name!r} key {key.access_key_id}; rotate to issue a new one")
        password = open_sealed(self.session.client("kms"), sealed, encryption_context(name, key.access_key_id))
        return SmtpCredential(
            sender=name,
            from_addresses=sender.from_patterns.as_list(),
            smtp_server=self.deployment.smtp_endpoint,
            username=key.access_key_id,
            password=password,
            role="previous" if previous else "current",
            valid_until=key.retire_after.strftime("%Y-%m-%d %H:%M UTC") if key.retire_after else None,
            starttls_port=self.deployment.starttls_port,
            tls_port=self.deployment.tls_port,
        )

    def _actor(self) -> str:
        try:
            return str(self.session.client("sts").get_caller_identity()["Arn"])
        except Exception:  # the audit field is best effort; CloudTrail records the real caller
            return "unknown"


def admin_for(
    terraform_dir: str, local: StackState | None, given: dict[str, str | None], in_process: bool = False
) -> Admin:
    """The deployment's administration: the local stack's (its handler run here), or the one in terraform_dir."""
    if local is not None:
        deployment = Deployment.from_outputs(local.deployment_outputs(), "the local stack's state file")
    else:
        deployment = Deployment.find(terraform_dir, given)
    session = session_for(deployment)
    invoker = InProcessInvoker if in_process or local is not None else LambdaInvoker
    return Admin(deployment, invoker(deployment, session), session)


def run(args: argparse.Namespace) -> str:
    given = {
        "region": args.region,
        "credentials_function_name": args.function,
        "credentials_table_name": args.table,
        "kms_key_arn": args.kms_key_arn,
    }
    admin = admin_for(args.terraform_dir, getattr(args, "local_state", None), given, args.invoke == "in-process")
    action: Callable[[Admin, argparse.Namespace], Any] = ACTIONS[args.users_command]
    result = action(admin, args)
    if args.json:
        return json.dumps(result if not isinstance(result, SmtpCredential) else result.to_dict(), indent=2)
    return _for_people(args.users_command, result)


def _create(admin: Admin, args: argparse.Namespace) -> SmtpCredential:
    admin.request("create", name=args.name, **{"from": args.from_patterns})
    return admin.credential(args.name)


def _rotate(admin: Admin, args: argparse.Namespace) -> SmtpCredential:
    admin.request("rotate", name=args.name, retire_after_days=args.retire_after_days, retire_now=args.retire_now)
    return admin.credential(args.name)


def _show(admin: Admin, args: argparse.Namespace) -> SmtpCredential:
    return admin.credential(args.name, previous=args.previous)


def _status(admin: Admin, args: argparse.Namespace) -> dict[str, Any]:
    return admin.request("status", name=args.name)["sender"]  # type: ignore[no-any-return]


def _list(admin: Admin, args: argparse.Namespace) -> list[dict[str, Any]]:
    return admin.request("list")["senders"]  # type: ignore[no-any-return]


def _revoke(admin: Admin, args: argparse.Namespace) -> dict[str, Any]:
    _confirm(args, "revoke")
    return admin.request("revoke", name=args.name)["sender"]  # type: ignore[no-any-return]


def _delete(admin: Admin, args: argparse.Namespace) -> dict[str, Any]:
    _confirm(args, "delete")
    return admin.request("delete", name=args.name)


def _retire(admin: Admin, args: argparse.Namespace) -> dict[str, Any]:
    response = admin.request("retire")
    return {key: response[key] for key in ("retired", "skipped_busy", "past_max_age")}


def _confirm(args: argparse.Namespace, verb: str) -> None:
    if not args.yes:
        raise DeploymentError(f"{verb} stops {args.name!r} from sending at once; add --yes to confirm")


ACTIONS: dict[str, Callable[[Admin, argparse.Namespace], Any]] = {
    "create": _create,
    "rotate": _rotate,
    "show": _show,
    "status": _status,
    "list": _list,
    "revoke": _revoke,
    "delete": _delete,
    "retire": _retire,
}


def _for_people(command: str, result: Any) -> str:
    if isinstance(result, SmtpCredential):
        note = {
            "create": "Shown once now; `ses-smtp users show` shows it again.",
            "rotate": (
                "The previous password keeps working until its valid-until time: paste the new one into Gmail "
                "(Settings > Accounts > Send mail as > edit info) before then."
            ),
        }.get(command, "")
        return result.for_people() + (f"\n\n{note}" if note else "")
    if command == "list":
        return render.table(
            [{**s, "from": ",".join(s["from"])} for s in result],
            ["name", "status", "from", "current_access_key_id", "previous_valid_until"],
        )
    if command == "status":
        keys = render.table(
            result.get("iam_keys", []), ["access_key_id", "role", "status", "created_at", "last_used_at"]
        )
        head = "\n".join(f"{key:>22}  {value}" for key, value in result.items() if key != "iam_keys")
        return f"{head}\n\n{keys}"
    if command == "delete":
        return f"deleted {result['deleted']}: IAM user, keys and records are gone"
    if command == "retire":
        return (
            f"retired {len(result['retired'])} previous key(s) past their grace period"
            + "".join(f"\n  busy, next run: {name}" for name in result["skipped_busy"])
            + "".join(
                f"\n  {old['sender']}: current key {old['age_days']} days old, rotate it"
                for old in result["past_max_age"]
            )
        )
    return f"{result['name']} is {result['status']} (by {result.get('revoked_by')} at {result.get('revoked_at')})"


def add_parser(commands: Any) -> None:
    users = commands.add_parser("users", help="create, show, rotate, revoke and delete senders")
    users.add_argument("--terraform-dir", default=".", help="deployment's Terraform directory (default: current)")
    users.add_argument("--function", help="credentials function name (instead of terraform output)")
    users.add_argument("--table", help="credentials table name")
    users.add_argument("--kms-key-arn", help="KMS key ARN")
    users.add_argument("--region", help="AWS region of the deployment")
    users.add_argument(
        "--invoke",
        choices=["lambda", "in-process"],
        default="lambda",
        help="in-process runs the handler here with the function's settings (the local stack)",
    )
    users.add_argument("--json", action="store_true", help="machine-readable output")
    sub = users.add_subparsers(dest="users_command", required=True)

    create = sub.add_parser("create", help="create a sender and print its SMTP settings once")
    create.add_argument("name")
    create.add_argument(
        "--from",
        dest="from_patterns",
        action="append",
        required=True,
        metavar="ADDRESS",
        help="an address (alice@example.com) or *@example.com; repeatable",
    )
    rotate = sub.add_parser("rotate", help="issue a new key; the previous one works until --retire-after-days")
    rotate.add_argument("name")
    rotate.add_argument("--retire-after-days", type=float, default=None, help="grace period (default: module's)")
    rotate.add_argument("--retire-now", action="store_true", help="retire a previous key still in its grace period")
    show = sub.add_parser("show", help="print the SMTP settings and password (needs kms:Decrypt)")
    show.add_argument("name")
    show.add_argument("--previous", action="store_true", help="the previous key, during its grace period")
    status = sub.add_parser("status", help="a sender's record and its IAM keys, with last use")
    status.add_argument("name")
    sub.add_parser("list", help="every sender")
    sub.add_parser("retire", help="retire previous keys past their grace period now (the daily scheduled run)")
    for verb, text in (
        ("revoke", "deactivate and delete every key; keep the record"),
        ("delete", "remove the sender entirely"),
    ):
        command = sub.add_parser(verb, help=text)
        command.add_argument("name")
        command.add_argument("--yes", action="store_true", help="confirm")
    users.set_defaults(run=run)
