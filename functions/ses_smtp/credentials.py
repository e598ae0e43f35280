"""Sender credentials: create, rotate, revoke, delete, list, status, and retiring expired keys.

Plain logic over three small data-access objects (the store, the IAM directory, KMS). The Lambda
handlers and the CLI both call it. Every operation holds the sender for its duration (one wins, the
other gets Conflict), is idempotent under its operation id, and undoes what it created when a step
fails, so no access key is left unrecorded and no recorded credential is left that would not work.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ses_smtp.config import Settings
from ses_smtp.contract import MAX_RETIRE_AFTER_DAYS
from ses_smtp.directory import AccessKeyLimit, NewAccessKey, SenderDirectory
from ses_smtp.envelope import encryption_context, seal
from ses_smtp.errors import (
    GracePeriodActive,
    InvalidRequest,
    ManagedElsewhere,
    SenderExists,
    SenderRevoked,
    SesSmtpError,
)
from ses_smtp.key_use import KeyUse, is_unused, retiring_while_in_use
from ses_smtp.limits import Limits
from ses_smtp.logsafety import function_logger
from ses_smtp.model import (
    MANAGED_BY_CLI,
    MANAGED_BY_TERRAFORM,
    FromPatterns,
    KeyRef,
    Operation,
    Sender,
    utc_now,
    validate_forward_to,
    validate_name,
)
from ses_smtp.notices import Notices, Window, retiring_soon
from ses_smtp.smtp_password import derive_smtp_password
from ses_smtp.store import STALE_OPERATION, CredentialStore

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

logger = function_logger("ses-smtp")


class _Unchanged:
    """What an update request does not carry; None is a value there (no forward_to)."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()

MAX_RETIRE_AFTER = timedelta(days=MAX_RETIRE_AFTER_DAYS)
# An operation creates a key a moment before it records it, and may die (function timeout, 60 s) in
# between; after STALE_OPERATION (20 minutes) its hold is taken over and the key will never be recorded.
# A key no record knows that is older than this is therefore nobody's work in progress: the retire run
# deactivates it (never deletes: an administrator can look at it and reactivate it).
UNRECORDED_KEY_MARGIN = timedelta(minutes=30)

Findings = list[dict[str, Any]]  # what the retire run reports, one dict per sender or key


@dataclass(frozen=True)
class Caller:
    """Who asked, and the operation id that makes a retry of the same request idempotent."""

    actor: str
    operation_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class RetirementReport:
    """What a retire run did and found; its lists name senders and keys, never a secret."""

    retired: list[str]
    skipped_busy: list[str]
    past_max_age: list[dict[str, Any]]
    unrecorded_deactivated: list[dict[str, Any]] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)
    old_password_in_use: list[dict[str, Any]] = field(default_factory=list)  # retired within a day, used today
    unused: list[dict[str, Any]] = field(default_factory=list)  # no key used for unused_sender_days

    @property
    def needs_attention(self) -> int:
        """Everything an administrator should look at: the one number the alarm watches. Unused senders
        are counted apart (someone who rarely sends is not an emergency)."""
        return (
            len(self.skipped_busy)
            + len(self.past_max_age)
            + len(self.unrecorded_deactivated)
            + len(self.old_password_in_use)
        )


@dataclass(frozen=True)
class Declared:
    """A sender as the module's `senders` input declares it: what Terraform manages of it."""

    name: str
    from_patterns: FromPatterns
    forward_to: str | None
    limits: dict[str, Any]

    @classmethod
    def parse(cls, fields: Mapping[str, Any], settings: Settings) -> Declared:
        """Checked as the CLI's requests are; InvalidRequest names what is wrong."""
        return cls(
            name=validate_name(fields.get("name"), settings.user_name_prefix),
            from_patterns=FromPatterns.parse(fields.get("from"), settings.allowed_domains),
            forward_to=validate_forward_to(fields.get("forward_to"), settings.allowed_domains),
            limits=_overrides(fields.get("limits") or {}),
        )

    def differences(self, sender: Sender | None) -> list[str]:
        """What of the declaration the sender's record does not have (empty: it is as declared)."""
        if sender is None:
            return ["missing"]
        found = {
            "managed_by": sender.managed_by == MANAGED_BY_TERRAFORM,
            "from": _grants(sender.from_patterns) == _grants(self.from_patterns),
            "forward_to": sender.forward_to == self.forward_to,
            "limits": sender.limits == self.limits,
        }
        return [name for name, same in found.items() if not same]


class Credentials:
    def __init__(
        self,
        settings: Settings,
        store: CredentialStore,
        directory: SenderDirectory,
        kms: KMSClient,
        clock: Callable[[], datetime] = utc_now,
        notices: Notices | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.directory = directory
        self.kms = kms
        self.clock = clock
        self.notices = notices  # None: the deployment sends no rotation notices

    # Operations

    def create(
        self,
        name: str,
        from_patterns: Any,
        caller: Caller,
        forward_to: Any = None,
        limits: Mapping[str, Any] | None = None,
        managed_by: str = MANAGED_BY_CLI,
        terraform_generation: int = 0,
    ) -> Sender:
        name = validate_name(name, self.settings.user_name_prefix)
        patterns = FromPatterns.parse(from_patterns, self.settings.allowed_domains)
        forward = validate_forward_to(forward_to, self.settings.allowed_domains)
        overrides = _overrides(limits)
        now = self.clock()
        draft = Sender(
            name=name,
            iam_user=self.settings.user_name_prefix + name,
            from_patterns=patterns,
            status="creating",
            created_at=now,
            created_by=caller.actor,
            operation=Operation(caller.operation_id, "create", now),
            forward_to=forward,
            limits=overrides,
            managed_by=managed_by,
            terraform_generation=terraform_generation,
            own_from_policy=True,  # put below, before the record becomes active; never in the group
        )
        sender, resumed = self.store.begin_create(draft)
        if sender.last_operation_id == caller.operation_id:
            return self._finish_unchanged(sender)
        if sender.status != "creating":
            self.store.release(sender)
            raise SenderExists(f"sender {name!r} already exists (status {sender.status})")
        logger.info("sender held for create", sender=name, resumed=resumed)
        with self._guarded(sender) as progress:
            created = self.directory.create_user(sender.iam_user, name)
            progress.user_is_ours = True  # created now, by an earlier attempt, or an unrecorded one of ours
            logger.info("iam user ready", sender=name, iam_user=sender.iam_user, newly_created=created)
            self.directory.put_from_policy(sender.iam_user, patterns.iam_policy())
            logger.info("from policy set", sender=name, grants=patterns.as_list())
            if resumed or not created:
                self._retire_unrecorded_keys(sender, progress)
            committed = self._issue_key(sender.with_(status="active"), progress, previous=None)
        logger.info("sender created", sender=name, access_key_id=committed.current_key_id)
        return committed

    def quarantine(self, iam_user: str, reason: str, caller: Caller) -> Sender:
        """Deactivate (not delete) every key of the sender behind iam_user, and record why and when."""
        name = validate_name(iam_user.removeprefix(self.settings.user_name_prefix), self.settings.user_name_prefix)
        sender, _ = self.store.begin(name, Operation(caller.operation_id, "quarantine", self.clock()))
        if sender.status != "active":  # already quarantined, revoked, or mid-create: nothing to stop
            return self._finish_unchanged(sender)
        with self._guarded(sender):
            for key_id in sender.key_ids():
                self.directory.deactivate_key(sender.iam_user, key_id)
            held = sender.with_(status="quarantined", quarantined_at=self.clock(), quarantine_reason=reason[:500])
            committed = self.store.finish(held)
        logger.warning("sender quarantined", sender=name, access_key_ids=sender.key_ids(), reason=reason)
        return committed

    def release(self, name: str, caller: Caller) -> Sender:
        """Reactivate a quarantined sender's keys; today's counts start afresh."""
        name = validate_name(name, self.settings.user_name_prefix)
        sender, _ = self.store.begin(name, Operation(caller.operation_id, "release", self.clock()))
        if sender.status != "quarantined":
            self.store.release(sender)
            raise InvalidRequest(f"sender {name!r} is {sender.status}, not quarantined: nothing to release")
        with self._guarded(sender):
            self.store.usage().reset_today(sender.iam_user, self.clock())
            for key_id in sender.key_ids():
                self.directory.activate_key(sender.iam_user, key_id)
            committed = self.store.finish(sender.with_(status="active", quarantined_at=None, quarantine_reason=None))
        logger.info("sender released", sender=name, released_by=caller.actor)
        return committed

    def rotate(
        self, name: str, caller: Caller, retire_after: timedelta | None = None, *, retire_now: bool = False
    ) -> Sender:
        name = validate_name(name, self.settings.user_name_prefix)
        grace = self._grace(retire_after)
        sender, resumed = self.store.begin(name, Operation(caller.operation_id, "rotate", self.clock()))
        if sender.last_operation_id == caller.operation_id:
            return self._finish_unchanged(sender)
        with self._guarded(sender) as progress:
            self._require_active(sender)
            if resumed:
                self._retire_unrecorded_keys(sender, progress)
            if sender.previous_key is not None:
                self._retire_previous_now(sender, sender.previous_key, progress, retire_now=retire_now)
            assert sender.current_key is not None
            outgoing = KeyRef(sender.current_key.access_key_id, sender.current_key.created_at, self.clock() + grace)
            committed = self._issue_key(sender, progress, previous=outgoing)
        logger.info(
            "credentials rotated",
            sender=name,
            access_key_id=committed.current_key_id,
            previous_access_key_id=outgoing.access_key_id,
            previous_valid_until=_iso(outgoing.retire_after),
        )
        if self.notices is not None:
            self.notices.rotated(committed, self._window(outgoing))
        return committed

    def update(
        self,
        name: str,
        caller: Caller,
        forward_to: Any = UNCHANGED,
        limits: Mapping[str, Any] | None = None,
        *,
        force: bool = False,
    ) -> Sender:
        """Change what the request carries: where the sender's received mail is forwarded (set, or cleared
        with "" or None) and/or its own limits (a None value returns that limit to the module's default)."""
        name = validate_name(name, self.settings.user_name_prefix)
        if forward_to is UNCHANGED and not limits:
            raise InvalidRequest("update needs forward_to and/or limits to change")
        changes: dict[str, Any] = {}
        if forward_to is not UNCHANGED:
            changes["forward_to"] = validate_forward_to(forward_to, self.settings.allowed_domains)
        given = dict(limits or {})
        _overrides(given)  # a bad limit is refused before the sender is held
        sender, _ = self.store.begin(name, Operation(caller.operation_id, "update", self.clock()))
        if sender.last_operation_id == caller.operation_id:
            return self._finish_unchanged(sender)
        with self._guarded(sender):
            _require_not_terraforms(sender, "change", force=force)
            if given:
                changes["limits"] = _overrides({**sender.limits, **given})
            committed = self.store.finish(sender.with_(**changes))
        logger.info(
            "sender updated",
            sender=name,
            forward_to_set=committed.forward_to is not None,
            limits=committed.limits,
        )
        return committed

    def revoke(self, name: str, caller: Caller) -> Sender:
        name = validate_name(name, self.settings.user_name_prefix)
        sender, _ = self.store.begin(name, Operation(caller.operation_id, "revoke", self.clock()))
        if sender.status == "revoked" or sender.last_operation_id == caller.operation_id:
            return self._finish_unchanged(sender)
        with self._guarded(sender, failed_status="revoking") as progress:
            self._retire_all_keys(sender, progress)
            revoked = sender.with_(
                status="revoked", current_key=None, previous_key=None, revoked_at=self.clock(), revoked_by=caller.actor
            )
            committed = self.store.finish(revoked, retired=progress.retired)
        logger.info("sender revoked", sender=name, access_key_ids=progress.retired, revoked_by=caller.actor)
        return committed

    def delete(self, name: str, caller: Caller, *, force: bool = False) -> None:
        name = validate_name(name, self.settings.user_name_prefix)
        iam_user = self.settings.user_name_prefix + name
        record = self.store.get(name)
        if record is not None:
            _require_not_terraforms(record, "delete", force=force)
        if record is None:
            # A retry after the record went: finish the IAM side if anything of ours is left.
            if self.directory.user_exists(iam_user):
                self.directory.require_ours(iam_user, name)
                self._remove_iam_user(iam_user)
            return
        sender, _ = self.store.begin(name, Operation(caller.operation_id, "delete", self.clock()))
        with self._guarded(sender, failed_status="deleting") as progress:
            self._retire_all_keys(sender, progress)
            self._remove_iam_user(sender.iam_user)
            self.store.delete_sender(sender)
            self.store.usage().forget(sender.iam_user, self.clock())
        logger.info("sender deleted", sender=name, deleted_by=caller.actor)

    def view(self, sender: Sender) -> dict[str, Any]:
        return sender_view(sender, self.settings.retire_run_interval)

    def list(self) -> list[Sender]:
        return sorted(self.store.senders(), key=lambda sender: sender.name)

    def key_use(self, sender: Sender) -> KeyUse:
        """The last use of the sender's current and previous key, as IAM reports it (one call per key)."""
        current, previous = sender.current_key, sender.previous_key
        return KeyUse(
            current=self.directory.last_used(current.access_key_id) if current else None,
            previous=self.directory.last_used(previous.access_key_id) if previous else None,
        )

    def list_with_use(self, unused_days: float | None = None) -> Findings:
        """Every sender with its keys' last use; with unused_days, only those whose keys were not used that long."""
        now, listed = self.clock(), []
        for sender in self.list():
            use = self.key_use(sender)
            if unused_days is None or is_unused(sender, use, now, unused_days):
                listed.append({**self.view(sender), **use.to_dict(sender)})
        return listed

    # Senders declared in Terraform (the module's `senders` input)

    def declare(self, wanted: Declared, generation: int, caller: Caller) -> Sender:
        """Make a declared sender what the declaration says: create it, or set its grants, forward_to and
        limits. The same declaration again writes nothing. A sender the CLI manages is not taken over."""
        existing = self.store.get(wanted.name)
        if existing is None or existing.status == "creating":
            return self.create(
                wanted.name,
                wanted.from_patterns.as_list(),
                caller,
                wanted.forward_to,
                wanted.limits,
                managed_by=MANAGED_BY_TERRAFORM,
                terraform_generation=generation,
            )
        _require_terraforms(existing)
        if not wanted.differences(existing) and existing.terraform_generation == generation:
            logger.info("declared sender unchanged", sender=wanted.name, generation=generation)
            return existing
        sender, _ = self.store.begin(wanted.name, Operation(caller.operation_id, "declare", self.clock()))
        with self._guarded(sender):
            _require_terraforms(sender)
            if _grants(sender.from_patterns) != _grants(wanted.from_patterns):
                self.directory.put_from_policy(sender.iam_user, wanted.from_patterns.iam_policy())
            declared = sender.with_(
                from_patterns=wanted.from_patterns,
                forward_to=wanted.forward_to,
                limits=wanted.limits,
                terraform_generation=generation,
            )
            committed = self.store.finish(declared)
        logger.info("declared sender updated", sender=wanted.name, differed=wanted.differences(sender))
        return committed

    def undeclare(self, name: str, caller: Caller) -> bool:
        """Delete a sender Terraform no longer declares; True if it went. A missing one is already gone; one
        the CLI manages (created again by hand since) is left alone."""
        record = self.store.get(validate_name(name, self.settings.user_name_prefix))
        if record is not None and record.managed_by != MANAGED_BY_TERRAFORM:
            logger.warning("undeclared sender left alone: the cli manages it", sender=name)
            return False
        self.delete(name, caller, force=True)
        return True

    def observe(self, declared: Sequence[Declared]) -> dict[str, dict[str, Any]]:
        """How each declared sender stands now: what Terraform reads at every plan to show drift."""
        observed = {}
        for wanted in declared:
            sender = self.store.get(wanted.name)
            observed[wanted.name] = {
                "generation": sender.terraform_generation if sender else 0,
                "managed_by": sender.managed_by if sender else None,
                "differs": wanted.differences(sender),
            }
        return observed

    def status(self, name: str) -> dict[str, Any]:
        sender = self.store.require(validate_name(name, self.settings.user_name_prefix))
        keys = [
            {
                "access_key_id": key.access_key_id,
                "role": _role(sender, key.access_key_id),
                "status": key.status,
                "created_at": key.created_at.isoformat(),
                "last_used_at": _iso(self.directory.last_used(key.access_key_id)),
            }
            for key in self.directory.keys(sender.iam_user)
        ]
        return {**self.view(sender), **self.key_use(sender).to_dict(sender), "iam_keys": keys}

    def retire_expired(self) -> RetirementReport:
        """Retire previous keys past their retire_after; deactivate active keys no record knows; report
        current keys older than the maximum age, previous keys about to be retired that are still in use,
        and senders whose keys went unused. An operation left half-done past its stale time no longer holds
        the sender."""
        now = self.clock()
        retired, busy, old, migrated = [], [], [], []
        unrecorded: Findings = []
        in_use: Findings = []
        unused: Findings = []
        for record in self.store.senders():
            unrecorded += self._deactivate_unrecorded_keys(record, now)
            sender = self._without_stale_operation(record, now)
            if self.migrate(sender):
                migrated.append(sender.name)
            previous = sender.previous_key
            if previous and previous.retire_after and previous.retire_after <= now:
                if self._retire_expired_key(sender, previous.access_key_id):
                    retired.append(previous.access_key_id)
                    sender, previous = sender.without_keys([previous.access_key_id]), None  # nothing left to ask IAM
                else:
                    busy.append(sender.name)
            current = sender.current_key
            if current and now - current.created_at > self.settings.max_credential_age:
                age_days = (now - current.created_at).days
                logger.warning(
                    "credential past maximum age",
                    sender=sender.name,
                    access_key_id=current.access_key_id,
                    age_days=age_days,
                    max_age_days=self.settings.max_credential_age.days,
                )
                old.append({"sender": sender.name, "access_key_id": current.access_key_id, "age_days": age_days})
            if sender.status == "active" and previous is not None:
                self._notify_retiring(sender, previous, now)
            if sender.status in ("active", "quarantined") and current is not None:
                use = self.key_use(sender)
                in_use += self._old_password_in_use(sender, use, now)
                unused += self._unused(sender, use, now)
        return RetirementReport(retired, busy, old, unrecorded, migrated, in_use, unused)

    def _notify_retiring(self, sender: Sender, previous: KeyRef, now: datetime) -> None:
        """A day's notice by mail before the previous key is retired (deployments with notices on)."""
        if self.notices is None or previous.retire_after is None:
            return
        if retiring_soon(previous.retire_after, now, self.settings.retire_run_interval):
            self.notices.retiring(sender, self._window(previous))

    def _window(self, previous: KeyRef) -> Window:
        assert previous.retire_after is not None  # a previous key always has one
        interval = self.settings.retire_run_interval
        return Window(previous.retire_after, previous.retire_after + interval if interval else None)

    def _old_password_in_use(self, sender: Sender, use: KeyUse, now: datetime) -> Findings:
        """A day's warning: the previous key is retired within a day, and a mail client used it today."""
        if not retiring_while_in_use(sender, use, now):
            return []
        assert sender.previous_key is not None  # retiring_while_in_use: there is one
        finding: dict[str, Any] = {
            "sender": sender.name,
            "access_key_id": sender.previous_key.access_key_id,
            "last_used_at": _iso(use.previous),
            "valid_until": _iso(sender.previous_key.retire_after),
        }
        logger.warning("old password still in use; its key is retired within a day", **finding)
        return [finding]

    def _unused(self, sender: Sender, use: KeyUse, now: datetime) -> Findings:
        """A leaver, perhaps: no key of the sender used for unused_sender_days."""
        if not is_unused(sender, use, now, self.settings.unused_sender_days):
            return []
        unused = use.unused_for(sender, now) or timedelta(0)
        finding: dict[str, Any] = {
            "sender": sender.name,
            "last_used_at": _iso(use.last_used),
            "unused_days": unused.days,
        }
        logger.warning("sender's keys unused", **finding)
        return [finding]

    def _deactivate_unrecorded_keys(self, sender: Sender, now: datetime) -> Findings:
        """Reconcile IAM with the record: the table can be edited by more principals than this function."""
        recorded = set(sender.key_ids())
        found: Findings = []
        for key in self.directory.keys(sender.iam_user):
            if key.status != "Active" or key.access_key_id in recorded or now - key.created_at < UNRECORDED_KEY_MARGIN:
                continue
            self.directory.deactivate_key(sender.iam_user, key.access_key_id)
            logger.warning(
                "unrecorded access key deactivated",
                sender=sender.name,
                iam_user=sender.iam_user,
                access_key_id=key.access_key_id,
                created_at=key.created_at.isoformat(),
            )
            found.append({"sender": sender.name, "access_key_id": key.access_key_id})
        return found

    def _without_stale_operation(self, sender: Sender, now: datetime) -> Sender:
        """Release a hold whose operation died long ago (as a new operation would take it over)."""
        if sender.operation is None or now - sender.operation.started_at < STALE_OPERATION:
            return sender
        try:
            self.store.release(sender, stale_before=now - STALE_OPERATION)
        except SesSmtpError as error:  # it moved on (finished, or was taken over) since the scan
            logger.info("stale operation not released", sender=sender.name, reason=str(error))
            return sender
        logger.warning(
            "stale operation released",
            sender=sender.name,
            operation=_kind(sender),
            started_at=_iso(sender.operation.started_at),
        )
        return sender.with_(operation=None)

    def migrate(self, sender: Sender) -> bool:
        """Give a sender of an earlier version (group and tags) its own From policy, then leave the group.

        The policy goes on first, so the sender can send throughout. True if anything changed.
        """
        if sender.status == "creating" or sender.own_from_policy:
            return False  # the create in flight puts the policy; a migrated record stays migrated
        wanted = json.loads(sender.from_patterns.iam_policy())
        changed = self.directory.from_policy(sender.iam_user) != wanted and sender.status != "revoked"
        if changed:
            self.directory.put_from_policy(sender.iam_user, sender.from_patterns.iam_policy())
        if self.directory.in_legacy_group(sender.iam_user):
            self.directory.remove_from_group(sender.iam_user)
            changed = True
        if changed:
            logger.info("sender moved to its own from policy", sender=sender.name)
        self.store.record_own_from_policy(sender)  # checked once: later runs skip it
        return changed

    # Steps

    def _issue_key(self, sender: Sender, progress: _Progress, previous: KeyRef | None) -> Sender:
        """Create an access key, seal its SMTP password, and commit it as the sender's current key."""
        try:
            key = self.directory.create_key(sender.iam_user)
        except AccessKeyLimit:
            # IAM allows two keys: one left unrecorded by an interrupted operation is in the way.
            self._retire_unrecorded_keys(sender, progress)
            key = self.directory.create_key(sender.iam_user)
        progress.new_key = key
        logger.info("access key created", sender=sender.name, access_key_id=key.access_key_id)
        password = derive_smtp_password(key.secret_access_key, self.settings.smtp_region)
        sealed = seal(self.kms, self.settings.kms_key_arn, password, encryption_context(sender.name, key.access_key_id))
        logger.info("smtp password derived and sealed", sender=sender.name, access_key_id=key.access_key_id)
        updated = sender.with_(current_key=KeyRef(key.access_key_id, key.created_at), previous_key=previous)
        committed = self.store.issue(updated, sealed, retired=progress.retired)
        logger.info("credential stored", sender=sender.name, access_key_id=key.access_key_id)
        return committed

    def _retire_previous_now(self, sender: Sender, previous: KeyRef, progress: _Progress, *, retire_now: bool) -> None:
        if previous.retire_after is not None and previous.retire_after > self.clock() and not retire_now:
            raise GracePeriodActive(
                f"{sender.name}'s previous key {previous.access_key_id} stays valid until "
                f"{previous.retire_after:%Y-%m-%d %H:%M} UTC; rotate again after that, or ask to retire it now"
            )
        self._retire(sender, previous.access_key_id, progress)
        logger.info("previous key retired early", sender=sender.name, access_key_id=previous.access_key_id)

    def _retire_expired_key(self, sender: Sender, access_key_id: str) -> bool:
        if sender.operation is not None:
            return False  # the operation in flight decides; the next run tries again
        self.directory.retire_key(sender.iam_user, access_key_id)
        try:
            self.store.commit_retirement(sender, access_key_id)
        except SesSmtpError as error:
            logger.warning("retirement not recorded; next run retries", sender=sender.name, reason=str(error))
            return False
        logger.info("previous key retired", sender=sender.name, access_key_id=access_key_id)
        return True

    def _retire(self, sender: Sender, access_key_id: str, progress: _Progress) -> None:
        """Deactivate (from here on the key is retired, whatever fails next), then delete."""
        self.directory.deactivate_key(sender.iam_user, access_key_id)
        progress.retired.append(access_key_id)
        self.directory.delete_key(sender.iam_user, access_key_id)

    def _retire_unrecorded_keys(self, sender: Sender, progress: _Progress) -> None:
        recorded = set(sender.key_ids())
        for key in self.directory.keys(sender.iam_user):
            if key.access_key_id not in recorded:
                self._retire(sender, key.access_key_id, progress)
                logger.warning("unrecorded access key deleted", sender=sender.name, access_key_id=key.access_key_id)

    def _retire_all_keys(self, sender: Sender, progress: _Progress) -> None:
        listed = {key.access_key_id for key in self.directory.keys(sender.iam_user)}
        for key_id in sorted(set(sender.key_ids()) | listed):
            self._retire(sender, key_id, progress)
            logger.info("access key deactivated and deleted", sender=sender.name, access_key_id=key_id)

    def _remove_iam_user(self, iam_user: str) -> None:
        for key in self.directory.keys(iam_user):
            self.directory.retire_key(iam_user, key.access_key_id)
        self.directory.remove_from_group(iam_user)  # senders of earlier versions
        self.directory.delete_from_policy(iam_user)  # IAM refuses to delete a user with inline policies
        self.directory.delete_user(iam_user)
        logger.info("iam user deleted", iam_user=iam_user)

    def _finish_unchanged(self, sender: Sender) -> Sender:
        """The request already took effect (a retry of a completed operation)."""
        if sender.operation is not None:
            self.store.release(sender)
        logger.info("operation already complete", sender=sender.name, operation_id=sender.last_operation_id)
        return sender.with_(operation=None)

    def _require_active(self, sender: Sender) -> None:
        if sender.status == "quarantined":
            raise InvalidRequest(f"sender {sender.name!r} is quarantined; `ses-smtp users release {sender.name}` first")
        if sender.status == "revoked":
            raise SenderRevoked(f"sender {sender.name!r} is revoked; delete it and create it again")
        if sender.status != "active" or sender.current_key is None:
            raise InvalidRequest(f"sender {sender.name!r} is {sender.status}; run the unfinished operation again")

    def _grace(self, retire_after: timedelta | None) -> timedelta:
        grace = self.settings.default_retire_after if retire_after is None else retire_after
        if not timedelta(0) <= grace <= MAX_RETIRE_AFTER:
            raise InvalidRequest(f"retire_after must be between 0 and {MAX_RETIRE_AFTER.days} days")
        return grace

    @contextmanager
    def _guarded(self, sender: Sender, failed_status: str | None = None) -> Iterator[_Progress]:
        """Run an operation's steps; on failure take back what they created and record what they retired.

        What is left is safe: no active key that is not recorded, no recorded key that does not work.
        """
        progress = _Progress()
        try:
            yield progress
        except BaseException:
            logger.warning("operation failed; undoing its steps", sender=sender.name, operation=_kind(sender))
            if progress.new_key is not None:
                self._quietly(self.directory.delete_key, sender.iam_user, progress.new_key.access_key_id)
            if sender.status == "creating":
                if progress.user_is_ours:
                    self._quietly(self._remove_iam_user, sender.iam_user)
                self._quietly(self.store.abandon_create, sender)
            elif progress.retired:
                left = sender.without_keys(progress.retired).with_(status=failed_status or sender.status)
                self._quietly(self.store.abort, left, progress.retired)
            else:
                self._quietly(self.store.release, sender)
            raise

    @staticmethod
    def _quietly(step: Callable[..., Any], *arguments: Any) -> None:
        # Undo is best effort: the original error is what the caller must see; a retry finishes the job.
        try:
            step(*arguments)
        except Exception:
            logger.exception("undo step failed; a retry of the operation will finish it", step=step.__name__)


@dataclass
class _Progress:
    """What an operation has done so far, so a failure can take it back or record it."""

    user_is_ours: bool = False
    new_key: NewAccessKey | None = None
    retired: list[str] = field(default_factory=list)


def _kind(sender: Sender) -> str | None:
    return sender.operation.kind if sender.operation else None


def _role(sender: Sender, access_key_id: str) -> str:
    if sender.current_key and sender.current_key.access_key_id == access_key_id:
        return "current"
    if sender.previous_key and sender.previous_key.access_key_id == access_key_id:
        return "previous"
    return "unrecorded"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def sender_view(sender: Sender, retire_run_interval: timedelta | None = None) -> dict[str, Any]:
    """What responses and the CLI show of a sender: never a secret.

    The previous key is retired by the first scheduled retire run after previous_valid_until; with a
    rate() schedule that is at the latest one interval later (previous_stops_working_by).
    """
    previous = sender.previous_key
    stops_by = (
        previous.retire_after + retire_run_interval
        if previous and previous.retire_after and retire_run_interval
        else None
    )
    return {
        "name": sender.name,
        "iam_user": sender.iam_user,
        "from": sender.from_patterns.as_list(),
        "status": sender.status,
        "created_at": sender.created_at.isoformat(),
        "created_by_claimed": sender.created_by,  # what the invoker said, not who it was: see docs/security.md
        "current_access_key_id": sender.current_key.access_key_id if sender.current_key else None,
        "previous_access_key_id": sender.previous_key.access_key_id if sender.previous_key else None,
        "previous_valid_until": _iso(previous.retire_after) if previous else None,
        "previous_stops_working_by": _iso(stops_by),
        "revoked_at": _iso(sender.revoked_at),
        "revoked_by_claimed": sender.revoked_by,
        "forward_to": sender.forward_to,
        "limits": sender.limits,
        "quarantined_at": _iso(sender.quarantined_at),
        "quarantine_reason": sender.quarantine_reason,
        "managed_by": sender.managed_by,
    }


def declared_view(sender: Sender) -> dict[str, Any]:
    """What Terraform keeps of a declared sender (aws_lambda_invocation's result, in state): no key, no secret."""
    return {
        "name": sender.name,
        "managed_by": sender.managed_by,
        "generation": sender.terraform_generation,
        "from": sender.from_patterns.as_list(),
        "forward_to": sender.forward_to,
        "limits": sender.limits,
        "status": sender.status,
    }


def _grants(patterns: FromPatterns) -> tuple[frozenset[str], str | None]:
    """What a sender may send as, whatever the order it was given in."""
    return frozenset(patterns.addresses), patterns.domain


def _require_terraforms(sender: Sender) -> None:
    if sender.managed_by != MANAGED_BY_TERRAFORM:
        raise ManagedElsewhere(
            f"sender {sender.name!r} exists and is managed by the {sender.managed_by}: Terraform does not take it "
            f"over. Delete it (`ses-smtp users delete {sender.name}`) or rename it in the senders input"
        )


def _require_not_terraforms(sender: Sender, verb: str, *, force: bool) -> None:
    """The CLI may not change or delete what Terraform declares, unless told to (force)."""
    if sender.managed_by != MANAGED_BY_TERRAFORM or force:
        return
    undo = "puts back what the configuration says" if verb == "change" else "creates it again"
    raise ManagedElsewhere(
        f"sender {sender.name!r} is managed by Terraform (the module's senders input): {verb} it there and apply. "
        f"Forced (ses-smtp: --force), this {verb} happens, and the next terraform apply {undo} unless the "
        "configuration changes too"
    )


def _overrides(limits: Mapping[str, Any] | None) -> dict[str, Any]:
    """A sender's own limits, checked (InvalidRequest names a bad one); only those given are kept."""
    given = {name: value for name, value in (limits or {}).items() if value is not None}
    checked = Limits.parse(given)
    return {name: getattr(checked, name) for name in given}
