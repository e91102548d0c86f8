"""Read-your-writes across read replicas, without server-side session state.

After a write the client is handed the primary's WAL position (header and cookie); when it
sends that back, its reads go to a replica only once the replica has replayed that far, and to
the primary until then. The position is opaque to clients; it is PostgreSQL's LSN text form.
"""

import re
from contextvars import ContextVar
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler

CONSISTENCY_HEADER = "X-Consistency-Token"
CONSISTENCY_COOKIE = "consistency_token"
# Long enough for any replica that is not excluded for lag to have replayed the write; once it
# has, the token costs nothing (the replica is used).
CONSISTENCY_MAX_AGE_SECONDS = 300
_LSN = re.compile(r"([0-9A-F]{1,8})/([0-9A-F]{1,8})", re.IGNORECASE)


@dataclass(slots=True)
class ReadYourWrites:
    """One request's view: the position its reads must see, and what its writes reached."""

    required: int = 0  # WAL position in bytes; 0: any usable replica will do
    written: int = 0


# None outside an HTTP request (the event dispatcher, commands) and in the live feeds: every
# read then goes to the primary.
current: ContextVar[ReadYourWrites | None] = ContextVar("read_your_writes", default=None)


def parse_position(text: str) -> int | None:
    match = _LSN.fullmatch(text.strip())
    if match is None:
        return None
    return (int(match[1], 16) << 32) + int(match[2], 16)


def format_position(position: int) -> str:
    return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"


def _required(request: web.Request) -> int:
    """The newest position the client sent back; one it mangled sends its reads to the primary
    (a position no replica reaches), never to a replica that may lack its write."""
    given = [request.headers.get(CONSISTENCY_HEADER), request.cookies.get(CONSISTENCY_COOKIE)]
    positions = [parse_position(text) for text in given if text]
    if any(position is None for position in positions):
        return 1 << 64
    return max((position for position in positions if position is not None), default=0)


@web.middleware
async def consistency_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Installed only when DATABASE_REPLICA_URLS is set."""
    state = ReadYourWrites(required=_required(request))
    token = current.set(state)
    try:
        response = await handler(request)
    finally:
        current.reset(token)
    if state.written and not response.prepared:
        # WAL positions only grow, so the latest write's position covers the earlier ones.
        position = format_position(state.written)
        response.headers[CONSISTENCY_HEADER] = position
        response.set_cookie(
            CONSISTENCY_COOKIE,
            position,
            max_age=CONSISTENCY_MAX_AGE_SECONDS,
            path="/",
            httponly=True,
            samesite="Lax",
        )
    return response
