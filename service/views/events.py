"""GET /chats/{chat_id}/events: the chat's new messages as Server-Sent Events."""

import asyncio

from aiohttp import web

from service.appkeys import EVENTS, STORE
from service.events import ChatDeleted, NewMessage, Resync
from service.models import MessagePublic, ValidationIssue
from service.openapi import documented, error_responses, path_id
from service.parsing import RequestValidationError, path_int
from service.routing import add_route
from service.store import Store

HEARTBEAT_SECONDS = 15.0
CATCH_UP_PAGE = 100


def _last_event_id(request: web.Request) -> int:
    raw = request.headers.get("Last-Event-ID", "").strip()
    if not raw:
        return 0
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        issue = ValidationIssue(
            loc=["header", "Last-Event-ID"], msg="must be a message id", type="int_parsing"
        )
        raise RequestValidationError([issue])
    return int(raw)


def _frame(message: MessagePublic) -> bytes:
    data = message.__pydantic_serializer__.to_json(message)
    return b"id: %d\nevent: message\ndata: %s\n\n" % (message.id, data)


async def _after(store: Store, chat_id: int, last_id: int) -> list[MessagePublic]:
    """Every message of the chat after last_id, oldest first (0: none, only live ones)."""
    if not last_id:
        await store.list_messages(chat_id=chat_id, skip=0, limit=1)  # 404 for a missing chat
        return []
    missed: list[MessagePublic] = []
    while True:
        page = await store.list_messages(
            chat_id=chat_id, skip=0, limit=CATCH_UP_PAGE, after_id=last_id
        )
        missed.extend(reversed(page.root))
        if len(page.root) < CATCH_UP_PAGE:
            return missed
        last_id = page.root[0].id


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
    last_id = _last_event_id(request)
    store, hub = request.app[STORE], request.app[EVENTS]
    queue = await hub.follow(store, chat_id)  # before catching up: nothing falls in between
    try:
        backlog = await _after(store, chat_id, last_id)
        response = web.StreamResponse(
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        response.content_type = "text/event-stream"
        await response.prepare(request)
        for message in backlog:
            await response.write(_frame(message))
            last_id = message.id
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if event is None:
                break
            if isinstance(event, ChatDeleted):
                await response.write(b'event: chat_deleted\ndata: {"chat_id": %d}\n\n' % chat_id)
                break
            if isinstance(event, Resync):
                for message in await _after(store, chat_id, last_id):
                    await response.write(_frame(message))
                    last_id = message.id
            elif isinstance(event, NewMessage) and event.message.id > last_id:
                await response.write(_frame(event.message))
                last_id = event.message.id
        return response
    finally:
        await hub.leave(store, chat_id, queue)


def add_routes(router: web.UrlDispatcher) -> None:
    add_route(router, "GET", "/chats/{chat_id}/events", chat_events)
