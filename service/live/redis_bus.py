"""EVENT_BUS=redis: what processes tell each other goes over Redis pub/sub, and no write's
transaction NOTIFYs (PostgreSQL takes one cluster-wide lock at the commit of each notifying
transaction, which caps the posts a second). After a write commits, its process publishes a
wake-up; every process then reads what the event log gained
(service.live.log_tail), so PostgreSQL stays the only source of truth and a lost wake-up (Redis
restarted, a dropped subscription) delays an event by a re-check, never loses it. Typing and
presence ride the same bus. Publishing never waits in a request: wake-ups and typing go through
an outbox that one task sends, and what Redis does not take is dropped, counted and logged."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from service.data.events import Events

logger = logging.getLogger("chat_api.events")

WAKE = "chat-api:wake"  # payload: "", or a chat whose feeds must re-check (made private)
TYPING = "chat-api:typing"  # payload: "<chat_id>:<user_id>", as typing_events
PRESENCE = "chat-api:presence"  # payload: "<1 or 0>:<user_id>", as presence_events

OUTBOX = 10_000
BATCH = 500
IN_FLIGHT = 8
WAKE_SECONDS = 0.003
TIMEOUT_SECONDS = 1.0
PING_SECONDS = 5.0  # an idle subscription proves it is alive this often
RECONNECT_SECONDS = 0.25
RECONNECT_MAX_SECONDS = 2.0


def _cancelled() -> bool:
    """redis-py can swallow the CancelledError of a command in flight (or turn it into a
    connection error): the loops look for a pending cancellation themselves."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _backoff(failures: int) -> float:
    return min(RECONNECT_SECONDS * 2.0 ** max(failures - 1, 0), RECONNECT_MAX_SECONDS)


class RedisBus:
    def __init__(self, url: str, events: Events, *, on_error: Callable[[], None]) -> None:
        self._url, self._events, self._on_error = url, events, on_error
        self._client = Redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
        self._outbox: asyncio.Queue[tuple[str, str]] = asyncio.Queue(OUTBOX)
        self._failures = 0  # publishes failed in a row
        self._wake_timer: asyncio.TimerHandle | None = None

    def changed(self, chat_id: int | None = None) -> None:
        """A plain wake-up goes out WAKE_SECONDS after the first write that asks for one: it
        covers every write committed meanwhile, so under load one publish serves many."""
        if chat_id is not None:
            self._send(WAKE, str(chat_id))
        elif self._wake_timer is None:
            self._wake_timer = asyncio.get_running_loop().call_later(WAKE_SECONDS, self._wake)

    def _wake(self) -> None:
        self._wake_timer = None
        self._send(WAKE, "")

    async def announce_typing(self, *, chat_id: int, user: str) -> None:
        # The database keeps the 2 s pace across processes; with no chat_followers rows on
        # this bus, the statement announces nothing itself.
        if await self._events.announce_typing(chat_id=chat_id, user=user):
            self._send(TYPING, f"{chat_id}:{user}")

    async def announce_presence(self, *, user: str, online: bool) -> None:
        """Awaited, not sent through the outbox: a user's online and offline must not pass
        each other (the user feed says offline only after online went out)."""
        try:
            await self._publish([(PRESENCE, f"{1 if online else 0}:{user}")])
        except (RedisError, OSError) as exc:
            self._failed(1, exc)

    def _send(self, channel: str, payload: str) -> None:
        try:
            self._outbox.put_nowait((channel, payload))
        except asyncio.QueueFull:
            self._on_error()  # Redis has been away long: the re-checks carry the events

    async def publish_forever(self) -> None:
        """Sends what the outbox holds, several batches in flight at once: on a busy event
        loop a reply takes a while to be read, and wake-ups must not queue behind it (they
        need no order)."""
        slots = asyncio.Semaphore(IN_FLIGHT)
        sending: set[asyncio.Task[None]] = set()

        def sent(task: asyncio.Task[None]) -> None:
            sending.discard(task)
            slots.release()

        try:
            while not _cancelled():
                batch = [await self._outbox.get()]
                while len(batch) < BATCH and not self._outbox.empty():
                    batch.append(self._outbox.get_nowait())
                await slots.acquire()
                task = asyncio.create_task(self._deliver(batch))
                sending.add(task)
                task.add_done_callback(sent)
        finally:
            for task in list(sending):
                task.cancel()

    async def _deliver(self, batch: list[tuple[str, str]]) -> None:
        try:
            await self._publish(batch)
        except (RedisError, OSError) as exc:
            self._failed(len(batch), exc)
            await asyncio.sleep(_backoff(self._failures))  # holds its slot: sends slow down
            return
        if self._failures:
            logger.info("event bus publishes again after %d failure(s)", self._failures)
        self._failures = 0

    def _failed(self, dropped: int, exc: Exception) -> None:
        self._failures += 1
        for _ in range(dropped):
            self._on_error()
        level = logging.WARNING if self._failures == 1 else logging.DEBUG
        logger.log(level, "event bus publish failed (events will be late): %r", exc)

    async def _publish(self, batch: list[tuple[str, str]]) -> None:
        for attempt in (1, 2):
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for channel, payload in batch:
                        pipe.publish(channel, payload)
                    await pipe.execute()
                return
            except (RedisError, OSError):
                # After a Redis restart the pooled connection is dead; the pool drops it,
                # and a second try gets a new one.
                if attempt == 2:
                    raise

    async def subscribe_forever(
        self, handlers: Mapping[str, Callable[[str], None]], on_subscribed: Callable[[], None]
    ) -> None:
        """Hands each message to its channel's handler; `on_subscribed` after every
        (re)subscription, since what was published meanwhile is gone."""
        failures = 0
        while not _cancelled():
            client = Redis.from_url(
                self._url, socket_timeout=None, socket_connect_timeout=TIMEOUT_SECONDS
            )
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(*handlers)
                on_subscribed()
                if failures:
                    logger.info("event bus is back after %d failed attempt(s)", failures)
                failures = 0
                await _receive(pubsub, handlers)
            except (RedisError, OSError) as exc:
                failures += 1
                level = logging.WARNING if failures == 1 else logging.DEBUG
                logger.log(level, "event bus subscription lost (retrying quietly): %r", exc)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                with contextlib.suppress(RedisError, OSError):
                    await client.aclose()
            await asyncio.sleep(_backoff(failures))

    async def aclose(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self._client.aclose()


async def _receive(pubsub: PubSub, handlers: Mapping[str, Callable[[str], None]]) -> None:
    """Until the connection fails: a PING when it has been quiet, so a dead one is noticed."""
    quiet_since = time.monotonic()
    while not _cancelled():
        message = await pubsub.get_message(timeout=PING_SECONDS)
        if message is None:
            if time.monotonic() - quiet_since >= PING_SECONDS:
                await asyncio.wait_for(pubsub.ping(), TIMEOUT_SECONDS)
                quiet_since = time.monotonic()
            continue
        quiet_since = time.monotonic()
        if message["type"] == "message":
            channel, data = message["channel"], message["data"]
            try:
                handlers[channel.decode()](data.decode())
            except ValueError:  # not one of ours (a Redis shared with others): ignored
                logger.warning("event bus message ignored: %r on %r", data[:100], channel)
