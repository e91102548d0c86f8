"""JSON Web Tokens from an identity provider (AUTH_MODE=jwt), verified with PyJWT against a
public key, a JWKS file or a JWKS URL (fetched and cached), with an allow-list of algorithms."""

import asyncio
import logging
from pathlib import Path
from typing import Any

import jwt
from pydantic import TypeAdapter, ValidationError

from service.auth.principal import Principal
from service.domain.fields import USER_ID_MAX_LENGTH, DisplayName
from service.settings import Settings

logger = logging.getLogger("chat_api.auth")

JWKS_CACHE_SECONDS = 300
_DISPLAY_NAME = TypeAdapter(DisplayName)


class JwtVerifier:
    def __init__(self, settings: Settings) -> None:
        self._algorithms = settings.jwt_algorithms
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._leeway = settings.jwt_leeway
        self._key: Any = None
        self._key_set: jwt.PyJWKSet | None = None
        self._client: jwt.PyJWKClient | None = None
        if settings.jwt_public_key_file:
            self._key = Path(settings.jwt_public_key_file).read_text(encoding="utf-8")
        elif settings.jwt_jwks_file:
            text = Path(settings.jwt_jwks_file).read_text(encoding="utf-8")
            self._key_set = jwt.PyJWKSet.from_json(text)
        elif settings.jwt_jwks_url:
            self._client = jwt.PyJWKClient(
                settings.jwt_jwks_url, cache_jwk_set=True, lifespan=JWKS_CACHE_SECONDS, timeout=5
            )

    async def _signing_key(self, token: str) -> Any:
        if self._key is not None:
            return self._key
        if self._client is not None:
            # PyJWKClient fetches with urllib (blocking), at most once per cache lifetime.
            return await asyncio.to_thread(self._client.get_signing_key_from_jwt, token)
        if self._key_set is None:  # Settings require one of the three sources
            raise jwt.InvalidKeyError("no JWT key configured")
        kid = jwt.get_unverified_header(token).get("kid")
        for key in self._key_set.keys:
            if kid is None or key.key_id == kid:
                return key
        raise jwt.InvalidKeyError(f"no key with kid {kid!r} in JWT_JWKS_FILE")

    async def principal(self, token: str) -> Principal | None:
        """The token's subject and scopes; None when it does not verify."""
        try:
            claims = jwt.decode(
                token,
                await self._signing_key(token),
                algorithms=list(self._algorithms),
                issuer=self._issuer,
                audience=self._audience,
                leeway=self._leeway,
                options={
                    "require": ["exp", "sub"],
                    "verify_aud": self._audience is not None,
                    "verify_iss": self._issuer is not None,
                },
            )
        except (jwt.PyJWTError, ValueError) as exc:
            logger.info("JWT refused: %s", type(exc).__name__)
            return None
        subject = claims.get("sub")
        if not isinstance(subject, str) or not 1 <= len(subject) <= USER_ID_MAX_LENGTH:
            logger.info("JWT refused: sub is not a 1-%d character string", USER_ID_MAX_LENGTH)
            return None
        return Principal(
            name=subject, scopes=_scopes(claims), user=subject, display_name=_name(claims)
        )


def _name(claims: dict[str, Any]) -> str | None:
    """The OpenID Connect `name` claim, when it makes a display name (the rule of
    `PATCH /me`); anything else is ignored."""
    try:
        return _DISPLAY_NAME.validate_python(claims.get("name"), strict=True)
    except ValidationError:
        return None


def _scopes(claims: dict[str, Any]) -> frozenset[str]:
    """`scope` is space-separated (RFC 8693); `scp` is a list or a string (Azure AD, Okta).
    Both count when a token carries both."""
    found: set[str] = set()
    for value in (claims.get("scope"), claims.get("scp")):
        if isinstance(value, str):
            found.update(value.split())
        elif isinstance(value, list):
            found.update(item for item in value if isinstance(item, str))
    return frozenset(found)
