"""This process's live machinery, on the bus EVENT_BUS names: the hub of its feeds, what
carries events between processes, and the tasks that keep both running while the app is."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from service.data.layer import DataLayer
from service.live import presence
from service.live.bus import Bus, PostgresBus
from service.live.dispatch import ChatEventDispatcher
from service.live.hub import EventHub
from service.live.listener import listen_forever
from service.live.log_tail import LogTail
from service.live.redis_bus import PRESENCE, TYPING, WAKE, RedisBus
from service.settings import Settings

# A stopping process gives its live tasks this long to end once cancelled.
STOP_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Live:
    hub: EventHub
    bus: Bus


@contextlib.asynccontextmanager
async def running_live(
    settings: Settings, data: DataLayer, *, on_bus_error: Callable[[], None]
) -> AsyncIterator[Live]:
    events = data.events
    tasks: list[Coroutine[Any, Any, None]]
    if settings.event_bus == "redis":
        # The settings refuse EVENT_BUS=redis without REDIS_URL.
        assert settings.redis_url is not None  # nosec B101
        hub = EventHub(notified=False)
        hub.attach(await events.new_process_id())
        redis = RedisBus(settings.redis_url, events, on_error=on_bus_error)
        bus: Bus = redis
        relay = presence.PresenceRelay(hub, events, bus)
        tail = LogTail(hub, events, await events.current_snapshot())
        handlers = {WAKE: tail.wake, TYPING: hub.notify_typing, PRESENCE: relay.notify}
        tasks = [
            redis.publish_forever(),
            redis.subscribe_forever(handlers, on_subscribed=tail.recheck),
            tail.tail_forever(),
        ]
    else:
        hub = EventHub()
        bus = PostgresBus(events)
        relay = presence.PresenceRelay(hub, events, bus)
        dispatcher = ChatEventDispatcher(hub, data.messages)
        tasks = [
            listen_forever(settings, data, hub, dispatcher, relay),
            dispatcher.dispatch_forever(),
        ]
    running = [
        asyncio.create_task(task) for task in (*tasks, relay.relay_forever(), relay.sweep_forever())
    ]
    try:
        yield Live(hub, bus)
    finally:
        for task in running:
            task.cancel()
        await asyncio.wait(running, timeout=STOP_SECONDS)
        if isinstance(bus, RedisBus):
            await bus.aclose()
