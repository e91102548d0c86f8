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


def _resource(router: web.UrlDispatcher, path: str) -> web.Resource:
    """One resource per path, however many methods it has: aiohttp tries the resources under
    a prefix one by one, so a resource per route made every request to /chats/{id}/... try
    a dozen before its own."""
    for resource in router.resources():
        if isinstance(resource, web.Resource) and resource.canonical == path:
            return resource
    return router.add_resource(path)


def add_route(router: web.UrlDispatcher, method: str, path: str, handler: Handler) -> None:
    for each_path, each_handler in ((path, handler), (path + "/", _alias(handler))):
        resource = _resource(router, each_path)
        if method == "GET":
            resource.add_route("HEAD", each_handler)
        resource.add_route(method, each_handler)
