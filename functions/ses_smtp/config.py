"""Settings of a deployment, read from the function's environment (set by Terraform)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from ses_smtp.contract import DEFAULT_RETIRE_AFTER_DAYS, ENV, MAX_CREDENTIAL_AGE_DAYS
from ses_smtp.regions import require_smtp_region


class MissingSetting(RuntimeError):
    """The function's environment lacks a setting Terraform is meant to provide."""


@dataclass(frozen=True)
class Settings:
    """A credentials function's settings, read from the environment Terraform gives it."""

    table_name: str
    kms_key_arn: str
    senders_path: str
    senders_group: str
    permissions_boundary_arn: str
    user_name_prefix: str
    allowed_domains: frozenset[str]
    smtp_region: str
    default_retire_after: timedelta = timedelta(days=DEFAULT_RETIRE_AFTER_DAYS)
    max_credential_age: timedelta = timedelta(days=MAX_CREDENTIAL_AGE_DAYS)
    retire_run_interval: timedelta | None = None  # None: a cron() schedule, or not given
    unused_sender_days: float = 30  # the retire run reports senders whose keys were not used this long
    notices_from: str | None = None  # rotation notices' From address; None: no notices
    configuration_set_name: str | None = None  # what notices are sent through

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def need(name: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise MissingSetting(f"environment variable {name} is not set; it comes from the Terraform module")
            return value

        def days(name: str, default: float) -> timedelta:
            return timedelta(days=float(env.get(name, default)))

        region = env.get(ENV.smtp_region) or need("AWS_REGION")
        require_smtp_region(region)
        return cls(
            table_name=need(ENV.table_name),
            kms_key_arn=need(ENV.kms_key_arn),
            senders_path=need(ENV.senders_path),
            senders_group=need(ENV.senders_group),
            permissions_boundary_arn=need(ENV.permissions_boundary_arn),
            user_name_prefix=env.get(ENV.user_name_prefix, ""),
            allowed_domains=frozenset(d.strip() for d in need(ENV.allowed_domains).split(",") if d.strip()),
            smtp_region=region,
            default_retire_after=days(ENV.default_retire_after_days, DEFAULT_RETIRE_AFTER_DAYS),
            max_credential_age=days(ENV.max_credential_age_days, MAX_CREDENTIAL_AGE_DAYS),
            retire_run_interval=schedule_interval(env.get(ENV.retire_schedule, "")),
            unused_sender_days=float(env.get(ENV.unused_sender_days, "30")),
            notices_from=env.get(ENV.notices_from) or None,
            configuration_set_name=env.get(ENV.configuration_set_name) or None,
        )


_RATE = re.compile(r"^rate\((\d+) (minute|hour|day)s?\)$")


def schedule_interval(expression: str) -> timedelta | None:
    """The time between two runs of an EventBridge Scheduler rate() expression; None for cron() or nothing."""
    match = _RATE.match(expression.strip())
    if not match:
        return None
    return timedelta(**{match.group(2) + "s": int(match.group(1))})
