"""Registers the route table: each route with and without a trailing slash, answering both
directly (no redirect: many clients do not re-send a POST body after a 307), one aiohttp
resource per path, and who may call it declared on the handler for the middlewares."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler

from service.auth.access import Scope, declare, same_access


@dataclass(frozen=True, slots=True)
class Route:
    """One line of the route table. scope None: open to everyone, even with authentication on
    (probes, the document, the docs pages); `admin` will do wherever `read` or `write` is
    needed; query_token: the credential may come as ?access_token= (EventSource, WebSocket)."""

    method: str
    path: str
    handler: Handler
    scope: Scope | None
    query_token: bool = False


def _alias(handler: Handler) -> Handler:
    # A plain wrapper carries no OpenAPI annotations, so the document lists each path once.
    async def alias(request: web.Request) -> web.StreamResponse:
        return await handler(request)

    same_access(alias, handler)
    return alias


def _resource(router: web.UrlDispatcher, path: str) -> web.Resource:
    """One resource per path, however many methods it has: aiohttp tries the resources under
    a prefix one by one, so a resource per route made every request to /chats/{id}/... try
    a dozen before its own."""
    for resource in router.resources():
        if isinstance(resource, web.Resource) and resource.canonical == path:
            return resource
    return router.add_resource(path)


def add_route(router: web.UrlDispatcher, route: Route) -> None:
    declare(route.handler, route.scope, query_token=route.query_token)
    for path, handler in ((route.path, route.handler), (route.path + "/", _alias(route.handler))):
        resource = _resource(router, path)
        if route.method == "GET":
            resource.add_route("HEAD", handler)
        resource.add_route(route.method, handler)


def add_routes(
    router: web.UrlDispatcher, routes: Iterable[Route], assets: Iterable[tuple[str, Path]]
) -> None:
    """The routes, then the static folders (prefix, folder) the docs pages load."""
    for route in routes:
        add_route(router, route)
    for prefix, folder in assets:
        router.add_static(prefix, folder)
