"""The Redis bus's reader (EVENT_BUS=redis): this process reads what the event log gained, once
for all its feeds, whenever a wake-up arrives and at least every RECHECK_SECONDS, and wakes
the feeds it concerns; they read their events themselves, from PostgreSQL. A wake-up that
never arrives (Redis restarted, a dropped subscription) makes an event late by a re-check at
most, never lost: the log is read by snapshot, so each committed event is seen exactly once,
whatever the commit order."""

import asyncio
import contextlib
import logging

from service.data.events import Events
from service.domain.errors import DomainError
from service.live.hub import EventHub
from service.live.signals import ChatLeft, NewMessage, Resync

logger = logging.getLogger("chat_api.events")

RECHECK_SECONDS = 2.0
RETRY_SECONDS = 0.5


class LogTail:
    def __init__(self, hub: EventHub, events: Events, snapshot: str) -> None:
        self._hub, self._events = hub, events
        self._snapshot = snapshot  # what has been read: the events visible in it
        self._chats: set[int] = set()
        self._woken = asyncio.Event()

    def wake(self, payload: str) -> None:
        """A wake-up from the bus: a write committed. A chat it names had a change the log
        does not hold (made private): its feeds catch up. A process without feeds only keeps
        its snapshot fresh, at the re-checks: a feed that opens catches up by itself, from
        after that snapshot was taken."""
        if not self._hub.has_subscribers():
            return
        with contextlib.suppress(ValueError):
            self._chats.add(int(payload))
        self._woken.set()

    def recheck(self) -> None:
        """Wake-ups may have been missed (the bus reconnected): read the log now."""
        self._woken.set()

    async def tail_forever(self) -> None:
        while True:
            # asyncio.timeout, not wait_for, which in Python 3.11 can swallow a cancellation.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(RECHECK_SECONDS):
                    await self._woken.wait()
            self._woken.clear()
            chats, self._chats = self._chats, set()
            try:
                await self._read(chats)
            except DomainError as exc:  # the database is away: again shortly, nothing lost
                logger.debug("event log not read: %r", exc)
                self._chats |= chats
                await asyncio.sleep(RETRY_SECONDS)
                self._woken.set()

    async def _read(self, resync: set[int]) -> None:
        """New messages go to their chats' subscribers as they are, in commit order (as the
        PostgreSQL bus's dispatcher hands them on); a chat with any other change catches up
        from the database instead. With nobody here to tell, the snapshot only moves on (a
        feed that opens later catches up by itself from after it), unless a feed opened
        while it was taken: reading what the log gained, every message built, would cost the
        database as much as a busy process's read."""
        hub = self._hub
        if not hub.has_subscribers():
            snapshot = await self._events.current_snapshot()
            if not hub.has_subscribers():
                self._snapshot = snapshot
                return
        self._snapshot, changes = await self._events.log_changes(since=self._snapshot)
        for user in changes.users:
            if user.left and user.chat_id is not None:
                hub.broadcast(ChatLeft(user.chat_id), user.chat_id, user.user_id)
            hub.notify_user(user.user_id)
        resync |= {change.chat_id for change in changes.chats if change.message is None}
        for change in changes.chats:
            if change.message is not None and change.chat_id not in resync:
                hub.broadcast(NewMessage(change.message), change.chat_id)
        for chat_id in resync:
            hub.broadcast(Resync(), chat_id)
