from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ses_smtp.regions import UnknownRegion, smtp_endpoint, smtp_regions

ROOT = Path(__file__).resolve().parents[2]


def test_smtp_endpoint_is_the_regional_host() -> None:
    assert smtp_endpoint("eu-west-1") == "email-smtp.eu-west-1.amazonaws.com"


def test_a_region_without_smtp_endpoint_is_a_clear_error() -> None:
    with pytest.raises(UnknownRegion, match="no SMTP endpoint in region 'ap-east-1'"):
        smtp_endpoint("ap-east-1")


def test_terraform_reads_the_same_region_list() -> None:
    main_tf = (ROOT / "main.tf").read_text()
    assert 'file("${path.module}/functions/ses_smtp/smtp_regions.json")' in main_tf
    listed = json.loads((ROOT / "functions" / "ses_smtp" / "smtp_regions.json").read_text())["regions"]
    assert frozenset(listed) == smtp_regions()
    assert listed == sorted(listed), "keep smtp_regions.json sorted so changes review well"
    assert all(re.fullmatch(r"[a-z]{2}(-gov)?-[a-z]+-\d", region) for region in listed)
