"""EVENT_BUS=redis across two service processes and a real redis-server: no write's
transaction NOTIFYs, yet every feed hears every change (wake-ups over Redis, events read from
PostgreSQL); typing rides Redis; a Redis restart in the middle of the feeds loses nothing."""

import asyncio
import random
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from tests.support.feeds import committed_message_events, sse_frames
from tests.support.live import member_headers, two_services
from tests.support.redis import RedisServer
from tests.support.sql import Statements

pytestmark = pytest.mark.component

CHANNELS = ("chat_events", "user_events", "typing_events", "presence_events")


@pytest.fixture
def servers(
    database_url: str, tmp_path: Path, redis_server: RedisServer
) -> Iterator[tuple[str, str]]:
    with two_services(
        database_url, tmp_path, AUTH_MODE="api_key", EVENT_BUS="redis", REDIS_URL=redis_server.url
    ) as bases:
        yield bases


async def _next(frames: AsyncIterator[Any], timeout: float = 10) -> Any:
    """The next frame that is not presence (presence has tests of its own)."""
    while True:
        frame = await asyncio.wait_for(anext(frames), timeout)
        if frame[0] != "presence":
            return frame


async def test_no_write_notifies_and_every_feed_still_hears(
    servers: tuple[str, str],
    database_url: str,
    test_queries: Statements,
    redis_server: RedisServer,
    tmp_path: Path,
) -> None:
    first, second = servers
    ann, bob = member_headers(database_url, "ann"), member_headers(database_url, "bob")
    cat = member_headers(database_url, "cat")
    heard: list[tuple[str, str]] = []
    listener = await asyncpg.connect(database_url)
    for channel in CHANNELS:
        await listener.add_listener(channel, lambda *args: heard.append((args[2], args[3])))
    try:
        async with aiohttp.ClientSession() as http:
            created = await http.post(f"{first}/chats", json={"title": "quiet"}, headers=ann)
            chat_id = (await created.json())["id"]
            lobby = await http.post(
                f"{first}/chats", json={"title": "lobby", "visibility": "public"}, headers=ann
            )
            lobby_id = (await lobby.json())["id"]
            async with (
                http.get(f"{second}/me/events", headers=bob) as bob_feed,
                http.get(f"{second}/chats/{chat_id}/events", headers=ann) as chat_feed,
                http.get(f"{second}/chats/{lobby_id}/events", headers=cat) as lobby_feed,
            ):
                mine, chat_frames = sse_frames(bob_feed), sse_frames(chat_feed)
                assert (await _next(mine))[0] == "cursor"
                await http.put(
                    f"{first}/chats/{chat_id}/members/bob", json={"role": "member"}, headers=ann
                )
                assert (await _next(mine))[0] == "chat_joined"

                # Ten posts one after another: each is heard through its wake-up, long
                # before the 2 s re-check would have found it.
                started = time.monotonic()
                for number in range(10):
                    await http.post(
                        f"{first}/chats/{chat_id}/messages",
                        json={"text": f"m{number}"},
                        headers=ann,
                    )
                    event, _, data = await _next(mine)
                    assert (event, data["text"]) == ("message", f"m{number}")
                    event, _, data = await _next(chat_frames)
                    assert (event, data["text"]) == ("message", f"m{number}")
                assert time.monotonic() - started < 8

                # Each change heard before the next is made: a chat feed catching up after
                # an edit and a delete shows the message as it is now (deleted) only.
                message_id = data["id"]
                await http.patch(f"{first}/messages/{message_id}", json={"text": "e"}, headers=ann)
                assert (await _next(chat_frames))[0] == "message_edited"
                await http.delete(f"{first}/messages/{message_id}", headers=ann)
                assert (await _next(chat_frames))[0] == "message_deleted"
                await http.patch(f"{first}/chats/{chat_id}", json={"title": "q2"}, headers=ann)
                assert (await _next(chat_frames))[0] == "chat_renamed"
                await http.post(
                    f"{first}/chats/{chat_id}/read", json={"up_to_id": 10**9}, headers=bob
                )
                expected = ["message_edited", "message_deleted", "chat_renamed", "read"]
                assert [(await _next(mine))[0] for _ in expected] == expected

                # Typing only ever travels over Redis; what is not ours there is ignored.
                assert redis_server.cli("publish", "chat-api:typing", "not:ours") == "2"
                assert (
                    await http.post(f"{first}/chats/{chat_id}/typing", headers=ann)
                ).status == 204
                event, event_id, data = await _next(mine, 5)
                assert (event, event_id, data) == (
                    "typing",
                    "",
                    {"chat_id": chat_id, "user_id": "ann"},
                )

                # Made private: cat, who is not a member, is told to go, on the other process.
                await http.patch(
                    f"{first}/chats/{lobby_id}", json={"visibility": "private"}, headers=ann
                )
                assert (await _next(sse_frames(lobby_feed)))[0] == "chat_left"

                await http.delete(f"{first}/chats/{chat_id}/members/bob", headers=ann)
                assert (await _next(mine))[0] == "chat_left"
                await http.delete(f"{first}/chats/{chat_id}", headers=ann)
                assert (await _next(chat_frames))[0] == "chat_deleted"
        await asyncio.sleep(0.5)  # anything NOTIFYed would have arrived by now
        assert heard == []
        log = (tmp_path / f"chat-api-{second.rsplit(':', 1)[1]}.log").read_text()
        assert "event bus message ignored" in log
        assert await test_queries.count_all_followers(listener) == 0
    finally:
        await listener.close()


async def test_a_redis_restart_mid_feed_loses_nothing(
    servers: tuple[str, str],
    database_url: str,
    tmp_path: Path,
    redis_server: RedisServer,
    test_queries: Statements,
) -> None:
    first, second = servers
    ann = member_headers(database_url, "ann")
    received: dict[int, list[tuple[str, int]]] = defaultdict(list)
    live_messages: list[int] = []
    async with aiohttp.ClientSession() as http:
        chats = []
        for number in range(5):
            created = await http.post(f"{first}/chats", json={"title": f"r{number}"}, headers=ann)
            chats.append((await created.json())["id"])

        async def follow_user() -> None:
            async with http.get(f"{second}/me/events", headers=ann) as stream:
                async for event, _, data in sse_frames(stream):
                    if event in ("message", "message_edited", "message_deleted"):
                        received[data["chat_id"]].append((event, data["id"]))

        async def follow_chat() -> None:
            async with http.get(f"{second}/chats/{chats[0]}/events", headers=ann) as stream:
                async for event, _, data in sse_frames(stream):
                    if event == "message":
                        live_messages.append(data["id"])

        stop_posting = asyncio.Event()

        async def poster(number: int) -> None:
            rng, mine = random.Random(number), list[int]()
            while not stop_posting.is_set():
                if mine and rng.random() < 0.2:
                    await http.delete(f"{first}/messages/{mine.pop()}", headers=ann)
                    continue
                chat_id = chats[rng.randrange(len(chats))]
                posted = await http.post(
                    f"{first}/chats/{chat_id}/messages", json={"text": "p"}, headers=ann
                )
                assert posted.status == 201
                if chat_id != chats[0]:  # the chat feed's messages are all kept
                    mine.append((await posted.json())["id"])

        followers = [asyncio.create_task(follow_user()), asyncio.create_task(follow_chat())]
        await asyncio.sleep(0.5)
        posters = [asyncio.create_task(poster(number)) for number in range(5)]
        await asyncio.sleep(1.5)
        await asyncio.to_thread(redis_server.restart)  # in the middle of it all
        await asyncio.sleep(1.5)
        stop_posting.set()
        await asyncio.gather(*posters)

        # Redis away: posts still succeed, and the feeds get them from the re-check alone.
        await asyncio.to_thread(redis_server.stop)
        ids = []
        for number in range(3):
            posted = await http.post(
                f"{first}/chats/{chats[0]}/messages", json={"text": f"down{number}"}, headers=ann
            )
            assert posted.status == 201
            ids.append((await posted.json())["id"])
        deadline = time.monotonic() + 10
        while live_messages[-3:] != ids:
            assert time.monotonic() < deadline, "not re-checked while Redis was away"
            await asyncio.sleep(0.1)
        await asyncio.to_thread(redis_server.start)

        committed = await committed_message_events(database_url, test_queries)
        in_first_chat = [m for event, m in committed[chats[0]] if event == "message"]
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and (
            any(len(received[c]) < len(committed[c]) for c in chats)
            or len(live_messages) < len(in_first_chat)
        ):
            await asyncio.sleep(0.2)
        for task in followers:
            task.cancel()
        await asyncio.gather(*followers, return_exceptions=True)

    assert sum(len(events) for events in committed.values()) > 50
    for chat_id in chats:
        assert received[chat_id] == committed[chat_id], chat_id
    assert live_messages == in_first_chat
    subscriber_log = (tmp_path / f"chat-api-{second.rsplit(':', 1)[1]}.log").read_text()
    assert "event bus subscription lost" in subscriber_log
    assert "event bus is back" in subscriber_log
