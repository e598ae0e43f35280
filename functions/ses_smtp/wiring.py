"""Builds the logic objects from a deployment's settings and AWS clients (handlers/credentials.py keeps them
while warm)."""

from __future__ import annotations

from typing import Any

import boto3

from ses_smtp.config import Settings
from ses_smtp.credentials import Credentials
from ses_smtp.directory import SenderDirectory
from ses_smtp.notices import Notices
from ses_smtp.store import CredentialStore


def build_credentials(settings: Settings, session: Any = None) -> Credentials:
    session = session or boto3.session.Session()
    return Credentials(
        settings=settings,
        store=CredentialStore(session.client("dynamodb"), settings.table_name),
        directory=SenderDirectory(
            session.client("iam"),
            path=settings.senders_path,
            group=settings.senders_group,
            boundary_arn=settings.permissions_boundary_arn,
        ),
        kms=session.client("kms"),
        notices=build_notices(settings, session),
    )


def build_notices(settings: Settings, session: Any) -> Notices | None:
    if settings.notices_from is None:
        return None
    return Notices(session.client("sesv2"), settings.notices_from, settings.configuration_set_name)
