"""The SES SMTP password of an IAM access key, by AWS's documented derivation (version 0x04).

The password is an HMAC-SHA256 chain keyed by the secret access key over fixed strings and the
region, so it is only valid at that region's SMTP endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from ses_smtp.regions import require_smtp_region

# Fixed by AWS for the derivation; they are not a date, a service call or a request.
_DATE = "11111111"
_SERVICE = "ses"
_TERMINAL = "aws4_request"
_MESSAGE = "SendRawEmail"
_VERSION = b"\x04"


def derive_smtp_password(secret_access_key: str, region: str) -> str:
    """The SMTP password for secret_access_key at region's SES SMTP endpoint.

    Raises UnknownRegion when SES has no SMTP endpoint in region.
    """
    require_smtp_region(region)
    if not secret_access_key:
        raise ValueError("secret_access_key is empty")
    signature = _sign(("AWS4" + secret_access_key).encode(), _DATE)
    for part in (region, _SERVICE, _TERMINAL, _MESSAGE):
        signature = _sign(signature, part)
    return base64.b64encode(_VERSION + signature).decode()


def _sign(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()
