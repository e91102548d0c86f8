"""Standard Webhooks signatures (standardwebhooks.com): `whsec_` secrets and `v1,` HMACs.

Written on the standard library, not the standardwebhooks package: the tests verify every
delivery with that package, which proves this code only if it is not that package."""

import base64
import hashlib
import hmac
import secrets

# The format's prefix, not a secret.
SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature_header(secrets_: list[str], *, event_id: str, timestamp: int, body: str) -> str:
    """`webhook-signature`: one space-separated `v1,<base64>` per secret (two while a rotated
    secret overlaps; a receiver accepts any that matches)."""
    signed = f"{event_id}.{timestamp}.{body}".encode()
    return " ".join(_signature(secret, signed) for secret in secrets_)


def _signature(secret: str, signed: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
