"""Opening a chat whose latest 20 messages each carry 10 reactions, a thread and mentions,
against one whose messages carry none: the same single statement, interleaved requests."""

import asyncio
import statistics
import time
from dataclasses import dataclass

import aiohttp
import asyncpg

from bench.dataset import BENCH_QUERIES

MESSAGES = 20
REACTIONS = [f":r{n}:" for n in range(10)]
MEASURED = 300


@dataclass
class DecoratedFigures:
    plain_p50_ms: float
    decorated_p50_ms: float


async def _chat(session: aiohttp.ClientSession, title: str) -> tuple[int, list[int]]:
    async with session.post("/chats", json={"title": title}) as created:
        chat_id = int((await created.json())["id"])
    bulk = {"messages": [{"text": f"message {n}"} for n in range(MESSAGES)]}
    async with session.post(f"/chats/{chat_id}/messages/bulk", json=bulk) as posted:
        return chat_id, [int(m["id"]) for m in await posted.json()]


async def _decorate(session: aiohttp.ClientSession, chat_id: int, ids: list[int]) -> None:
    for message_id in ids:
        for emoji in REACTIONS:
            async with session.put(f"/messages/{message_id}/reactions/{emoji}") as answer:
                answer.raise_for_status()
        reply = {"text": "in the thread", "thread_id": message_id}
        async with session.post(f"/chats/{chat_id}/messages", json=reply) as answer:
            answer.raise_for_status()


async def _p50(session: aiohttp.ClientSession, paths: list[str]) -> list[float]:
    """The p50 of each path, requested in turn MEASURED times."""
    timings: list[list[float]] = [[] for _ in paths]
    for _ in range(MEASURED):
        for timing, path in zip(timings, paths, strict=True):
            started = time.perf_counter()
            async with session.get(path, params={"limit": MESSAGES}) as answer:
                await answer.read()
                answer.raise_for_status()
            timing.append((time.perf_counter() - started) * 1000)
    return [statistics.median(timing) for timing in timings]


async def _measure(base: str, database_url: str) -> DecoratedFigures:
    async with aiohttp.ClientSession(base) as session:
        plain, _ = await _chat(session, "plain")
        decorated, ids = await _chat(session, "decorated")
        await _decorate(session, decorated, ids)
        connection = await asyncpg.connect(database_url)
        try:
            await BENCH_QUERIES["add_mentions"](connection, ids)
        finally:
            await connection.close()
        plain_ms, decorated_ms = await _p50(session, [f"/chats/{plain}", f"/chats/{decorated}"])
    return DecoratedFigures(plain_p50_ms=plain_ms, decorated_p50_ms=decorated_ms)


def measure_decorated(base: str, database_url: str) -> DecoratedFigures:
    return asyncio.run(_measure(base, database_url))


def decorated_targets(figures: DecoratedFigures) -> list[tuple[str, str, bool]]:
    ratio = figures.decorated_p50_ms / figures.plain_p50_ms
    return [
        (f"open a chat whose latest {MESSAGES} messages carry {len(REACTIONS)} reactions, a "
         "thread and mentions each: one statement, p50 ≤ 1.3× a chat without them",
         f"{figures.decorated_p50_ms:.2f} / {figures.plain_p50_ms:.2f} ms = {ratio:.2f}×",
         ratio <= 1.3),
    ]  # fmt: skip
