from __future__ import annotations

import json
import re
from pathlib import Path

import boto3
import pytest

from ses_smtp.regions import UnknownRegion, dkim_signing_hosted_zone, smtp_endpoint, smtp_regions

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


def test_dkim_cnames_point_into_the_regions_own_zone_where_aws_documents_one() -> None:
    assert dkim_signing_hosted_zone("il-central-1") == "dkim.il-central-1.amazonses.com"
    assert dkim_signing_hosted_zone("eu-west-1") == "dkim.amazonses.com"


def test_terraform_reads_the_same_dkim_domains_and_each_names_an_ses_region() -> None:
    main_tf = (ROOT / "main.tf").read_text()
    assert 'file("${path.module}/functions/ses_smtp/ses_dkim_domains.json")' in main_tf
    document = json.loads((ROOT / "functions" / "ses_smtp" / "ses_dkim_domains.json").read_text())
    assert document["source"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", document["checked"])
    regions = list(document["regions"])
    assert regions == sorted(regions), "keep ses_dkim_domains.json sorted so changes review well"
    # botocore's endpoint data, maintained by AWS, knows every region SES runs in.
    session = boto3.session.Session()
    ses_regions = {r for p in session.get_available_partitions() for r in session.get_available_regions("sesv2", p)}
    assert set(regions) <= ses_regions
    assert all(zone == f"dkim.{region}.amazonses.com" for region, zone in document["regions"].items())
