"""Load as careful clients make it while a database fails over: posters that send an
Idempotency-Key and retry on 503 (after Retry-After, capped), readers that open chats, a
readiness probe, and live feed clients that follow every chat over SSE and resume with
Last-Event-ID whenever a stream ends. Everything they see is recorded for the test to check
against what the database committed."""

import asyncio
import contextlib
import itertools
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

# A careful client waits what Retry-After says, but never longer than this (the test measures
# how soon writes resume, so it must keep asking).
MAX_RETRY_WAIT = 0.5
REQUEST_TIMEOUT = 20.0  # a request that takes longer "hung"


@dataclass
class Attempt:
    started: float
    ended: float
    status: int  # 0: no HTTP answer (a refused or broken connection, a timeout)
    retry_after: str | None


@dataclass
class Posting:
    attempts: list[Attempt] = field(default_factory=list)
    # Idempotency-Key -> (chat id, message id) of the answer that ended its retries.
    acknowledged: dict[str, tuple[int, int]] = field(default_factory=dict)
    retried_keys: set[str] = field(default_factory=set)
    stopping: bool = False  # posters finish the key they are on (until acknowledged), then stop

    def statuses(self) -> Counter[int]:
        return Counter(attempt.status for attempt in self.attempts)

    def first_write_after(self, moment: float) -> float | None:
        """When the first post started after `moment` was answered 201."""
        done = [a.ended for a in self.attempts if a.status == 201 and a.started > moment]
        return min(done, default=None)

    def during(self, start: float, end: float) -> list[Attempt]:
        return [a for a in self.attempts if start <= a.started <= end]


@dataclass
class Following:
    # (client, chat id) -> message ids in the order received (each message's first frame).
    received: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))
    clean_ends: int = 0
    cut_mid_body: int = 0
    refused: Counter[int] = field(default_factory=Counter)


async def _post_forever(
    session: aiohttp.ClientSession, base: str, chats: list[int], poster: int, posting: Posting
) -> None:
    for number in itertools.count():
        if posting.stopping:
            return
        key = f"poster-{poster}-{number}"
        chat_id = chats[(poster + number) % len(chats)]
        tries = 0
        while True:
            tries += 1
            started = time.monotonic()
            status, retry_after, body = 0, None, None
            try:
                async with session.post(
                    f"{base}/chats/{chat_id}/messages",
                    json={"text": key},
                    headers={"Idempotency-Key": key},
                ) as response:
                    status, retry_after = response.status, response.headers.get("Retry-After")
                    body = await response.json(content_type=None)
            except (aiohttp.ClientError, TimeoutError):
                pass
            posting.attempts.append(Attempt(started, time.monotonic(), status, retry_after))
            if status == 201 and isinstance(body, dict):
                posting.acknowledged[key] = (chat_id, int(body["id"]))
                if tries > 1:
                    posting.retried_keys.add(key)
                break
            wait = MAX_RETRY_WAIT
            with contextlib.suppress(TypeError, ValueError):
                wait = min(float(retry_after or MAX_RETRY_WAIT), MAX_RETRY_WAIT)
            await asyncio.sleep(wait)


async def _follow_forever(
    session: aiohttp.ClientSession, base: str, chat_id: int, client: int, following: Following
) -> None:
    received = following.received[(client, chat_id)]
    seen: set[int] = set()
    last_event_id = "0"  # the chats are empty when the feeds start: replay from the first
    while True:
        try:
            async with session.get(
                f"{base}/chats/{chat_id}/events",
                headers={"Last-Event-ID": last_event_id},
                timeout=aiohttp.ClientTimeout(total=None, sock_read=60),
            ) as response:
                if response.status != 200:
                    following.refused[response.status] += 1
                    await asyncio.sleep(0.2)
                    continue
                fields: dict[str, str] = {}
                async for raw in response.content:
                    line = raw.decode().rstrip("\n")
                    if line:
                        name, _, value = line.partition(": ")
                        fields[name] = value
                        continue
                    if "id" in fields:
                        last_event_id = fields["id"]
                    if fields.get("event") == "message":
                        message_id = int(last_event_id)
                        if message_id not in seen:
                            seen.add(message_id)
                            received.append(message_id)
                    fields = {}
            following.clean_ends += 1
        except aiohttp.ClientPayloadError:
            following.cut_mid_body += 1
        except (aiohttp.ClientError, TimeoutError):
            following.refused[0] += 1
            await asyncio.sleep(0.2)


async def _get_forever(
    session: aiohttp.ClientSession, urls: Iterator[str], into: list[Attempt], pause: float
) -> None:
    """GETs the next URL every `pause` seconds, recording each answer's status (0: none)."""
    for url in urls:
        started, status = time.monotonic(), 0
        try:
            async with session.get(url) as response:
                status = response.status
                await response.read()
        except (aiohttp.ClientError, TimeoutError):
            pass
        into.append(Attempt(started, time.monotonic(), status, None))
        await asyncio.sleep(pause)


class Load:
    """`async with Load(bases, chats, posters=16, feed_clients=2, readers=2) as load:` runs
    it, spreading the clients over the service processes at `bases`."""

    def __init__(
        self, bases: list[str], chats: list[int], *, posters: int, feed_clients: int, readers: int
    ):
        self._bases, self._chats = bases, chats
        self._posters, self._feed_clients, self._readers = posters, feed_clients, readers
        self.posting, self.following = Posting(), Following()
        self.reads: list[Attempt] = []
        self.health: list[Attempt] = []  # /health/db of the first process, 10 times a second
        self._tasks: list[asyncio.Task[None]] = []
        self._posting_tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> "Load":
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(limit=0),
        )
        for client in range(self._feed_clients):
            base = self._bases[client % len(self._bases)]
            for chat_id in self._chats:
                self._start(_follow_forever(self._session, base, chat_id, client, self.following))
        health = itertools.repeat(f"{self._bases[0]}/health/db")
        self._start(_get_forever(self._session, health, self.health, 0.1))
        for reader in range(self._readers):
            base = self._bases[reader % len(self._bases)]
            chats = itertools.islice(itertools.cycle(self._chats), reader, None)
            opened = (f"{base}/chats/{chat_id}" for chat_id in chats)
            self._start(_get_forever(self._session, opened, self.reads, 0.05))
        for poster in range(self._posters):
            base = self._bases[poster % len(self._bases)]
            work = _post_forever(self._session, base, self._chats, poster, self.posting)
            self._posting_tasks.append(self._start(work))
        return self

    def _start(self, work: Any) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self._tasks.append(task)
        return task

    async def stop_posting(self) -> None:
        self.posting.stopping = True
        await asyncio.gather(*self._posting_tasks)

    async def __aexit__(self, *_: object) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._session.close()
