"""User feeds (GET /me/events, /me/ws) with AUTH_MODE=api_key on two service processes, on
each event bus (PostgreSQL LISTEN/NOTIFY, and Redis): every event of every chat of the caller
on one connection, membership as it changes, the caller's read position from other devices,
and exact resume by cursor while 20 posters edit and delete across 10 chats."""

import asyncio
import json
import random
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from service.domain.cursors import FeedCursor
from tests.support.feeds import committed_message_events, sse_frames
from tests.support.live import member_headers, two_services
from tests.support.sql import Statements

pytestmark = pytest.mark.component

Frame = tuple[str, str, dict[str, Any]]  # (event, id, data)


@pytest.fixture(params=["postgres", "redis"])
def servers(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path
) -> Iterator[tuple[str, str]]:
    """Two processes on each event bus (a private redis-server for EVENT_BUS=redis)."""
    bus = {"EVENT_BUS": request.param}
    if request.param == "redis":
        bus["REDIS_URL"] = request.getfixturevalue("redis_server").url
    with two_services(database_url, tmp_path, AUTH_MODE="api_key", **bus) as bases:
        yield bases


async def _frames(response: aiohttp.ClientResponse) -> AsyncIterator[Frame]:
    """The feed's frames but presence, which has tests of its own (test_presence.py)."""
    async for frame in sse_frames(response):
        if frame[0] != "presence":
            yield frame


async def _take(frames: AsyncIterator[Frame], count: int, timeout: float = 10) -> list[Frame]:
    got: list[Frame] = []

    async def take() -> list[Frame]:
        for _ in range(count):
            got.append(await anext(frames))
        return got

    try:
        return await asyncio.wait_for(take(), timeout)
    except TimeoutError:
        raise AssertionError(got) from None


async def test_one_connection_carries_every_chat_and_membership(
    servers: tuple[str, str], database_url: str
) -> None:
    first, second = servers
    ann, bob = member_headers(database_url, "ann"), member_headers(database_url, "bob")
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{second}/me/events", headers=bob) as stream,
    ):
        assert stream.status == 200
        frames = _frames(stream)
        [(event, cursor, data)] = await _take(frames, 1)
        assert event == "cursor"
        assert data == {"cursor": cursor}

        chats = []
        for title in ("one", "two"):
            created = await http.post(f"{first}/chats", json={"title": title}, headers=ann)
            chats.append((await created.json())["id"])
            put = await http.put(
                f"{first}/chats/{chats[-1]}/members/bob", json={"role": "member"}, headers=ann
            )
            assert put.status == 201
        joined = await _take(frames, 2)
        assert [(e, d["chat_id"], d["role"]) for e, _, d in joined] == [
            ("chat_joined", chats[0], "member"),
            ("chat_joined", chats[1], "member"),
        ]
        one, two = chats
        posted = await http.post(f"{first}/chats/{one}/messages", json={"text": "hi"}, headers=ann)
        message = await posted.json()
        await http.post(f"{first}/chats/{two}/messages", json={"text": "there"}, headers=ann)
        # Heard before it is edited and deleted: a frame read later shows the message as it
        # is by then (the deleted message's tombstone).
        seen = await _take(frames, 2)
        await http.patch(f"{first}/messages/{message['id']}", json={"text": "hi!"}, headers=ann)
        await http.delete(f"{first}/messages/{message['id']}", headers=ann)
        await http.patch(f"{first}/chats/{two}", json={"title": "deux"}, headers=ann)
        marked = await http.post(f"{first}/chats/{two}/read", json={"up_to_id": 10**9}, headers=bob)
        assert marked.status == 200
        seen += await _take(frames, 4)
        assert [(e, d["chat_id"]) for e, _, d in seen] == [
            ("message", one),
            ("message", two),
            ("message_edited", one),
            ("message_deleted", one),
            ("chat_renamed", two),
            ("read", two),
        ]
        assert seen[0][2]["id"] == message["id"]
        assert seen[0][2]["is_read"] is False
        assert seen[4][2]["title"] == "deux"
        assert seen[5][2] == {
            "chat_id": two,
            "last_read_id": seen[1][2]["id"],
            "unread_count": 0,
        }

        # Someone else joins; then bob is removed from chat one: its events stop.
        member_headers(database_url, "cat")
        await http.put(f"{first}/chats/{two}/members/cat", json={"role": "member"}, headers=ann)
        await http.delete(f"{first}/chats/{one}/members/bob", headers=ann)
        await http.post(f"{first}/chats/{one}/messages", json={"text": "secret"}, headers=ann)
        await http.post(f"{first}/chats/{two}/messages", json={"text": "still"}, headers=ann)
        rest = await _take(frames, 3)
        assert [(e, d["chat_id"], d.get("user_id")) for e, _, d in rest] == [
            ("member_joined", two, "cat"),
            ("chat_left", one, "bob"),
            ("message", two, None),
        ]
        assert rest[2][2]["text"] == "still"


async def test_resume_is_exact_under_concurrent_posts_edits_and_deletes(
    servers: tuple[str, str], database_url: str, test_queries: Statements
) -> None:
    first, second = servers
    ann = member_headers(database_url, "ann")
    async with aiohttp.ClientSession() as http:
        chats = []
        for number in range(10):
            created = await http.post(f"{first}/chats", json={"title": f"c{number}"}, headers=ann)
            chats.append((await created.json())["id"])
        received: dict[int, list[tuple[str, int]]] = defaultdict(list)
        stop_posting = asyncio.Event()

        async def poster(number: int) -> None:
            rng, mine = random.Random(number), list[int]()
            while not stop_posting.is_set():
                chat_id = chats[rng.randrange(len(chats))]
                base = first if number % 2 else second
                roll = rng.random()
                if mine and roll < 0.2:
                    await http.patch(
                        f"{base}/messages/{rng.choice(mine)}",
                        json={"text": f"e{rng.random()}"},
                        headers=ann,
                    )
                elif mine and roll < 0.3:
                    await http.delete(f"{base}/messages/{mine.pop()}", headers=ann)
                else:
                    posted = await http.post(
                        f"{base}/chats/{chat_id}/messages", json={"text": "p"}, headers=ann
                    )
                    mine.append((await posted.json())["id"])

        cursor, reconnects = "", 0
        done = asyncio.Event()

        async def follower() -> None:
            """Reconnects every 50-100 ms with its last id until told it has everything."""
            nonlocal cursor, reconnects
            while not done.is_set():
                headers = {**ann, **({"Last-Event-ID": cursor} if cursor else {})}
                async with http.get(f"{second}/me/events", headers=headers) as stream:
                    assert stream.status == 200, await stream.text()
                    reconnects += 1
                    try:
                        async with asyncio.timeout(0.05 + random.random() * 0.05):
                            async for event, event_id, data in _frames(stream):
                                cursor = event_id
                                if event != "cursor":
                                    key = data.get("id", 0)
                                    received[data["chat_id"]].append((event, key))
                    except TimeoutError:
                        pass

        following = asyncio.create_task(follower())
        await asyncio.sleep(0.5)
        posters = [asyncio.create_task(poster(number)) for number in range(20)]
        await asyncio.sleep(4)
        stop_posting.set()
        await asyncio.gather(*posters)
        committed = await committed_message_events(database_url, test_queries)

        def messages_received() -> dict[int, list[tuple[str, int]]]:
            wanted = ("message", "message_edited", "message_deleted")
            return {c: [e for e in received[c] if e[0] in wanted] for c in chats}

        # Until the feed has caught up (more than it should have, or out of order, is a
        # mismatch at once; fewer is waited for, for up to 30 s).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            got = messages_received()
            if any(len(got[c]) >= len(committed[c]) and got[c] != committed[c] for c in chats):
                break
            if all(got[c] == committed[c] for c in chats):
                break
            await asyncio.sleep(0.2)
        done.set()
        await asyncio.wait_for(following, 10)

    assert reconnects > 10, "the feed was meant to reconnect often"
    assert sum(len(events) for events in committed.values()) > 200
    got = messages_received()
    for chat_id in chats:
        assert got[chat_id] == committed[chat_id], chat_id


async def test_cursors_that_cannot_be_honoured(servers: tuple[str, str], database_url: str) -> None:
    first, _ = servers
    ann = member_headers(database_url, "ann")
    async with aiohttp.ClientSession() as http:
        old = FeedCursor(base="1:1:", target=None, after=0, base_at=time.time() - 200 * 3600)
        expired = await http.get(
            f"{first}/me/events", headers={**ann, "Last-Event-ID": old.encode()}
        )
        assert expired.status == 410
        assert (await expired.json())["code"] == "cursor_expired"
        for bad in ("nonsense", "MTox", "x" * 8100):
            answer = await http.get(f"{first}/me/events", headers={**ann, "Last-Event-ID": bad})
            assert answer.status == 422, bad
            body = await answer.json()
            assert body["detail"][0]["loc"] == ["header", "Last-Event-ID"]
        socket = await http.get(f"{first}/me/ws", params={"last_event_id": "nonsense"}, headers=ann)
        assert socket.status == 422
        assert (await http.get(f"{first}/me/events")).status == 401


async def test_websocket_user_feed(servers: tuple[str, str], database_url: str) -> None:
    first, second = servers
    ann = member_headers(database_url, "ann")
    async with aiohttp.ClientSession() as http:
        created = await http.post(f"{first}/chats", json={"title": "ws"}, headers=ann)
        chat_id = (await created.json())["id"]
        async with http.ws_connect(f"{second}/me/ws", headers=ann) as socket:
            start = json.loads((await socket.receive(10)).data)
            assert start["event"] == "cursor"
            await http.post(
                f"{first}/chats/{chat_id}/messages", json={"text": "ws hi"}, headers=ann
            )
            frame = json.loads((await socket.receive(10)).data)
            assert (frame["event"], frame["data"]["text"]) == ("message", "ws hi")
            assert frame["data"]["is_read"] is True  # ann wrote it
        # Resuming over the socket from the cursor it started with gives that message again
        # (under another cursor: a cursor names a snapshot, and the socket read a later one).
        url = f"{second}/me/ws?last_event_id={start['id']}"
        async with http.ws_connect(url, headers=ann) as socket:
            again = json.loads((await socket.receive(10)).data)
            assert (again["event"], again["data"]) == (frame["event"], frame["data"])


async def test_typing_reaches_the_others_at_once_and_at_most_every_2_s(
    servers: tuple[str, str], database_url: str
) -> None:
    first, second = servers
    ann, bob = member_headers(database_url, "ann"), member_headers(database_url, "bob")
    async with aiohttp.ClientSession() as http:
        created = await http.post(f"{first}/chats", json={"title": "typing"}, headers=ann)
        chat_id = (await created.json())["id"]
        await http.put(f"{first}/chats/{chat_id}/members/bob", json={"role": "member"}, headers=ann)
        async with (
            http.get(f"{second}/me/events", headers=bob) as bob_feed,
            http.get(f"{second}/me/events", headers=ann) as ann_feed,
            http.get(f"{second}/chats/{chat_id}/events", headers=bob) as chat_feed,
            http.ws_connect(f"{first}/me/ws", headers=ann) as ann_socket,
        ):
            bob_frames, ann_frames = _frames(bob_feed), _frames(ann_feed)
            await _take(bob_frames, 1)  # cursor
            await _take(ann_frames, 1)
            await asyncio.sleep(0.3)
            started = time.monotonic()
            typed = await http.post(f"{first}/chats/{chat_id}/typing", headers=ann)
            assert typed.status == 204
            [(event, event_id, data)] = await _take(bob_frames, 1)
            # At once (the 200 ms target is a bench figure; a busy CI machine gets slack).
            assert time.monotonic() - started < 1.0
            assert (event, event_id, data) == ("typing", "", {"chat_id": chat_id, "user_id": "ann"})
            [(event, _, data)] = await _take(_frames(chat_feed), 1)
            assert (event, data) == ("typing", {"chat_id": chat_id, "user_id": "ann"})
            # Again within 2 s: answered, not sent. Then a post, which bob gets next.
            assert (await http.post(f"{first}/chats/{chat_id}/typing", headers=ann)).status == 204
            await http.post(f"{first}/chats/{chat_id}/messages", json={"text": "m"}, headers=ann)
            [(event, _, _)] = await _take(bob_frames, 1)
            assert event == "message"
            # ann's own feed never got her typing: the post is all it has.
            [(event, _, _)] = await _take(ann_frames, 1)
            assert event == "message"
            # Over the WebSocket, after the 2 s.
            await asyncio.sleep(2.1)
            await ann_socket.send_json({"type": "typing", "chat_id": chat_id})
            [(event, _, data)] = await _take(bob_frames, 1)
            assert (event, data["user_id"]) == ("typing", "ann")
        # Only members may: the private chat is a 404 for eve, as a missing one.
        eve = member_headers(database_url, "eve")
        refused = await http.post(f"{first}/chats/{chat_id}/typing", headers=eve)
        assert refused.status == 404
