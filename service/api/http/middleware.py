"""Request bookkeeping: its id, timing, a metrics sample and the access line; every error it
meets is answered by service.api.http.errors."""

import logging
import random
import re
import time

from aiohttp import web
from aiohttp.typedefs import Handler

from service.api.appkeys import METRICS, REQUEST_ID, SETTINGS
from service.api.http.errors import answer_error, loggable_path
from service.api.http.headers import REQUEST_ID_HEADER, add_response_headers
from service.telemetry.logs import current_request_id

access_logger = logging.getLogger("chat_api.access")

# A client's id is kept only when it is short and printable, so it cannot forge log lines.
_SANE_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,128}")


def _request_id_from(request: web.Request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if _SANE_REQUEST_ID.fullmatch(given):
        return given
    # 128 random bits like a UUID4, without its urandom syscall per request: ids only need to
    # be unique, and the generator is reseeded in every forked worker.
    return f"{random.getrandbits(128):032x}"  # nosec B311


@web.middleware
async def request_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Names and times each request and answers its errors: its id (on every log line written
    for it and in X-Request-ID), every exception as a JSON error, a metrics sample, and one
    access line unless ACCESS_LOG=false. One middleware, not three: each layer costs a call
    on every request."""
    request_id = _request_id_from(request)
    request[REQUEST_ID] = request_id
    token = current_request_id.set(request_id)
    try:
        started = time.perf_counter()
        try:
            response = await handler(request)
        except Exception as exc:  # every error becomes a JSON answer
            response = answer_error(exc, request)
        if not response.prepared:  # streams add these themselves, before they start
            add_response_headers(request, response)
        seconds = time.perf_counter() - started
        request.app[METRICS].observe(
            method=request.method,
            route=_route_template(request),
            status=response.status,
            seconds=seconds,
        )
        if request.app[SETTINGS].access_log:
            _log_access(request, response, seconds)
        return response
    finally:
        current_request_id.reset(token)


def _route_template(request: web.Request) -> str:
    resource = request.match_info.route.resource
    if resource is None:
        return "unmatched"
    # "/chats/" and "/chats" are one route to the people reading the metrics.
    return resource.canonical.rstrip("/") or "/"


def _log_access(request: web.Request, response: web.StreamResponse, seconds: float) -> None:
    duration_ms = round(seconds * 1000, 2)
    path = loggable_path(request)
    access_logger.info(
        "%s %s %d %.2f ms",
        request.method,
        path,
        response.status,
        duration_ms,
        extra={
            "method": request.method,
            "path": path,
            "status": response.status,
            "duration_ms": duration_ms,
        },
    )
