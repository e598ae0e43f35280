"""Errors a person can act on. Each carries a message that says what to do."""

from __future__ import annotations


class SesSmtpError(Exception):
    """Base class; `code` is stable for scripts and for the Lambda response."""

    code = "Error"


class InvalidRequest(SesSmtpError):
    code = "InvalidRequest"


class SenderNotFound(SesSmtpError):
    code = "SenderNotFound"


class SenderExists(SesSmtpError):
    code = "SenderExists"


class Conflict(SesSmtpError):
    """Another operation holds the sender; retry when it has finished."""

    code = "Conflict"


class GracePeriodActive(SesSmtpError):
    code = "GracePeriodActive"


class NotOurs(SesSmtpError):
    """An IAM user of that name exists but was not created by this module."""

    code = "NotOurs"


class TamperedCredential(SesSmtpError):
    """A stored credential failed authentication: it was changed, or belongs to another record."""

    code = "TamperedCredential"


class SenderRevoked(SesSmtpError):
    code = "SenderRevoked"


class ManagedElsewhere(SesSmtpError):
    """The sender is managed by Terraform (the CLI may not change it unasked), or by the CLI (Terraform may not
    take it over)."""

    code = "ManagedElsewhere"
