"""CORS for the origins in CORS_ORIGINS (none by default: browsers on other sites get nothing)."""

import aiohttp_cors
from aiohttp import hdrs, web
from yarl import URL

from service.domain.errors import OriginNotAllowed

# Every response header docs/api.md documents for clients, readable by cross-origin scripts.
EXPOSED_HEADERS = (
    "Location",
    "X-Request-ID",
    "Link",
    "ETag",
    "Idempotent-Replayed",
    "X-Consistency-Token",
    "WWW-Authenticate",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
)


def enable_cors(app: web.Application, origins: list[str]) -> None:
    if not origins:
        return
    options = aiohttp_cors.ResourceOptions(  # type: ignore[no-untyped-call]
        allow_credentials=False,
        expose_headers=EXPOSED_HEADERS,
        allow_headers="*",
        allow_methods="*",
        max_age=600,
    )
    cors = aiohttp_cors.setup(app, defaults=dict.fromkeys(origins, options))
    # Per resource with every method: with routes added one by one, aiohttp-cors refused the
    # preflight of every method but the first route's (DELETE /chats/{id} came after GET).
    for resource in list(app.router.resources()):
        if not isinstance(resource, web.StaticResource):
            cors.add(resource)


def _site(url: URL) -> tuple[str, str, int | None]:
    return url.scheme.lower(), (url.host or "").lower(), url.port


def check_origin(request: web.Request, origins: list[str]) -> None:
    """Browsers send Origin on a WebSocket handshake but do not apply CORS to it: without this
    check any web page could read the feed from its visitor's network (cross-site WebSocket
    hijacking). Allowed: the service's own site, the CORS_ORIGINS, and requests without
    Origin (not from a browser)."""
    origin = request.headers.get(hdrs.ORIGIN)
    if origin is None or origin in origins or "*" in origins:
        return
    try:
        page = URL(origin)
        # Host keeps the port unless it is the scheme's default, as Origin does.
        own = URL.build(scheme=page.scheme, authority=request.host)
        same_site = page.scheme in ("http", "https") and _site(page) == _site(own)
    except ValueError:
        same_site = False
    if not same_site:
        raise OriginNotAllowed(origin)
