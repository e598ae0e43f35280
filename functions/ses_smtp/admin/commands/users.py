"""`ses-smtp users`: create, show, rotate, revoke and delete senders (ses_smtp.admin.users does the work)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ses_smtp import render
from ses_smtp.admin import receiving
from ses_smtp.admin.deployment import DeploymentError
from ses_smtp.admin.users import Admin, PreviousKey, RequestRefused, SmtpCredential, admin_for
from ses_smtp.contract import MAX_RETIRE_AFTER_DAYS
from ses_smtp.store import CredentialStore

NAME_HELP = "the sender's name (alice); its IAM user is the deployment's prefix + name"
FORCE_HELP = "also a sender Terraform manages (the senders input); its next apply puts the declaration back"


def run(args: argparse.Namespace) -> str:
    given = {
        "region": args.region,
        "credentials_function_name": args.function,
        "credentials_table_name": args.table,
        "kms_key_arn": args.kms_key_arn,
    }
    local = getattr(args, "local_state", None)
    admin = admin_for(args.terraform_dir, local, given, in_process=args.invoke == "in-process")
    action: Callable[[Admin, argparse.Namespace], Any] = ACTIONS[args.users_command]
    result = action(admin, args)
    if args.json:
        return json.dumps(result.to_dict() if hasattr(result, "to_dict") else result, indent=2)
    return _for_people(args.users_command, result, getattr(args, "rotation_note", ""))


def _create(admin: Admin, args: argparse.Namespace) -> SmtpCredential:
    _warn_about_shared_addresses(admin, args.from_patterns)
    admin.request(
        "create", name=args.name, forward_to=args.forward_to, limits=_limits(args), **{"from": args.from_patterns}
    )
    return admin.credential(args.name)  # a new sender: no previous password ("previous": null)


def _update(admin: Admin, args: argparse.Namespace) -> dict[str, Any]:
    """One request with whatever was given: --forward-to (an empty one stops forwarding) and/or limits."""
    changes: dict[str, Any] = {"limits": limits} if (limits := _limits(args)) else {}
    if args.forward_to is not None:
        changes["forward_to"] = args.forward_to
    if not changes:
        raise DeploymentError("give something to change: --forward-to ADDRESS and/or a limit, e.g. --per-hour 50")
    return admin.request("update", name=args.name, force=args.force, **changes)["sender"]  # type: ignore[no-any-return]


def _release(admin: Admin, args: argparse.Namespace) -> dict[str, Any]:
    return admin.request("release", name=args.name)["sender"]  # type: ignore[no-any-return]


def _limits(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name) for name in LIMIT_OPTIONS if getattr(args, name, None) is not None}


def _warn_about_shared_addresses(admin: Admin, patterns: list[str]) -> None:
    """Two senders may send as one address (a shared mailbox), but it is more often a typo: say so."""
    wanted = {pattern.lower() for pattern in patterns}
    for sender in admin.request("list")["senders"]:
        shared = sorted(wanted & {held.lower() for held in sender["from"]})
        if shared:
            print(f"warning: {', '.join(shared)} is also granted to sender {sender['name']!r}", file=sys.stderr)


def _confirmation(admin: Admin, args: argparse.Namespace) -> receiving.Confirmation:
    bucket = admin.deployment.received_mail_bucket_name
    if not bucket:
        raise DeploymentError("this deployment does not receive mail: set receiving_enabled (docs/receiving.md)")
    sender = CredentialStore(admin.session.client("dynamodb"), admin.deployment.credentials_table_name).require(
        args.name
    )
    s3 = admin.session.client("s3", region_name=admin.deployment.region)
    return receiving.latest_confirmation(s3, bucket, args.name, list(sender.from_patterns.addresses))


def _rotate(admin: Admin, args: argparse.Namespace) -> SmtpCredential:
    try:
        response = admin.request(
            "rotate", name=args.name, retire_after_days=args.retire_after_days, retire_now=args.retire_now
        )
    except RequestRefused as refused:
        if "[GracePeriodActive]" in str(refused):
            raise RequestRefused(
                str(refused).replace("ask to retire it now", "retire it now with `--retire-now`")
            ) from refused
        raise
    previous = PreviousKey.of(response["sender"])
    args.rotation_note = (
        f"The previous password keeps working until {render.value(previous.valid_until)}: paste the new one into "
        "Gmail (Settings > Accounts > Send mail as > edit info) before then."
        if previous and previous.valid_until
        else "The previous password no longer works: paste the new one into Gmail now "
        "(Settings > Accounts > Send mail as > edit info)."
    )
    return replace(admin.credential(args.name), previous=previous)


def _show(admin: Admin, args: argparse.Namespace) -> SmtpCredential:
    return admin.credential(args.name, previous=args.previous)


def _status(admin: Admin, args: argparse.Namespace) -> dict[str, Any]:
    return admin.request("status", name=args.name)["sender"]  # type: ignore[no-any-return]


def _list(admin: Admin, args: argparse.Namespace) -> list[dict[str, Any]]:
    unused = {} if args.unused_days is None else {"unused_days": args.unused_days}
    return admin.request("list", **unused)["senders"]  # type: ignore[no-any-return]


def _revoke(admin: Admin, args: argparse.Namespace) -> dict[str, Any]:
    before = admin.request("status", name=args.name)["sender"]  # [SenderNotFound] before any question
    if before["status"] == "revoked":
        return {**before, "already": True}
    _confirm(args, "revoke")
    return admin.request("revoke", name=args.name)["sender"]  # type: ignore[no-any-return]


def _delete(admin: Admin, args: argparse.Namespace) -> dict[str, Any]:
    before = admin.request("status", name=args.name)["sender"]  # a name that does not exist fails here
    if before.get("managed_by") == "terraform" and not args.force:
        # The function refuses too; saying so here spares the question before the refusal.
        raise DeploymentError(
            f"sender {args.name!r} is managed by Terraform (the module's senders input): remove it there and "
            "apply. --force deletes it anyway, and the next terraform apply creates it again if it is still declared"
        )
    _confirm(args, "delete")
    return admin.request("delete", name=args.name, force=args.force)


def _retire(admin: Admin, args: argparse.Namespace) -> dict[str, Any]:
    response = admin.request("retire")
    keys = [
        "retired",
        "skipped_busy",
        "past_max_age",
        "unrecorded_deactivated",
        "migrated",
        "old_password_in_use",
        "unused",
    ]
    return {key: response.get(key, []) for key in keys}


def _confirm(args: argparse.Namespace, verb: str) -> None:
    """--yes, or on a terminal a typed `yes`; a script without --yes is refused rather than left waiting."""
    if args.yes:
        return
    warning = f"{verb} stops {args.name!r} from sending at once"
    if sys.stdin.isatty() and sys.stderr.isatty():
        print(f"{warning}. Type yes to {verb}: ", end="", file=sys.stderr, flush=True)
        if sys.stdin.readline().strip().lower() == "yes":
            return
        raise DeploymentError(f"{verb} cancelled: nothing changed")
    raise DeploymentError(f"{warning}; add --yes to confirm")


ACTIONS: dict[str, Callable[[Admin, argparse.Namespace], Any]] = {
    "create": _create,
    "update": _update,
    "release": _release,
    "confirmation": _confirmation,
    "rotate": _rotate,
    "show": _show,
    "status": _status,
    "list": _list,
    "revoke": _revoke,
    "delete": _delete,
    "retire": _retire,
}


OLD_PASSWORD = {True: "still in use", False: "not used since rotation"}


def _old_password_note(sender: dict[str, Any]) -> str:
    return (
        f"{sender['name']}: a mail client (Gmail?) still has the old password, last used "
        f"{render.value(sender.get('previous_last_used_at'))}; it stops working after "
        f"{render.value(sender.get('previous_valid_until'))}: ask {sender['name']} to paste the new one"
    )


def _for_people(command: str, result: Any, rotation_note: str = "") -> str:
    if isinstance(result, receiving.Confirmation):
        return result.for_people()
    if command == "update":
        forwarded = f"received mail is forwarded to {result.get('forward_to') or 'nobody (not forwarded)'}"
        return f"{result['name']}: {forwarded}\n\n{render.fields(result)}"
    if isinstance(result, SmtpCredential):
        created = "Shown once now; `ses-smtp users show` shows it again. No previous password: a new sender."
        note = {"create": created, "rotate": rotation_note}.get(command, "")
        return result.for_people() + (f"\n\n{note}" if note else "")
    if command == "list":
        rows = [{**sender, "old_password": OLD_PASSWORD.get(sender.get("old_password_in_use"))} for sender in result]
        columns = ["name", "status", "from", "managed_by", "current_access_key_id", "current_last_used_at"]
        table = render.table(
            rows,
            [*columns, "previous_valid_until", "old_password"],
            empty="no senders (with --unused-days: none unused that long)",
        )
        return table + "".join(
            f"\n{_old_password_note(sender)}" for sender in result if sender.get("old_password_in_use")
        )
    if command == "status":
        keys = render.table(
            result.get("iam_keys", []),
            ["access_key_id", "role", "status", "created_at", "last_used_at"],
            empty="no IAM access keys",
        )
        note = f"\n\n{_old_password_note(result)}" if result.get("old_password_in_use") else ""
        return f"{render.fields(result, skip=['iam_keys'])}\n\n{keys}{note}"
    if command == "release":
        return render.fields(result)
    if command == "delete":
        return f"deleted {result['deleted']}: IAM user, keys and records are gone"
    if command == "retire":
        return (
            f"retired {len(result['retired'])} previous key(s) past their grace period"
            + "".join(f"\n  busy, next run: {name}" for name in result["skipped_busy"])
            + "".join(f"\n  moved to its own From policy: {name}" for name in result.get("migrated", []))
            + "".join(
                f"\n  {old['sender']}: current key {old['age_days']} days old, rotate it"
                for old in result["past_max_age"]
            )
            + "".join(
                f"\n  {key['sender']}: access key {key['access_key_id']} was active but in no record; deactivated"
                for key in result["unrecorded_deactivated"]
            )
            + "".join(
                f"\n  {key['sender']}: old password used {render.value(key['last_used_at'])} and retired after "
                f"{render.value(key['valid_until'])}: the person must paste the new one"
                for key in result.get("old_password_in_use", [])
            )
            + "".join(
                f"\n  {unused['sender']}: no key used for {unused['unused_days']} days (a leaver? revoke it)"
                for unused in result.get("unused", [])
            )
        )
    already = "was already" if result.get("already") else "is now"
    claimed = render.value(result.get("revoked_by_claimed"))
    by_at = f"at {render.value(result.get('revoked_at'))}, by {claimed} as the caller claimed"
    return f"{result['name']} {already} {result['status']} ({by_at})"


def from_pattern(text: str) -> str:
    """An address or *@domain, checked before anything is asked of AWS."""
    local_part, at, domain = text.partition("@")
    if not (at and local_part and "." in domain and not domain.startswith(".") and not domain.endswith(".")):
        raise argparse.ArgumentTypeError(f"{text!r} is not an address: give name@domain or *@domain")
    return text


def _days(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None


def unused_days(text: str) -> float:
    days = _days(text)
    if days < 0:
        raise argparse.ArgumentTypeError(f"{text} days: give 0 or more")
    return days


def grace_days(text: str) -> float:
    days = _days(text)
    if not 0 <= days <= MAX_RETIRE_AFTER_DAYS:
        raise argparse.ArgumentTypeError(f"{text} is outside 0 to {MAX_RETIRE_AFTER_DAYS} days")
    return days


# option -> (type, help); the names are the credentials function's limit names (ses_smtp.limits.Limits)
LIMIT_OPTIONS: dict[str, tuple[Callable[[str], Any], str]] = {
    "per_hour": (int, "recipients per hour, as SES counts them (default: the module's sender_limits)"),
    "per_day": (int, "recipients per UTC day"),
    "max_bounce_rate": (float, "hard bounces per recipient in a day, as a fraction (0.05 is 5%%)"),
    "max_complaint_rate": (float, "complaints per recipient in a day, as a fraction"),
    "min_volume": (int, "recipients in a day before the rates count"),
}


def _add_limit_options(command: Any) -> None:
    for name, (kind, text) in LIMIT_OPTIONS.items():
        command.add_argument(f"--{name.replace('_', '-')}", dest=name, type=kind, metavar="N", help=text)


def add_parser(commands: Any) -> None:
    users = commands.add_parser("users", help="create, show, rotate, revoke and delete senders")
    users.add_argument("--terraform-dir", default=".", help="deployment's Terraform directory (default: current)")
    users.add_argument("--function", help="credentials function name (instead of terraform output)")
    users.add_argument("--table", help="credentials table name")
    users.add_argument("--kms-key-arn", help="KMS key ARN")
    users.add_argument(
        "--invoke",
        choices=["lambda", "in-process"],
        default="lambda",
        help="in-process runs the handler here with the function's settings (only with --local)",
    )
    sub = users.add_subparsers(dest="users_command", required=True)

    create = sub.add_parser("create", help="create a sender and print its SMTP settings once")
    create.add_argument("name", help=NAME_HELP)
    create.add_argument(
        "--from",
        dest="from_patterns",
        action="append",
        required=True,
        metavar="ADDRESS",
        type=from_pattern,
        help="an address (alice@example.com) or *@example.com; repeatable",
    )
    create.add_argument("--forward-to", metavar="ADDRESS", help="with receiving: the person's own mailbox")
    _add_limit_options(create)
    update = sub.add_parser("update", help="change where a sender's received mail is forwarded and/or its own limits")
    update.add_argument("name", help=NAME_HELP)
    update.add_argument("--forward-to", metavar="ADDRESS", help='the person\'s own mailbox; "" stops')
    _add_limit_options(update)
    update.add_argument("--force", action="store_true", help=FORCE_HELP)
    release = sub.add_parser("release", help="reactivate a quarantined sender's keys")
    release.add_argument("name", help=NAME_HELP)
    confirmation = sub.add_parser(
        "confirmation", help="print the latest Gmail confirmation code and link received for a sender"
    )
    confirmation.add_argument("name", help=NAME_HELP)
    rotate = sub.add_parser("rotate", help="issue a new key; the previous one works until --retire-after-days")
    rotate.add_argument("name", help=NAME_HELP)
    rotate.add_argument(
        "--retire-after-days",
        type=grace_days,
        default=None,
        metavar="DAYS",
        help="how long the previous key keeps working, 0 to 90 (default: the module's setting)",
    )
    rotate.add_argument("--retire-now", action="store_true", help="retire a previous key still in its grace period")
    show = sub.add_parser("show", help="print the SMTP settings and password (needs kms:Decrypt)")
    show.add_argument("name", help=NAME_HELP)
    show.add_argument("--previous", action="store_true", help="the previous key, during its grace period")
    status = sub.add_parser("status", help="a sender's record and its IAM keys, with last use")
    status.add_argument("name", help=NAME_HELP)
    listing = sub.add_parser("list", help="every sender, with its keys' last use")
    listing.add_argument(
        "--unused-days",
        type=unused_days,
        metavar="N",
        help="only senders none of whose keys were used for N days (or, never used, issued N days ago)",
    )
    sub.add_parser("retire", help="retire previous keys past their grace period now (the daily scheduled run)")
    for verb, text in (
        ("revoke", "deactivate and delete every key; keep the record"),
        ("delete", "remove the sender entirely"),
    ):
        command = sub.add_parser(verb, help=text)
        command.add_argument("name", help=NAME_HELP)
        command.add_argument("--yes", action="store_true", help="confirm")
    sub.choices["delete"].add_argument("--force", action="store_true", help=FORCE_HELP)
    users.set_defaults(run=run)
