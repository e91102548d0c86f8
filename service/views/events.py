"""A chat's new messages, live: as Server-Sent Events (GET /chats/{chat_id}/events) and over a
WebSocket (GET /chats/{chat_id}/ws). Both read the same feed: what the client missed, from the
database, then what this process hears from LISTEN/NOTIFY."""

import asyncio
import json
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Self

from aiohttp import WSCloseCode, web

from service import consistency
from service.appkeys import EVENTS, STORE
from service.events import ChatDeleted, NewMessage, Resync
from service.models import MAX_BIGINT, ErrorBody, MessagePublic, ValidationIssue
from service.openapi import documented, error_responses, json_content, path_id
from service.parsing import RequestValidationError, path_int
from service.routing import add_route
from service.store import Store

HEARTBEAT_SECONDS = 15.0
CATCH_UP_PAGE = 100


class KeepAlive:
    """Nothing happened for HEARTBEAT_SECONDS: a chance to prove the client is still there."""


FeedItem = MessagePublic | ChatDeleted | KeepAlive


def _message_id(raw: str, loc: list[str | int]) -> int:
    """A client's last seen message id; empty means none (0)."""
    raw = raw.strip()
    if not raw:
        return 0
    # The length check first: int() of a very long digit string is slow, and refused past
    # 4,300 digits.
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19 or int(raw) > MAX_BIGINT:
        issue = ValidationIssue(loc=loc, msg="must be a message id", type="int_parsing")
        raise RequestValidationError([issue])
    return int(raw)


async def _newest_id(store: Store, chat_id: int) -> int:
    """The chat's newest message id (0 when it has none); ChatNotFound when there is no chat."""
    page = await store.list_messages(chat_id=chat_id, skip=0, limit=1)
    return page.root[0].id if page.root else 0


async def _after(store: Store, chat_id: int, last_id: int) -> list[MessagePublic]:
    """Every message of the chat after last_id (0: all of them), oldest first."""
    if not last_id:
        return await _all(store, chat_id)
    missed: list[MessagePublic] = []
    while True:
        page = await store.list_messages(
            chat_id=chat_id, skip=0, limit=CATCH_UP_PAGE, after_id=last_id
        )
        missed.extend(reversed(page.root))
        if len(page.root) < CATCH_UP_PAGE:
            return missed
        last_id = page.root[0].id


async def _all(store: Store, chat_id: int) -> list[MessagePublic]:
    newest_first: list[MessagePublic] = []
    before_id: int | None = None
    while True:
        page = await store.list_messages(
            chat_id=chat_id, skip=0, limit=CATCH_UP_PAGE, before_id=before_id
        )
        newest_first.extend(page.root)
        if len(page.root) < CATCH_UP_PAGE:
            return newest_first[::-1]
        before_id = page.root[-1].id


class ChatFeed:
    """Follows a chat from entering to leaving: `items()` yields the messages after last_id
    (those missed first, then live ones, each once, in id order), a ChatDeleted that ends
    it, and a KeepAlive whenever it has been quiet. Entering raises ChatNotFound before
    anything is sent, so the client still gets a plain 404."""

    def __init__(self, request: web.Request, chat_id: int, last_id: int) -> None:
        # Feeds read the primary: a catch-up from a lagging replica could miss a message the
        # live notifications have already passed.
        consistency.current.set(None)
        self._store, self._hub = request.app[STORE], request.app[EVENTS]
        self._chat_id, self._last_id = chat_id, last_id

    async def __aenter__(self) -> Self:
        # Following starts before catching up, so nothing falls in between.
        self._queue = await self._hub.follow(self._store, self._chat_id)
        try:
            if self._last_id:
                self._backlog = await _after(self._store, self._chat_id, self._last_id)
            else:
                # Live from here on: a catch-up after a lost listener starts at this message.
                self._last_id = await _newest_id(self._store, self._chat_id)
                self._backlog = []
        except BaseException:
            await self._leave()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._leave()

    async def _leave(self) -> None:
        await self._hub.leave(self._store, self._chat_id, self._queue)

    def _new(self, messages: list[MessagePublic]) -> list[MessagePublic]:
        fresh = [message for message in messages if message.id > self._last_id]
        if fresh:
            self._last_id = fresh[-1].id
        return fresh

    async def items(self) -> AsyncIterator[FeedItem]:
        for message in self._new(self._backlog):
            yield message
        while True:
            try:
                event = await asyncio.wait_for(self._queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield KeepAlive()
                continue
            if event is None:  # the process is shutting down
                return
            if isinstance(event, ChatDeleted):
                yield event
                return
            if isinstance(event, Resync):
                missed = await _after(self._store, self._chat_id, self._last_id)
                for message in self._new(missed):
                    yield message
            elif isinstance(event, NewMessage):
                for message in self._new([event.message]):
                    yield message


def _frame(message: MessagePublic) -> bytes:
    data = message.__pydantic_serializer__.to_json(message)
    return b"id: %d\nevent: message\ndata: %s\n\n" % (message.id, data)


@documented(
    tags=["messages"],
    summary="Follow a chat's new messages (Server-Sent Events)",
    description="Each new message is an `event: message` with `id:` its id and its JSON as "
    "`data:`. Reconnect with `Last-Event-ID` to get what was missed first. A deleted chat "
    "ends the stream with `event: chat_deleted`. Comment lines keep idle streams alive.",
    parameters=[path_id("chat_id", "Id of the chat to follow.")],
    responses={
        200: {
            "description": "An event stream",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **error_responses(404, 422, 503),
    },
)
async def chat_events(request: web.Request) -> web.StreamResponse:
    chat_id = path_int(request, "chat_id")
    raw_last_id = request.headers.get("Last-Event-ID", "")
    last_id = _message_id(raw_last_id, ["header", "Last-Event-ID"])
    async with ChatFeed(request, chat_id, last_id) as feed:
        response = web.StreamResponse(
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        response.content_type = "text/event-stream"
        await response.prepare(request)
        async for item in feed.items():
            if isinstance(item, KeepAlive):
                await response.write(b": keep-alive\n\n")
            elif isinstance(item, ChatDeleted):
                await response.write(b'event: chat_deleted\ndata: {"chat_id": %d}\n\n' % chat_id)
            else:
                await response.write(_frame(item))
        return response


async def _until_closed(socket: web.WebSocketResponse) -> None:
    """Reads (and ignores) what the client sends, so its close and pongs are handled."""
    async for _ in socket:
        pass


@documented(
    tags=["messages"],
    summary="Follow a chat's new messages (WebSocket)",
    description="After the upgrade, each new message arrives as a text frame "
    '`{"event": "message", "id": <id>, "data": <message>}`; `last_event_id` (the id of the last '
    "message seen) sends what was missed first. A deleted chat sends "
    '`{"event": "chat_deleted", "data": {"chat_id": <id>}}` and closes with 1000; a server '
    "shutting down closes with 1001. What the client sends is ignored. Same feed as "
    "`/chats/{chat_id}/events`.",
    parameters=[
        path_id("chat_id", "Id of the chat to follow."),
        {
            "in": "query",
            "name": "last_event_id",
            "required": False,
            "description": "Id of the last message the client has; those after it come first.",
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_BIGINT},
        },
    ],
    responses={
        101: {"description": "Switching to the WebSocket protocol"},
        426: {
            "description": "Not a WebSocket handshake",
            "headers": {"Upgrade": {"schema": {"type": "string", "const": "websocket"}}},
            **json_content(ErrorBody),
        },
        **error_responses(404, 422, 503),
    },
)
async def chat_socket(request: web.Request) -> web.StreamResponse:
    chat_id = path_int(request, "chat_id")
    last_id = _message_id(request.query.get("last_event_id", ""), ["query", "last_event_id"])
    socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS)
    code = WSCloseCode.GOING_AWAY  # unless the chat is deleted: the server is stopping
    try:
        async with ChatFeed(request, chat_id, last_id) as feed:  # 404 comes before 426
            if not socket.can_prepare(request).ok:
                raise web.HTTPUpgradeRequired(headers={"Upgrade": "websocket"})
            await socket.prepare(request)
            reader = asyncio.create_task(_until_closed(socket))
            try:
                async for item in feed.items():
                    if reader.done():  # the client left
                        break
                    if isinstance(item, ChatDeleted):
                        await socket.send_str(
                            json.dumps({"event": "chat_deleted", "data": {"chat_id": chat_id}})
                        )
                        code = WSCloseCode.OK
                        break
                    if isinstance(item, MessagePublic):
                        data = item.__pydantic_serializer__.to_json(item).decode()
                        await socket.send_str(
                            f'{{"event": "message", "id": {item.id}, "data": {data}}}'
                        )
            finally:
                reader.cancel()
    finally:
        # After leaving the feed: a closing handshake can wait for a peer that is gone.
        if socket.prepared:
            await socket.close(code=code)
    return socket


def add_routes(router: web.UrlDispatcher) -> None:
    add_route(router, "GET", "/chats/{chat_id}/events", chat_events)
    add_route(router, "GET", "/chats/{chat_id}/ws", chat_socket)
