"""The credential operations against moto: behaviour, idempotency, failure and concurrency."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ses_smtp.credentials import UNRECORDED_KEY_MARGIN, Caller
from ses_smtp.errors import (
    Conflict,
    GracePeriodActive,
    InvalidRequest,
    NotOurs,
    SenderExists,
    SenderNotFound,
    SenderRevoked,
)
from ses_smtp.model import Operation
from ses_smtp.store import SENDER_SK, STALE_OPERATION, sender_pk
from tests.unit.aws_world import World, aws_world
from tests.unit.consistency import assert_consistent, assert_safe

ALICE = ["alice@example.com"]


def caller(operation_id: str | None = None) -> Caller:
    return Caller("arn:aws:iam::123456789012:user/admin", operation_id) if operation_id else Caller("admin")


def test_create_makes_a_least_privilege_user_with_a_working_credential(world: World) -> None:
    sender = world.credentials().create("alice", [*ALICE, "*@example.com"], caller())
    iam = world.client("iam")
    user = iam.get_user(UserName="ses-smtp-alice")["User"]
    assert user["Path"] == "/ses-smtp/senders/"
    assert user["PermissionsBoundary"]["PermissionsBoundaryArn"] == world.settings.permissions_boundary_arn
    assert user["Tags"] == [{"Key": "ses-smtp-sender", "Value": "alice"}]
    assert iam.list_user_policies(UserName="ses-smtp-alice")["PolicyNames"] == ["send-as-granted"]
    statements = iam.get_user_policy(UserName="ses-smtp-alice", PolicyName="send-as-granted")["PolicyDocument"][
        "Statement"
    ]
    assert [s["Condition"] for s in statements] == [
        {"StringEqualsIgnoreCase": {"ses:FromAddress": ["alice@example.com"]}},
        {"StringLike": {"ses:FromAddress": ["*@example.com"]}},
    ]
    assert iam.list_groups_for_user(UserName="ses-smtp-alice")["Groups"] == []
    assert sender.status == "active"
    assert sender.from_patterns.as_list() == ["alice@example.com", "*@example.com"]
    assert_consistent(world)


def test_create_retried_with_the_same_operation_id_changes_nothing(world: World) -> None:
    credentials = world.credentials()
    first = credentials.create("alice", ALICE, caller("op-create-1"))
    again = credentials.create("alice", ALICE, caller("op-create-1"))
    assert again.current_key == first.current_key
    assert len(world.log.secrets) == 1
    assert_consistent(world)


def test_create_of_an_existing_sender_is_refused(world: World) -> None:
    world.credentials().create("alice", ALICE, caller())
    with pytest.raises(SenderExists, match="'alice' already exists"):
        world.credentials().create("alice", ALICE, caller())


def test_create_refuses_an_iam_user_that_is_not_ours(world: World) -> None:
    world.client("iam").create_user(UserName="ses-smtp-bob", Path="/people/")
    with pytest.raises(NotOurs, match="not created by this deployment"):
        world.credentials().create("bob", ["bob@example.com"], caller())
    assert world.client("iam").get_user(UserName="ses-smtp-bob")["User"]["Path"] == "/people/"
    assert world.credentials().store.get("bob") is None


@pytest.mark.parametrize(
    ("name", "patterns", "message"),
    [
        ("Alice", ALICE, "not valid"),
        ("al ice", ALICE, "not valid"),
        ("a" * 60, ALICE, "too long"),
        ("alice", [], "at least one"),
        ("alice", ["alice@other.org"], "outside this deployment"),
        ("alice", ["alice"], "not an address"),
        ("alice", ["al!ce@example.com"], "before @"),
        ("alice", ["*@example.com", "*@example.com"], "at most one"),
        ("alice", [f"a{i}@example.com" for i in range(5)], "at most 4"),
    ],
)
def test_create_validates_its_input(world: World, name: str, patterns: list[str], message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        world.credentials().create(name, patterns, caller())
    assert world.log.calls == [], "validation happens before any AWS call"


def test_rotate_keeps_the_previous_key_valid_for_the_grace_period(world: World) -> None:
    credentials = world.credentials()
    created = credentials.create("alice", ALICE, caller())
    rotated = credentials.rotate("alice", caller())
    assert rotated.previous_key is not None and created.current_key is not None
    assert rotated.previous_key.access_key_id == created.current_key.access_key_id
    assert rotated.previous_key.retire_after == world.now[0] + timedelta(days=7)
    assert rotated.current_key != created.current_key
    assert_consistent(world)


def test_rotating_during_the_grace_period_needs_retire_now(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    first = credentials.rotate("alice", caller())
    with pytest.raises(GracePeriodActive, match="stays valid until"):
        credentials.rotate("alice", caller())
    assert_consistent(world)
    second = credentials.rotate("alice", caller(), retire_after=timedelta(days=1), retire_now=True)
    assert first.current_key is not None and second.previous_key is not None
    assert second.previous_key.access_key_id == first.current_key.access_key_id
    assert second.previous_key.retire_after == world.now[0] + timedelta(days=1)
    assert_consistent(world)


def test_retire_after_is_bounded(world: World) -> None:
    world.credentials().create("alice", ALICE, caller())
    with pytest.raises(InvalidRequest, match="between 0 and 90 days"):
        world.credentials().rotate("alice", caller(), retire_after=timedelta(days=365))
    assert_consistent(world)


def test_the_schedule_retires_expired_keys_and_reports_old_ones(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    credentials.create("bob", ["bob@example.com"], caller())
    rotated = credentials.rotate("alice", caller())
    assert rotated.previous_key is not None

    world.now[0] += timedelta(days=6)
    assert credentials.retire_expired().retired == []
    world.now[0] += timedelta(days=2)
    report = credentials.retire_expired()
    assert report.retired == [rotated.previous_key.access_key_id]
    assert credentials.store.require("alice").previous_key is None
    assert_consistent(world)

    world.now[0] += timedelta(days=90)
    report = credentials.retire_expired()
    assert sorted(item["sender"] for item in report.past_max_age) == ["alice", "bob"]
    assert all(item["age_days"] > 90 for item in report.past_max_age)


def at_real_time(world: World, later: timedelta) -> None:
    """The world's clock at the emulator's own clock (it dates access keys) plus `later`."""
    world.now[0] = datetime.now(UTC) + later


def key_status(world: World, user: str) -> dict[str, str]:
    keys = world.client("iam").list_access_keys(UserName=user)["AccessKeyMetadata"]
    return {key["AccessKeyId"]: key["Status"] for key in keys}


def test_a_key_made_behind_the_modules_back_is_deactivated_after_the_margin(world: World) -> None:
    at_real_time(world, timedelta(0))
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    rogue = world.client("iam").create_access_key(UserName="ses-smtp-alice")["AccessKey"]["AccessKeyId"]

    at_real_time(world, UNRECORDED_KEY_MARGIN - timedelta(minutes=5))
    assert credentials.retire_expired().unrecorded_deactivated == [], "an operation may still record it"
    assert key_status(world, "ses-smtp-alice")[rogue] == "Active"

    at_real_time(world, UNRECORDED_KEY_MARGIN + timedelta(minutes=1))
    report = credentials.retire_expired()
    assert report.unrecorded_deactivated == [{"sender": "alice", "access_key_id": rogue}]
    assert report.needs_attention == 1
    statuses = key_status(world, "ses-smtp-alice")
    assert statuses[rogue] == "Inactive", "deactivated, not deleted: a person can look at it"
    assert statuses[credentials.store.require("alice").current_key_id or ""] == "Active"
    assert credentials.retire_expired().unrecorded_deactivated == [], "reported once, not every day"


def test_a_previous_key_erased_from_the_record_does_not_survive_rotation(world: World) -> None:
    at_real_time(world, timedelta(0))
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    leaked = credentials.store.require("alice").current_key_id
    credentials.rotate("alice", caller())
    # A table writer erases the previous key, so no retire_after ever retires it (review M3 a).
    world.client("dynamodb").update_item(
        TableName=world.settings.table_name,
        Key={"pk": {"S": "sender#alice"}, "sk": {"S": "sender"}},
        UpdateExpression="REMOVE previous_key",
    )
    at_real_time(world, UNRECORDED_KEY_MARGIN + timedelta(minutes=1))
    report = credentials.retire_expired()
    assert report.unrecorded_deactivated == [{"sender": "alice", "access_key_id": leaked}]
    assert key_status(world, "ses-smtp-alice")[leaked or ""] == "Inactive"


def test_an_operation_left_half_done_no_longer_blocks_retirement(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    rotated = credentials.rotate("alice", caller(), retire_after=timedelta(days=1))
    assert rotated.previous_key is not None
    crashed_at = world.now[0] + timedelta(days=2)
    credentials.store.begin("alice", Operation("crashed", "rotate", crashed_at))

    world.now[0] = crashed_at + timedelta(minutes=1)
    report = credentials.retire_expired()
    assert report.skipped_busy == ["alice"], "an operation in flight still decides"
    assert report.needs_attention == 1

    world.now[0] = crashed_at + STALE_OPERATION + timedelta(minutes=1)
    report = credentials.retire_expired()
    assert report.skipped_busy == []
    assert report.retired == [rotated.previous_key.access_key_id]
    assert credentials.store.require("alice").operation is None
    assert_consistent(world)


def test_revoke_deletes_every_key_and_keeps_the_record(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    credentials.rotate("alice", caller())
    revoked = credentials.revoke("alice", Caller("arn:aws:iam::123456789012:user/security"))
    assert revoked.status == "revoked"
    assert revoked.revoked_by == "arn:aws:iam::123456789012:user/security"
    assert revoked.revoked_at == world.now[0]
    assert world.client("iam").list_access_keys(UserName="ses-smtp-alice")["AccessKeyMetadata"] == []
    assert credentials.revoke("alice", caller()).status == "revoked", "revoking again is a no-op"
    with pytest.raises(SenderRevoked):
        credentials.rotate("alice", caller())
    assert_consistent(world)


def test_delete_removes_the_user_and_every_record(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    credentials.rotate("alice", caller())
    credentials.delete("alice", caller())
    iam = world.client("iam")
    assert iam.list_users(PathPrefix="/ses-smtp/senders/")["Users"] == []
    assert world.client("dynamodb").scan(TableName=world.settings.table_name)["Items"] == []
    credentials.delete("alice", caller())  # again: nothing to do, no error
    assert_consistent(world)


def test_list_and_status(world: World) -> None:
    credentials = world.credentials()
    credentials.create("bob", ["bob@example.com"], caller())
    credentials.create("alice", ALICE, caller())
    credentials.rotate("alice", caller())
    assert [sender.name for sender in credentials.list()] == ["alice", "bob"]
    status = credentials.status("alice")
    assert sorted(key["role"] for key in status["iam_keys"]) == ["current", "previous"]
    assert all(key["status"] == "Active" for key in status["iam_keys"])
    with pytest.raises(SenderNotFound):
        credentials.status("carol")


def test_a_second_operation_on_a_held_sender_gets_a_conflict(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    credentials.store.begin("alice", Operation("someone-else", "rotate", world.now[0]))
    with pytest.raises(Conflict, match="busy: a rotate started"):
        credentials.rotate("alice", caller())
    with pytest.raises(Conflict):
        credentials.revoke("alice", caller())


def test_a_stale_operation_is_taken_over(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    credentials.store.begin("alice", Operation("crashed", "rotate", world.now[0] - timedelta(hours=1)))
    credentials.rotate("alice", caller())
    assert_consistent(world)


def test_concurrent_rotations_one_wins_the_other_conflicts(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def rotate(operation_id: str) -> None:
        barrier.wait()
        try:
            world.credentials().rotate("alice", caller(operation_id))
            outcomes.append("rotated")
        except (Conflict, GracePeriodActive) as error:
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=rotate, args=(f"op-concurrent-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) in (["Conflict", "rotated"], ["GracePeriodActive", "rotated"])
    assert_consistent(world)


OPERATIONS: dict[str, Any] = {
    "create": (lambda w: None, lambda c, op: c.create("alice", ALICE, caller(op))),
    "rotate": (
        lambda w: w.credentials().create("alice", ALICE, caller()),
        lambda c, op: c.rotate("alice", caller(op)),
    ),
    "rotate-retire-now": (
        lambda w: (w.credentials().create("alice", ALICE, caller()), w.credentials().rotate("alice", caller())),
        lambda c, op: c.rotate("alice", caller(op), retire_now=True),
    ),
    "revoke": (
        lambda w: (w.credentials().create("alice", ALICE, caller()), w.credentials().rotate("alice", caller())),
        lambda c, op: c.revoke("alice", caller(op)),
    ),
    "delete": (
        lambda w: w.credentials().create("alice", ALICE, caller()),
        lambda c, op: c.delete("alice", caller(op)),
    ),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_a_fault_at_every_aws_call_then_a_retry_leaves_a_consistent_state(
    operation: str, record_property: Callable[[str, object], None]
) -> None:
    """Fail the operation's 1st AWS call, then its 2nd, ... each in a fresh world; every retry must end consistent.

    The calls failed, one per run, must be the clean run's calls in order: every point was injected once.
    """
    setup, run = OPERATIONS[operation]
    with aws_world() as world:
        setup(world)
        start = len(world.log.calls)
        run(world.credentials(), "op-clean-run")
        clean = world.log.calls[start:]
    assert clean, "the operation makes AWS calls to fail"
    failed = []
    for fail_at in range(1, len(clean) + 1):
        with aws_world() as world:
            setup(world)
            start = len(world.log.calls)
            world.log.fail_at = start + fail_at
            with pytest.raises(ClientError, match="injected fault"):
                run(world.credentials(), "op-faulty")
            failed.append(world.log.calls[start + fail_at - 1])
            world.log.fail_at = None
            assert_safe(world)  # after the failure, before any retry
            run(world.credentials(), "op-faulty")
            assert_consistent(world)
    assert failed == clean
    record_property("fault_injection", f"{operation}: {len(failed)} AWS calls failed one at a time, each retried")


def _as_an_earlier_version_left_it(world: World, name: str) -> None:
    """A sender of an earlier version: in the senders group, grants in tags, no From policy."""
    iam = world.client("iam")
    iam.delete_user_policy(UserName=f"ses-smtp-{name}", PolicyName="send-as-granted")
    iam.add_user_to_group(GroupName=world.settings.senders_group, UserName=f"ses-smtp-{name}")
    _record_of_an_earlier_version(world, name)


def _record_of_an_earlier_version(world: World, name: str) -> None:
    """The record as an earlier version wrote it: nothing says the sender was migrated."""
    world.client("dynamodb").update_item(
        TableName=world.settings.table_name,
        Key={"pk": {"S": sender_pk(name)}, "sk": {"S": SENDER_SK}},
        UpdateExpression="REMOVE own_from_policy",
    )


def test_the_scheduled_run_moves_senders_of_earlier_versions_to_their_own_policy(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    credentials.create("bob", ["*@example.com"], caller())
    _as_an_earlier_version_left_it(world, "alice")
    assert credentials.retire_expired().migrated == ["alice"]
    assert_consistent(world)
    assert credentials.retire_expired().migrated == [], "a second run has nothing to move"


def test_the_run_checks_a_senders_policy_and_groups_once_then_never_again(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    credentials.create("bob", ["bob@example.com"], caller())
    _record_of_an_earlier_version(world, "bob")  # bob's record predates the mark; alice's was created with it
    checks = ("iam:GetUserPolicy", "iam:ListGroupsForUser")

    start = len(world.log.calls)
    assert credentials.retire_expired().migrated == [], "bob already had his own policy: nothing moved"
    assert sum(world.log.calls[start:].count(call) for call in checks) == 2, "bob checked once, alice never"

    start = len(world.log.calls)
    credentials.retire_expired()
    assert not [call for call in world.log.calls[start:] if call in checks], "bob is marked as migrated"


def test_a_revoked_sender_leaves_the_group_without_getting_a_policy(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    credentials.revoke("alice", caller())
    iam = world.client("iam")
    iam.add_user_to_group(GroupName=world.settings.senders_group, UserName="ses-smtp-alice")
    _record_of_an_earlier_version(world, "alice")
    assert credentials.retire_expired().migrated == ["alice"]
    assert iam.list_groups_for_user(UserName="ses-smtp-alice")["Groups"] == []


def test_delete_removes_the_from_policy_so_iam_can_delete_the_user(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ALICE, caller())
    credentials.revoke("alice", caller())
    credentials.delete("alice", caller())
    assert world.client("iam").list_users(PathPrefix=world.settings.senders_path)["Users"] == []
