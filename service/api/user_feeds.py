"""Every chat of the caller on one connection: GET /me/events (Server-Sent Events) and
GET /me/ws (WebSocket). Both read the same UserFeed."""

import contextlib
import json

from aiohttp import WSCloseCode, WSMsgType, web

from service.api.appkeys import BUS, DATA, HUB, SETTINGS
from service.api.feeds import typing_data
from service.api.http.authn import caller, viewer
from service.api.http.cors import check_origin
from service.api.http.headers import add_response_headers
from service.api.http.parsing import path_int
from service.api.http.streaming import client_gone, until_either
from service.api.me import NEEDS_AUTH
from service.api.openapi.annotations import documented, error_responses, json_content, path_id
from service.api.user_feed_docs import ANSWERS, CURSOR, FRAMES, SSE_FRAME
from service.data.base import can_exist
from service.domain.cursors import CursorError, FeedCursor
from service.domain.errors import DomainError
from service.domain.invalid_input import InvalidCursor
from service.domain.problems import ErrorBody
from service.live import feed
from service.live.feed import KeepAlive
from service.live.signals import Presence, Typing
from service.live.user_feed import CursorFrame, UserFeed, UserItem


def _feed(request: web.Request, raw: str | None, loc: tuple[str, str]) -> UserFeed:
    user = caller(request)
    cursor = None
    if raw is not None and raw.strip():
        try:
            cursor = FeedCursor.decode(raw.strip())
        except CursorError as exc:
            raise InvalidCursor(loc) from exc
    return UserFeed(
        request.app[HUB],
        request.app[DATA].events,
        request.app[BUS],
        user=user,
        cursor=cursor,
        retention_hours=request.app[SETTINGS].event_log_retention_hours,
    )


def _as_dict(item: UserItem) -> dict[str, object] | None:
    if isinstance(item, KeepAlive):
        return None
    if isinstance(item, CursorFrame):
        return {"id": item.id, "event": "cursor", "data": {"cursor": item.id}}
    if isinstance(item, Typing):
        return {"event": "typing", "data": typing_data(item)}
    if isinstance(item, Presence):
        return {"event": "presence", "data": {"user_id": item.user_id, "online": item.online}}
    return {"id": item.id, "event": item.event, "data": item.data}


def _sse_frame(item: UserItem) -> bytes:
    frame = _as_dict(item)
    if frame is None:
        return b": keep-alive\n\n"
    data = json.dumps(frame["data"], ensure_ascii=False)
    event_id = f"id: {frame['id']}\n" if "id" in frame else ""
    return f"{event_id}event: {frame['event']}\ndata: {data}\n\n".encode()


@documented(
    "follow_my_events",
    tags=["people"],
    summary="Every chat of the caller, live, on one connection (Server-Sent Events)",
    description="A `text/event-stream`: `id:`, `event:` and `data:` (JSON) per frame, "
    "comment lines (`: keep-alive`) while idle. " + FRAMES,
    parameters=[{"in": "header", "name": "Last-Event-ID", **CURSOR}],
    responses={
        200: {
            "description": "An event stream; the schema describes one frame",
            "content": {"text/event-stream": {"schema": SSE_FRAME}},
        },
        **ANSWERS,
    },
)
async def my_events(request: web.Request) -> web.StreamResponse:
    user_feed = _feed(request, request.headers.get("Last-Event-ID"), ("header", "Last-Event-ID"))
    async with user_feed:
        response = web.StreamResponse(
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        response.content_type = "text/event-stream"
        try:
            add_response_headers(request, response)
            await response.prepare(request)

            async def pump() -> None:
                async for item in user_feed.items():
                    await response.write(_sse_frame(item))

            await until_either(pump(), client_gone(request))
        except ConnectionResetError:
            pass  # the client left: a normal end
        return response


async def _announce_typing(request: web.Request, chat_id: int) -> None:
    data = request.app[DATA]
    await data.members.require(viewer(request), chat_id, "member")
    await request.app[BUS].announce_typing(chat_id=chat_id, user=caller(request))


@documented(
    "send_typing",
    tags=["messages"],
    summary="Say that the caller is typing in a chat",
    description="The chat's other members' user feeds and the chat's own feeds get `typing` "
    "(`{chat_id, user_id}`) at once; it is never logged or replayed, the caller's own feeds "
    "do not get it, and clients treat it as over after 6 s unless repeated. At most one per "
    "caller and chat goes out every 2 s: the others are dropped, still answered 204. A member "
    "with `write`; a private chat is a 404 for anyone else." + NEEDS_AUTH,
    parameters=[path_id("chat_id", "Id of the chat.")],
    responses={
        204: {"description": "Announced (or dropped)"},
        **error_responses(403, 404, 422, 503),
    },
)
async def send_typing(request: web.Request) -> web.Response:
    await _announce_typing(request, path_int(request, "chat_id"))
    return web.Response(status=204)


async def _read_client(socket: web.WebSocketResponse, request: web.Request) -> None:
    """What a /me/ws client sends: `{"type": "typing", "chat_id": N}` announces typing (as POST
    /chats/{chat_id}/typing); anything else, and any refusal, is ignored."""
    async for message in socket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            body = json.loads(message.data)
        except ValueError:
            continue
        if not isinstance(body, dict) or body.get("type") != "typing":
            continue
        chat_id = body.get("chat_id")
        if type(chat_id) is int and can_exist(chat_id):
            with contextlib.suppress(DomainError):
                await _announce_typing(request, chat_id)


@documented(
    "follow_my_socket",
    tags=["people"],
    summary="Every chat of the caller, live, on one connection (WebSocket)",
    description='Text frames `{"id", "event", "data"}`, as on `/me/events`; '
    '`last_event_id` resumes. The client may send `{"type": "typing", "chat_id": N}` (as '
    "`POST /chats/{chat_id}/typing`); anything else it sends is ignored. " + FRAMES,
    parameters=[{"in": "query", "name": "last_event_id", **CURSOR}],
    responses={
        101: {"description": "Switching to the WebSocket protocol"},
        426: {"description": "Not a WebSocket handshake", **json_content(ErrorBody)},
        **ANSWERS,
    },
)
async def my_socket(request: web.Request) -> web.StreamResponse:
    check_origin(request, request.app[SETTINGS].cors_origins)
    user_feed = _feed(request, request.query.get("last_event_id"), ("query", "last_event_id"))
    socket = web.WebSocketResponse(heartbeat=feed.HEARTBEAT_SECONDS)
    try:
        async with user_feed:
            if not socket.can_prepare(request).ok:
                raise web.HTTPUpgradeRequired(headers={"Upgrade": "websocket"})
            add_response_headers(request, socket)
            await socket.prepare(request)

            async def pump() -> None:
                async for item in user_feed.items():
                    frame = _as_dict(item)
                    if frame is not None:
                        await socket.send_str(json.dumps(frame, ensure_ascii=False))

            # The reader ends when the client closes: the feed ends with it.
            await until_either(pump(), _read_client(socket, request))
    finally:
        if socket.prepared:
            await socket.close(code=WSCloseCode.GOING_AWAY)
    return socket
