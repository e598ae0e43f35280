"""From grants: what they accept, and the inline policy they render within IAM's size quota."""

from __future__ import annotations

import json
import re

import pytest

from ses_smtp.errors import InvalidRequest
from ses_smtp.model import IAM_USER_POLICY_MAX, MAX_ADDRESSES, FromPatterns

# The longest DNS name (253 characters, labels of at most 63) and the longest local part (RFC 5321: 64).
LONGEST_DOMAIN = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])
LONGEST_LOCAL = "x" * 64


def iam_size(document: str) -> int:
    """Characters IAM counts against the quota: it does not count whitespace (IAM User Guide, quotas)."""
    return len(re.sub(r"\s", "", document))


def test_the_largest_grant_fits_iams_user_inline_policy_quota() -> None:
    assert len(LONGEST_DOMAIN) == 253
    largest = [f"{LONGEST_LOCAL[:-1]}{i}@{LONGEST_DOMAIN}" for i in range(MAX_ADDRESSES)] + [f"*@{LONGEST_DOMAIN}"]
    patterns = FromPatterns.parse(largest, frozenset({LONGEST_DOMAIN}))
    assert len(patterns.addresses) == MAX_ADDRESSES and patterns.domain == LONGEST_DOMAIN
    assert iam_size(json.dumps(json.loads(patterns.iam_policy()), indent=2)) < IAM_USER_POLICY_MAX


def test_one_address_more_is_refused() -> None:
    grant = [f"p{i}@example.com" for i in range(MAX_ADDRESSES + 1)]
    with pytest.raises(InvalidRequest, match=f"at most {MAX_ADDRESSES}"):
        FromPatterns.parse(grant, frozenset({"example.com"}))


def test_a_local_part_longer_than_smtp_allows_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="the part before @"):
        FromPatterns.parse([f"{LONGEST_LOCAL}x@example.com"], frozenset({"example.com"}))


def test_grants_are_stored_lower_case_and_rendered_literally() -> None:
    patterns = FromPatterns.parse(["Alice@Example.com", "*@EXAMPLE.com"], frozenset({"example.com"}))
    assert patterns.as_list() == ["alice@example.com", "*@example.com"]
    statements = json.loads(patterns.iam_policy())["Statement"]
    assert [s["Condition"] for s in statements] == [
        {"StringEqualsIgnoreCase": {"ses:FromAddress": ["alice@example.com"]}},
        {"StringLike": {"ses:FromAddress": ["*@example.com"]}},
    ]
    assert {s["Action"] for s in statements} == {"ses:SendRawEmail"}


@pytest.mark.parametrize("pattern", ["a*b@example.com", "a?b@example.com", 'a"b@example.com'])
def test_a_local_part_with_a_wildcard_or_quote_is_refused(pattern: str) -> None:
    with pytest.raises(InvalidRequest):
        FromPatterns.parse([pattern], frozenset({"example.com"}))
