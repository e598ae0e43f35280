"""AWS error paths, with botocore's Stubber: each answer AWS can give becomes the right outcome."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from ses_smtp.directory import AccessKeyLimit, SenderDirectory
from ses_smtp.envelope import SealedSecret, encryption_context, open_sealed
from ses_smtp.errors import Conflict, NotOurs, TamperedCredential
from ses_smtp.model import FromPatterns, Operation, Sender
from ses_smtp.store import CredentialStore

BOUNDARY = "arn:aws:iam::123456789012:policy/ses-smtp/ses-smtp-sender-boundary"


def stubbed(service: str) -> tuple[Any, Stubber]:
    make_client: Any = boto3.client  # a service name only known at run time
    client = make_client(service, region_name="eu-west-1")
    return client, Stubber(client)


def directory(iam: Any) -> SenderDirectory:
    return SenderDirectory(iam, path="/ses-smtp/senders/", group="ses-smtp-senders", boundary_arn=BOUNDARY)


def test_a_user_outside_our_path_is_not_ours_even_when_we_may_not_read_it() -> None:
    iam, stub = stubbed("iam")
    stub.add_client_error("create_user", "EntityAlreadyExists")
    stub.add_client_error("get_user", "AccessDenied", http_status_code=403)
    with stub, pytest.raises(NotOurs, match="outside this deployment"):
        directory(iam).create_user("ses-smtp-alice", "alice")


def test_an_existing_user_without_our_boundary_is_not_ours() -> None:
    iam, stub = stubbed("iam")
    stub.add_client_error("create_user", "EntityAlreadyExists")
    stub.add_response(
        "get_user",
        {
            "User": {
                "Path": "/ses-smtp/senders/",
                "UserName": "ses-smtp-alice",
                "UserId": "AIDAEXAMPLEEXAMPLE1",
                "Arn": "arn:aws:iam::123456789012:user/ses-smtp/senders/ses-smtp-alice",
                "CreateDate": datetime(2026, 1, 1, tzinfo=UTC),
                "Tags": [{"Key": "ses-smtp-sender", "Value": "alice"}],
            }
        },
    )
    with stub, pytest.raises(NotOurs, match="not created by this deployment"):
        directory(iam).create_user("ses-smtp-alice", "alice")


def test_two_keys_already_is_an_access_key_limit() -> None:
    iam, stub = stubbed("iam")
    stub.add_client_error("create_access_key", "LimitExceeded", http_status_code=409)
    with stub, pytest.raises(AccessKeyLimit):
        directory(iam).create_key("ses-smtp-alice")


def test_retiring_a_key_that_is_already_gone_succeeds() -> None:
    iam, stub = stubbed("iam")
    stub.add_client_error("update_access_key", "NoSuchEntity", http_status_code=404)
    stub.add_client_error("delete_access_key", "NoSuchEntity", http_status_code=404)
    with stub:
        directory(iam).retire_key("ses-smtp-alice", "AKIAEXAMPLEEXAMPLE01")
    stub.assert_no_pending_responses()


def test_throttling_is_not_swallowed() -> None:
    iam, stub = stubbed("iam")
    stub.add_client_error("delete_access_key", "Throttling", http_status_code=400)
    with stub, pytest.raises(Exception, match="Throttling"):
        directory(iam).delete_key("ses-smtp-alice", "AKIAEXAMPLEEXAMPLE01")


def test_a_cancelled_transaction_is_a_conflict() -> None:
    dynamodb, stub = stubbed("dynamodb")
    stub.add_client_error("transact_write_items", "TransactionCanceledException")
    sender = Sender(
        name="alice",
        iam_user="ses-smtp-alice",
        from_patterns=FromPatterns(("alice@example.com",), None),
        status="active",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        created_by="admin",
        operation=Operation("op-1", "rotate", datetime(2026, 1, 1, tzinfo=UTC)),
    )
    with stub, pytest.raises(Conflict, match="changed while this operation ran"):
        CredentialStore(dynamodb, "table").finish(sender)


def test_kms_refusing_the_wrapped_key_is_tampering() -> None:
    kms, stub = stubbed("kms")
    stub.add_client_error("decrypt", "InvalidCiphertextException")
    context = encryption_context("alice", "AKIAEXAMPLEEXAMPLE01")
    sealed = SealedSecret(1, "arn:aws:kms:eu-west-1:123456789012:key/k", b"wrapped", b"n" * 12, b"c" * 40, context)
    with stub, pytest.raises(TamperedCredential, match="KMS refused"):
        open_sealed(kms, sealed, context, sealed.key_arn)


def test_no_permission_to_decrypt_is_not_called_tampering() -> None:
    kms, stub = stubbed("kms")
    stub.add_client_error("decrypt", "AccessDeniedException", http_status_code=400)
    context = encryption_context("alice", "AKIAEXAMPLEEXAMPLE01")
    sealed = SealedSecret(1, "arn:aws:kms:eu-west-1:123456789012:key/k", b"wrapped", b"n" * 12, b"c" * 40, context)
    with stub, pytest.raises(Exception, match="AccessDenied"):
        open_sealed(kms, sealed, context, sealed.key_arn)
