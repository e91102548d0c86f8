"""The benchmark's live clients in its own process: user feeds that note when each message and
typing frame arrives, posts at a steady rate that note when each 201 came, typing that notes
when each 204 came; and connecting a user feed until its first frame."""

import asyncio
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

WARM_UP_SECONDS = 2
TYPING_ROUNDS = 3
TYPING_PACE_SECONDS = 2.1  # a member's typing goes out at most every 2 s per chat


@dataclass
class Timings:
    posts_ms: list[float]  # a post's 201 to its frame on the user feed
    typing_ms: list[float]  # a typing's 204 to its frame
    refused: int  # posts not answered 201 (an overloaded machine answers 503)


@dataclass
class Heard:
    messages: dict[int, float] = field(default_factory=dict)  # message id: arrival
    typing: dict[tuple[int, int], float] = field(default_factory=dict)  # (round, chat): arrival
    opened: int = 0
    round: int = 0


async def _watch(http: aiohttp.ClientSession, url: str, token: str, heard: Heard) -> None:
    async with http.get(url, headers={"Authorization": f"Bearer {token}"}) as stream:
        stream.raise_for_status()
        event = ""
        async for raw in stream.content:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
                now = time.perf_counter()
                if event == "cursor":
                    heard.opened += 1
                elif event == "message":
                    heard.messages.setdefault(data["id"], now)
                elif event == "typing":
                    heard.typing.setdefault((heard.round, data["chat_id"]), now)


def _ms(pairs: list[tuple[float, float]]) -> list[float]:
    """Sent-to-heard in milliseconds; a frame can beat its own 201 to the client."""
    return [max(0.0, heard - sent) * 1000 for sent, heard in pairs]


async def time_frames(
    writer: str,
    reader: str,
    watchers: dict[int, str],
    poster: str,
    *,
    rate: int,
    seconds: int,
) -> Timings:
    """Posts at `rate` a second for `seconds` into the watchers' chats (chat: watcher's token)
    through `writer`, then typing rounds; how long each took to reach the watcher's user feed
    on `reader`. Raises when a frame never came for a post answered 201."""
    heard = Heard()
    auth = {"Authorization": f"Bearer {poster}"}
    chats = list(watchers)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        feeds = [
            asyncio.create_task(_watch(http, f"{reader}/me/events", token, heard))
            for token in watchers.values()
        ]
        await _until(lambda: heard.opened == len(feeds) or any(feed.done() for feed in feeds))
        for feed in feeds:
            if feed.done():
                feed.result()  # it could not open: say why
        await asyncio.sleep(0.5)  # the feeds' presence announcements are over
        posted: dict[int, float] = {}
        refused = 0

        async def post(chat: int) -> None:
            nonlocal refused
            url = f"{writer}/chats/{chat}/messages"
            try:
                async with http.post(url, json={"text": "latency"}, headers=auth) as answer:
                    body = await answer.json()
            except aiohttp.ClientError:  # an overloaded server resets connections
                refused += 1
                return
            if answer.status == 201:
                posted[body["id"]] = time.perf_counter()
            else:
                refused += 1

        for measured in (False, True):  # warm up first: connections, pools, statements
            started, posts = time.perf_counter(), []
            for number in range(rate * (seconds if measured else WARM_UP_SECONDS)):
                await asyncio.sleep(max(0.0, started + number / rate - time.perf_counter()))
                posts.append(asyncio.create_task(post(chats[number % len(chats)])))
            await asyncio.gather(*posts)
            if not measured:
                posted.clear()
                refused = 0
        typed: dict[tuple[int, int], float] = {}
        for typing_round in range(TYPING_ROUNDS):
            await asyncio.sleep(TYPING_PACE_SECONDS)
            heard.round = typing_round
            for chat in chats:
                async with http.post(f"{writer}/chats/{chat}/typing", headers=auth) as answer:
                    if answer.status == 204:
                        typed[(typing_round, chat)] = time.perf_counter()
        await _until(lambda: len(heard.messages) >= len(posted) and len(heard.typing) >= len(typed))
        for feed in feeds:
            feed.cancel()
        await asyncio.gather(*feeds, return_exceptions=True)
    missing = len(set(posted) - set(heard.messages)) + len(set(typed) - set(heard.typing))
    if missing:
        raise SystemExit(f"bench: {missing} frames never reached the user feeds")
    return Timings(
        _ms([(sent, heard.messages[message]) for message, sent in posted.items()]),
        _ms([(sent, heard.typing[key]) for key, sent in typed.items()]),
        refused,
    )


async def _until(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


async def connect_p50(reader: str, token: str, times: int) -> float:
    """Milliseconds from asking for a user feed to its first frame (the cursor), p50."""
    timings = []
    async with aiohttp.ClientSession() as http:
        for _ in range(times):
            started = time.perf_counter()
            headers = {"Authorization": f"Bearer {token}"}
            async with http.get(f"{reader}/me/events", headers=headers) as stream:
                stream.raise_for_status()
                async for raw in stream.content:
                    if raw.startswith(b"event: cursor"):
                        break
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)
