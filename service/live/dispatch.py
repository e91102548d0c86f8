"""What the LISTEN connection hears on chat_events ("<chat_id>:<what>", from the triggers
and statements in sql/), turned into hub events in the order PostgreSQL delivered them. New
messages are read once per process, whatever the number of clients following their chats, and
together: every announcement that arrived while the last read ran is served by one statement,
so the feeds keep up however fast posts come (read one at a time, they fell seconds behind at
1,400 posts a second)."""

import asyncio
import contextlib
from dataclasses import dataclass

from service.data.messages import Messages
from service.domain.errors import DomainError
from service.domain.messages import MessagePublic
from service.live.hub import EventHub
from service.live.signals import ChatDeleted, ChatLeft, NewMessage, Resync


@dataclass(frozen=True, slots=True)
class _Announcement:
    chat_id: int
    what: str  # a new message's id, or "deleted", "left", "changed", "private"
    user: str  # whom "left" concerns


def _parse(payload: str) -> _Announcement:
    chat_text, _, what = payload.partition(":")
    what, _, user = what.partition(":")  # a user id may hold ":" itself
    return _Announcement(int(chat_text), what, user)


class ChatEventDispatcher:
    def __init__(self, hub: EventHub, messages: Messages) -> None:
        self._hub, self._messages = hub, messages
        self._payloads: asyncio.Queue[str] = asyncio.Queue()

    def notify(self, payload: str) -> None:
        """asyncpg listener callback; the payloads are handled in order by dispatch_forever."""
        self._payloads.put_nowait(payload)

    async def dispatch_forever(self) -> None:
        while True:
            payloads = [await self._payloads.get()]
            while not self._payloads.empty():
                payloads.append(self._payloads.get_nowait())
            announced = [_parse(payload) for payload in payloads]
            followed = [a for a in announced if self._hub.has_subscribers(a.chat_id)]
            if followed:
                await self._dispatch(followed)

    async def _dispatch(self, announced: list[_Announcement]) -> None:
        hub = self._hub
        new = [a for a in announced if a.what.isdigit()]
        messages: dict[int, MessagePublic] = {}
        if new and not hub.catching_up:
            # The database away: none is found, and the feeds catch up when it is back.
            with contextlib.suppress(DomainError):
                messages = await self._messages.new_messages(message_ids=[int(a.what) for a in new])
        for a in announced:
            if a.what == "deleted":
                hub.broadcast(ChatDeleted(a.chat_id), a.chat_id)
            elif a.what == "left":
                hub.broadcast(ChatLeft(a.chat_id), a.chat_id, a.user)
            elif not a.what.isdigit():
                # "changed" (an edit, a deletion or a rename) or "private" (each feed's
                # catch-up finds whether its follower may still see it): read from the log.
                hub.broadcast(Resync(), a.chat_id)
            elif hub.catching_up:
                continue  # the Resync that ends the catch-up brings it
            elif int(a.what) in messages:
                hub.broadcast(NewMessage(messages[int(a.what)]), a.chat_id)
            else:
                # Gone again (its chat was deleted) or the database is away: the
                # subscribers catch up from the database when they can.
                hub.broadcast(Resync(), a.chat_id)
