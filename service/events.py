"""Live message events. Each process holds one LISTEN connection to the `chat_events` channel
(fed by the triggers of migration 0004) and fans what it hears out to its own subscribers: a
new message is read once per process, whatever the number of clients following the chat."""

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
from aiohttp import web

from service.appkeys import EVENTS, QUERIES, SETTINGS, STORE
from service.dsn import asyncpg_dsn
from service.errors import DomainError
from service.models import MessagePublic
from service.store import Store

logger = logging.getLogger("chat_api.events")

CHANNEL = "chat_events"
SUBSCRIBER_BACKLOG = 1000
RECONNECT_SECONDS = 1.0
# A listener that keeps failing (a standby, a database that is away) retries less and less
# often, and says so once rather than every second.
RECONNECT_MAX_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class NewMessage:
    message: MessagePublic


@dataclass(frozen=True, slots=True)
class ChatDeleted:
    chat_id: int


@dataclass(frozen=True, slots=True)
class Resync:
    """Notifications may have been missed (the listener reconnected): catch up from the DB."""


Event = NewMessage | ChatDeleted | Resync | None  # None: the stream must end (shutdown)


class EventHub:
    def __init__(self) -> None:
        self._subscribers: dict[int, set[asyncio.Queue[Event]]] = defaultdict(set)
        self._payloads: asyncio.Queue[str] = asyncio.Queue()
        # Backend pid of this process's LISTEN connection: its name in chat_followers.
        self.listener_pid: int | None = None

    async def follow(self, store: Store, chat_id: int) -> asyncio.Queue[Event]:
        """Subscribes to a chat; the first local subscriber registers the chat as followed,
        so the database announces its messages from then on."""
        first = chat_id not in self._subscribers
        queue = self.subscribe(chat_id)
        if first and self.listener_pid is not None:
            try:
                await store.follow_chat(chat_id=chat_id, listener_pid=self.listener_pid)
            except BaseException:
                self.unsubscribe(chat_id, queue)
                raise
        return queue

    async def leave(self, store: Store, chat_id: int, queue: asyncio.Queue[Event]) -> None:
        self.unsubscribe(chat_id, queue)
        pid = self.listener_pid
        if chat_id in self._subscribers or pid is None:
            return
        with contextlib.suppress(DomainError):
            await store.unfollow_chat(chat_id=chat_id, listener_pid=pid)
            if chat_id in self._subscribers:  # someone followed again meanwhile
                await store.follow_chat(chat_id=chat_id, listener_pid=pid)

    async def register(self, store: Store, listener_pid: int) -> None:
        """A (re)connected listener: forget dead processes' records, follow our chats again."""
        self.listener_pid = listener_pid
        await store.forget_stale_followers()
        for chat_id in list(self._subscribers):
            await store.follow_chat(chat_id=chat_id, listener_pid=listener_pid)

    def subscribe(self, chat_id: int) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=SUBSCRIBER_BACKLOG)
        self._subscribers[chat_id].add(queue)
        return queue

    def unsubscribe(self, chat_id: int, queue: asyncio.Queue[Event]) -> None:
        queues = self._subscribers.get(chat_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self._subscribers[chat_id]

    def notify(self, payload: str) -> None:
        """asyncpg listener callback; the payloads are handled in order by `dispatch`."""
        self._payloads.put_nowait(payload)

    def broadcast(self, event: Event, chat_id: int | None = None) -> None:
        targets = (
            [queue for queues in self._subscribers.values() for queue in queues]
            if chat_id is None
            else list(self._subscribers.get(chat_id, ()))
        )
        for queue in targets:
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                # A client too slow to keep up is ended; it reconnects with Last-Event-ID.
                self.unsubscribe_all(queue)

    def unsubscribe_all(self, queue: asyncio.Queue[Event]) -> None:
        for chat_id in [c for c, queues in self._subscribers.items() if queue in queues]:
            self.unsubscribe(chat_id, queue)
        with contextlib.suppress(asyncio.QueueEmpty):
            while True:
                queue.get_nowait()
        queue.put_nowait(None)

    async def dispatch(self, app: web.Application) -> None:
        """Turns payloads into events, in the order PostgreSQL delivered them."""
        while True:
            payload = await self._payloads.get()
            chat_text, _, what = payload.partition(":")
            chat_id = int(chat_text)
            if chat_id not in self._subscribers:
                continue
            if what == "deleted":
                self.broadcast(ChatDeleted(chat_id), chat_id)
                continue
            if what == "changed":  # an edit, a deletion or a rename: read from the event log
                self.broadcast(Resync(), chat_id)
                continue
            try:
                message = await app[STORE].get_message(message_id=int(what))
            except DomainError:
                # Gone again (its chat was deleted) or the database is away: let the
                # subscribers catch up from the database when they can.
                self.broadcast(Resync(), chat_id)
                continue
            self.broadcast(NewMessage(message), chat_id)


async def _listen(app: web.Application, hub: EventHub) -> None:
    settings = app[SETTINGS]
    dsn = asyncpg_dsn(settings.listen_url)
    first, failures = True, 0
    while True:
        connection: asyncpg.Connection | None = None
        try:
            connection = await asyncpg.connect(
                dsn,
                timeout=settings.db_connect_timeout,
                server_settings={"application_name": settings.app_name},
            )
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _connection, event=lost: event.set())
            await connection.add_listener(CHANNEL, lambda *args: hub.notify(args[-1]))
            await hub.register(app[STORE], await app[QUERIES].listener_pid(connection))
            if failures:
                logger.info("event listener is back after %d failed attempt(s)", failures)
            if not first:
                hub.broadcast(Resync())
            first, failures = False, 0
            await lost.wait()
        except (
            OSError,
            TimeoutError,
            asyncpg.PostgresError,
            asyncpg.InterfaceError,
            DomainError,
        ) as exc:
            failures += 1
            level = logging.WARNING if failures == 1 else logging.DEBUG
            logger.log(level, "event listener lost the database (retrying quietly): %r", exc)
        finally:
            hub.listener_pid = None
            if connection is not None and not connection.is_closed():
                await connection.close()
        await asyncio.sleep(
            min(RECONNECT_SECONDS * 2 ** max(failures - 1, 0), RECONNECT_MAX_SECONDS)
        )


async def events_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the LISTEN connection and the dispatcher of this process."""
    hub = EventHub()
    app[EVENTS] = hub
    tasks = [asyncio.create_task(_listen(app, hub)), asyncio.create_task(hub.dispatch(app))]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def end_streams(app: web.Application) -> None:
    """on_shutdown: streams end at once, so a graceful stop does not wait on them."""
    if EVENTS in app:
        app[EVENTS].broadcast(None)
