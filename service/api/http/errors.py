"""The one place where every error becomes a JSON answer: domain errors by their kind,
validation in FastAPI's shape, aiohttp's own HTTP errors, and anything else as a bare 500."""

import logging
import re

from aiohttp import web

from service.api.appkeys import METRICS, SETTINGS
from service.api.http.authn import QUERY_CREDENTIAL
from service.api.http.parsing import RequestValidationError, UnsupportedMediaType
from service.api.http.responses import json_response
from service.domain.errors import (
    Conflict,
    DatabaseUnavailable,
    DomainError,
    Forbidden,
    Gone,
    NotFound,
    RateLimited,
    Unauthorized,
)
from service.domain.invalid_input import InvalidInput
from service.domain.problems import ErrorBody, ValidationErrorBody, ValidationIssue
from service.telemetry.logs import current_request_id

logger = logging.getLogger("chat_api.errors")

_DOMAIN_STATUS: dict[type[DomainError], int] = {
    Unauthorized: 401,
    Forbidden: 403,
    RateLimited: 429,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    DatabaseUnavailable: 503,
}


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


def answer_error(exc: Exception, request: web.Request) -> web.StreamResponse:
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
