"""How a process tells the others what happened (EVENT_BUS): what the API and the user feeds
call after a change, whichever bus carries it. On the PostgreSQL bus the database itself
announces every change by NOTIFY in the writing transaction, so `changed` is nothing; typing
and presence go out by NOTIFY too. service.live.redis_bus is the other bus."""

from typing import Protocol

from service.data.events import Events


class Bus(Protocol):
    def changed(self, chat_id: int | None = None) -> None:
        """A write committed: wake the feeds of every process. `chat_id`: a change the event
        log does not hold (a chat made private), after which that chat's feeds re-check."""

    async def announce_typing(self, *, chat_id: int, user: str) -> None:
        """A member is typing (at most once per member and chat per 2 s goes out)."""

    async def announce_presence(self, *, user: str, online: bool) -> None:
        """A user came online or went offline."""


class PostgresBus:
    def __init__(self, events: Events) -> None:
        self._events = events

    def changed(self, chat_id: int | None = None) -> None:
        """Announced by the write's own transaction."""

    async def announce_typing(self, *, chat_id: int, user: str) -> None:
        await self._events.announce_typing(chat_id=chat_id, user=user)

    async def announce_presence(self, *, user: str, online: bool) -> None:
        await self._events.announce_presence(user=user, online=online)
