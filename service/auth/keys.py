"""API keys (AUTH_MODE=api_key): tokens that secret scanners can recognise, stored as hashes,
checked in constant time, and cached for less than a second so a revocation reaches every
process within one."""

import hashlib
import hmac
import re
import secrets
import time

import asyncpg

from service.auth.principal import Principal
from service.data.keys import KeyRows

KEY_MARKER = "chat_"  # what secret scanners look for
# chat_<12 hex: finds the row>_<43 url-safe characters: 256 random bits>
_TOKEN = re.compile(r"chat_(?P<prefix>[0-9a-f]{12})_[A-Za-z0-9_-]{43}")
KEY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
SCOPES = ("read", "write", "admin", "metrics")
# How long a process trusts what it read about a key: revocations take effect within it.
CACHE_SECONDS = 0.5


def new_token() -> tuple[str, str]:
    """A fresh token and its public prefix."""
    prefix = secrets.token_hex(6)
    return f"{KEY_MARKER}{prefix}_{secrets.token_urlsafe(32)}", prefix


def _digest(token: str) -> bytes:
    # Tokens carry 256 random bits: a fast hash is enough, a slow one would only cost latency.
    return hashlib.sha256(token.encode()).digest()


class ApiKeys:
    """Checks tokens against the api_keys table; the `chat-api keys` commands create, list and
    revoke them."""

    def __init__(self, rows: KeyRows) -> None:
        self._rows = rows
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    async def create(
        self, *, name: str, scopes: list[str], user: str | None = None
    ) -> tuple[str, asyncpg.Record]:
        """A new key acting for `user` (default: a user named like the key)."""
        token, prefix = new_token()
        row = await self._rows.create(
            name=name,
            prefix=prefix,
            token_hash=_digest(token),
            scopes=scopes,
            user_id=user if user is not None else name,
        )
        return token, row

    async def list(self) -> list[asyncpg.Record]:
        return await self._rows.list()

    async def revoke(self, name: str) -> bool:
        return await self._rows.revoke(name)

    async def principal(self, token: str) -> Principal | None:
        """Who the token belongs to; None for a malformed, unknown or revoked token."""
        match = _TOKEN.fullmatch(token)
        if match is None:
            return None
        now = time.monotonic()
        cached = self._cache.get(token)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        principal = await self._look_up(match["prefix"], token)
        if len(self._cache) > 10_000:  # many tokens seen: forget them rather than grow
            self._cache.clear()
        self._cache[token] = (now, principal)
        return principal

    async def _look_up(self, prefix: str, token: str) -> Principal | None:
        row = await self._rows.find(prefix)
        if row is None or not hmac.compare_digest(bytes(row["token_hash"]), _digest(token)):
            return None
        if row["revoked"]:
            return None
        await self._rows.touch(row["id"])
        return Principal(name=row["name"], scopes=frozenset(row["scopes"]), user=row["user_id"])
