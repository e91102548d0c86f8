"""The Redis bus's log tail (service/live/log_tail.py) in a process with no feeds: it moves
its snapshot on without reading what the log gained, and reads it again once a feed opens."""

from typing import Any

from service.api.appkeys import DATA
from service.data.events import Events
from service.live.hub import EventHub
from service.live.log_tail import LogTail
from service.live.signals import NewMessage
from tests.support.api import Client, create_chat, post_message


class CountedEvents:
    """The data layer's events, counting the reads of the log."""

    def __init__(self, events: Events) -> None:
        self._events, self.reads = events, 0

    async def log_changes(self, **kwargs: Any) -> Any:
        self.reads += 1
        return await self._events.log_changes(**kwargs)

    async def current_snapshot(self) -> str:
        return await self._events.current_snapshot()


async def test_a_process_without_feeds_only_moves_its_snapshot_on(client: Client) -> None:
    events = client.app[DATA].events
    chat = (await create_chat(client))["id"]
    hub = EventHub(notified=False)
    hub.attach(0)
    counted = CountedEvents(events)
    tail = LogTail(hub, counted, await events.current_snapshot())  # type: ignore[arg-type]
    await post_message(client, chat, "nobody here hears this")
    await tail._read(set())
    assert counted.reads == 0
    # What was posted before is behind the snapshot now: a feed that opens hears what comes.
    followed = hub.subscribe(chat)
    posted = await post_message(client, chat, "heard")
    await tail._read(set())
    assert counted.reads == 1
    heard = followed.get_nowait()
    assert isinstance(heard, NewMessage)
    assert heard.message.id == posted["id"]
    assert followed.empty()
