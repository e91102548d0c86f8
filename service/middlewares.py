"""Request bookkeeping (id, timing, metrics, access line) and the one place where every error
becomes a JSON answer."""

import logging
import random
import re
import time

from aiohttp import web
from aiohttp.typedefs import Handler

from service.appkeys import METRICS, REQUEST_ID, SETTINGS
from service.auth import QUERY_CREDENTIAL
from service.errors import (
    DatabaseUnavailable,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
)
from service.logs import current_request_id
from service.models import ErrorBody, ValidationErrorBody, ValidationIssue
from service.parsing import RequestValidationError, UnsupportedMediaType
from service.responses import json_response
from service.security import add_security_headers

logger = logging.getLogger("chat_api.errors")
access_logger = logging.getLogger("chat_api.access")

REQUEST_ID_HEADER = "X-Request-ID"
# A client's id is kept only when it is short and printable, so it cannot forge log lines.
_SANE_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,128}")

_DOMAIN_STATUS: dict[type[DomainError], int] = {
    Unauthorized: 401,
    Forbidden: 403,
    RateLimited: 429,
    NotFound: 404,
    DatabaseUnavailable: 503,
}


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
            response = _answer_error(exc, request)
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


def add_response_headers(request: web.Request, response: web.StreamResponse) -> None:
    """The request id and the security headers. request_middleware adds them to every answer
    it returns; a handler that streams calls this before it starts. (Not an on_response_prepare
    hook: that costs a coroutine on every request.)"""
    response.headers[REQUEST_ID_HEADER] = request[REQUEST_ID]
    add_security_headers(request, response)


def _error(
    status: int, detail: str, code: str, headers: dict[str, str] | None = None
) -> web.Response:
    body = ErrorBody(detail=detail, code=code, request_id=current_request_id.get())
    return json_response(body, status=status, headers=headers)


def _code_for(exc: web.HTTPException) -> str:
    return re.sub(r"[^a-z0-9]+", "_", exc.reason.lower()).strip("_")


def _from_http_exception(exc: web.HTTPException, request: web.Request) -> web.StreamResponse:
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        limit = request.app[SETTINGS].body_limit
        return _error(413, f"Request body exceeds the limit of {limit} bytes", "payload_too_large")
    if exc.status < 400:
        return exc
    # Allow (405) and Upgrade (426) tell the client what would work.
    headers = {name: value for name, value in exc.headers.items() if name in {"Allow", "Upgrade"}}
    return _error(exc.status, exc.reason, _code_for(exc), headers)


def _answer_error(exc: Exception, request: web.Request) -> web.StreamResponse:
    if isinstance(exc, RequestValidationError):
        return json_response(ValidationErrorBody(detail=exc.issues), status=422)
    if isinstance(exc, UnsupportedMediaType):
        return _error(415, "Content-Type must be application/json", "unsupported_media_type")
    if isinstance(exc, InvalidInput):
        issue = ValidationIssue(loc=list(exc.loc), msg=exc.detail, type=exc.code)
        return json_response(ValidationErrorBody(detail=[issue]), status=422)
    if isinstance(exc, DomainError):
        if isinstance(exc, DatabaseUnavailable):
            request.app[METRICS].database_errors.inc()
        status = next(s for kind, s in _DOMAIN_STATUS.items() if isinstance(exc, kind))
        return _error(status, exc.detail, exc.code, exc.headers)
    if isinstance(exc, web.HTTPException):
        return _from_http_exception(exc, request)
    logger.error("unhandled error on %s %s", request.method, loggable_path(request), exc_info=exc)
    return _error(500, "Internal server error", "internal_error")


def loggable_path(request: web.Request) -> str:
    """The raw path (percent-escapes kept, so it cannot break a line) with any access_token
    value blanked, however its name is escaped or cased: a credential never reaches a log."""
    url = request.rel_url
    secret = {name for name in url.query if name.lower() == QUERY_CREDENTIAL}
    if not secret:
        return request.raw_path
    return str(url.update_query(dict.fromkeys(secret, "[redacted]")))


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
