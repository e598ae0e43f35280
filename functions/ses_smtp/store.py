"""DynamoDB access for sender records and their sealed credentials.

One table, partition key `pk` = "sender#NAME". The sender record has sort key "sender"; each sealed
credential has "key#ACCESS_KEY_ID". Every state change is one conditional write or transaction, and a
sender is held by at most one operation at a time (the `operation` attribute), so two concurrent
operations on a sender cannot both proceed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from ses_smtp.contract import PK, SENDER_PREFIX, SK
from ses_smtp.envelope import SealedSecret
from ses_smtp.errors import Conflict, SenderExists, SenderNotFound
from ses_smtp.limits import SenderUsage
from ses_smtp.model import MANAGED_BY_CLI, FromPatterns, KeyRef, Operation, Sender

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

SENDER_SK = "sender"
# An operation older than this has died with its Lambda (15 minutes at most) and may be taken over.
STALE_OPERATION = timedelta(minutes=20)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def sender_pk(name: str) -> str:
    return f"{SENDER_PREFIX}{name}"


def key_sk(access_key_id: str) -> str:
    return f"key#{access_key_id}"


class CredentialStore:
    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._db = dynamodb
        self._table = table_name

    # Reading

    def get(self, name: str) -> Sender | None:
        item = self._db.get_item(TableName=self._table, Key=_key(sender_pk(name), SENDER_SK), ConsistentRead=True)
        return _sender(_plain(item["Item"])) if "Item" in item else None

    def require(self, name: str) -> Sender:
        sender = self.get(name)
        if sender is None:
            raise SenderNotFound(f"no sender named {name!r}")
        return sender

    def sealed_credential(self, name: str, access_key_id: str) -> SealedSecret | None:
        item = self._db.get_item(
            TableName=self._table, Key=_key(sender_pk(name), key_sk(access_key_id)), ConsistentRead=True
        )
        return SealedSecret.from_item(_plain(item["Item"])) if "Item" in item else None

    def senders(self) -> Iterator[Sender]:
        pages = self._db.get_paginator("scan").paginate(
            TableName=self._table,
            FilterExpression=f"{SK} = :sender",
            ExpressionAttributeValues={":sender": {"S": SENDER_SK}},
        )
        for page in pages:
            for item in page["Items"]:
                yield _sender(_plain(item))

    def usage(self) -> SenderUsage:
        """The senders' usage and limits items, in the same table."""
        return SenderUsage(self._db, self._table)

    # Holding a sender for one operation

    def begin_create(self, sender: Sender) -> tuple[Sender, bool]:
        """Record a new sender held by its create operation; (sender, resumed) when retried."""
        assert sender.operation is not None
        try:
            self._db.put_item(
                TableName=self._table,
                Item=_dynamo(_sender_item(sender)),
                ConditionExpression=f"attribute_not_exists({PK})",
            )
            return sender, False
        except ClientError as error:
            _raise_unless_condition_failed(error)
        existing = self.require(sender.name)
        if existing.operation is None and existing.last_operation_id != sender.operation.id:
            raise SenderExists(f"sender {sender.name!r} already exists (status {existing.status})")
        return self.begin(sender.name, sender.operation)

    def begin(self, name: str, operation: Operation) -> tuple[Sender, bool]:
        """Hold an existing sender for operation; (sender, resumed) where resumed means a retry of it."""
        try:
            old = self._db.update_item(
                TableName=self._table,
                Key=_key(sender_pk(name), SENDER_SK),
                UpdateExpression="SET #op = :op",
                ConditionExpression=f"attribute_exists({PK}) AND "
                "(attribute_not_exists(#op) OR #op.id = :id OR #op.started_at < :stale)",
                ExpressionAttributeNames={"#op": "operation"},
                ExpressionAttributeValues=_dynamo(
                    {
                        ":op": _operation_item(operation),
                        ":id": operation.id,
                        ":stale": (operation.started_at - STALE_OPERATION).isoformat(),
                    }
                ),
                ReturnValues="ALL_OLD",
            )["Attributes"]
        except ClientError as error:
            _raise_unless_condition_failed(error)
            raise self._why_not(name) from error
        previous = _sender(_plain(old))
        resumed = previous.operation is not None and previous.operation.id == operation.id
        return previous.with_(operation=operation), resumed

    def release(self, sender: Sender, stale_before: datetime | None = None) -> None:
        """Remove the sender's hold if it is still this operation's (and, given stale_before, started before it)."""
        assert sender.operation is not None
        condition, values = "#op.id = :id", {":id": sender.operation.id}
        if stale_before is not None:
            condition, values = (
                f"{condition} AND #op.started_at < :stale",
                {**values, ":stale": stale_before.isoformat()},
            )
        try:
            self._db.update_item(
                TableName=self._table,
                Key=_key(sender_pk(sender.name), SENDER_SK),
                UpdateExpression="REMOVE #op",
                ConditionExpression=condition,
                ExpressionAttributeNames={"#op": "operation"},
                ExpressionAttributeValues=_dynamo(values),
            )
        except ClientError as error:
            _raise_unless_condition_failed(error)
            raise Conflict(f"{sender.name}'s operation changed since it was read") from error

    def abandon_create(self, sender: Sender) -> None:
        """Forget a sender whose create failed and was rolled back."""
        assert sender.operation is not None
        self._db.delete_item(
            TableName=self._table,
            Key=_key(sender_pk(sender.name), SENDER_SK),
            ConditionExpression="#op.id = :id AND #status = :creating",
            ExpressionAttributeNames={"#op": "operation", "#status": "status"},
            ExpressionAttributeValues=_dynamo({":id": sender.operation.id, ":creating": "creating"}),
        )

    # Ending an operation: the new state and the release, in one transaction

    def finish(self, sender: Sender, retired: Sequence[str] = ()) -> Sender:
        """Write the sender's new state, forget the credentials of retired keys, and release the sender.

        The operation counts as done: a retry with the same operation id changes nothing.
        """
        return self._commit(sender, sealed=None, retired=retired, done=True)

    def issue(self, sender: Sender, sealed: SealedSecret, retired: Sequence[str] = ()) -> Sender:
        """finish(), storing the sealed credential of the sender's new current key with it."""
        return self._commit(sender, sealed=sealed, retired=retired, done=True)

    def abort(self, sender: Sender, retired: Sequence[str]) -> Sender:
        """Record what a failed operation retired, and release the sender.

        The operation is not done: a retry with the same operation id runs it again.
        """
        return self._commit(sender, sealed=None, retired=retired, done=False)

    def _commit(self, sender: Sender, *, sealed: SealedSecret | None, retired: Sequence[str], done: bool) -> Sender:
        assert sender.operation is not None
        committed = sender.with_(version=sender.version + 1, operation=None)
        if done:
            committed = committed.with_(last_operation_id=sender.operation.id)
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _dynamo(_sender_item(committed)),
                    "ConditionExpression": "#op.id = :id",
                    "ExpressionAttributeNames": {"#op": "operation"},
                    "ExpressionAttributeValues": _dynamo({":id": sender.operation.id}),
                }
            }
        ]
        if committed.status in ("active", "quarantined"):
            # What the events function reads of the sender, kept with the record in the same transaction.
            quarantined = committed.status == "quarantined"
            state = self.usage().state_item(committed.iam_user, committed.limits, quarantined=quarantined)
            writes.append({"Put": {"TableName": self._table, "Item": state}})
        if sealed is not None:
            item = {PK: sender_pk(sender.name), SK: key_sk(sealed.context["access_key_id"]), **sealed.to_item()}
            writes.append({"Put": {"TableName": self._table, "Item": _dynamo(item)}})
        for key_id in retired:
            writes.append({"Delete": {"TableName": self._table, "Key": _key(sender_pk(sender.name), key_sk(key_id))}})
        self._transact(writes, sender.name)
        return committed

    def record_own_from_policy(self, sender: Sender) -> None:
        """Remember that the sender needs no more migration (the retire run stops checking it)."""
        self._db.update_item(
            TableName=self._table,
            Key=_key(sender_pk(sender.name), SENDER_SK),
            UpdateExpression="SET own_from_policy = :yes",
            ConditionExpression=f"attribute_exists({PK})",
            ExpressionAttributeValues={":yes": {"BOOL": True}},
        )

    def commit_retirement(self, sender: Sender, key_id: str) -> None:
        """Forget a retired previous key, unless an operation holds the sender or the key changed."""
        committed = sender.with_(previous_key=None, version=sender.version + 1)
        self._transact(
            [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": _dynamo(_sender_item(committed)),
                        "ConditionExpression": "attribute_not_exists(#op) AND previous_key.access_key_id = :key",
                        "ExpressionAttributeNames": {"#op": "operation"},
                        "ExpressionAttributeValues": _dynamo({":key": key_id}),
                    }
                },
                {"Delete": {"TableName": self._table, "Key": _key(sender_pk(sender.name), key_sk(key_id))}},
            ],
            sender.name,
        )

    def delete_sender(self, sender: Sender) -> None:
        """Delete the sender record and every credential stored under it."""
        items = self._db.query(
            TableName=self._table,
            KeyConditionExpression=f"{PK} = :pk",
            ExpressionAttributeValues={":pk": {"S": sender_pk(sender.name)}},
            ProjectionExpression=f"{PK}, {SK}",
            ConsistentRead=True,
        )["Items"]
        credentials = [item for item in items if item[SK]["S"] != SENDER_SK]
        writes: list[TransactWriteItemTypeDef] = [
            {"Delete": {"TableName": self._table, "Key": item}} for item in credentials
        ]
        writes.append(
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": _key(sender_pk(sender.name), SENDER_SK),
                    "ConditionExpression": f"attribute_not_exists({PK}) OR #op.id = :id",
                    "ExpressionAttributeNames": {"#op": "operation"},
                    "ExpressionAttributeValues": _dynamo({":id": sender.operation.id if sender.operation else ""}),
                }
            }
        )
        self._transact(writes, sender.name)

    def _transact(self, writes: list[TransactWriteItemTypeDef], name: str) -> None:
        try:
            self._db.transact_write_items(TransactItems=writes)
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise Conflict(f"sender {name!r} changed while this operation ran; run it again") from error
            raise

    def _why_not(self, name: str) -> Exception:
        sender = self.get(name)
        if sender is None:
            return SenderNotFound(f"no sender named {name!r}")
        operation = sender.operation
        if operation is None:  # the holder finished between our write and this read
            return Conflict(f"sender {name!r} changed while this operation started; run it again")
        return Conflict(
            f"sender {name!r} is busy: a {operation.kind} started at {operation.started_at:%Y-%m-%d %H:%M:%S} UTC "
            "is still running; try again when it has finished"
        )


def _raise_unless_condition_failed(error: ClientError) -> None:
    if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
        raise error


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {PK: {"S": pk}, SK: {"S": sk}}


def _dynamo(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in values.items() if value is not None}


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _key_item(key: KeyRef | None) -> dict[str, Any] | None:
    if key is None:
        return None
    item = {"access_key_id": key.access_key_id, "created_at": key.created_at.isoformat()}
    if key.retire_after is not None:
        item["retire_after"] = key.retire_after.isoformat()
    return item


def _key_ref(item: Any) -> KeyRef | None:
    if not item:
        return None
    created_at = _time(item["created_at"])
    assert created_at is not None
    return KeyRef(item["access_key_id"], created_at, _time(item.get("retire_after")))


def _operation_item(operation: Operation | None) -> dict[str, Any] | None:
    if operation is None:
        return None
    return {"id": operation.id, "kind": operation.kind, "started_at": operation.started_at.isoformat()}


def _sender_item(sender: Sender) -> dict[str, Any]:
    return {
        PK: sender_pk(sender.name),
        SK: SENDER_SK,
        "name": sender.name,
        "iam_user": sender.iam_user,
        "from_patterns": sender.from_patterns.as_list(),
        "status": sender.status,
        "created_at": sender.created_at.isoformat(),
        "created_by": sender.created_by,
        "version": sender.version,
        "current_key": _key_item(sender.current_key),
        "previous_key": _key_item(sender.previous_key),
        "operation": _operation_item(sender.operation),
        "last_operation_id": sender.last_operation_id,
        "revoked_at": sender.revoked_at.isoformat() if sender.revoked_at else None,
        "revoked_by": sender.revoked_by,
        "forward_to": sender.forward_to,
        "limits": {name: Decimal(str(value)) for name, value in sender.limits.items()} or None,
        "quarantined_at": sender.quarantined_at.isoformat() if sender.quarantined_at else None,
        "quarantine_reason": sender.quarantine_reason,
        "managed_by": sender.managed_by,
        "terraform_generation": sender.terraform_generation or None,
        "own_from_policy": sender.own_from_policy or None,
    }


def _sender(item: dict[str, Any]) -> Sender:
    created_at = _time(item["created_at"])
    assert created_at is not None
    operation = item.get("operation")
    return Sender(
        name=item["name"],
        iam_user=item["iam_user"],
        from_patterns=FromPatterns.from_list(list(item["from_patterns"])),
        status=item["status"],
        created_at=created_at,
        created_by=item["created_by"],
        version=int(item.get("version", 0)),
        current_key=_key_ref(item.get("current_key")),
        previous_key=_key_ref(item.get("previous_key")),
        operation=Operation(operation["id"], operation["kind"], _time(operation["started_at"]))  # type: ignore[arg-type]
        if operation
        else None,
        last_operation_id=item.get("last_operation_id"),
        revoked_at=_time(item.get("revoked_at")),
        revoked_by=item.get("revoked_by"),
        forward_to=item.get("forward_to"),
        limits={name: _number(value) for name, value in (item.get("limits") or {}).items()},
        quarantined_at=_time(item.get("quarantined_at")),
        quarantine_reason=item.get("quarantine_reason"),
        managed_by=item.get("managed_by", MANAGED_BY_CLI),  # records of earlier versions: the CLI's
        terraform_generation=int(item.get("terraform_generation", 0)),
        own_from_policy=bool(item.get("own_from_policy")),  # records of earlier versions: the retire run checks
    )


def _number(value: Any) -> int | float:
    # DynamoDB numbers come back as Decimal
    return int(value) if value == int(value) else float(value)
