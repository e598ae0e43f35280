"""Receiving's MX checked against a real DNS server (BIND): `ses-smtp dns check` reports another mail
host of the domain as a conflict, with what it means, and SES's MX alone as ok."""

from __future__ import annotations

from pathlib import Path

import pytest

from ses_smtp.admin.dns_check import CONFLICT, OK, check_records, make_resolver
from tests.integration.bind import Named, complete_zone, require_bind

pytestmark = pytest.mark.integration
DOMAIN = "example.com"
SES_MX = {"name": DOMAIN, "type": "MX", "value": "10 inbound-smtp.eu-west-1.amazonaws.com", "ttl": 300}


def served(tmp_path: Path, body: str) -> Named:
    require_bind()
    return Named(tmp_path / "named", {DOMAIN: complete_zone(DOMAIN, body)})


def test_an_mx_that_points_elsewhere_is_a_conflict(tmp_path: Path) -> None:
    server = served(tmp_path, "@ 300 IN MX 5 mx.mailhost.example.net.")
    try:
        [finding] = check_records([SES_MX], make_resolver(server.address))
    finally:
        server.stop()
    assert finding.status == CONFLICT
    assert finding.found == ["5 mx.mailhost.example.net."]
    assert "another mail host already receives mail" in finding.detail
    assert "would take its mail" in finding.detail


def test_ses_mx_beside_another_is_still_a_conflict(tmp_path: Path) -> None:
    server = served(
        tmp_path, "@ 300 IN MX 10 inbound-smtp.eu-west-1.amazonaws.com.\n@ 300 IN MX 20 backup.example.net."
    )
    try:
        [finding] = check_records([SES_MX], make_resolver(server.address))
    finally:
        server.stop()
    assert finding.status == CONFLICT
    assert "backup.example.net" in finding.detail


def test_ses_mx_alone_is_ok(tmp_path: Path) -> None:
    server = served(tmp_path, "@ 300 IN MX 10 inbound-smtp.eu-west-1.amazonaws.com.")
    try:
        [finding] = check_records([SES_MX], make_resolver(server.address))
    finally:
        server.stop()
    assert finding.status == OK
