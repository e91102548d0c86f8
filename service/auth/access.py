"""What each route requires: a scope (or none), declared by the route table (service/routes.py)
on its handler and read by the authentication middleware. A route that declares nothing is
refused at start-up."""

from typing import Any, Literal

from aiohttp import web

Scope = Literal["read", "write", "admin", "metrics"]
PUBLIC = "public"

_SCOPES = "accepted_scopes"
_IN_QUERY = "accepts_query_token"


class UndeclaredAccess(Exception):
    """A route was added without saying which scope it needs."""


def scopes_for(scope: Scope | None) -> tuple[str, ...]:
    """scope None: open to everyone even when authentication is on (probes, docs). `admin`
    will do wherever `read` or `write` is needed: admin is the moderator, who may do
    everything on every chat."""
    if scope is None:
        return (PUBLIC,)
    return (scope, "admin") if scope in ("read", "write") else (scope,)


def declare(handler: Any, scope: Scope | None, *, query_token: bool = False) -> None:
    setattr(handler, _SCOPES, scopes_for(scope))
    setattr(handler, _IN_QUERY, query_token)


def same_access(alias: Any, handler: Any) -> None:
    """The trailing-slash alias of a route needs what the route needs."""
    for attribute in (_SCOPES, _IN_QUERY):
        if hasattr(handler, attribute):
            setattr(alias, attribute, getattr(handler, attribute))


def accepted_scopes(handler: Any) -> tuple[str, ...]:
    """The scopes any one of which lets a credential call the handler; (PUBLIC,) for all."""
    try:
        return tuple(getattr(handler, _SCOPES))
    except AttributeError:
        name = getattr(handler, "__qualname__", repr(handler))
        raise UndeclaredAccess(f"{name} declares no scope (service/routes.py)") from None


def route_scopes(route: web.AbstractRoute) -> tuple[str, ...]:
    """What a matched route accepts; static files (the docs pages' assets) are public."""
    if isinstance(route.resource, web.StaticResource):
        return (PUBLIC,)
    return accepted_scopes(route.handler)


def accepts_query_token(handler: Any) -> bool:
    """EventSource and WebSocket cannot send headers: their routes take ?access_token=."""
    return bool(getattr(handler, _IN_QUERY, False))
