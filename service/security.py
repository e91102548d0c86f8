"""Headers every answer carries: no MIME sniffing, no referrer, no framing, rate limit state,
and no caching of answers given to an authenticated caller."""

from aiohttp import web

from service.appkeys import PRINCIPAL, RATE_HEADERS

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Called for every answer by middlewares.add_response_headers (streams included)."""
    response.headers.update(SECURITY_HEADERS)
    response.headers.update(request.get(RATE_HEADERS) or {})
    if PRINCIPAL in request:
        # What one caller may read is not for a shared cache (or the next user of a browser).
        response.headers["Cache-Control"] = "no-store"
