"""What the LISTEN connection hears on chat_events ("<chat_id>:<what>", from the triggers
and statements in sql/), turned into hub events in the order PostgreSQL delivered them. A new
message is read once per process, whatever the number of clients following the chat."""

import asyncio

from service.data.messages import Messages
from service.domain.errors import DomainError
from service.domain.people import ANYONE
from service.live.hub import EventHub
from service.live.signals import ChatDeleted, ChatLeft, NewMessage, Resync


class ChatEventDispatcher:
    def __init__(self, hub: EventHub, messages: Messages) -> None:
        self._hub, self._messages = hub, messages
        self._payloads: asyncio.Queue[str] = asyncio.Queue()

    def notify(self, payload: str) -> None:
        """asyncpg listener callback; the payloads are handled in order by dispatch_forever."""
        self._payloads.put_nowait(payload)

    async def dispatch_forever(self) -> None:
        hub = self._hub
        while True:
            payload = await self._payloads.get()
            chat_text, _, what = payload.partition(":")
            chat_id = int(chat_text)
            if not hub.has_subscribers(chat_id):
                continue
            what, _, user = what.partition(":")  # a user id may hold ":" itself
            if what == "deleted":
                hub.broadcast(ChatDeleted(chat_id), chat_id)
                continue
            if what == "left":
                hub.broadcast(ChatLeft(chat_id), chat_id, user)
                continue
            # An edit, a deletion or a rename, or the chat became private (each feed's
            # catch-up finds whether its follower may still see it): read from the event log.
            if what in ("changed", "private"):
                hub.broadcast(Resync(), chat_id)
                continue
            if hub.catching_up:
                continue  # the Resync that ends the catch-up brings it
            try:
                message = await self._messages.get_message(message_id=int(what), viewer=ANYONE)
            except DomainError:
                # Gone again (its chat was deleted) or the database is away: let the
                # subscribers catch up from the database when they can.
                hub.broadcast(Resync(), chat_id)
                continue
            hub.broadcast(NewMessage(message), chat_id)
