"""One chat followed live, for the SSE and WebSocket handlers alike: what the client missed,
from the database (new messages, edits, deletions, renames), then what this process hears
from LISTEN/NOTIFY."""

import asyncio
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Self

from service.data.events import Events
from service.data.members import Members
from service.db import consistency
from service.domain.errors import ChatNotFound, DatabaseUnavailable
from service.domain.events import FeedEvent
from service.domain.messages import MessagePublic
from service.domain.people import Viewer
from service.live.hub import EventHub
from service.live.signals import ChatDeleted, ChatLeft, NewMessage, Resync, Typing

HEARTBEAT_SECONDS = 15.0
CATCH_UP_PAGE = 100
CATCH_UP_RETRY_SECONDS = 0.5


class KeepAlive:
    """Nothing happened for HEARTBEAT_SECONDS: a chance to prove the client is still there."""


FeedItem = FeedEvent | ChatDeleted | ChatLeft | Typing | KeepAlive
Ending = ChatDeleted | ChatLeft


def message_event(message: MessagePublic) -> FeedEvent:
    return FeedEvent(id=message.id, event="message", data=message.model_dump(mode="json"))


class ChatFeed:
    """Follows a chat from entering to leaving: `items()` yields its events after last_id
    (those missed first, page by page from the database, then live ones, each once, in event
    id order), a ChatDeleted or ChatLeft that ends it, and a KeepAlive whenever it has been
    quiet. last_id None follows from now on; 0 replays the chat from its first message.
    Entering raises ChatNotFound (also for a chat the viewer may not see) before anything is
    sent, so the client still gets a plain 404. is_read is the viewer's."""

    def __init__(
        self,
        hub: EventHub,
        events: Events,
        members: Members,
        *,
        chat_id: int,
        last_id: int | None,
        viewer: Viewer,
    ) -> None:
        # Feeds read the primary: a catch-up from a lagging replica could miss a message the
        # live notifications have already passed.
        consistency.current.set(None)
        self._hub, self._events, self._members = hub, events, members
        self._chat_id, self._resume_from, self._viewer = chat_id, last_id, viewer

    async def __aenter__(self) -> Self:
        access = await self._members.require(self._viewer, self._chat_id, "see")
        self._member = access.role is not None
        # Following starts before catching up, so nothing falls in between.
        self._queue = await self._hub.follow(self._events, self._chat_id, self._viewer.user)
        try:
            if self._resume_from is None:
                # Live from here on: a catch-up after a lost listener starts at this event.
                self._last_id = await self._events.newest_event(chat_id=self._chat_id)
                self._first_page: list[FeedEvent] = []
            else:
                self._last_id = self._resume_from
                self._first_page = await self._page()
        except BaseException:
            await self._leave()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._leave()

    async def _leave(self) -> None:
        await self._hub.leave(self._events, self._chat_id, self._queue)

    async def _page(self) -> list[FeedEvent]:
        return await self._events.events_since(
            chat_id=self._chat_id, after_id=self._last_id, limit=CATCH_UP_PAGE, viewer=self._viewer
        )

    async def _gone(self) -> Ending:
        """Why the catch-up no longer finds the chat: deleted, or no longer visible to the
        viewer (it became private)."""
        while True:
            try:
                await self._events.newest_event(chat_id=self._chat_id)
            except ChatNotFound:
                return ChatDeleted(self._chat_id)
            except DatabaseUnavailable:
                await asyncio.sleep(CATCH_UP_RETRY_SECONDS)
                continue
            return ChatLeft(self._chat_id)

    def _as_seen(self, message: MessagePublic) -> MessagePublic:
        """A live message as the viewer sees it (the hub reads it once for everyone): new to
        every member but its author, whose read position moved to it."""
        if self._viewer.user is None:
            return message
        seen = message.author == self._viewer.user if self._member else None
        return message.model_copy(update={"is_read": seen})

    async def _catch_up(self, page: list[FeedEvent] | None) -> AsyncIterator[FeedItem]:
        """This page (or the next one from the database), then the following ones until one
        is not full; a ChatDeleted or ChatLeft when the chat is gone meanwhile. While the
        database cannot answer (a restart, a failover's promotion) the stream stays open:
        KeepAlives, and another try every CATCH_UP_RETRY_SECONDS."""
        while True:
            if page is None:
                try:
                    page = await self._page()
                except ChatNotFound:
                    yield await self._gone()
                    return
                except DatabaseUnavailable:
                    yield KeepAlive()
                    await asyncio.sleep(CATCH_UP_RETRY_SECONDS)
                    continue
            for event in self._new(page):
                yield event
            if len(page) < CATCH_UP_PAGE:
                return
            page = None

    def _new(self, events: list[FeedEvent]) -> list[FeedEvent]:
        fresh = [event for event in events if event.id > self._last_id]
        if fresh:
            self._last_id = fresh[-1].id
        return fresh

    async def items(self) -> AsyncIterator[FeedItem]:
        async for item in self._catch_up(self._first_page):
            yield item
            if isinstance(item, Ending):
                return
        while True:
            try:
                event = await asyncio.wait_for(self._queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield KeepAlive()
                continue
            if event is None:  # the process is shutting down
                return
            if isinstance(event, Ending):
                yield event
                return
            if isinstance(event, Typing):
                yield event
                continue
            if isinstance(event, Resync):
                async for item in self._catch_up(None):
                    yield item
                    if isinstance(item, Ending):
                        return
            elif isinstance(event, NewMessage):
                for fresh in self._new([message_event(self._as_seen(event.message))]):
                    yield fresh
