"""Envelope encryption of SMTP passwords: a KMS data key per secret, AES-256-GCM, bound context.

The encryption context names the user and the access key; it is given to KMS (so the wrapped data key
only unwraps with it, and key policy conditions can require it) and used as GCM associated data (so
the ciphertext only decrypts for it). Changing any stored field makes opening fail.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ses_smtp.contract import PASSWORD_PURPOSE
from ses_smtp.errors import TamperedCredential

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

SCHEME_VERSION = 1
NONCE_BYTES = 12  # 96 bits, the size GCM is specified for


def encryption_context(user: str, access_key_id: str) -> dict[str, str]:
    return {"user": user, "access_key_id": access_key_id, "purpose": PASSWORD_PURPOSE}


@dataclass(frozen=True)
class SealedSecret:
    """A secret encrypted under a KMS data key (AES-256-GCM), with the context both are bound to."""

    scheme: int
    key_arn: str
    wrapped_key: bytes
    nonce: bytes
    ciphertext: bytes
    context: dict[str, str]

    def to_item(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "key_arn": self.key_arn,
            "wrapped_key": base64.b64encode(self.wrapped_key).decode(),
            "nonce": base64.b64encode(self.nonce).decode(),
            "ciphertext": base64.b64encode(self.ciphertext).decode(),
            "context": dict(self.context),
        }

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> SealedSecret:
        try:
            return cls(
                scheme=int(item["scheme"]),
                key_arn=str(item["key_arn"]),
                wrapped_key=base64.b64decode(item["wrapped_key"], validate=True),
                nonce=base64.b64decode(item["nonce"], validate=True),
                ciphertext=base64.b64decode(item["ciphertext"], validate=True),
                context={str(k): str(v) for k, v in item["context"].items()},
            )
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise TamperedCredential(f"stored credential is malformed ({type(error).__name__})") from error


def seal(kms: KMSClient, key_arn: str, plaintext: str, context: dict[str, str]) -> SealedSecret:
    """Encrypt plaintext under a fresh data key from KMS."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # here: most requests (retire, list) never seal

    data_key = kms.generate_data_key(KeyId=key_arn, KeySpec="AES_256", EncryptionContext=context)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext.encode(), _associated_data(context))
    return SealedSecret(SCHEME_VERSION, key_arn, data_key["CiphertextBlob"], nonce, ciphertext, dict(context))


def open_sealed(kms: KMSClient, sealed: SealedSecret, expected_context: dict[str, str], key_arn: str) -> str:
    """Decrypt a sealed secret that must belong to expected_context and the deployment's key_arn.

    The key comes from the deployment, never from the record: a table writer could otherwise name a
    key of their own, have the administrator's Decrypt logged in their account, and show a password
    of their choosing. Needs kms:Decrypt.
    """
    if sealed.scheme != SCHEME_VERSION:
        raise TamperedCredential(f"unknown credential scheme {sealed.scheme}; upgrade ses-smtp")
    if sealed.key_arn != key_arn:
        raise TamperedCredential(
            f"the stored credential names KMS key {sealed.key_arn}, not this deployment's key {key_arn}; "
            "refusing to decrypt: someone who can write the table changed it (rotate the sender)"
        )
    if sealed.context != expected_context:
        raise TamperedCredential("stored encryption context does not match the record it is stored under")
    try:
        data_key = kms.decrypt(KeyId=key_arn, CiphertextBlob=sealed.wrapped_key, EncryptionContext=sealed.context)[
            "Plaintext"
        ]
    except ClientError as error:
        if error.response["Error"]["Code"] in ("InvalidCiphertextException", "IncorrectKeyException"):
            raise TamperedCredential("KMS refused to unwrap the data key: the record was altered") from error
        raise
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(data_key).decrypt(sealed.nonce, sealed.ciphertext, _associated_data(sealed.context)).decode()
    except (InvalidTag, ValueError) as error:
        raise TamperedCredential("the password ciphertext failed authentication: the record was altered") from error


def _associated_data(context: dict[str, str]) -> bytes:
    canonical = json.dumps(context, sort_keys=True, separators=(",", ":"))
    return f"ses-smtp/v{SCHEME_VERSION}\n{canonical}".encode()
