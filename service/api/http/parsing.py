"""Turns raw request parts (body, query string, path) into validated values, or a 4xx."""

import re
from functools import cache
from typing import Any, TypeVar

from aiohttp import hdrs, web
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from service.domain.fields import USER_ID_MAX_LENGTH
from service.domain.problems import ValidationIssue
from service.domain.reactions import EMOJI_RULE, is_reaction

_INT = TypeAdapter(int)

M = TypeVar("M", bound=BaseModel)


class RequestValidationError(Exception):
    """Answered with 422 in FastAPI's `{"detail": [{"loc", "msg", "type"}]}` shape."""

    def __init__(self, issues: list[ValidationIssue]) -> None:
        super().__init__(issues)
        self.issues = issues


class UnsupportedMediaType(Exception):
    """The request body is not declared as JSON."""


def _issues(errors: list[ErrorDetails], *location: str | int) -> list[ValidationIssue]:
    return [
        ValidationIssue(loc=[*location, *error["loc"]], msg=error["msg"], type=error["type"])
        for error in errors
    ]


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


async def read_body(request: web.Request, model: type[M]) -> M:
    """Validates the raw body in one pass; aiohttp's size limit answers 413 while reading."""
    # FastAPI accepted bodies without a Content-Type; only a declared non-JSON type is refused.
    if hdrs.CONTENT_TYPE in request.headers and not _is_json(request.content_type):
        raise UnsupportedMediaType()
    raw = await request.read()
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(_issues(exc.errors(), "body")) from None


def read_query(request: web.Request, model: type[M]) -> M:
    try:
        if not request.query_string:
            shared: M = _defaults(model)
            return shared
        return model.model_validate(_query_values(request, model))
    except ValidationError as exc:
        raise RequestValidationError(_issues(exc.errors(), "query")) from None


def _query_values(request: web.Request, model: type[BaseModel]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in model.model_fields:
        given = request.query.getall(name, [])
        if len(given) > 1:
            issue = ValidationIssue(
                loc=["query", name], msg="Parameter given more than once", type="duplicate"
            )
            raise RequestValidationError([issue])
        if given:
            values[name] = given[0]
    return values


@cache
def _defaults(model: type[M]) -> M:
    """The model of an empty query string, validated once: most requests send none. Query
    models are frozen, so one instance can be shared (a ValidationError is not cached)."""
    return model.model_validate({})


def parse_int(raw: str, loc: list[str | int], adapter: TypeAdapter[int] = _INT) -> int:
    """An integer from URL or header text, read as query parameters are: "5" and "5.0" are 5,
    "5.5" is refused."""
    try:
        return adapter.validate_python(raw)
    except ValidationError as exc:
        raise RequestValidationError(_issues(exc.errors(), *loc)) from None


# Plain digits need no parser; anything else ("5.0", "+5", too long) goes through pydantic.
_MAX_PLAIN_DIGITS = 18


def path_int(request: web.Request, name: str) -> int:
    raw = request.match_info[name]
    if raw.isascii() and raw.isdigit() and len(raw) <= _MAX_PLAIN_DIGITS:
        return int(raw)
    return parse_int(raw, ["path", name])


_SANE_HEADER = re.compile(r"[\x21-\x7e]{1,255}")


def optional_header_token(request: web.Request, name: str) -> str | None:
    """A header that must be 1-255 printable ASCII characters when present (e.g. keys)."""
    value = request.headers.get(name)
    if value is None or _SANE_HEADER.fullmatch(value):
        return value
    issue = ValidationIssue(
        loc=["header", name],
        msg="must be 1-255 printable ASCII characters without spaces",
        type="value_error",
    )
    raise RequestValidationError([issue])


def path_emoji(request: web.Request, name: str) -> str:
    """A reaction in the path (percent-encoded in the URL): one emoji or a :short_name:."""
    raw = request.match_info[name]
    if is_reaction(raw):
        return raw
    issue = ValidationIssue(loc=["path", name], msg=f"must be {EMOJI_RULE}", type="value_error")
    raise RequestValidationError([issue])


def path_user(request: web.Request, name: str) -> str:
    """A user id in the path: 1-255 characters."""
    raw = request.match_info[name]
    if 1 <= len(raw) <= USER_ID_MAX_LENGTH:
        return raw
    issue = ValidationIssue(
        loc=["path", name],
        msg=f"must be 1-{USER_ID_MAX_LENGTH} characters",
        type="string_too_long",
    )
    raise RequestValidationError([issue])
