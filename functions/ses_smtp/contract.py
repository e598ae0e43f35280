"""The names and values Terraform and the functions must agree on, read from contract.json.

The modules read the same file with `jsondecode(file(...))`: change a name there, and both sides follow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

_CONTRACT: dict[str, Any] = json.loads(resources.files("ses_smtp").joinpath("contract.json").read_text())

METRIC_NAMESPACE: str = _CONTRACT["metric_namespace"]

PASSWORD_PURPOSE: str = _CONTRACT["password_envelope"]["purpose"]
PASSWORD_CONTEXT_KEYS: tuple[str, ...] = tuple(_CONTRACT["password_envelope"]["context_keys"])

SENDER_TAG: str = _CONTRACT["sender"]["tag"]
FROM_POLICY_NAME: str = _CONTRACT["sender"]["from_policy_name"]

BY_SENDER_INDEX: str = _CONTRACT["table"]["by_sender_index"]
HISTORY_SENDER: str = _CONTRACT["table"]["history_sender"]
HISTORY_AT: str = _CONTRACT["table"]["history_at"]
EXPIRES_AT: str = _CONTRACT["table"]["expires_at"]
SENDER_PREFIX: str = _CONTRACT["table"]["key_prefixes"]["sender"]
RECIPIENT_PREFIX: str = _CONTRACT["table"]["key_prefixes"]["recipient"]
USAGE_PREFIX: str = _CONTRACT["table"]["key_prefixes"]["usage"]
FORWARDED_PREFIX: str = _CONTRACT["table"]["key_prefixes"]["forwarded"]
REPORT_PREFIX: str = _CONTRACT["table"]["key_prefixes"]["report"]
# What the forwarding function reads of a sender record; its role may read nothing else.
FORWARDING_READS: tuple[str, ...] = tuple(_CONTRACT["table"]["forwarding_reads"])

RECEIVED_MAIL_PREFIX: str = _CONTRACT["received_mail_prefix"]
REPORT_MAIL_PREFIX: str = _CONTRACT["report_mail_prefix"]

DEFAULT_RETIRE_AFTER_DAYS: int = _CONTRACT["defaults"]["retire_after_days"]
MAX_RETIRE_AFTER_DAYS: int = _CONTRACT["defaults"]["max_retire_after_days"]
MAX_CREDENTIAL_AGE_DAYS: int = _CONTRACT["defaults"]["max_credential_age_days"]


@dataclass(frozen=True)
class Environment:
    """Names of the environment variables the modules set on the functions."""

    table_name: str
    kms_key_arn: str
    senders_path: str
    senders_group: str
    permissions_boundary_arn: str
    user_name_prefix: str
    allowed_domains: str
    smtp_region: str
    default_retire_after_days: str
    max_credential_age_days: str
    retire_schedule: str
    unused_sender_days: str
    notices_from: str
    configuration_set_name: str
    bucket_name: str
    object_prefix: str
    domain: str
    unknown_recipient: str
    retention_days: str
    mail_from_domain: str
    report_retention_days: str
    log_recipient_addresses: str
    sender_limits: str
    sender_limit_action: str
    credentials_function_name: str
    service_name: str
    metrics_namespace: str


ENV = Environment(**_CONTRACT["environment"])
