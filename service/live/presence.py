"""Who is online: a user with a user feed open on a live process (user_followers, whose rows
each process refreshes every SWEEP_SECONDS). A process announces it (on the bus)
when a user's first feed opens anywhere and when the last one closes; the rows of a process
that dies without a goodbye (SIGKILL) stop being refreshed, and after 15 s the next sweep of
any process drops them and announces their users offline: within 20 s. A listener that
reconnects registers its users again under its new pid while the old rows are still fresh,
so nobody flaps offline. Each process passes what it hears to its co-members' feeds."""

import asyncio
import contextlib
import logging

from service.data.events import Events
from service.domain.errors import DomainError
from service.live.bus import Bus
from service.live.hub import EventHub
from service.live.signals import Presence

logger = logging.getLogger("chat_api.events")

SWEEP_SECONDS = 5.0


async def came_online(bus: Bus, user: str, was_online: bool) -> None:
    if not was_online:
        await bus.announce_presence(user=user, online=True)


async def announce_offline(events: Events, bus: Bus, users: set[str]) -> None:
    """Users whose records went: offline unless a process still has a feed of theirs."""
    for user in users:
        if not await events.user_online(user=user):
            await bus.announce_presence(user=user, online=False)


class PresenceRelay:
    """What this process hears on presence_events, passed to its co-members' feeds."""

    def __init__(self, hub: EventHub, events: Events, bus: Bus) -> None:
        self._hub, self._events, self._bus = hub, events, bus
        self._heard: asyncio.Queue[tuple[str, bool]] = asyncio.Queue()

    def notify(self, payload: str) -> None:
        """What the bus heard: "<1 or 0>:<user_id>"."""
        online, _, user = payload.partition(":")
        self._heard.put_nowait((user, online == "1"))

    async def relay_forever(self) -> None:
        while True:
            user, online = await self._heard.get()
            if not self._hub.has_user_feeds(but=user):
                continue
            try:
                chats = await self._events.chats_of_user(user=user)
            except DomainError as exc:
                logger.warning("presence of %s not passed on: %r", user, exc)
                continue
            self._hub.tell_user_feeds(chats, Presence(user, online), but=user)

    async def sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            pid = self._hub.listener_pid
            if pid is None:
                continue  # reconnecting: its rows are refreshed as it registers
            with contextlib.suppress(DomainError):
                swept = await self._events.sweep_user_followers(listener_pid=pid)
                await announce_offline(self._events, self._bus, swept)
