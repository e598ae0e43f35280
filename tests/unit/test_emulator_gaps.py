"""The emulator gap fillers behave like SES where the module depends on it (moto in-process)."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from typing import Any, Final

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.sesv2 import urls as sesv2_urls

from ses_smtp_local import emulator_gaps

REGION: Final = "eu-west-1"  # a literal: the s3 stubs type LocationConstraint by region


@pytest.fixture
def sesv2() -> Iterator[Any]:
    emulator_gaps.install()
    with mock_aws():
        yield boto3.client("sesv2", region_name=REGION)


def test_domain_identity_gets_three_dkim_tokens(sesv2: Any) -> None:
    sesv2.create_email_identity(
        EmailIdentity="example.com", DkimSigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"}
    )
    dkim = sesv2.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]
    assert len(dkim["Tokens"]) == 3
    assert len(set(dkim["Tokens"])) == 3
    assert all(len(token) == 32 and token.isalnum() and token.islower() for token in dkim["Tokens"])
    assert dkim["NextSigningKeyLength"] == "RSA_2048_BIT"


@pytest.mark.parametrize(
    ("region", "zone"), [("eu-west-1", "dkim.amazonses.com"), ("il-central-1", "dkim.il-central-1.amazonses.com")]
)
def test_domain_identity_names_the_regions_dkim_signing_hosted_zone(region: str, zone: str) -> None:
    emulator_gaps.install()
    with mock_aws():
        sesv2 = boto3.client("sesv2", region_name=region)
        sesv2.create_email_identity(EmailIdentity="example.com")
        assert sesv2.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]["SigningHostedZone"] == zone


def test_email_address_identity_gets_no_dkim_tokens(sesv2: Any) -> None:
    sesv2.create_email_identity(EmailIdentity="alice@example.com")
    assert "Tokens" not in sesv2.get_email_identity(EmailIdentity="alice@example.com")["DkimAttributes"]


def test_mail_from_attributes_round_trip(sesv2: Any) -> None:
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.put_email_identity_mail_from_attributes(
        EmailIdentity="example.com", MailFromDomain="mail.example.com", BehaviorOnMxFailure="REJECT_MESSAGE"
    )
    mail_from = sesv2.get_email_identity(EmailIdentity="example.com")["MailFromAttributes"]
    assert mail_from["MailFromDomain"] == "mail.example.com"
    assert mail_from["BehaviorOnMxFailure"] == "REJECT_MESSAGE"

    sesv2.put_email_identity_mail_from_attributes(EmailIdentity="example.com")
    assert "MailFromAttributes" not in sesv2.get_email_identity(EmailIdentity="example.com")


def test_configuration_set_reads_back_as_written(sesv2: Any) -> None:
    sesv2.create_configuration_set(
        ConfigurationSetName="cs",
        DeliveryOptions={"TlsPolicy": "REQUIRE"},
        SendingOptions={"SendingEnabled": True},
        SuppressionOptions={"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
    )
    config_set = sesv2.get_configuration_set(ConfigurationSetName="cs")
    assert config_set["SendingOptions"] == {"SendingEnabled": True}
    assert config_set["DeliveryOptions"]["TlsPolicy"] == "REQUIRE"
    assert "TrackingOptions" not in config_set, "options never set must be absent, as in SES"

    sesv2.put_configuration_set_sending_options(ConfigurationSetName="cs", SendingEnabled=False)
    sesv2.put_configuration_set_delivery_options(ConfigurationSetName="cs", TlsPolicy="OPTIONAL")
    config_set = sesv2.get_configuration_set(ConfigurationSetName="cs")
    assert config_set["SendingOptions"] == {"SendingEnabled": False}
    assert config_set["DeliveryOptions"] == {"TlsPolicy": "OPTIONAL"}


def test_default_configuration_set_of_an_identity_can_change(sesv2: Any) -> None:
    sesv2.create_configuration_set(ConfigurationSetName="first")
    sesv2.create_configuration_set(ConfigurationSetName="second")
    sesv2.create_email_identity(EmailIdentity="example.com", ConfigurationSetName="first")
    sesv2.put_email_identity_configuration_set_attributes(EmailIdentity="example.com", ConfigurationSetName="second")
    assert sesv2.get_email_identity(EmailIdentity="example.com")["ConfigurationSetName"] == "second"


def test_identity_tags_are_readable_by_the_identity_arn(sesv2: Any) -> None:
    sesv2.create_email_identity(EmailIdentity="example.com", Tags=[{"Key": "Team", "Value": "platform"}])
    arn = f"arn:aws:ses:{REGION}:123456789012:identity/example.com"
    assert sesv2.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "Team", "Value": "platform"}]


def moto_as_patched() -> dict[str, Any]:
    """Every attribute of every moto class the gap fillers reach, and moto's SES v2 routes."""
    modules = [value for value in vars(emulator_gaps).values() if inspect.ismodule(value)]
    classes = [value for value in vars(emulator_gaps).values() if inspect.isclass(value)]
    classes += [cls for module in modules for cls in vars(module).values() if inspect.isclass(cls)]
    state = {f"{cls.__module__}.{cls.__qualname__}": dict(vars(cls)) for cls in classes}
    state["sesv2 routes"] = dict(sesv2_urls.url_paths)
    return state


def test_a_second_install_changes_nothing() -> None:
    """install() runs before every emulator and test; a gap applied twice would wrap moto's code twice."""
    emulator_gaps.install()
    once = moto_as_patched()
    emulator_gaps.install()
    assert moto_as_patched() == once


def test_a_gap_applied_again_is_refused_rather_than_stacked() -> None:
    emulator_gaps.install()
    routes = dict(sesv2_urls.url_paths)
    with pytest.raises(RuntimeError, match="moto now implements create_configuration_set_event_destination"):
        emulator_gaps.sesv2_event_destinations_are_not_implemented()
    assert dict(sesv2_urls.url_paths) == routes


@pytest.mark.parametrize("sender", ["Alice@Example.com", "alice@EXAMPLE.COM", "Alice@example.com"])
def test_a_verified_domain_sends_whatever_the_case_of_its_name(sesv2: Any, sender: str) -> None:
    sesv2.create_email_identity(EmailIdentity="example.com")
    sent = sesv2.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
        Content={"Raw": {"Data": f"From: {sender}\r\nTo: success@simulator.amazonses.com\r\n\r\nhi\r\n".encode()}},
    )
    assert sent["MessageId"]


def test_an_unverified_domain_is_still_refused(sesv2: Any) -> None:
    sesv2.create_email_identity(EmailIdentity="example.com")
    with pytest.raises(sesv2.exceptions.MessageRejected):
        sesv2.send_email(
            FromEmailAddress="alice@example.org",
            Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
            Content={"Raw": {"Data": b"From: alice@example.org\r\n\r\nhi\r\n"}},
        )


def test_hosted_zone_ids_look_like_route53s() -> None:
    emulator_gaps.install()
    with mock_aws():
        route53 = boto3.client("route53", region_name=REGION)
        for number in range(5):
            zone = route53.create_hosted_zone(Name=f"zone{number}.example.com", CallerReference=str(number))
            zone_id = zone["HostedZone"]["Id"].rpartition("/")[2]
            assert zone_id.startswith("Z") and len(zone_id) == 22
            assert route53.get_hosted_zone(Id=zone_id)["HostedZone"]["Name"] == f"zone{number}.example.com."


def test_the_account_reports_its_sandbox_quota_and_what_was_sent(sesv2: Any) -> None:
    """SES's GetAccount: a sandbox account may send 200 messages a day, 1 a second (AWS's published sandbox
    quotas); SentLast24Hours counts recipients, as SES does."""
    sesv2.create_email_identity(EmailIdentity="example.com")
    recipients = ["success@simulator.amazonses.com", "bounce@simulator.amazonses.com"]
    sesv2.send_email(
        FromEmailAddress="alice@example.com",
        Destination={"ToAddresses": recipients},
        Content={"Simple": {"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hi"}}}},
    )
    account = sesv2.get_account()
    assert account["SendQuota"] == {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 2.0}
    assert account["EnforcementStatus"] == "HEALTHY"
    assert account["ProductionAccessEnabled"] is False


def test_a_receipt_rule_can_be_deleted() -> None:
    emulator_gaps.install()
    with mock_aws():
        ses = boto3.client("ses", region_name=REGION)
        ses.create_receipt_rule_set(RuleSetName="receiving")
        for name in ("keep", "remove"):
            ses.create_receipt_rule(RuleSetName="receiving", Rule={"Name": name, "Enabled": True})
        ses.delete_receipt_rule(RuleSetName="receiving", RuleName="remove")
        ses.delete_receipt_rule(RuleSetName="receiving", RuleName="never-there")  # SES: no error
        rules = ses.describe_receipt_rule_set(RuleSetName="receiving")["Rules"]
        assert [rule["Name"] for rule in rules] == ["keep"]
        with pytest.raises(ses.exceptions.RuleSetDoesNotExistException):
            ses.delete_receipt_rule(RuleSetName="missing", RuleName="keep")


def test_a_raw_send_goes_to_its_destinations_not_its_headers(sesv2: Any) -> None:
    from moto.ses.models import ses_backends

    sesv2.create_email_identity(EmailIdentity="example.com")
    raw = b"From: alice@example.com\r\nTo: alice@example.com\r\nCc: bob@example.org\r\n\r\nforwarded\r\n"
    sesv2.send_email(
        FromEmailAddress="alice@example.com",
        Destination={"ToAddresses": ["alice.personal@example.net"]},
        Content={"Raw": {"Data": raw}},
    )
    sent = ses_backends["123456789012"][REGION].sent_messages[-1]
    assert sent.destinations == ["alice.personal@example.net"]


def test_a_bucket_statement_whose_condition_does_not_hold_does_not_apply() -> None:
    emulator_gaps.install()
    bucket, arn = "received", "arn:aws:s3:::received"
    conditional_deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"StringEquals": {"aws:SourceAccount": "999999999999"}},
    }
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_policy(
            Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [conditional_deny]})
        )
        s3.put_object(Bucket=bucket, Key="inbound/1", Body=b"mail")  # the Deny's condition does not hold
        unconditional = {key: value for key, value in conditional_deny.items() if key != "Condition"}
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [unconditional]}))
        with pytest.raises(ClientError):
            s3.put_object(Bucket=bucket, Key="inbound/2", Body=b"mail")
