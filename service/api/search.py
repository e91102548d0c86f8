"""Full-text search of messages: within one chat (GET /chats/{chat_id}/messages?q=) or across
chats (GET /messages?q=, optionally chat_id= several times)."""

from typing import Annotated

from aiohttp import web
from pydantic import Field, TypeAdapter

from service.api.appkeys import DATA
from service.api.http.authn import viewer
from service.api.http.parsing import RequestValidationError, parse_int, read_query
from service.api.http.responses import json_response, next_page_link
from service.api.openapi.annotations import LINK_HEADER, documented, error_responses, json_content
from service.domain.fields import MAX_BIGINT
from service.domain.problems import ValidationIssue
from service.domain.search import SearchHitList, SearchQuery, cursor_after, parse_cursor, to_tsquery

CHAT_ID = TypeAdapter(Annotated[int, Field(ge=1, le=MAX_BIGINT)])
MAX_CHAT_IDS = 100


def _cursor(raw: str | None) -> tuple[float, int] | None:
    if raw is None:
        return None
    try:
        return parse_cursor(raw)
    except ValueError as exc:
        issue = ValidationIssue(loc=["query", "cursor"], msg=str(exc), type="value_error")
        raise RequestValidationError([issue]) from None


async def search_page(
    request: web.Request,
    *,
    q: str,
    cursor: str | None,
    limit: int,
    chat_ids: list[int] | None = None,
    in_chat: int | None = None,
    include_threads: bool = False,
) -> web.Response:
    """One page of hits (in chat_ids, or in the chat in_chat, which must exist), with a Link
    to the next one when it is full."""
    hits = await request.app[DATA].search.messages(
        tsquery=to_tsquery(q),
        chat_ids=chat_ids,
        after=_cursor(cursor),
        limit=limit,
        viewer=viewer(request),
        in_chat=in_chat,
        include_threads=include_threads,
    )
    link = next_page_link(request, cursor=cursor_after(hits[-1])) if len(hits) == limit else {}
    return json_response(SearchHitList(hits), headers=link)


def _chat_ids(request: web.Request) -> list[int] | None:
    given = request.query.getall("chat_id", [])
    if len(given) > MAX_CHAT_IDS:
        issue = ValidationIssue(
            loc=["query", "chat_id"], msg=f"at most {MAX_CHAT_IDS} chats", type="too_long"
        )
        raise RequestValidationError([issue])
    ids = [parse_int(raw, ["query", "chat_id"], CHAT_ID) for raw in given]
    return sorted(set(ids)) or None


@documented(
    "search_messages",
    tags=["messages"],
    summary="Search messages across chats (full text)",
    description="PostgreSQL full-text search that understands Russian and English word forms "
    '(`рабочие` finds `рабочий`, `meetings` finds `meeting`); "quoted phrases" match words '
    "in a row and `word*` matches a prefix. Hits come most relevant first, newer first among "
    "equals, each with a `snippet` (HTML-escaped text, matches in `<mark>`). A full page has "
    "a `Link` to the next one (`cursor`). `chat_id` (repeatable, up to 100) keeps hits of "
    "those chats only. Thread replies only with `include_threads=true`. With authentication "
    "on, only chats the caller can read are searched "
    "(a `chat_id` of another chat adds nothing).",
    parameters=[
        {
            "in": "query",
            "name": "chat_id",
            "required": False,
            "description": "Only these chats (repeat the parameter for several).",
            "schema": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1, "maximum": MAX_BIGINT},
                "maxItems": MAX_CHAT_IDS,
            },
            "style": "form",
            "explode": True,
        }
    ],
    query="search",
    responses={
        200: {
            "description": "One page of hits",
            "headers": LINK_HEADER,
            **json_content(SearchHitList),
        },
        **error_responses(422, 503),
    },
)
async def search_messages(request: web.Request) -> web.Response:
    query = read_query(request, SearchQuery)
    return await search_page(
        request,
        q=query.q,
        cursor=query.cursor,
        limit=query.limit,
        chat_ids=_chat_ids(request),
        include_threads=query.include_threads,
    )
