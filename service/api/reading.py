"""Reading a chat's history: page through its messages (or search them), mark them read."""

from aiohttp import web

from service.api.appkeys import BUS, DATA, QUERY_MODELS
from service.api.http.authn import viewer
from service.api.http.parsing import RequestValidationError, path_int, read_body, read_query
from service.api.http.responses import (
    conditional_json_response,
    json_response,
    next_page_link,
    page_links,
)
from service.api.openapi.annotations import (
    ETAG_HEADER,
    IF_NONE_MATCH,
    LINK_HEADER,
    NOT_MODIFIED,
    documented,
    error_responses,
    json_body,
    json_content,
    path_id,
)
from service.api.search import search_page
from service.domain.messages import Anchor, MessageList, ReadMarked, ReadMarker, UnreadMarker
from service.domain.params import MessagesPage
from service.domain.problems import ValidationIssue

READ_ACCESS = " Others get 403 `not_a_member` for a public chat and 404 for a private one."


@documented(
    "list_messages",
    tags=["messages"],
    summary="List a chat's messages, newest first, or search them (q)",
    description="Keyset paging with `before_id` (older) and `after_id` (newer), or `skip`; a "
    "full page carries a `Link` header to the next one. With `q`, the chat's messages that "
    "match it, as `GET /messages?q=` describes (each item also has `rank` and `snippet`; "
    "paging by `cursor`, not by `skip`, `before_id` or `after_id`). Jumping to a message "
    "(a search hit, a notification): `around_id`, `around=first_unread` or `at`, one of them "
    "and none of the others; a message that is not one of the chat's is a 404 "
    "`message_not_found`.",
    parameters=[path_id("chat_id", "Id of the chat."), IF_NONE_MATCH],
    query="messages_page",
    responses={
        200: {
            "description": "One page of messages",
            "headers": {**ETAG_HEADER, **LINK_HEADER},
            **json_content(MessageList),
        },
        **NOT_MODIFIED,
        **error_responses(404, 422, 503),
    },
)
async def list_messages(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    page = read_query(request, request.app[QUERY_MODELS].messages_page)
    if page.q is not None:
        _search_alone(page)
        return await search_page(
            request,
            q=page.q,
            cursor=page.cursor,
            limit=page.limit,
            in_chat=chat_id,
            include_threads=page.include_threads,
        )
    if page.jump is not None:
        return await _jump(request, chat_id, page)
    messages = await request.app[DATA].timeline.list_messages(
        chat_id=chat_id,
        skip=page.skip,
        limit=page.limit,
        before_id=page.before_id,
        after_id=page.after_id,
        viewer=viewer(request),
        include_threads=page.include_threads,
    )
    link: dict[str, str] = {}
    if len(messages.root) == page.limit:
        # Newest first: catching up (after_id) continues after the newest message of the
        # page; paging back continues before the oldest.
        if page.after_id is not None:
            bound = {} if page.before_id is None else {"before_id": page.before_id}
            link = next_page_link(request, after_id=messages.root[0].id, **bound)
        else:
            link = next_page_link(request, before_id=messages.root[-1].id)
    return conditional_json_response(request, messages, headers=link)


async def _jump(request: web.Request, chat_id: int, page: MessagesPage) -> web.Response:
    """The page around an anchor: up to limit/2 messages each side of around_id (or of the
    first unread message), or from the first message at a time on. Links page outward."""
    timeline, caller = request.app[DATA].timeline, viewer(request)
    if page.at is not None:
        # One older message more than shown: whether a `next` link has anything to give.
        anchor, older, newer = Anchor(at=page.at), 1, page.limit - 1
    else:
        anchor = Anchor(message_id=page.around_id, first_unread=page.around is not None)
        older = newer = page.limit // 2
    around = await timeline.messages_around(
        chat_id=chat_id,
        anchor=anchor,
        older=older,
        newer=newer,
        viewer=caller,
        include_threads=page.include_threads,
    )
    if around is None and page.at is not None:
        return conditional_json_response(request, MessageList([]))
    if around is None:  # nothing unread: the latest page
        latest = await timeline.list_messages(
            chat_id=chat_id,
            skip=0,
            limit=page.limit,
            viewer=caller,
            include_threads=page.include_threads,
        )
        link = {}
        if len(latest.root) == page.limit:
            link = next_page_link(request, before_id=latest.root[-1].id)
        return conditional_json_response(request, latest, headers=link)
    shown = around.messages.root
    if page.at is not None and around.older:
        shown = shown[:-1]
    rels: dict[str, dict[str, int | str]] = {}
    if newer and around.newer == newer:
        rels["prev"] = {"after_id": shown[0].id}
    if older and around.older == older:
        rels["next"] = {"before_id": shown[-1].id}
    return conditional_json_response(request, MessageList(shown), headers=page_links(request, rels))


def _search_alone(page: MessagesPage) -> None:
    mixed = [
        name
        for name, value in (
            ("skip", page.skip),
            ("before_id", page.before_id),
            ("after_id", page.after_id),
        )
        if value
    ]
    if mixed:
        issue = ValidationIssue(
            loc=["query", mixed[0]], msg="search pages by cursor; drop it or q", type="value_error"
        )
        raise RequestValidationError([issue])


@documented(
    "mark_read",
    tags=["messages"],
    summary="Mark a chat's messages up to an id as read",
    description="Every message of the chat with an id up to `up_to_id` (inclusive) is marked "
    "as read in one statement; ids need not exist. Marking again changes nothing. With "
    "authentication on, this is the caller's own read position (members only; `admin` who "
    "is not a member changes nothing and gets `unread_count: null`); with it off, the chat's "
    "one shared position." + READ_ACCESS,
    parameters=[path_id("chat_id", "Id of the chat.")],
    requestBody=json_body(ReadMarker),
    responses={
        200: {
            "description": "How many changed, and what is still unread",
            **json_content(ReadMarked),
        },
        **error_responses(403, 404, 413, 415, 422, 503),
    },
)
async def mark_read(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    body = await read_body(request, ReadMarker)
    marked = await request.app[DATA].reading.mark_read(
        viewer=viewer(request), chat_id=chat_id, up_to_id=body.up_to_id
    )
    request.app[BUS].changed()
    return json_response(marked)


@documented(
    "mark_unread",
    tags=["messages"],
    summary="Mark a chat's messages from an id on as unread",
    description="Moves the read position back so that `from_id` and every later message of "
    'the chat are unread ("mark as unread"); `from_id` need not exist. A position already '
    "before it stays." + READ_ACCESS,
    parameters=[path_id("chat_id", "Id of the chat.")],
    requestBody=json_body(UnreadMarker),
    responses={
        200: {
            "description": "How many changed, and what is unread now",
            **json_content(ReadMarked),
        },
        **error_responses(403, 404, 413, 415, 422, 503),
    },
)
async def mark_unread(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    body = await read_body(request, UnreadMarker)
    marked = await request.app[DATA].reading.mark_unread(
        viewer=viewer(request), chat_id=chat_id, from_id=body.from_id
    )
    request.app[BUS].changed()
    return json_response(marked)
