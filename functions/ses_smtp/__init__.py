"""terraform-aws-ses-smtp: SES SMTP credentials for Gmail and any mail client."""

from __future__ import annotations

__version__ = "0.1.0"
