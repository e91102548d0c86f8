"""Who is calling, once a credential has been checked."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the credential's name (the key's name or the JWT's subject), the user it
    acts for (the key's user or the JWT's subject), and what they may do. display_name: what
    the identity provider calls the user (the JWT name claim), if anything."""

    name: str
    scopes: frozenset[str]
    user: str
    display_name: str | None = None


class Authenticator(Protocol):
    """What AUTH_MODE picks: API keys or a JWT verifier."""

    async def principal(self, token: str) -> Principal | None: ...
