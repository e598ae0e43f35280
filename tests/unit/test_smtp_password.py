from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ses_smtp.regions import UnknownRegion, smtp_regions
from ses_smtp.smtp_password import derive_smtp_password

# terraform-provider-aws' own vectors (internal/service/iam/access_key_test.go), independent of this code.
KNOWN_ANSWERS = [
    ("eu-central-1", "some+secret+key", "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2"),
    ("eu-central-1", "another+secret+key", "BBbphbrQmrKMx42d1N6+C7VINYEBGI5v9VsZeTxwskfh"),
    ("us-west-1", "some+secret+key", "BH+jbMzper5WwlwUar9E1ySBqHa9whi0GPo+sJ0mVYJj"),
    ("us-west-1", "another+secret+key", "BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF"),
]


@pytest.mark.parametrize(("region", "secret", "expected"), KNOWN_ANSWERS)
def test_known_answers(region: str, secret: str, expected: str) -> None:
    assert derive_smtp_password(secret, region) == expected


def test_an_unknown_region_is_a_clear_error() -> None:
    with pytest.raises(UnknownRegion, match="no SMTP endpoint in region 'mars-north-1'"):
        derive_smtp_password("some+secret+key", "mars-north-1")


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        derive_smtp_password("", "eu-west-1")


@pytest.mark.parametrize("region", sorted(smtp_regions()))
def test_every_smtp_region_gives_a_distinct_version_4_password(region: str) -> None:
    password = derive_smtp_password("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region)
    raw = base64.b64decode(password)
    assert raw[0] == 0x04 and len(raw) == 33
    assert password != derive_smtp_password("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "eu-west-1") or (
        region == "eu-west-1"
    )


@given(st.text(min_size=1, max_size=64))
def test_any_secret_gives_a_44_character_password(secret: str) -> None:
    assert len(derive_smtp_password(secret, "eu-west-1")) == 44
