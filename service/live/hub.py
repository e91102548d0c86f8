"""The live events of one process: its subscribers by chat, and what the LISTEN connection
(service.live.listener) hears, fanned out to them. A new message is read once per process,
whatever the number of clients following the chat."""

import asyncio
import contextlib
from collections import defaultdict
from dataclasses import dataclass

from service.data.events import Events
from service.data.messages import Messages
from service.domain.errors import DomainError
from service.domain.messages import MessagePublic
from service.domain.people import ANYONE

SUBSCRIBER_BACKLOG = 1000


@dataclass(frozen=True, slots=True)
class NewMessage:
    message: MessagePublic


@dataclass(frozen=True, slots=True)
class ChatDeleted:
    chat_id: int


@dataclass(frozen=True, slots=True)
class ChatLeft:
    """The follower is no longer a member (removed, or left), or may no longer see the chat."""

    chat_id: int


@dataclass(frozen=True, slots=True)
class Resync:
    """Notifications may have been missed (the listener reconnected): catch up from the DB."""


Event = NewMessage | ChatDeleted | ChatLeft | Resync | None  # None: the stream must end


class EventHub:
    def __init__(self) -> None:
        self._subscribers: dict[int, set[asyncio.Queue[Event]]] = defaultdict(set)
        # Whose each subscription is (None: authentication off), so a removal reaches only
        # the removed member's feeds.
        self._users: dict[asyncio.Queue[Event], str | None] = {}
        self._payloads: asyncio.Queue[str] = asyncio.Queue()
        # Backend pid of this process's LISTEN connection: its name in chat_followers.
        self.listener_pid: int | None = None
        # From a lost (or not yet made) LISTEN connection until its successor follows every
        # chat again and the subscribers were told to catch up: a message heard meanwhile may
        # come after ones that were never announced, so it is left to that catch-up (a feed
        # that took it live would skip the gap).
        self._catching_up = True

    async def follow(
        self, events: Events, chat_id: int, user: str | None = None
    ) -> asyncio.Queue[Event]:
        """Subscribes `user` to a chat; the first local subscriber registers the chat as
        followed, so the database announces its messages from then on."""
        first = chat_id not in self._subscribers
        queue = self.subscribe(chat_id, user)
        if first and self.listener_pid is not None:
            try:
                await events.follow_chat(chat_id=chat_id, listener_pid=self.listener_pid)
            except BaseException:
                self.unsubscribe(chat_id, queue)
                raise
        return queue

    async def leave(self, events: Events, chat_id: int, queue: asyncio.Queue[Event]) -> None:
        self.unsubscribe(chat_id, queue)
        pid = self.listener_pid
        if chat_id in self._subscribers or pid is None:
            return
        with contextlib.suppress(DomainError):
            await events.unfollow_chat(chat_id=chat_id, listener_pid=pid)
            if chat_id in self._subscribers:  # someone followed again meanwhile
                await events.follow_chat(chat_id=chat_id, listener_pid=pid)

    async def register(self, events: Events, listener_pid: int) -> None:
        """A (re)connected listener: forget dead processes' records, follow our chats again,
        then every subscriber catches up from the database (all it missed was committed before
        this, and what commits from now on is announced)."""
        self.listener_pid = listener_pid
        await events.forget_stale_followers()
        for chat_id in list(self._subscribers):
            await events.follow_chat(chat_id=chat_id, listener_pid=listener_pid)
        self.broadcast(Resync())
        self._catching_up = False

    def lost(self) -> None:
        """The LISTEN connection is gone: notifications may be missed until `register`."""
        self.listener_pid = None
        self._catching_up = True

    def subscribe(self, chat_id: int, user: str | None = None) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=SUBSCRIBER_BACKLOG)
        self._subscribers[chat_id].add(queue)
        self._users[queue] = user
        return queue

    def unsubscribe(self, chat_id: int, queue: asyncio.Queue[Event]) -> None:
        queues = self._subscribers.get(chat_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self._subscribers[chat_id]
        self._users.pop(queue, None)  # a subscription is to one chat

    def notify(self, payload: str) -> None:
        """asyncpg listener callback; the payloads are handled in order by `dispatch`."""
        self._payloads.put_nowait(payload)

    def broadcast(self, event: Event, chat_id: int | None = None, user: str | None = None) -> None:
        """To every subscriber (of the chat, when given; of that user there, when given)."""
        targets = (
            [queue for queues in self._subscribers.values() for queue in queues]
            if chat_id is None
            else list(self._subscribers.get(chat_id, ()))
        )
        if user is not None:
            targets = [queue for queue in targets if self._users.get(queue) == user]
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

    async def dispatch(self, messages: Messages) -> None:
        """Turns payloads into events, in the order PostgreSQL delivered them."""
        while True:
            payload = await self._payloads.get()
            chat_text, _, what = payload.partition(":")
            chat_id = int(chat_text)
            if chat_id not in self._subscribers:
                continue
            what, _, user = what.partition(":")  # a user id may hold ":" itself
            if what == "deleted":
                self.broadcast(ChatDeleted(chat_id), chat_id)
                continue
            if what == "left":
                self.broadcast(ChatLeft(chat_id), chat_id, user)
                continue
            # An edit, a deletion or a rename, or the chat became private (each feed's
            # catch-up finds whether its follower may still see it): read from the event log.
            if what in ("changed", "private"):
                self.broadcast(Resync(), chat_id)
                continue
            if self._catching_up:
                continue  # the Resync that ends the catch-up brings it
            try:
                message = await messages.get_message(message_id=int(what), viewer=ANYONE)
            except DomainError:
                # Gone again (its chat was deleted) or the database is away: let the
                # subscribers catch up from the database when they can.
                self.broadcast(Resync(), chat_id)
                continue
            self.broadcast(NewMessage(message), chat_id)
