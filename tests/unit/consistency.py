"""What 'a consistent state' means for senders, checked against IAM, DynamoDB and KMS."""

from __future__ import annotations

import json
from typing import Any

from ses_smtp.contract import FROM_POLICY_NAME
from ses_smtp.envelope import encryption_context, open_sealed
from ses_smtp.smtp_password import derive_smtp_password
from ses_smtp.store import CredentialStore
from tests.unit.aws_world import World


def assert_safe(world: World) -> None:
    """What any failure must leave: nothing held, no active key unrecorded, no recorded key that fails."""
    settings = world.settings
    iam = world.client("iam")
    store = CredentialStore(world.client("dynamodb"), settings.table_name)
    senders = {sender.iam_user: sender for sender in store.senders()}
    for sender in senders.values():
        assert sender.operation is None, f"{sender.name} is still held by {sender.operation}"
    for user in iam.list_users(PathPrefix=settings.senders_path)["Users"]:
        name = user["UserName"]
        keys = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
        active = {key["AccessKeyId"] for key in keys if key["Status"] == "Active"}
        recorded = set(senders[name].key_ids()) if name in senders else set()
        assert active == recorded, f"{name}: active keys {active} != recorded {recorded}"
        assert not active or _from_policy(iam, name) is not None, f"{name} can send but has no From policy"
    _assert_stored_credentials_work(world, store, list(senders.values()))


def _from_policy(iam: Any, user: str) -> Any:
    if FROM_POLICY_NAME not in iam.list_user_policies(UserName=user)["PolicyNames"]:
        return None
    return iam.get_user_policy(UserName=user, PolicyName=FROM_POLICY_NAME)["PolicyDocument"]


def _assert_stored_credentials_work(world: World, store: CredentialStore, senders: list[Any]) -> None:
    kms = world.client("kms")
    for sender in senders:
        for key_id in sender.key_ids():
            sealed = store.sealed_credential(sender.name, key_id)
            assert sealed is not None, f"{sender.name}: no stored credential for {key_id}"
            password = open_sealed(kms, sealed, encryption_context(sender.name, key_id), world.settings.kms_key_arn)
            assert password == derive_smtp_password(world.log.secrets[key_id], world.settings.smtp_region)


def assert_consistent(world: World) -> None:
    """Every recorded sender matches IAM; no key is unrecorded; every stored credential works."""
    settings = world.settings
    iam = world.client("iam")
    store = CredentialStore(world.client("dynamodb"), settings.table_name)
    senders = {sender.iam_user: sender for sender in store.senders()}
    users = {user["UserName"]: user for user in iam.list_users(PathPrefix=settings.senders_path)["Users"]}
    group = {user["UserName"] for user in iam.get_group(GroupName=settings.senders_group)["Users"]}

    for sender in senders.values():
        assert sender.operation is None, f"{sender.name} is still held by {sender.operation}"
    assert {s.status for s in senders.values()} <= {"active", "revoked"}, "an operation was left unfinished"
    assert set(users) == set(senders), "IAM users and sender records differ"
    assert not group, "nobody is put in the deprecated senders group"
    for user, sender in senders.items():
        wanted = json.loads(sender.from_patterns.iam_policy())
        assert _from_policy(iam, user) == wanted, f"{sender.name}: the From policy does not name its grants"

    for user, sender in senders.items():
        keys = {k["AccessKeyId"]: k for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}
        assert set(keys) == set(sender.key_ids()), f"{sender.name}: IAM keys {set(keys)} != recorded {sender.key_ids()}"
        assert all(keys[key_id]["Status"] == "Active" for key_id in sender.key_ids())
    _assert_stored_credentials_work(world, store, list(senders.values()))
