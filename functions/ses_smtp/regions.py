"""Regions where SES has an SMTP endpoint, and SES's DKIM domain in each: data shared with the Terraform module."""

from __future__ import annotations

from functools import cache
from typing import Any

from ses_smtp.contract import read_package_json


class UnknownRegion(ValueError):
    """The region has no SES SMTP endpoint."""


@cache
def smtp_regions() -> frozenset[str]:
    """Regions with an SES SMTP endpoint (read from smtp_regions.json, which Terraform reads too)."""
    document = read_package_json("smtp_regions.json")
    return frozenset(document["regions"])


@cache
def _dkim_domains() -> dict[str, Any]:
    document: dict[str, Any] = read_package_json("ses_dkim_domains.json")
    return document


def dkim_signing_hosted_zone(region: str) -> str:
    """The zone Easy DKIM CNAMEs point into in a region, as AWS documents it (ses_dkim_domains.json,
    which Terraform reads too); SES's own answer is GetEmailIdentity's DkimAttributes.SigningHostedZone."""
    domains = _dkim_domains()
    return str(domains["regions"].get(region, domains["default"]))


def smtp_endpoint(region: str) -> str:
    """Host name of SES's SMTP endpoint in a region."""
    require_smtp_region(region)
    return f"email-smtp.{region}.amazonaws.com"


def require_smtp_region(region: str) -> None:
    if region not in smtp_regions():
        raise UnknownRegion(
            f"SES has no SMTP endpoint in region {region!r}; use one of: {', '.join(sorted(smtp_regions()))}"
        )
