"""Headers every answer carries: its request id, no MIME sniffing, no referrer, no framing,
rate limit state, and no caching of answers given to an authenticated caller."""

from aiohttp import web

from service.api.appkeys import PRINCIPAL, RATE_HEADERS, REQUEST_ID

REQUEST_ID_HEADER = "X-Request-ID"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def add_response_headers(request: web.Request, response: web.StreamResponse) -> None:
    """The request middleware adds these to every answer it returns; a handler that streams
    calls this before it starts. (Not an on_response_prepare hook: that costs a coroutine on
    every request.)"""
    response.headers[REQUEST_ID_HEADER] = request[REQUEST_ID]
    response.headers.update(SECURITY_HEADERS)
    response.headers.update(request.get(RATE_HEADERS) or {})
    if PRINCIPAL in request:
        # What one caller may read is not for a shared cache (or the next user of a browser).
        response.headers["Cache-Control"] = "no-store"
