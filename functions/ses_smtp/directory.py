"""IAM access for sender users: created under one path, with one permissions boundary, one From policy each."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ses_smtp.contract import FROM_POLICY_NAME, SENDER_TAG
from ses_smtp.errors import NotOurs

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_iam.type_defs import TagTypeDef


class AccessKeyLimit(Exception):
    """The user already has the two access keys IAM allows."""


@dataclass(frozen=True)
class NewAccessKey:
    """An access key IAM has just created: the only time its secret exists."""

    access_key_id: str
    secret_access_key: str
    created_at: datetime

    def __repr__(self) -> str:  # keep the secret out of logs, tracebacks and test output
        return f"NewAccessKey(access_key_id={self.access_key_id!r}, secret_access_key='***')"


@dataclass(frozen=True)
class AccessKeyInfo:
    """An access key as IAM lists it."""

    access_key_id: str
    status: str
    created_at: datetime


class SenderDirectory:
    def __init__(self, iam: IAMClient, path: str, group: str, boundary_arn: str) -> None:
        self._iam = iam
        self._path = path
        self._group = group
        self._boundary = boundary_arn

    def create_user(self, user: str, sender: str) -> bool:
        """Create the user (True), or confirm an existing one is ours (False); NotOurs otherwise."""
        tags: list[TagTypeDef] = [{"Key": SENDER_TAG, "Value": sender}]
        try:
            self._iam.create_user(UserName=user, Path=self._path, PermissionsBoundary=self._boundary, Tags=tags)
            return True
        except ClientError as error:
            if _code(error) != "EntityAlreadyExists":
                raise
        self.require_ours(user, sender)
        return False

    def require_ours(self, user: str, sender: str) -> None:
        try:
            found = self._iam.get_user(UserName=user)["User"]
        except ClientError as error:
            if _code(error) == "AccessDenied":  # outside the senders path: this function may not even look
                raise NotOurs(f"IAM user {user!r} exists outside this deployment; pick another sender name") from error
            raise
        tags = {tag["Key"]: tag["Value"] for tag in found.get("Tags", [])}
        boundary = found.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
        if found["Path"] != self._path or boundary != self._boundary or tags.get(SENDER_TAG) != sender:
            raise NotOurs(
                f"IAM user {user!r} exists but was not created by this deployment "
                f"(path {found['Path']}, boundary {boundary}); pick another sender name"
            )

    def user_exists(self, user: str) -> bool:
        try:
            self._iam.get_user(UserName=user)
            return True
        except ClientError as error:
            if _code(error) == "NoSuchEntity":
                return False
            raise

    def put_from_policy(self, user: str, document: str) -> None:
        self._iam.put_user_policy(UserName=user, PolicyName=FROM_POLICY_NAME, PolicyDocument=document)

    def from_policy(self, user: str) -> dict[str, Any] | None:
        """The user's From policy as IAM holds it, or None."""
        try:
            found = self._iam.get_user_policy(UserName=user, PolicyName=FROM_POLICY_NAME)
        except ClientError as error:
            if _code(error) == "NoSuchEntity":
                return None
            raise
        document = found["PolicyDocument"]  # boto3 decodes IAM's URL-encoded JSON
        return json.loads(document) if isinstance(document, str) else dict(document)

    def delete_from_policy(self, user: str) -> None:
        _ignore_missing(self._iam.delete_user_policy, UserName=user, PolicyName=FROM_POLICY_NAME)

    def in_legacy_group(self, user: str) -> bool:
        """Whether the user is still in the deprecated senders group (versions before the inline policy)."""
        try:
            groups = self._iam.list_groups_for_user(UserName=user)["Groups"]
        except ClientError as error:
            if _code(error) == "NoSuchEntity":
                return False
            raise
        return any(group["GroupName"] == self._group for group in groups)

    def remove_from_group(self, user: str) -> None:
        _ignore_missing(self._iam.remove_user_from_group, GroupName=self._group, UserName=user)

    def delete_user(self, user: str) -> None:
        _ignore_missing(self._iam.delete_user, UserName=user)

    def create_key(self, user: str) -> NewAccessKey:
        try:
            key = self._iam.create_access_key(UserName=user)["AccessKey"]
        except ClientError as error:
            if _code(error) == "LimitExceeded":
                raise AccessKeyLimit(f"{user} already has two access keys") from error
            raise
        return NewAccessKey(key["AccessKeyId"], key["SecretAccessKey"], key["CreateDate"])

    def keys(self, user: str) -> list[AccessKeyInfo]:
        try:
            listed = self._iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
        except ClientError as error:
            if _code(error) == "NoSuchEntity":
                return []
            raise
        return [AccessKeyInfo(k["AccessKeyId"], k["Status"], k["CreateDate"]) for k in listed]

    def last_used(self, access_key_id: str) -> datetime | None:
        """When IAM last saw the key used; None if never (or the key is gone)."""
        try:
            used = self._iam.get_access_key_last_used(AccessKeyId=access_key_id)["AccessKeyLastUsed"]
        except ClientError as error:
            if _code(error) == "NoSuchEntity":
                return None
            raise
        last: datetime | None = used.get("LastUsedDate")
        return last

    def delete_key(self, user: str, access_key_id: str) -> None:
        _ignore_missing(self._iam.delete_access_key, UserName=user, AccessKeyId=access_key_id)

    def deactivate_key(self, user: str, access_key_id: str) -> None:
        _ignore_missing(self._iam.update_access_key, UserName=user, AccessKeyId=access_key_id, Status="Inactive")

    def activate_key(self, user: str, access_key_id: str) -> None:
        self._iam.update_access_key(UserName=user, AccessKeyId=access_key_id, Status="Active")

    def retire_key(self, user: str, access_key_id: str) -> None:
        """Deactivate, then delete: a key that cannot be deleted at least stops working."""
        self.deactivate_key(user, access_key_id)
        self.delete_key(user, access_key_id)


def _code(error: ClientError) -> str:
    return str(error.response["Error"]["Code"])


def _ignore_missing(call: Any, **arguments: Any) -> None:
    try:
        call(**arguments)
    except ClientError as error:
        if _code(error) != "NoSuchEntity":
            raise
