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
from service.live.signals import ChatLeft, Resync

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
        """A wake-up from the bus: a write committed (in this chat, when named). The chat's
        feeds catch up even when the log has nothing for them (a chat made private)."""
        with contextlib.suppress(ValueError):
            self._chats.add(int(payload))
        self._woken.set()

    def recheck(self) -> None:
        """Wake-ups may have been missed (the bus reconnected): read the log now."""
        self._woken.set()

    async def tail_forever(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), RECHECK_SECONDS)
            self._woken.clear()
            chats, self._chats = self._chats, set()
            try:
                await self._read(chats)
            except DomainError as exc:  # the database is away: again shortly, nothing lost
                logger.debug("event log not read: %r", exc)
                self._chats |= chats
                await asyncio.sleep(RETRY_SECONDS)
                self._woken.set()

    async def _read(self, chats: set[int]) -> None:
        self._snapshot, changes = await self._events.log_changes(since=self._snapshot)
        hub = self._hub
        for change in changes:
            if change.left and change.chat_id is not None and change.user_id is not None:
                hub.broadcast(ChatLeft(change.chat_id), change.chat_id, change.user_id)
            if change.user_id is not None:
                hub.notify_user(change.user_id)
            elif change.chat_id is not None:
                chats.add(change.chat_id)
        for chat_id in chats:
            hub.broadcast(Resync(), chat_id)
