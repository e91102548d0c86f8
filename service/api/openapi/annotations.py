"""What handlers say about themselves for the OpenAPI document: `@documented` (operation id,
texts, parameters, answers) and the shared pieces it is written with. Who may call each one
is the route table's to say (service/routes.py)."""

from collections.abc import Callable
from typing import Any, TypeVar, cast

from aiohttp_apispec import docs
from pydantic import BaseModel

from service.domain.fields import MAX_BIGINT, USER_ID_MAX_LENGTH
from service.domain.problems import ErrorBody, ValidationErrorBody

REF_TEMPLATE = "#/components/schemas/{model}"
H = TypeVar("H")


def documented(
    operation_id: str, *, summary: str, description: str, **operation: Any
) -> Callable[[H], H]:
    """aiohttp-apispec's `@docs`, typed. operation_id is the verb_noun name generated clients
    give the call (`create_chat`). `query="<QueryModels field>"` documents that model's fields
    as query parameters."""
    annotate = docs(operationId=operation_id, summary=summary, description=description, **operation)
    return cast(Callable[[H], H], annotate)


def json_content(model: type[BaseModel]) -> dict[str, Any]:
    """An OpenAPI `content` object; the model class is turned into a `$ref` when the
    document is built."""
    return {"content": {"application/json": {"schema": model}}}


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    return {"required": True, **json_content(model)}


def path_user_id(name: str, description: str) -> dict[str, Any]:
    return {
        "in": "path",
        "name": name,
        "required": True,
        "description": description,
        "schema": {"type": "string", "minLength": 1, "maxLength": USER_ID_MAX_LENGTH},
    }


def path_emoji(name: str, description: str) -> dict[str, Any]:
    return {
        "in": "path",
        "name": name,
        "required": True,
        "description": description,
        "schema": {"type": "string", "minLength": 1, "maxLength": 66},
    }


def path_id(name: str, description: str) -> dict[str, Any]:
    return {
        "in": "path",
        "name": name,
        "required": True,
        "description": description,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_BIGINT},
    }


IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "description": "An ETag from an earlier answer: 304 without a body while it still matches.",
    "schema": {"type": "string"},
}
ETAG_HEADER = {
    "ETag": {"description": "Changes whenever the body would.", "schema": {"type": "string"}}
}
LINK_HEADER = {
    "Link": {
        "description": 'RFC 8288 `<...>; rel="next"` with the keyset parameters of the next '
        "page; present when this page is full.",
        "schema": {"type": "string"},
    }
}
NOT_MODIFIED = {
    304: {
        "description": "Not modified: If-None-Match names the current ETag",
        "headers": ETAG_HEADER,
    }
}

API_DESCRIPTION = """Chats and their messages over REST.

Every error is JSON: `{"detail": "...", "code": "...", "request_id": "..."}`, except \
validation errors (422), which keep FastAPI's shape \
`{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`. Every answer carries \
`X-Request-ID` (yours when you send a sane one). Lists page by keyset \
(`before_id`, `after_id`) and a full page has an RFC 8288 `Link` header to the next one. \
Texts are trimmed of surrounding whitespace before their length is checked. Integers may be \
sent as whole-number floats (`5.0`); `5.5` is refused."""

TAGS = [
    {
        "name": "chats",
        "description": "Create, list and search chats; open one with its latest messages; "
        "statistics; delete a chat with everything in it.",
    },
    {
        "name": "messages",
        "description": "Post messages (one, idempotently, or up to 1,000 at once), list and "
        "get them (or jump to one), reply in threads, mark them read, and follow a chat live "
        "(Server-Sent Events or WebSocket).",
    },
    {
        "name": "reactions",
        "description": "React to a message with an emoji, take it back, and see who reacted.",
    },
    {
        "name": "pins",
        "description": "Pin a chat's messages and list what is pinned.",
    },
    {
        "name": "members",
        "description": "Who is in a chat: list members (with how far each has read), add "
        "them and change their roles, remove them, join a public chat.",
    },
    {
        "name": "people",
        "description": "The caller (profile, its chats most recent first, unread totals, "
        "messages that mention it) and other users' public fields.",
    },
    {
        "name": "webhooks",
        "description": "Signed, retried, ordered deliveries of every chat change to an HTTP "
        "endpoint of yours (Standard Webhooks): register, rotate secrets, see attempts, ping.",
    },
    {
        "name": "health",
        "description": "Liveness and readiness probes, the version, and Prometheus metrics.",
    },
]

RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer"},
}
ERROR_RESPONSES: dict[int, dict[str, Any]] = {
    401: {
        "description": "No bearer token, or one that is malformed, unknown, revoked or expired",
        "headers": {
            "WWW-Authenticate": {
                "description": 'RFC 6750 challenge: `Bearer realm="chat-api"`.',
                "schema": {"type": "string"},
            }
        },
        **json_content(ErrorBody),
    },
    403: {
        "description": "Forbidden: the credential lacks the scope this needs (`forbidden`), "
        "the caller is not a member of this public chat (`not_a_member`) or not its owner "
        "(`not_an_owner`), or a WebSocket from a browser page on another site "
        "(`origin_not_allowed`)",
        **json_content(ErrorBody),
    },
    404: {
        "description": "No such chat, message, user or member; a private chat the caller is "
        "not in is answered exactly like a chat that does not exist",
        **json_content(ErrorBody),
    },
    409: {
        "description": "The chat would be left without an owner (`last_owner`)",
        **json_content(ErrorBody),
    },
    413: {"description": "Body larger than BODY_LIMIT", **json_content(ErrorBody)},
    415: {"description": "Content-Type is not JSON", **json_content(ErrorBody)},
    422: {"description": "Validation error", **json_content(ValidationErrorBody)},
    429: {
        "description": "Over the rate limit (`rate_limited`); retry after `Retry-After` seconds",
        "headers": {
            name: {"description": description, "schema": {"type": "integer"}}
            for name, description in (
                ("Retry-After", "Seconds until the budget refills."),
                ("RateLimit-Limit", "Requests allowed per window."),
                ("RateLimit-Remaining", "Requests left in this window."),
                ("RateLimit-Reset", "Seconds until the window ends."),
            )
        },
        **json_content(ErrorBody),
    },
    503: {
        "description": "The database cannot serve this now (`database_unavailable`), or a write "
        "reached a read-only server, as during a failover (`database_read_only`); retry after "
        "`Retry-After` seconds (with the same `Idempotency-Key`, a retried post is safe)",
        "headers": {"Retry-After": RETRY_AFTER_HEADER},
        **json_content(ErrorBody),
    },
}
BEARER = "bearerAuth"


def error_responses(*statuses: int) -> dict[int, dict[str, Any]]:
    return {status: ERROR_RESPONSES[status] for status in statuses}
