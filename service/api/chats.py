"""Chats: create, list (and search titles), open with the latest messages, statistics, rename,
delete."""

from aiohttp import web

from service.api.appkeys import BUS, DATA, QUERY_MODELS
from service.api.http.authn import viewer
from service.api.http.parsing import path_int, read_body, read_query
from service.api.http.responses import conditional_json_response, json_response, next_page_link
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
from service.domain.chats import (
    ChatCreate,
    ChatList,
    ChatPublic,
    ChatStats,
    ChatUpdate,
    ChatWithMessages,
)
from service.domain.windows import StatsQuery

CHAT_ID = path_id("chat_id", "Id of the chat.")


@documented(
    "create_chat",
    tags=["chats"],
    summary="Create a chat",
    description="The title is trimmed of surrounding whitespace, then must be 1-200 characters. "
    "The answer is the new chat, with its `Location`. With authentication on, the caller "
    "becomes its owner and only member; `visibility` defaults to `private`.",
    requestBody=json_body(ChatCreate),
    responses={
        201: {
            "description": "Created; `Location` names the new chat",
            "headers": {"Location": {"schema": {"type": "string"}}},
            **json_content(ChatPublic),
        },
        **error_responses(413, 415, 422, 503),
    },
)
async def create_chat(request: web.Request) -> web.Response:
    body = await read_body(request, ChatCreate)
    creator = viewer(request).user
    # Without authentication nobody could ever see a private chat: it defaults to public.
    visibility = body.visibility or ("private" if creator is not None else "public")
    chat = await request.app[DATA].chats.create_chat(
        title=body.title, visibility=visibility, creator=creator
    )
    request.app[BUS].changed()
    return json_response(chat, status=201, headers={"Location": f"/chats/{chat.id}"})


@documented(
    "list_chats",
    tags=["chats"],
    summary="List chats in creation order, optionally searching titles (q)",
    description="Keyset paging with `after_id`/`before_id` (or `skip`); a full page carries a "
    "`Link` header to the next one. `q` keeps chats whose title contains it, ignoring case. "
    "With authentication on: only the chats the caller can read (public ones and its own; "
    "`admin`: all). `GET /me/chats` lists the caller's, most recent first.",
    parameters=[IF_NONE_MATCH],
    query="chats_page",
    responses={
        200: {
            "description": "One page of chats",
            "headers": {**ETAG_HEADER, **LINK_HEADER},
            **json_content(ChatList),
        },
        **NOT_MODIFIED,
        **error_responses(422, 503),
    },
)
async def list_chats(request: web.Request) -> web.Response:
    page = read_query(request, request.app[QUERY_MODELS].chats_page)
    chats = await request.app[DATA].chats.list_chats(
        skip=page.skip,
        limit=page.limit,
        before_id=page.before_id,
        after_id=page.after_id,
        search=page.q,
        viewer=viewer(request),
    )
    link: dict[str, str] = {}
    if len(chats.root) == page.limit:
        # Creation order: forward continues after the last chat, backward before the first.
        if page.before_id is not None and page.after_id is None:
            link = next_page_link(request, before_id=chats.root[0].id)
        else:
            bound = {} if page.before_id is None else {"before_id": page.before_id}
            link = next_page_link(request, after_id=chats.root[-1].id, **bound)
    return conditional_json_response(request, chats, headers=link)


@documented(
    "get_chat",
    tags=["chats"],
    summary="Open a chat with its latest messages, newest first",
    description="The chat (with exact `message_count` and `unread_count`) and its `limit` "
    "latest messages. Send the `ETag` back in `If-None-Match` to get a 304 while nothing changed.",
    parameters=[CHAT_ID, IF_NONE_MATCH],
    query="latest_messages",
    responses={
        200: {
            "description": "The chat and its latest messages",
            "headers": ETAG_HEADER,
            **json_content(ChatWithMessages),
        },
        **NOT_MODIFIED,
        **error_responses(404, 422, 503),
    },
)
async def get_chat(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    latest = read_query(request, request.app[QUERY_MODELS].latest_messages)
    document = await request.app[DATA].chats.get_chat_with_messages(
        chat_id=chat_id,
        limit=latest.limit,
        viewer=viewer(request),
        include_threads=latest.include_threads,
    )
    return conditional_json_response(request, document)


@documented(
    "delete_chat",
    tags=["chats"],
    summary="Delete a chat and all its messages",
    description="Its messages go with it (`ON DELETE CASCADE`); live feeds of the chat get "
    "`chat_deleted` and end. With authentication on: its owners, or `admin`.",
    parameters=[CHAT_ID],
    responses={204: {"description": "Deleted"}, **error_responses(403, 404, 422, 503)},
)
async def delete_chat(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    data = request.app[DATA]
    await data.members.require(viewer(request), chat_id, "owner")
    await data.chats.delete_chat(chat_id=chat_id)
    request.app[BUS].changed()
    return web.Response(status=204)


@documented(
    "get_chat_stats",
    tags=["chats"],
    summary="Message statistics of a chat in a time range",
    description="422 when start_date is after end_date.",
    parameters=[CHAT_ID],
    query="stats",
    responses={
        200: {"description": "Counts, first and last message, per day", **json_content(ChatStats)},
        **error_responses(404, 422, 503),
    },
)
async def chat_stats(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    window = read_query(request, StatsQuery)
    data = request.app[DATA]
    await data.members.require(viewer(request), chat_id, "see")
    stats = await data.chats.get_chat_stats(chat_id=chat_id, start=window.start, end=window.end)
    return json_response(stats)


@documented(
    "rename_chat",
    tags=["chats"],
    summary="Rename a chat, or change its visibility or who may pin",
    description="The title follows the rule of creating; sending what the chat already has "
    "changes nothing. `members_can_pin: false` leaves pinning to owners. Live feeds get "
    "`chat_renamed`; when a chat becomes private, the feeds "
    "of callers who are not members end (`chat_left`). With authentication on: its owners, "
    "or `admin`.",
    parameters=[CHAT_ID],
    requestBody=json_body(ChatUpdate),
    responses={
        200: {"description": "The chat as it is now", **json_content(ChatPublic)},
        **error_responses(403, 404, 413, 415, 422, 503),
    },
)
async def rename_chat(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    body = await read_body(request, ChatUpdate)
    caller = viewer(request)
    data = request.app[DATA]
    await data.members.require(caller, chat_id, "owner")
    chat = await data.chats.update_chat(
        chat_id=chat_id,
        title=body.title,
        visibility=body.visibility,
        members_can_pin=body.members_can_pin,
        viewer=caller,
    )
    # A chat made private is not in the event log: its feeds re-check who may see it.
    request.app[BUS].changed(chat_id if body.visibility == "private" else None)
    return json_response(chat)
