"""The PostgreSQL bus's dispatcher (service/live/dispatch.py): announcements that arrive
together are read with one statement, and handed on in the order they were announced."""

import asyncio
from typing import Any

from service.api.appkeys import DATA
from service.data.messages import Messages
from service.live.dispatch import ChatEventDispatcher
from service.live.hub import EventHub
from service.live.signals import NewMessage
from tests.support.api import Client, create_chat, post_message


class CountedMessages:
    """The data layer's messages, counting the reads of new messages."""

    def __init__(self, messages: Messages) -> None:
        self._messages, self.reads = messages, 0

    async def new_messages(self, **kwargs: Any) -> Any:
        self.reads += 1
        return await self._messages.new_messages(**kwargs)


async def test_announcements_that_arrive_together_are_read_with_one_statement(
    client: Client,
) -> None:
    chat = (await create_chat(client))["id"]
    posted = [(await post_message(client, chat, f"m{n}"))["id"] for n in range(30)]
    hub = EventHub()
    hub.attach(0)  # nothing to catch up with
    followed = hub.subscribe(chat)
    counted = CountedMessages(client.app[DATA].messages)
    dispatcher = ChatEventDispatcher(hub, counted)  # type: ignore[arg-type]
    gone = 10**15
    for message_id in posted[:10]:
        dispatcher.notify(f"{chat}:{message_id}")
    dispatcher.notify(f"{chat}:changed")
    dispatcher.notify(f"{chat}:{gone}")
    for message_id in posted[10:]:
        dispatcher.notify(f"{chat}:{message_id}")
    dispatcher.notify(f"{chat + 1}:{posted[0]}")  # nobody here follows that chat
    task = asyncio.create_task(dispatcher.dispatch_forever())
    try:
        heard = [await asyncio.wait_for(followed.get(), 5) for _ in range(32)]
    finally:
        task.cancel()
    assert counted.reads == 1
    shown = [e.message.id if isinstance(e, NewMessage) else type(e).__name__ for e in heard]
    assert shown == [*posted[:10], "Resync", "Resync", *posted[10:]]
    assert followed.empty()
