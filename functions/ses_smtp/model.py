"""Senders and their credentials as plain data, with the rules for names and From patterns."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from ses_smtp.errors import InvalidRequest

# IAM allows letters, digits and +=,.@_- in user names; senders are lower-case only.
_NAME = re.compile(r"^[a-z0-9][a-z0-9+=,.@_-]*$")
# At most 64 characters (RFC 5321), and no character that is special to StringLike (* ?) or JSON.
_LOCAL_PART = re.compile(r"^[a-z0-9](?:[a-z0-9._+=-]{0,62}[a-z0-9_+=-])?$")
IAM_USER_NAME_MAX = 64
# IAM allows 2,048 characters of inline policy per user (whitespace not counted). Four addresses of the
# longest local part at the longest domain, plus the *@domain statement, still fit: see test_model.py.
MAX_ADDRESSES = 4
IAM_USER_POLICY_MAX = 2048
# Who manages a sender's grants, forward_to and limits: the CLI, or the module's `senders` input.
MANAGED_BY_CLI = "cli"
MANAGED_BY_TERRAFORM = "terraform"


def utc_now() -> datetime:
    return datetime.now(UTC)


def validate_name(name: Any, user_prefix: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidRequest(
            f"sender name {name!r} is not valid: use lower-case letters, digits and + = , . @ _ -, "
            "starting with a letter or digit"
        )
    longest = IAM_USER_NAME_MAX - len(user_prefix)
    if len(name) > longest:
        raise InvalidRequest(f"sender name {name!r} is too long: at most {longest} characters")
    return name


@dataclass(frozen=True)
class FromPatterns:
    """What a sender may put in From: exact addresses, and at most one `*@domain`."""

    addresses: tuple[str, ...]
    domain: str | None

    @classmethod
    def parse(cls, patterns: Any, allowed_domains: frozenset[str]) -> FromPatterns:
        if not isinstance(patterns, list | tuple) or not patterns:
            raise InvalidRequest("give at least one From address (alice@example.com) or pattern (*@example.com)")
        addresses: list[str] = []
        domains: list[str] = []
        for pattern in patterns:
            local, domain = _split_pattern(pattern, allowed_domains)
            if local == "*":
                domains.append(domain)
            elif f"{local}@{domain}" not in addresses:
                addresses.append(f"{local}@{domain}")
        if len(domains) > 1:
            raise InvalidRequest("at most one *@domain pattern per sender")
        if len(addresses) > MAX_ADDRESSES:
            raise InvalidRequest(f"at most {MAX_ADDRESSES} exact From addresses per sender (or use *@domain)")
        return cls(tuple(addresses), domains[0] if domains else None)

    @classmethod
    def from_list(cls, patterns: list[str]) -> FromPatterns:
        domains = [p.split("@", 1)[1] for p in patterns if p.startswith("*@")]
        return cls(tuple(p for p in patterns if not p.startswith("*@")), domains[0] if domains else None)

    def as_list(self) -> list[str]:
        return [*self.addresses, *([f"*@{self.domain}"] if self.domain else [])]

    def allows(self, address: str) -> bool:
        address = address.lower()
        return address in self.addresses or (self.domain is not None and address.endswith(f"@{self.domain}"))

    def iam_policy(self) -> str:
        """The sender's inline policy: its grants, literally, as ses:FromAddress conditions.

        Exact addresses compare case-insensitively (people type Alice@Example.com); the domain pattern
        is StringLike, which is case-sensitive, so it matches a lower-case domain part only. Two
        statements, because operators inside one condition block must all match. The resource is
        left to the permissions boundary, which caps it at this identity and configuration set.
        """
        statements = []
        if self.addresses:
            statements.append(_send_from("SendAsGrantedAddresses", "StringEqualsIgnoreCase", list(self.addresses)))
        if self.domain:
            statements.append(_send_from("SendAsAnyAddressOfTheDomain", "StringLike", [f"*@{self.domain}"]))
        return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


def _send_from(sid: str, operator: str, values: list[str]) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": "ses:SendRawEmail",
        "Resource": "*",
        "Condition": {operator: {"ses:FromAddress": values}},
    }


def _split_pattern(pattern: Any, allowed_domains: frozenset[str]) -> tuple[str, str]:
    if not isinstance(pattern, str) or pattern.count("@") != 1:
        raise InvalidRequest(f"{pattern!r} is not an address or *@domain pattern")
    local, domain = pattern.strip().lower().split("@")
    if domain not in allowed_domains:
        raise InvalidRequest(
            f"{pattern!r} is outside this deployment's domain(s): {', '.join(sorted(allowed_domains))}"
        )
    if local != "*" and not _LOCAL_PART.fullmatch(local):
        raise InvalidRequest(f"{pattern!r}: the part before @ may use letters, digits and . _ + = - only")
    return local, domain


_PLAIN_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate_forward_to(address: Any, own_domains: frozenset[str]) -> str | None:
    """A person's own mailbox for received mail; "" or None clears it. Never the deployment's own domain:
    mail forwarded there would come straight back."""
    if address is None or address == "":
        return None
    if not isinstance(address, str) or not _PLAIN_ADDRESS.fullmatch(address.strip()):
        raise InvalidRequest(f"forward_to {address!r} is not a plain address such as alice@gmail.com")
    plain: str = address.strip()
    if plain.rpartition("@")[2] in own_domains:
        raise InvalidRequest(f"forward_to {plain!r} is in this deployment's own domain: mail would loop")
    return plain


@dataclass(frozen=True)
class KeyRef:
    """One of a sender's access keys, as its record keeps it."""

    access_key_id: str
    created_at: datetime
    retire_after: datetime | None = None


@dataclass(frozen=True)
class Operation:
    """The operation holding a sender's record while it runs."""

    id: str
    kind: str
    started_at: datetime


@dataclass(frozen=True)
class Sender:
    """A sender's record: who may send as which addresses, with which keys, managed by whom."""

    name: str
    iam_user: str
    from_patterns: FromPatterns
    status: str  # creating | active | quarantined | revoked
    created_at: datetime
    created_by: str
    version: int = 0
    current_key: KeyRef | None = None
    previous_key: KeyRef | None = None
    operation: Operation | None = None
    last_operation_id: str | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    forward_to: str | None = None  # with receiving: the person's own mailbox, where their mail is forwarded
    limits: dict[str, Any] = field(default_factory=dict)  # overrides of the module's sender limits
    quarantined_at: datetime | None = None
    quarantine_reason: str | None = None
    managed_by: str = MANAGED_BY_CLI
    terraform_generation: int = 0  # Terraform-managed: the generation its last apply asked for (docs/credentials.md)
    own_from_policy: bool = False  # has its own From policy and is out of the deprecated group: nothing to migrate

    def with_(self, **changes: Any) -> Sender:
        return replace(self, **changes)

    @property
    def current_key_id(self) -> str | None:
        return self.current_key.access_key_id if self.current_key else None

    def without_keys(self, access_key_ids: list[str]) -> Sender:
        """This sender with the given keys no longer recorded."""
        current = None if self.current_key_id in access_key_ids else self.current_key
        previous = self.previous_key
        if previous is not None and previous.access_key_id in access_key_ids:
            previous = None
        return replace(self, current_key=current, previous_key=previous)

    def key_ids(self) -> list[str]:
        return [key.access_key_id for key in (self.current_key, self.previous_key) if key is not None]
