"""A deployment's AWS side, created in moto, for the credentials tests and the bench."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError
from moto import mock_aws

from ses_smtp.config import Settings
from ses_smtp.contract import BY_SENDER_INDEX, HISTORY_AT, HISTORY_SENDER
from ses_smtp.credentials import Credentials
from ses_smtp.wiring import build_credentials

REGION = "eu-west-1"
DOMAIN = "example.com"
PATH = "/ses-smtp/senders/"
GROUP = "ses-smtp-senders"


@dataclass
class CallLog:
    """Every AWS call made through a session, and the secrets CreateAccessKey returned."""

    calls: list[str] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)
    data_keys: list[bytes] = field(default_factory=list)
    fail_at: int | None = None

    def before_call(self, model: Any, **_: Any) -> None:
        self.calls.append(f"{model.service_model.service_name}:{model.name}")
        if self.fail_at is not None and len(self.calls) == self.fail_at:
            raise ClientError({"Error": {"Code": "InternalFailure", "Message": "injected fault"}}, model.name)

    def after_call(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        if model.name == "CreateAccessKey" and "AccessKey" in parsed:
            key = parsed["AccessKey"]
            self.secrets[key["AccessKeyId"]] = key["SecretAccessKey"]
        if model.name == "GenerateDataKey" and "Plaintext" in parsed:
            self.data_keys.append(parsed["Plaintext"])


@dataclass
class World:
    settings: Settings
    session: Any
    log: CallLog
    now: list[datetime]

    def credentials(self) -> Credentials:
        credentials = build_credentials(self.settings, self.session)
        credentials.clock = lambda: self.now[0]
        return credentials

    def client(self, service: str) -> Any:
        make_client: Any = boto3.client  # a service name only known at run time
        return make_client(service, region_name=REGION)


def create_deployment() -> Settings:
    """KMS key, table, boundary policy and senders group, as the Terraform module makes them."""
    kms = boto3.client("kms", region_name=REGION)
    key_arn = kms.create_key(Description="ses-smtp test")["KeyMetadata"]["Arn"]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName="ses-smtp-credentials",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", HISTORY_SENDER, HISTORY_AT)
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": BY_SENDER_INDEX,
                "KeySchema": [
                    {"AttributeName": HISTORY_SENDER, "KeyType": "HASH"},
                    {"AttributeName": HISTORY_AT, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    iam = boto3.client("iam", region_name=REGION)
    boundary = iam.create_policy(
        PolicyName="ses-smtp-sender-boundary",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:SendRawEmail", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.create_group(GroupName=GROUP)
    return Settings(
        table_name="ses-smtp-credentials",
        kms_key_arn=key_arn,
        senders_path=PATH,
        senders_group=GROUP,
        permissions_boundary_arn=boundary,
        user_name_prefix="ses-smtp-",
        allowed_domains=frozenset({DOMAIN}),
        smtp_region=REGION,
    )


@contextmanager
def aws_world(start: datetime | None = None) -> Iterator[World]:
    with mock_aws():
        settings = create_deployment()
        session = boto3.session.Session(region_name=REGION)
        log = CallLog()
        session.events.register("before-call.*.*", log.before_call)
        session.events.register("after-call.*.*", log.after_call)
        # moto dates access keys by the real clock and the retire run compares those dates with the world's
        # clock, so the world starts now: a fixed date makes key ages depend on the day the tests run.
        yield World(settings, session, log, [start or datetime.now(UTC).replace(microsecond=0)])


def counted(log: CallLog, action: Callable[[], Any]) -> int:
    before = len(log.calls)
    action()
    return len(log.calls) - before
