"""The big operations a DBA asks about, measured through the running service on the
benchmark's data: marking the 1M-message chat read (and a post into it meanwhile), its
statistics over its whole range, title search over the chats table after many runs on each
pooled connection, full-text search of the 1M-message chat, and deleting a chat of several
million messages."""

import asyncio
import statistics
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

SEARCHES_PER_CONNECTION = 100
POOL_SIZE = 10  # DB_POOL_MAX_SIZE's default: every pooled connection gets its runs
MEASURED = 200


@dataclass
class BigFigures:
    mark_read_ms: float
    marked: int
    post_meanwhile_ms: float
    stats_p50_ms: float
    search_chats: int
    search_p50_ms: float  # a distinctive text ("39999")
    search_common_p50_ms: float  # one that shares "chat" with every title ("Chat 39999")
    text_search_messages: int
    text_search_p50_ms: float  # full-text search in the big chat for a distinctive word
    text_search_common_p50_ms: float  # with "message", a word every one of its texts has
    delete_messages: int
    delete_s: float
    deleted: bool
    latest_page_p50_ms: float  # the big chat's latest 50 messages
    around_p50_ms: float  # 50 messages around one in the middle of its history (around_id)


async def _timed(
    session: aiohttp.ClientSession, method: str, path: str, **kwargs: Any
) -> tuple[float, Any]:
    started = time.perf_counter()
    async with session.request(method, path, **kwargs) as response:
        body = await response.json() if response.status != 204 else None
        response.raise_for_status()
    return (time.perf_counter() - started) * 1000, body


async def _mark_read(
    session: aiohttp.ClientSession, chat: int, up_to: int
) -> tuple[float, int, float]:
    """Marks the whole chat read and posts into it at the same moment."""
    (mark_ms, marked), (post_ms, _) = await asyncio.gather(
        _timed(session, "POST", f"/chats/{chat}/read", json={"up_to_id": up_to}),
        _timed(session, "POST", f"/chats/{chat}/messages", json={"text": "while marking"}),
    )
    return mark_ms, int(marked["updated"]), post_ms


async def _search(session: aiohttp.ClientSession, text: str, path: str = "/chats") -> float:
    async def runs(count: int) -> list[float]:
        return [(await _timed(session, "GET", path, params={"q": text}))[0] for _ in range(count)]

    # Warm-up: concurrent clients, so each pooled connection runs the statement many times.
    await asyncio.gather(*(runs(SEARCHES_PER_CONNECTION) for _ in range(POOL_SIZE)))
    return statistics.median(await runs(MEASURED))


async def _jump(session: aiohttp.ClientSession, chat: int, middle: int) -> tuple[float, float]:
    """p50 of the chat's latest page and of the page around its middle message, interleaved."""
    path = f"/chats/{chat}/messages"
    _, found = await _timed(session, "GET", path, params={"skip": middle, "limit": 1})
    around = {"around_id": found[0]["id"], "limit": 50}
    latest, jumps = [], []
    for _ in range(MEASURED):
        latest.append((await _timed(session, "GET", path, params={"limit": 50}))[0])
        jumps.append((await _timed(session, "GET", path, params=around))[0])
    return statistics.median(latest), statistics.median(jumps)


async def measure_big(
    base: str, *, big_chat: int, big_last: int, huge_chat: int, huge_messages: int, chats: int
) -> BigFigures:
    timeout = aiohttp.ClientTimeout(total=None)
    async with aiohttp.ClientSession(base, timeout=timeout) as session:
        mark_ms, marked, post_ms = await _mark_read(session, big_chat, big_last)
        stats = [(await _timed(session, "GET", f"/chats/{big_chat}/stats"))[0] for _ in range(20)]
        search_ms = await _search(session, "39999")
        common_ms = await _search(session, "Chat 39999")
        # The seeded texts are "Message <n>": one word every text has, one number each.
        in_chat = f"/chats/{big_chat}/messages"
        text_ms = await _search(session, str(big_last // 2), in_chat)
        text_common_ms = await _search(session, f"Message {big_last // 2}", in_chat)
        latest_ms, around_ms = await _jump(session, big_chat, big_last // 2)
        started = time.perf_counter()
        async with session.delete(f"/chats/{huge_chat}") as response:
            deleted = response.status == 204
        delete_s = time.perf_counter() - started
    return BigFigures(
        mark_read_ms=mark_ms,
        marked=marked,
        post_meanwhile_ms=post_ms,
        stats_p50_ms=statistics.median(stats),
        search_chats=chats,
        search_p50_ms=search_ms,
        search_common_p50_ms=common_ms,
        text_search_messages=big_last,
        text_search_p50_ms=text_ms,
        text_search_common_p50_ms=text_common_ms,
        delete_messages=huge_messages,
        delete_s=delete_s,
        deleted=deleted,
        latest_page_p50_ms=latest_ms,
        around_p50_ms=around_ms,
    )


def big_targets(big: BigFigures) -> list[tuple[str, str, bool]]:
    return [
        (f"mark {big.marked:,} messages read ≤ 50 ms; a post into that chat meanwhile ≤ 20 ms",
         f"{big.mark_read_ms:.1f} / {big.post_meanwhile_ms:.1f} ms",
         big.mark_read_ms <= 50 and big.post_meanwhile_ms <= 20),
        ("stats of the 1M-message chat over its whole range ≤ 10 ms (p50)",
         f"{big.stats_p50_ms:.1f} ms", big.stats_p50_ms <= 10),
        (f"title search over {big.search_chats:,} chats: p50 ≤ 5 ms after "
         f"{SEARCHES_PER_CONNECTION} runs per connection (q=39999; q=Chat 39999, whose "
         "'chat' every title shares, beside it)",
         f"{big.search_p50_ms:.1f} ms ({big.search_common_p50_ms:.1f} ms)",
         big.search_p50_ms <= 5),
        (f"full-text search of a {big.text_search_messages:,}-message chat: p50 ≤ 20 ms "
         "(q=<one number>; q=Message <number>, whose 'message' every text has, beside it)",
         f"{big.text_search_p50_ms:.1f} ms ({big.text_search_common_p50_ms:.1f} ms)",
         big.text_search_p50_ms <= 20),
        (f"50 messages around one in the middle of the {big.text_search_messages:,}-message "
         "chat (around_id) cost what its latest 50 cost: p50 ≤ 1.25×",
         f"{big.around_p50_ms:.2f} / {big.latest_page_p50_ms:.2f} ms",
         big.around_p50_ms <= 1.25 * big.latest_page_p50_ms),
        (f"delete a {big.delete_messages:,}-message chat succeeds",
         f"{big.delete_s:.1f} s" if big.deleted else "failed", big.deleted),
    ]  # fmt: skip
