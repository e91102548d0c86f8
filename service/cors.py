"""CORS for the origins in CORS_ORIGINS (none by default: browsers on other sites get nothing)."""

import aiohttp_cors
from aiohttp import web

# Every response header the README documents for clients, readable by cross-origin scripts.
EXPOSED_HEADERS = (
    "Location",
    "X-Request-ID",
    "Link",
    "ETag",
    "Idempotent-Replayed",
    "X-Consistency-Token",
)


def enable_cors(app: web.Application, origins: list[str]) -> None:
    if not origins:
        return
    options = aiohttp_cors.ResourceOptions(  # type: ignore[no-untyped-call]
        allow_credentials=False, expose_headers=EXPOSED_HEADERS, allow_headers="*", max_age=600
    )
    cors = aiohttp_cors.setup(app, defaults=dict.fromkeys(origins, options))
    for route in list(app.router.routes()):
        if not isinstance(route.resource, web.StaticResource):
            cors.add(route)
