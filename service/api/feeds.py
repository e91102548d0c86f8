"""A chat's new messages, live: as Server-Sent Events (GET /chats/{chat_id}/events) and over a
WebSocket (GET /chats/{chat_id}/ws). Both read the same ChatFeed."""

import asyncio
import json
from typing import Annotated

from aiohttp import WSCloseCode, web
from pydantic import Field, TypeAdapter

from service.api.appkeys import DATA, HUB, SETTINGS
from service.api.http.authn import viewer
from service.api.http.cors import check_origin
from service.api.http.headers import add_response_headers
from service.api.http.parsing import parse_int, path_int
from service.api.openapi.annotations import documented, error_responses, json_content, path_id
from service.domain.events import (
    ACTIVITY_EVENTS,
    ChatDeletedData,
    ChatRenamedData,
    FeedEvent,
    MessageDeletedData,
    PinData,
    ReactionData,
)
from service.domain.fields import MAX_BIGINT
from service.domain.messages import MessagePublic
from service.domain.problems import ErrorBody
from service.live import feed
from service.live.feed import ChatFeed, FeedItem, KeepAlive
from service.live.signals import ChatDeleted, ChatLeft, Typing

EVENT_NAMES = ["message", "message_edited", "message_deleted", "chat_renamed", *ACTIVITY_EVENTS]
LAST_SEEN_ID = TypeAdapter(Annotated[int, Field(ge=0, le=MAX_BIGINT)])
RESUME_FROM = {
    "required": False,
    "description": "Id of the last event the client has (a message's id, or the id of an "
    "edit, deletion or rename): the events after it come first, then live ones. `0` replays "
    "the chat from its first message; without it the feed starts with the next change.",
    "schema": {"type": "integer", "minimum": 0, "maximum": MAX_BIGINT},
}
# One event as SSE parsers (and schemathesis) see it: the frame's fields as strings.
SSE_EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {
            "type": "string",
            "enum": [*EVENT_NAMES, "chat_deleted", "chat_left", "typing"],
        },
        "id": {"type": "string", "description": "The event id (what Last-Event-ID sends back)."},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": {
                "anyOf": [
                    MessagePublic,
                    MessageDeletedData,
                    ChatRenamedData,
                    ChatDeletedData,
                    ReactionData,
                    PinData,
                ]
            },
            "description": "`message`, `message_edited`: the Message; `message_deleted`: its "
            "id and chat_id; `chat_renamed`: chat_id and the new title; `reaction_added`, "
            "`reaction_removed`: chat_id, message_id, emoji, user_id and the emoji's count "
            "after it; `message_pinned`, `message_unpinned`: chat_id, message_id, user_id (and "
            "pinned_at); `chat_deleted`, "
            "`chat_left`: the chat's id; `typing` (no id, never replayed): chat_id and user_id.",
        },
    },
}


def _last_seen_id(raw: str | None, loc: list[str | int]) -> int | None:
    """A client's last seen message id: None when not given (follow live from now), 0 to
    replay the chat from its first message."""
    if raw is None or not raw.strip():
        return None
    return parse_int(raw, loc, LAST_SEEN_ID)


# A WebSocket closed because its follower left the chat (or may no longer see it).
CLOSE_LEFT = 4403


def _feed(request: web.Request, chat_id: int, last_id: int | None) -> ChatFeed:
    data = request.app[DATA]
    return ChatFeed(
        request.app[HUB],
        data.events,
        data.members,
        chat_id=chat_id,
        last_id=last_id,
        viewer=viewer(request),
    )


def typing_data(item: Typing) -> dict[str, object]:
    """The data of a `typing` frame (never with an id: it is not replayed)."""
    return {"chat_id": item.chat_id, "user_id": item.user_id}


def _sse_frame(item: FeedItem) -> bytes:
    if isinstance(item, KeepAlive):
        return b": keep-alive\n\n"
    if isinstance(item, ChatDeleted):
        return b'event: chat_deleted\ndata: {"chat_id": %d}\n\n' % item.chat_id
    if isinstance(item, ChatLeft):
        return b'event: chat_left\ndata: {"chat_id": %d}\n\n' % item.chat_id
    if isinstance(item, Typing):
        return b"event: typing\ndata: %s\n\n" % json.dumps(typing_data(item)).encode()
    data = json.dumps(item.data, ensure_ascii=False).encode()
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (item.id, item.event.encode(), data)


@documented(
    "follow_chat_events",
    tags=["messages"],
    summary="Follow a chat live: new, edited and deleted messages, renames (Server-Sent Events)",
    description="A `text/event-stream` of frames, one per change, in commit order:\n\n"
    '```\nid: 1017\nevent: message\ndata: {"id": 1017, "chat_id": 42, "text": "...", '
    '"created_at": "2026-11-27T09:30:12.345678Z", "is_read": false, ...}\n\n```\n\n'
    "`event` is `message` (a new one), `message_edited` (data: the Message), "
    "`message_deleted` (data: its id and chat_id), `chat_renamed` (data: chat_id and "
    "title), `reaction_added` and `reaction_removed` (data: chat_id, message_id, emoji, "
    "user_id, count), `message_pinned` and `message_unpinned` (data: chat_id, message_id, "
    "user_id; pinned_at). `id` is the event id: a new message's is its id, every other "
    "change takes the next one from the same sequence, so ids only grow. Reconnect with "
    "`Last-Event-ID` (browsers' EventSource does it by itself) to get what was missed first. "
    'A deleted chat ends the stream with `event: chat_deleted` and `data: {"chat_id": 42}`; '
    "a follower removed from the chat (or a non-member of a chat that became private) gets "
    "`event: chat_left` (same data) and the stream ends. "
    "Comment lines (`: keep-alive`) keep idle streams open. With authentication on: a chat "
    "the caller can read (members; anyone with `read` for a public chat); `is_read` is the "
    "caller's.",
    parameters=[
        path_id("chat_id", "Id of the chat to follow."),
        {"in": "header", "name": "Last-Event-ID", **RESUME_FROM},
    ],
    responses={
        200: {
            "description": "An event stream; the schema describes one event",
            "content": {"text/event-stream": {"schema": SSE_EVENT}},
        },
        **error_responses(404, 422, 503),
    },
)
async def chat_events(request: web.Request) -> web.StreamResponse:
    chat_id = path_int(request, "chat_id")
    raw_last_id = request.headers.get("Last-Event-ID")
    last_id = _last_seen_id(raw_last_id, ["header", "Last-Event-ID"])
    async with _feed(request, chat_id, last_id) as chat_feed:
        response = web.StreamResponse(
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        response.content_type = "text/event-stream"
        try:
            add_response_headers(request, response)
            await response.prepare(request)
            async for item in chat_feed.items():
                await response.write(_sse_frame(item))
        except ConnectionResetError:
            # The client left (a closed tab): a normal end, logged with the status it was sent
            # and how long it stayed.
            pass
        return response


async def until_closed(socket: web.WebSocketResponse) -> None:
    """Reads (and ignores) what the client sends, so its close and pongs are handled."""
    async for _ in socket:
        pass


@documented(
    "follow_chat_socket",
    tags=["messages"],
    summary="Follow a chat live: new, edited and deleted messages, renames (WebSocket)",
    description="After the upgrade, each change arrives as a text frame "
    '`{"event": "message", "id": <event id>, "data": <Message>}` (events and data as on the '
    "event stream); `last_event_id` (the id of the last event seen) sends what was missed "
    "first. A browser page may connect from this site or "
    "from one in CORS_ORIGINS; another `Origin` gets 403. A deleted chat sends "
    '`{"event": "chat_deleted", "data": {"chat_id": <id>}}` and closes with 1000; a follower '
    'removed from the chat gets `{"event": "chat_left", "data": {"chat_id": <id>}}` and a '
    "close with 4403; a server shutting down closes with 1001. What the client sends is "
    "ignored. Same feed as `/chats/{chat_id}/events`.",
    parameters=[
        path_id("chat_id", "Id of the chat to follow."),
        {"in": "query", "name": "last_event_id", **RESUME_FROM},
    ],
    responses={
        101: {"description": "Switching to the WebSocket protocol"},
        426: {
            "description": "Not a WebSocket handshake",
            "headers": {"Upgrade": {"schema": {"type": "string", "const": "websocket"}}},
            **json_content(ErrorBody),
        },
        **error_responses(403, 404, 422, 503),
    },
)
async def chat_socket(request: web.Request) -> web.StreamResponse:
    check_origin(request, request.app[SETTINGS].cors_origins)
    chat_id = path_int(request, "chat_id")
    last_id = _last_seen_id(request.query.get("last_event_id"), ["query", "last_event_id"])
    socket = web.WebSocketResponse(heartbeat=feed.HEARTBEAT_SECONDS)
    code: int = WSCloseCode.GOING_AWAY  # unless the chat is deleted: the server is stopping
    try:
        async with _feed(request, chat_id, last_id) as chat_feed:  # 404 comes before 426
            if not socket.can_prepare(request).ok:
                raise web.HTTPUpgradeRequired(headers={"Upgrade": "websocket"})
            add_response_headers(request, socket)
            await socket.prepare(request)
            reader = asyncio.create_task(until_closed(socket))
            try:
                async for item in chat_feed.items():
                    if reader.done():  # the client left
                        break
                    if isinstance(item, ChatDeleted | ChatLeft):
                        left = isinstance(item, ChatLeft)
                        event = "chat_left" if left else "chat_deleted"
                        await socket.send_str(
                            json.dumps({"event": event, "data": {"chat_id": chat_id}})
                        )
                        code = CLOSE_LEFT if left else WSCloseCode.OK
                        break
                    if isinstance(item, Typing):
                        await socket.send_str(
                            json.dumps({"event": "typing", "data": typing_data(item)})
                        )
                    if isinstance(item, FeedEvent):
                        await socket.send_str(
                            json.dumps(
                                {"event": item.event, "id": item.id, "data": item.data},
                                ensure_ascii=False,
                            )
                        )
            finally:
                reader.cancel()
    finally:
        # After leaving the feed: a closing handshake can wait for a peer that is gone.
        if socket.prepared:
            await socket.close(code=code)
    return socket
