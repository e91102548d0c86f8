"""What each route requires: a scope (or none), declared beside its handler and read by the
authentication middleware. A route that declares nothing is refused at start-up."""

from typing import Any, Literal

from aiohttp import web

Scope = Literal["read", "write", "admin", "metrics"]
PUBLIC = "public"

_SCOPE = "required_scope"
_IN_QUERY = "accepts_query_token"


class UndeclaredAccess(Exception):
    """A route was added without saying which scope it needs."""


def declare(handler: Any, scope: Scope | None, *, query_token: bool = False) -> None:
    """scope None: open to everyone even when authentication is on (probes, docs)."""
    setattr(handler, _SCOPE, scope or PUBLIC)
    setattr(handler, _IN_QUERY, query_token)


def same_access(alias: Any, handler: Any) -> None:
    """The trailing-slash alias of a route needs what the route needs."""
    for attribute in (_SCOPE, _IN_QUERY):
        if hasattr(handler, attribute):
            setattr(alias, attribute, getattr(handler, attribute))


def required_scope(handler: Any) -> str:
    try:
        return str(getattr(handler, _SCOPE))
    except AttributeError:
        name = getattr(handler, "__qualname__", repr(handler))
        raise UndeclaredAccess(f"{name} declares no scope (service.access.declare)") from None


def route_scope(route: web.AbstractRoute) -> str:
    """What a matched route needs; static files (the docs pages' assets) are public."""
    if isinstance(route.resource, web.StaticResource):
        return PUBLIC
    return required_scope(route.handler)


def accepts_query_token(handler: Any) -> bool:
    """EventSource and WebSocket cannot send headers: their routes take ?access_token=."""
    return bool(getattr(handler, _IN_QUERY, False))
