"""Regions where SES has an SMTP endpoint: one list, shared with the Terraform module."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


class UnknownRegion(ValueError):
    """The region has no SES SMTP endpoint."""


@cache
def smtp_regions() -> frozenset[str]:
    """Regions with an SES SMTP endpoint (read from smtp_regions.json, which Terraform reads too)."""
    document = json.loads(resources.files("ses_smtp").joinpath("smtp_regions.json").read_text())
    return frozenset(document["regions"])


def smtp_endpoint(region: str) -> str:
    """Host name of SES's SMTP endpoint in a region."""
    require_smtp_region(region)
    return f"email-smtp.{region}.amazonaws.com"


def require_smtp_region(region: str) -> None:
    if region not in smtp_regions():
        raise UnknownRegion(
            f"SES has no SMTP endpoint in region {region!r}; use one of: {', '.join(sorted(smtp_regions()))}"
        )
