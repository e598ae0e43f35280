"""examples/local applied to the emulator with Terraform, checked through boto3, planned again, destroyed.

The tests in this file run in order on a deployment of their own, in an emulator of its own: the last one
destroys it and finds the emulator empty, which holds only while no other test's senders share it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from ses_smtp.admin.terraform import TerraformRun
from ses_smtp_local.emulator import Emulator
from tests.conftest import separate_emulator
from tests.integration.conftest import apply_local_example

DOMAIN = "example.com"
CONFIGURATION_SET = "ses-smtp-local"

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def emulator_of_its_own() -> Iterator[Emulator]:
    """A process of its own: moto keeps one set of data per process, shared by every emulator in it."""
    with separate_emulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def applied(emulator_of_its_own: Emulator, tmp_path_factory: pytest.TempPathFactory) -> TerraformRun:
    return apply_local_example(emulator_of_its_own, Path(tmp_path_factory.mktemp("examples-local-destroyed")))


@pytest.fixture(scope="module")
def sesv2(emulator_of_its_own: Emulator) -> Any:
    return boto3.client(
        "sesv2",
        endpoint_url=emulator_of_its_own.endpoint_url,
        region_name=emulator_of_its_own.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_domain_identity_has_2048_bit_easy_dkim(applied: TerraformRun, sesv2: Any) -> None:
    identity = sesv2.get_email_identity(EmailIdentity=DOMAIN)
    assert identity["IdentityType"] == "DOMAIN"
    assert identity["DkimAttributes"]["NextSigningKeyLength"] == "RSA_2048_BIT"
    assert identity["DkimAttributes"]["SigningAttributesOrigin"] == "AWS_SES"
    assert len(identity["DkimAttributes"]["Tokens"]) == 3


def test_configuration_set_is_the_identity_default(applied: TerraformRun, sesv2: Any) -> None:
    assert sesv2.get_email_identity(EmailIdentity=DOMAIN)["ConfigurationSetName"] == CONFIGURATION_SET


def test_mail_from_is_the_mail_subdomain(applied: TerraformRun, sesv2: Any) -> None:
    mail_from = sesv2.get_email_identity(EmailIdentity=DOMAIN)["MailFromAttributes"]
    assert mail_from["MailFromDomain"] == f"mail.{DOMAIN}"
    assert mail_from["BehaviorOnMxFailure"] == "USE_DEFAULT_VALUE"


def test_configuration_set_settings(applied: TerraformRun, sesv2: Any) -> None:
    config_set = sesv2.get_configuration_set(ConfigurationSetName=CONFIGURATION_SET)
    assert config_set["DeliveryOptions"]["TlsPolicy"] == "REQUIRE"
    assert config_set["ReputationOptions"]["ReputationMetricsEnabled"] is True
    assert config_set["SendingOptions"]["SendingEnabled"] is True
    assert sorted(config_set["SuppressionOptions"]["SuppressedReasons"]) == ["BOUNCE", "COMPLAINT"]


def test_extra_email_identity_exists(applied: TerraformRun, sesv2: Any) -> None:
    identity = sesv2.get_email_identity(EmailIdentity=f"postmaster@{DOMAIN}")
    assert identity["IdentityType"] == "EMAIL_ADDRESS"


def test_outputs_give_endpoint_and_every_dns_record(applied: TerraformRun, sesv2: Any) -> None:
    outputs = applied.outputs()
    tokens = sesv2.get_email_identity(EmailIdentity=DOMAIN)["DkimAttributes"]["Tokens"]
    assert outputs["admin_config"]["smtp_endpoint"] == "email-smtp.eu-west-1.amazonaws.com"
    records = {(r["name"], r["type"], r["value"]) for r in outputs["dns_records"]}
    receiving_mx = (DOMAIN, "MX", "10 inbound-smtp.eu-west-1.amazonaws.com")  # examples/local receives mail
    assert records == {
        *((f"{token}._domainkey.{DOMAIN}", "CNAME", f"{token}.dkim.amazonses.com") for token in tokens),
        (f"mail.{DOMAIN}", "MX", "10 feedback-smtp.eu-west-1.amazonses.com"),
        receiving_mx,
        (f"mail.{DOMAIN}", "TXT", "v=spf1 include:amazonses.com -all"),
        (f"_dmarc.{DOMAIN}", "TXT", f"v=DMARC1; p=none; rua=mailto:dmarc-reports@{DOMAIN}; adkim=r; aspf=r"),
        (f"_smtp._tls.{DOMAIN}", "TXT", f"v=TLSRPTv1; rua=mailto:tls-reports@{DOMAIN}"),
        (
            f"_mta-sts.{DOMAIN}",
            "TXT",
            f"v=STSv1; id={hashlib.sha256(outputs['mta_sts_policy'].encode()).hexdigest()[:20]}",
        ),
    }
    assert outputs["configuration_set_arn"].endswith(f":configuration-set/{CONFIGURATION_SET}")
    assert outputs["admin_config"]["identity_arn"] == f"arn:aws:ses:eu-west-1:123456789012:identity/{DOMAIN}"


def test_a_second_plan_shows_no_changes(applied: TerraformRun) -> None:
    assert applied.has_changes() is False


def test_destroy_leaves_nothing(applied: TerraformRun, sesv2: Any, emulator_of_its_own: Emulator) -> None:
    applied.destroy()
    assert applied.resources() == []
    assert sesv2.list_email_identities()["EmailIdentities"] == []
    assert sesv2.list_configuration_sets()["ConfigurationSets"] == []
    session = emulator_of_its_own.session()
    assert session.client("iam").list_users()["Users"] == []
    assert session.client("lambda").list_functions()["Functions"] == []
    assert session.client("dynamodb").list_tables()["TableNames"] == []
