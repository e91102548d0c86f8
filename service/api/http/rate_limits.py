"""The rate limit of every request that needs a credential (service.auth.ratelimit keeps the
budgets); its RateLimit-* headers go out with the answer."""

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

from service.api.appkeys import PRINCIPAL, RATE_HEADERS, RATE_LIMITS
from service.auth.access import PUBLIC, route_scopes


@web.middleware
async def rate_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if (
        request.method != hdrs.METH_OPTIONS
        and request.match_info.http_exception is None
        and route_scopes(request.match_info.route) != (PUBLIC,)
    ):
        limits = request.app[RATE_LIMITS]
        request[RATE_HEADERS] = await limits.check(request, request.get(PRINCIPAL))
    return await handler(request)
