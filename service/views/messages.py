"""Messages: post into a chat, list a chat's messages, get one by id."""

from aiohttp import web

from service.appkeys import QUERY_MODELS, STORE
from service.auth import author
from service.models import (
    MessageCreate,
    MessageList,
    MessagePublic,
    MessagesBulkCreate,
    ReadMarked,
    ReadMarker,
    ValidationIssue,
)
from service.openapi import (
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
from service.parsing import (
    RequestValidationError,
    optional_header_token,
    path_int,
    read_body,
    read_query,
)
from service.responses import conditional_json_response, json_response, next_page_link
from service.routing import add_route
from service.search import MessagesPage
from service.views.search import search_page

IDEMPOTENCY_KEY = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


@documented(
    "create_message",
    scope="write",
    tags=["messages"],
    summary="Post a message into a chat",
    description="With an `Idempotency-Key`, a retry with the same key and text returns the "
    "original 201 answer and creates nothing; the same key with another text is a 422. Keys "
    "are kept at least 24 hours.",
    parameters=[
        path_id("chat_id", "Id of the chat to post into."),
        {
            "in": "header",
            "name": IDEMPOTENCY_KEY,
            "required": False,
            "description": "A client-chosen key (1-255 printable ASCII) making retries safe.",
            "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"},
        },
    ],
    requestBody=json_body(MessageCreate),
    responses={
        201: {
            "description": "Created (or, for a repeated Idempotency-Key, created earlier); "
            "`Location` names the message",
            "headers": {
                "Location": {"schema": {"type": "string"}},
                REPLAYED: {
                    "description": "`true` when this answers a repeated Idempotency-Key",
                    "schema": {"type": "string"},
                },
            },
            **json_content(MessagePublic),
        },
        **error_responses(404, 413, 415, 422, 503),
    },
)
async def create_message(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    key = optional_header_token(request, IDEMPOTENCY_KEY)
    body = await read_body(request, MessageCreate)
    store = request.app[STORE]
    headers: dict[str, str] = {}
    if key is None:
        message = await store.create_message(
            chat_id=chat_id, text=body.text, author=author(request), reply_to=body.reply_to
        )
    else:
        message, replayed = await store.create_message_once(
            chat_id=chat_id,
            text=body.text,
            key=key,
            author=author(request),
            reply_to=body.reply_to,
        )
        headers[REPLAYED] = "true" if replayed else "false"
    headers["Location"] = f"/messages/{message.id}"
    return json_response(message, status=201, headers=headers)


@documented(
    "create_messages",
    scope="write",
    tags=["messages"],
    summary="Post up to 1,000 messages into a chat at once, all or nothing",
    description="One statement: every message is stored, in the given order, or none is. Each "
    "text follows the rule of a single post.",
    parameters=[path_id("chat_id", "Id of the chat to post into.")],
    requestBody=json_body(MessagesBulkCreate),
    responses={
        201: {"description": "Created, in the given order", **json_content(MessageList)},
        **error_responses(404, 413, 415, 422, 503),
    },
)
async def create_messages(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    body = await read_body(request, MessagesBulkCreate)
    created = await request.app[STORE].create_messages(
        chat_id=chat_id, texts=[message.text for message in body.messages], author=author(request)
    )
    return json_response(created, status=201)


@documented(
    "list_messages",
    scope="read",
    tags=["messages"],
    summary="List a chat's messages, newest first, or search them (q)",
    description="Keyset paging with `before_id` (older) and `after_id` (newer), or `skip`; a "
    "full page carries a `Link` header to the next one. With `q`, the chat's messages that "
    "match it, as `GET /messages?q=` describes (each item also has `rank` and `snippet`; "
    "paging by `cursor`, not by `skip`, `before_id` or `after_id`).",
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
            request, q=page.q, cursor=page.cursor, limit=page.limit, in_chat=chat_id
        )
    messages = await request.app[STORE].list_messages(
        chat_id=chat_id,
        skip=page.skip,
        limit=page.limit,
        before_id=page.before_id,
        after_id=page.after_id,
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
    "get_message",
    scope="read",
    tags=["messages"],
    summary="Get one message",
    description="Any message by its id, whichever chat it is in.",
    parameters=[path_id("message_id", "Id of the message.")],
    responses={
        200: {"description": "The message", **json_content(MessagePublic)},
        **error_responses(404, 422, 503),
    },
)
async def get_message(request: web.Request) -> web.Response:
    message_id = path_int(request, "message_id")
    message = await request.app[STORE].get_message(message_id=message_id)
    return json_response(message)


@documented(
    "mark_read",
    scope="write",
    tags=["messages"],
    summary="Mark a chat's messages up to an id as read",
    description="Every message of the chat with an id up to `up_to_id` (inclusive) is marked "
    "as read in one statement; ids need not exist. Marking again changes nothing.",
    parameters=[path_id("chat_id", "Id of the chat.")],
    requestBody=json_body(ReadMarker),
    responses={
        200: {
            "description": "How many changed, and what is still unread",
            **json_content(ReadMarked),
        },
        **error_responses(404, 413, 415, 422, 503),
    },
)
async def mark_read(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    body = await read_body(request, ReadMarker)
    marked = await request.app[STORE].mark_read(chat_id=chat_id, up_to_id=body.up_to_id)
    return json_response(marked)


def add_routes(router: web.UrlDispatcher) -> None:
    add_route(router, "POST", "/chats/{chat_id}/messages", create_message)
    add_route(router, "GET", "/chats/{chat_id}/messages", list_messages)
    add_route(router, "POST", "/chats/{chat_id}/messages/bulk", create_messages)
    add_route(router, "POST", "/chats/{chat_id}/read", mark_read)
    add_route(router, "GET", "/messages/{message_id}", get_message)
