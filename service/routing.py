"""Adds each route with and without a trailing slash, answering both directly (no redirect:
many clients do not re-send a POST body after a 307)."""

from aiohttp import web
from aiohttp.typedefs import Handler

from service.access import same_access


def _alias(handler: Handler) -> Handler:
    # A plain wrapper carries no OpenAPI annotations, so the document lists each path once.
    async def alias(request: web.Request) -> web.StreamResponse:
        return await handler(request)

    same_access(alias, handler)
    return alias


def add_route(router: web.UrlDispatcher, method: str, path: str, handler: Handler) -> None:
    if method == "GET":
        router.add_get(path, handler)
        router.add_get(path + "/", _alias(handler))
    else:
        router.add_route(method, path, handler)
        router.add_route(method, path + "/", _alias(handler))
