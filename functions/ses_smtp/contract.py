"""The names and values Terraform and the functions must agree on, read from contract.json.

The modules read the same file with `jsondecode(file(...))`: change a name there, and both sides follow.
"""

from __future__ import annotations

import json
import pkgutil
from typing import Any, NamedTuple


def read_package_json(name: str) -> Any:
    """A JSON file of this package. pkgutil rather than importlib.resources: X-Ray's SDK has loaded it
    already in every function, and importlib.resources costs each cold start a millisecond of imports."""
    data = pkgutil.get_data(__package__ or "ses_smtp", name)
    if data is None:
        raise FileNotFoundError(f"{name} is not in the ses_smtp package")
    return json.loads(data)


_CONTRACT: dict[str, Any] = read_package_json("contract.json")

METRIC_NAMESPACE: str = _CONTRACT["metric_namespace"]
SENDER_DIMENSION: str = _CONTRACT["metric_dimensions"]["sender"]
SERVICE_DIMENSION: str = _CONTRACT["metric_dimensions"]["service"]  # Powertools' name: written here, not chosen

PASSWORD_PURPOSE: str = _CONTRACT["password_envelope"]["purpose"]
PASSWORD_CONTEXT_KEYS: tuple[str, ...] = tuple(_CONTRACT["password_envelope"]["context_keys"])

SENDER_TAG: str = _CONTRACT["sender"]["tag"]
FROM_POLICY_NAME: str = _CONTRACT["sender"]["from_policy_name"]

PK: str = _CONTRACT["table"]["partition_key"]  # the table's key attributes
SK: str = _CONTRACT["table"]["sort_key"]
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


class Environment(NamedTuple):
    """Names of the environment variables the modules set on the functions (a NamedTuple: as immutable as a
    frozen dataclass, and a tenth of its cost to define at each cold start)."""

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


class Requests(NamedTuple):
    """Actions Terraform sends the credentials function: its schedules and the declared senders."""

    retire: str
    send_quota: str
    declare: str
    observe: str


REQUEST = Requests(**_CONTRACT["requests"])


class MetricNames(NamedTuple):
    """Custom metrics the module's alarms and dashboard read; the functions publish them."""

    senders_over_limit: str
    credentials_need_attention: str
    send_quota_used: str
    event_processing_errors: str
    malformed_events: str
    unknown_event_type: str
    credentials_past_max_age: str
    senders_skipped_busy: str
    unrecorded_access_keys_deactivated: str
    old_passwords_still_in_use: str
    unused_senders: str
    dmarc_pass: str
    dmarc_fail_ours: str
    dmarc_fail_others: str
    tls_sessions_failed: str
    reports_rejected: str


METRIC = MetricNames(**_CONTRACT["metrics"])
