from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from ses_smtp.envelope import SCHEME_VERSION, SealedSecret, encryption_context, open_sealed, seal
from ses_smtp.errors import TamperedCredential
from tests.unit.aws_world import World

PASSWORD = "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2"


@pytest.fixture
def sealed(world: World) -> tuple[Any, SealedSecret]:
    kms = world.client("kms")
    return kms, seal(kms, world.settings.kms_key_arn, PASSWORD, encryption_context("alice", "AKIAALICE"))


def test_round_trip(sealed: tuple[Any, SealedSecret]) -> None:
    kms, secret = sealed
    assert open_sealed(kms, secret, encryption_context("alice", "AKIAALICE"), secret.key_arn) == PASSWORD
    assert secret.scheme == SCHEME_VERSION
    assert len(secret.nonce) == 12
    assert PASSWORD.encode() not in secret.ciphertext


def test_stored_item_round_trips(sealed: tuple[Any, SealedSecret]) -> None:
    kms, secret = sealed
    again = SealedSecret.from_item(secret.to_item())
    assert again == secret
    assert open_sealed(kms, again, encryption_context("alice", "AKIAALICE"), secret.key_arn) == PASSWORD


def test_every_encryption_uses_a_fresh_nonce_and_data_key(world: World) -> None:
    kms = world.client("kms")
    context = encryption_context("alice", "AKIAALICE")
    first, second = (seal(kms, world.settings.kms_key_arn, PASSWORD, context) for _ in range(2))
    assert first.nonce != second.nonce
    assert first.wrapped_key != second.wrapped_key


def flip(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 0x01])


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda s: dataclasses.replace(s, ciphertext=flip(s.ciphertext)), id="ciphertext"),
        pytest.param(lambda s: dataclasses.replace(s, nonce=flip(s.nonce)), id="nonce"),
        pytest.param(lambda s: dataclasses.replace(s, wrapped_key=flip(s.wrapped_key)), id="wrapped-key"),
        pytest.param(lambda s: dataclasses.replace(s, context={**s.context, "user": "mallory"}), id="context"),
        pytest.param(lambda s: dataclasses.replace(s, scheme=99), id="scheme"),
    ],
)
def test_changing_any_stored_field_fails(sealed: tuple[Any, SealedSecret], tamper: Any) -> None:
    kms, secret = sealed
    with pytest.raises(TamperedCredential):
        open_sealed(kms, tamper(secret), encryption_context("alice", "AKIAALICE"), secret.key_arn)


def test_a_record_moved_to_another_user_fails(sealed: tuple[Any, SealedSecret]) -> None:
    kms, secret = sealed
    with pytest.raises(TamperedCredential, match="does not match"):
        open_sealed(kms, secret, encryption_context("mallory", "AKIAALICE"), secret.key_arn)


def test_context_rewritten_consistently_is_caught_by_kms_and_gcm(
    world: World, sealed: tuple[Any, SealedSecret]
) -> None:
    kms, secret = sealed
    forged = dataclasses.replace(secret, context=encryption_context("mallory", "AKIAALICE"))
    with pytest.raises(TamperedCredential, match=r"KMS refused|failed authentication"):
        open_sealed(kms, forged, encryption_context("mallory", "AKIAALICE"), secret.key_arn)


def test_a_record_naming_another_key_is_refused_before_any_decrypt(world: World) -> None:
    kms = world.client("kms")
    theirs = kms.create_key(Description="a table writer's own key")["KeyMetadata"]["Arn"]
    context = encryption_context("alice", "AKIAALICE")
    forged = seal(kms, theirs, "attacker-chosen", context)
    calls: list[str] = []
    kms.meta.events.register("before-call.kms.Decrypt", lambda **_: calls.append("Decrypt"))
    with pytest.raises(TamperedCredential, match="not this deployment's key"):
        open_sealed(kms, forged, context, world.settings.kms_key_arn)
    assert calls == [], "no Decrypt reaches KMS (nor the other key's CloudTrail) for such a record"


def test_the_deployments_key_is_the_one_asked_to_decrypt(world: World, sealed: tuple[Any, SealedSecret]) -> None:
    kms, secret = sealed
    asked: list[str] = []
    kms.meta.events.register("provide-client-params.kms.Decrypt", lambda params, **_: asked.append(params["KeyId"]))
    assert open_sealed(kms, secret, encryption_context("alice", "AKIAALICE"), world.settings.kms_key_arn) == PASSWORD
    assert asked == [world.settings.kms_key_arn]


def test_a_malformed_item_is_a_tamper_error() -> None:
    with pytest.raises(TamperedCredential, match="malformed"):
        SealedSecret.from_item({"scheme": 1, "nonce": "not base64!"})
