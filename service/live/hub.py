"""The live events of one process: its subscribers by chat (chat feeds, and user feeds in
each of their user's chats), and what the LISTEN connection (service.live.listener) hears,
fanned out to them (service.live.dispatch turns chat_events into that)."""

import asyncio
import contextlib
from collections import defaultdict

from service.data.events import Events
from service.domain.errors import DatabaseUnavailable, DomainError
from service.live.signals import (
    Event,
    Resync,
    Typing,
    Wake,
)

SUBSCRIBER_BACKLOG = 1000


class EventHub:
    """notified: whether the database announces changes to this process (the PostgreSQL
    bus: chat_followers and user_followers rows make writes NOTIFY). On the Redis bus it
    announces nothing, following is local only, and the log tail (service.live.log_tail)
    wakes the subscribers."""

    def __init__(self, *, notified: bool = True) -> None:
        self.notified = notified
        self._subscribers: dict[int, set[asyncio.Queue[Event]]] = defaultdict(set)
        # Whose each subscription is (None: authentication off), so a removal reaches only
        # the removed member's feeds.
        self._users: dict[asyncio.Queue[Event], str | None] = {}
        # User feeds by user: one queue each, subscribed to every chat of the user as well.
        self._user_feeds: dict[str, set[asyncio.Queue[Event]]] = defaultdict(set)
        # Backend pid of this process's LISTEN connection: its name in chat_followers and
        # user_followers (on the Redis bus, an id from bus_process_ids: see `attach`).
        self.listener_pid: int | None = None
        self._previous_pid: int | None = None  # until its successor registered our users
        # From a lost (or not yet made) LISTEN connection until its successor follows every
        # chat again and the subscribers were told to catch up: a message heard meanwhile may
        # come after ones that were never announced, so it is left to that catch-up (a feed
        # that took it live would skip the gap).
        self.catching_up = True

    async def follow(
        self, events: Events, chat_id: int, user: str | None = None
    ) -> asyncio.Queue[Event]:
        """Subscribes `user` to a chat; the first local subscriber registers the chat as
        followed, so the database announces its messages from then on."""
        first = chat_id not in self._subscribers
        queue = self.subscribe(chat_id, user)
        if first and self.notified and self.listener_pid is not None:
            try:
                await events.follow_chat(chat_id=chat_id, listener_pid=self.listener_pid)
            except BaseException:
                self.unsubscribe(chat_id, queue)
                raise
        return queue

    async def leave(self, events: Events, chat_id: int, queue: asyncio.Queue[Event]) -> None:
        self.unsubscribe(chat_id, queue)
        pid = self.listener_pid
        if chat_id in self._subscribers or pid is None or not self.notified:
            return
        with contextlib.suppress(DomainError):
            await events.unfollow_chat(chat_id=chat_id, listener_pid=pid)
            if chat_id in self._subscribers:  # someone followed again meanwhile
                await events.follow_chat(chat_id=chat_id, listener_pid=pid)

    async def follow_user(self, events: Events, user: str) -> tuple[asyncio.Queue[Event], set[int]]:
        """A user feed: a queue woken by every change in the user's chats and by what is
        addressed to the user, and those chats. One statement whatever their number."""
        if self.listener_pid is None:
            raise DatabaseUnavailable()  # nothing could wake the feed up
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=SUBSCRIBER_BACKLOG)
        self._user_feeds[user].add(queue)
        self._users[queue] = user
        try:
            chats = set(
                await events.follow_user(
                    user=user, listener_pid=self.listener_pid, notified=self.notified
                )
            )
        except BaseException:
            self._forget_user_feed(user, queue)
            raise
        for chat_id in chats:
            self._subscribers[chat_id].add(queue)
        return queue, chats

    async def add_chat(self, events: Events, chat_id: int, queue: asyncio.Queue[Event]) -> None:
        """A user feed's user joined a chat."""
        first = chat_id not in self._subscribers
        self._subscribers[chat_id].add(queue)
        if first and self.notified and self.listener_pid is not None:
            with contextlib.suppress(DomainError):  # the next reconnect follows it anyway
                await events.follow_chat(chat_id=chat_id, listener_pid=self.listener_pid)

    async def drop_chat(self, events: Events, chat_id: int, queue: asyncio.Queue[Event]) -> None:
        """A user feed's user left a chat (or it was deleted)."""
        if self._discard(chat_id, queue) and self.notified and self.listener_pid is not None:
            with contextlib.suppress(DomainError):
                await events.unfollow_chat(chat_id=chat_id, listener_pid=self.listener_pid)

    async def unfollow_user(
        self, events: Events, user: str, queue: asyncio.Queue[Event], chats: set[int]
    ) -> bool:
        """A user feed closed: one statement for the chats no other local feed follows.
        Whether it was the user's last feed here."""
        unfollowed = [chat_id for chat_id in chats if self._discard(chat_id, queue)]
        last = self._forget_user_feed(user, queue)
        pid = self.listener_pid
        if pid is not None:
            with contextlib.suppress(DomainError):
                await events.unfollow_user(
                    user=user if last else None,
                    listener_pid=pid,
                    chat_ids=unfollowed if self.notified else [],
                )
        return last

    def has_subscribers(self, chat_id: int | None = None) -> bool:
        """Of the chat, when given; else of anything (user feeds in no chat included)."""
        if chat_id is None:
            return bool(self._subscribers or self._user_feeds)
        return chat_id in self._subscribers

    def has_user_feeds(self, *, but: str) -> bool:
        """Whether a user feed of anyone but `but` is open here."""
        return any(user != but for user in self._user_feeds)

    def tell_user_feeds(self, chats: list[int], event: Event, *, but: str) -> None:
        """To the user feeds here in any of these chats (each once), but `but`'s own."""
        told: set[asyncio.Queue[Event]] = set()
        for chat_id in chats:
            for queue in list(self._subscribers.get(chat_id, ())):
                user = self._users.get(queue)
                if user is None or user == but or queue in told:
                    continue
                if queue in self._user_feeds.get(user, ()):
                    told.add(queue)
                    self._put(queue, event)

    def _discard(self, chat_id: int, queue: asyncio.Queue[Event]) -> bool:
        """Takes a queue off a chat; whether the chat is left without a local subscriber."""
        queues = self._subscribers.get(chat_id)
        if queues is None:
            return False
        queues.discard(queue)
        if queues:
            return False
        del self._subscribers[chat_id]
        return True

    def _forget_user_feed(self, user: str, queue: asyncio.Queue[Event]) -> bool:
        """Whether that was the user's last feed here."""
        feeds = self._user_feeds.get(user, set())
        feeds.discard(queue)
        self._users.pop(queue, None)
        if feeds:
            return False
        self._user_feeds.pop(user, None)
        return True

    def notify_typing(self, payload: str) -> None:
        """What the bus heard of typing ("<chat_id>:<user_id>"): to the chat's subscribers but
        the typist's own. ValueError for a payload that is not one."""
        chat_text, _, user = payload.partition(":")
        chat_id = int(chat_text)
        typing = Typing(chat_id, user)
        for queue in list(self._subscribers.get(chat_id, ())):
            if self._users.get(queue) != user:
                self._put(queue, typing)

    def notify_user(self, user: str) -> None:
        """asyncpg listener callback (channel user_events): wakes the user's feeds."""
        for queue in list(self._user_feeds.get(user, ())):
            self._put(queue, Wake())

    async def register(self, events: Events, listener_pid: int) -> None:
        """A (re)connected listener: forget dead processes' chat follows, follow our users
        and chats again, then every subscriber catches up from the database (all it missed
        was committed before this, and what commits from now on is announced)."""
        self.listener_pid = listener_pid
        await events.forget_stale_followers()
        for user in list(self._user_feeds):
            await events.follow_user(user=user, listener_pid=listener_pid, notified=True)
        if self._previous_pid is not None:  # registered anew: the old rows can go
            await events.forget_listener(listener_pid=self._previous_pid)
            self._previous_pid = None
        for chat_id in list(self._subscribers):
            await events.follow_chat(chat_id=chat_id, listener_pid=listener_pid)
            if chat_id not in self._subscribers:  # its last follower left meanwhile
                await events.unfollow_chat(chat_id=chat_id, listener_pid=listener_pid)
        self.broadcast(Resync())
        self.catching_up = False

    def attach(self, process_id: int) -> None:
        """The Redis bus: this process's name in user_followers, for good (no LISTEN
        connection comes and goes); nothing waits for a catch-up."""
        self.listener_pid = process_id
        self.catching_up = False

    def lost(self) -> None:
        """The LISTEN connection is gone: notifications may be missed until `register`."""
        if self.listener_pid is not None:
            self._previous_pid = self.listener_pid
        self.listener_pid = None
        self.catching_up = True

    def subscribe(self, chat_id: int, user: str | None = None) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=SUBSCRIBER_BACKLOG)
        self._subscribers[chat_id].add(queue)
        self._users[queue] = user
        return queue

    def unsubscribe(self, chat_id: int, queue: asyncio.Queue[Event]) -> None:
        """A chat feed's queue off its chat (a chat feed's subscription is to one chat)."""
        self._discard(chat_id, queue)
        self._users.pop(queue, None)

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
            self._put(queue, event)

    def _put(self, queue: asyncio.Queue[Event], event: Event) -> None:
        try:
            queue.put_nowait(event)
        except asyncio.QueueFull:
            # A client too slow to keep up is ended; it reconnects with Last-Event-ID.
            self.unsubscribe_all(queue)

    def unsubscribe_all(self, queue: asyncio.Queue[Event]) -> None:
        for chat_id in [c for c, queues in self._subscribers.items() if queue in queues]:
            self._discard(chat_id, queue)
        user = self._users.pop(queue, None)
        if user is not None and queue in self._user_feeds.get(user, ()):
            self._forget_user_feed(user, queue)
        with contextlib.suppress(asyncio.QueueEmpty):
            while True:
                queue.get_nowait()
        queue.put_nowait(None)
