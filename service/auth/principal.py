"""Who is calling, once a credential has been checked."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's name or the JWT's subject, and what they may do."""

    name: str
    scopes: frozenset[str]


class Authenticator(Protocol):
    """What AUTH_MODE picks: API keys or a JWT verifier."""

    async def principal(self, token: str) -> Principal | None: ...
