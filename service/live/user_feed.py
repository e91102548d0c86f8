"""Every chat of one user, live, for the SSE and WebSocket handlers of /me/events and /me/ws:
the event log read by snapshot cursor (domain/cursors.py), page by page, whenever the hub
wakes the feed up (a change in one of the user's chats, or one addressed to the user) and at
least every HEARTBEAT_SECONDS. What it delivers comes only from the log, so a notification
that is lost or late delays an event, never loses one, and nothing is delivered twice."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from service.data.events import Events
from service.db import consistency
from service.domain.cursors import FeedCursor
from service.domain.errors import CursorExpired, DatabaseUnavailable, DomainError
from service.domain.events import UserEvent
from service.live import presence
from service.live.bus import Bus
from service.live.feed import CATCH_UP_RETRY_SECONDS, HEARTBEAT_SECONDS, KeepAlive
from service.live.hub import EventHub
from service.live.signals import Presence, Typing

PAGE = 100
# Events after which the feed follows a chat more, or one less.
_JOINED, _GONE = {"chat_joined"}, {"chat_left", "chat_deleted"}


@dataclass(frozen=True, slots=True)
class UserFrame:
    """One event to send: `id` is the cursor a reconnecting client sends back."""

    id: str
    event: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CursorFrame:
    """The first frame of a feed opened without a cursor: where it starts."""

    id: str


UserItem = UserFrame | CursorFrame | Typing | Presence | KeepAlive


class UserFeed:
    """`async with UserFeed(...) as feed: async for item in feed.items()`. Entering raises
    CursorExpired for a cursor older than the log keeps, before anything is sent."""

    def __init__(
        self,
        hub: EventHub,
        events: Events,
        bus: Bus,
        *,
        user: str,
        cursor: FeedCursor | None,
        retention_hours: int,
    ) -> None:
        consistency.current.set(None)  # the primary: the log must not lag the notifications
        self._hub, self._events, self._bus, self._user = hub, events, bus, user
        self._cursor, self._retention_hours = cursor, retention_hours

    async def __aenter__(self) -> Self:
        if self._cursor is not None and self._cursor.age_seconds() > self._retention_hours * 3600:
            raise CursorExpired(self._retention_hours)
        was_online = await self._events.user_online(user=self._user)
        self._queue, self._chats = await self._hub.follow_user(self._events, self._user)
        # In the background: a NOTIFY's commit waits its turn behind every notifying commit,
        # and the first frames need not wait for it.
        self._online = asyncio.create_task(presence.came_online(self._bus, self._user, was_online))
        try:
            self._announce = self._cursor is None
            if self._cursor is None:
                self._cursor = FeedCursor.starting_at(await self._events.current_snapshot())
        except BaseException:
            await self._leave()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._leave()

    async def _leave(self) -> None:
        with contextlib.suppress(DomainError):
            await self._online  # online is said before offline
        if await self._hub.unfollow_user(self._events, self._user, self._queue, self._chats):
            with contextlib.suppress(DomainError):
                await presence.announce_offline(self._events, self._bus, {self._user})

    async def items(self) -> AsyncIterator[UserItem]:
        cursor = self._cursor
        assert cursor is not None  # nosec B101: set by __aenter__
        if self._announce:
            yield CursorFrame(cursor.encode())
        while True:
            async for item in self._read():
                yield item
            try:
                event = await asyncio.wait_for(self._queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield KeepAlive()  # and read again: a wake-up may have been missed
                continue
            pending = [event]
            while not self._queue.empty():  # one read serves every wake-up so far
                pending.append(self._queue.get_nowait())
            for event in pending:
                if event is None:  # shutting down, or too slow to keep up: reconnect
                    return
                if isinstance(event, Typing | Presence):
                    yield event

    async def _read(self) -> AsyncIterator[UserItem]:
        """Every page the log has after the cursor; the cursor moves with each event."""
        while True:
            cursor = self._cursor
            assert cursor is not None  # nosec B101
            read_at = time.time()
            try:
                target, page = await self._events.user_events(
                    user=self._user, cursor=cursor, limit=PAGE
                )
            except DatabaseUnavailable:
                yield KeepAlive()
                await asyncio.sleep(CATCH_UP_RETRY_SECONDS)
                continue
            for event in page:
                self._cursor = FeedCursor(cursor.base, target, event.position, cursor.base_at)
                await self._follow_membership(event)
                yield UserFrame(self._cursor.encode(), event.event, event.data)
            if len(page) == PAGE:
                continue
            # The set is finished. Read against an older target (a resumed cursor's), what
            # committed since has not been read yet: go on at once, or a client that
            # reconnects often would only ever get the end of its old set.
            base_at = read_at if cursor.target is None else cursor.base_at
            self._cursor = FeedCursor(base=target, target=None, after=0, base_at=base_at)
            if cursor.target is None:
                return

    async def _follow_membership(self, event: UserEvent) -> None:
        if event.event in _JOINED and event.chat_id not in self._chats:
            self._chats.add(event.chat_id)
            await self._hub.add_chat(self._events, event.chat_id, self._queue)
        elif event.event in _GONE and event.chat_id in self._chats:
            self._chats.discard(event.chat_id)
            await self._hub.drop_chat(self._events, event.chat_id, self._queue)
