"""GET /chats/{chat_id}/events: live messages over Server-Sent Events, fanned out with
PostgreSQL LISTEN/NOTIFY so it works across processes."""

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import psutil
import pytest

from service.api.appkeys import HUB
from service.live import feed
from tests.support.api import Client, create_chat, post_message
from tests.support.feeds import read_events
from tests.support.live import free_port, start_service, stop
from tests.support.sql import Statements


async def test_new_messages_are_pushed(client: Client) -> None:
    chat = await create_chat(client)
    async with client.get(f"/chats/{chat['id']}/events") as stream:
        assert stream.status == 200
        assert stream.content_type == "text/event-stream"
        await asyncio.sleep(0.2)
        posted = [await post_message(client, chat["id"], f"live {n}") for n in range(3)]
        events = await read_events(stream, 3)
    assert [(name, int(event_id)) for name, event_id, _ in events] == [
        ("message", message["id"]) for message in posted
    ]
    assert [data for _, _, data in events] == posted


async def test_reconnect_with_last_event_id_gets_what_was_missed_first(client: Client) -> None:
    chat = await create_chat(client)
    posted = [await post_message(client, chat["id"], f"m{n}") for n in range(4)]
    headers = {"Last-Event-ID": str(posted[0]["id"])}
    async with client.get(f"/chats/{chat['id']}/events", headers=headers) as stream:
        missed = await read_events(stream, 3)
        live = await post_message(client, chat["id"], "after reconnect")
        [then] = await read_events(stream, 1)
    assert [data["id"] for _, _, data in missed] == [m["id"] for m in posted[1:]]
    assert then[2] == live


async def test_deleting_the_chat_ends_the_stream(client: Client) -> None:
    chat = await create_chat(client)
    async with client.get(f"/chats/{chat['id']}/events") as stream:
        await asyncio.sleep(0.2)
        await client.delete(f"/chats/{chat['id']}")
        [(name, _, data)] = await read_events(stream, 1)
        assert (name, data) == ("chat_deleted", {"chat_id": chat["id"]})
        assert await asyncio.wait_for(stream.content.read(), 5) == b""


async def test_missing_chat_and_bad_last_event_id(client: Client) -> None:
    missing = await client.get("/chats/9090/events")
    assert missing.status == 404
    assert (await missing.json())["detail"] == "Chat with id=9090 not found"
    beyond_bigint = await client.get(f"/chats/{2**63}/events")
    assert beyond_bigint.status == 404
    chat = await create_chat(client)
    for bad_id in ("x1", "-1", "5.5", "9" * 5000):
        bad = await client.get(f"/chats/{chat['id']}/events", headers={"Last-Event-ID": bad_id})
        assert bad.status == 422, bad_id
        assert (await bad.json())["detail"][0]["loc"] == ["header", "Last-Event-ID"]


async def test_last_event_id_zero_replays_the_chat_from_its_first_message_page_by_page(
    client: Client,
) -> None:
    chat = await create_chat(client)
    texts = [f"m{n}" for n in range(feed.CATCH_UP_PAGE + 30)]  # more than one catch-up page
    posted = await client.post(
        f"/chats/{chat['id']}/messages/bulk", json={"messages": [{"text": t} for t in texts]}
    )
    assert posted.status == 201
    for last_id in ("0", "0.0"):
        headers = {"Last-Event-ID": last_id}
        async with client.get(f"/chats/{chat['id']}/events", headers=headers) as stream:
            replayed = await read_events(stream, len(texts))
        assert [data["text"] for _, _, data in replayed] == texts


async def test_an_empty_chat_followed_from_zero_gets_its_first_message(client: Client) -> None:
    chat = await create_chat(client)
    headers = {"Last-Event-ID": "0"}
    async with client.get(f"/chats/{chat['id']}/events", headers=headers) as stream:
        await asyncio.sleep(0.2)
        first = await post_message(client, chat["id"], "first")
        [(_, event_id, data)] = await read_events(stream, 1)
    assert (int(event_id), data) == (first["id"], first)


async def test_a_last_event_id_need_not_exist(client: Client) -> None:
    chat, other = await create_chat(client), await create_chat(client)
    await post_message(client, chat["id"], "before")
    elsewhere = await post_message(client, other["id"], "another chat's")
    after = await post_message(client, chat["id"], "after")
    headers = {"Last-Event-ID": str(elsewhere["id"])}
    async with client.get(f"/chats/{chat['id']}/events", headers=headers) as stream:
        [(_, _, data)] = await read_events(stream, 1)
    assert data == after


def _abort(response: aiohttp.ClientResponse) -> None:
    assert response.connection is not None
    assert response.connection.transport is not None
    response.connection.transport.abort()


@pytest.mark.component
async def test_clients_that_leave_are_a_normal_end_not_an_error(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    process = start_service(database_url, port, tmp_path)  # the access log is on
    log = tmp_path / f"chat-api-{port}.log"
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
            chat = await (await http.post("/chats", json={"title": "tabs"})).json()
            stream = await http.get(f"/chats/{chat['id']}/events")
            socket = await http.ws_connect(f"/chats/{chat['id']}/ws")
            await asyncio.sleep(0.3)
            for response in (stream, socket._response):  # closed tabs: no goodbye
                _abort(response)
            for n in range(3):  # the server finds out when it writes
                await http.post(f"/chats/{chat['id']}/messages", json={"text": f"m{n}"})
                await asyncio.sleep(0.2)
            deadline = time.monotonic() + 10
            while "/events 200" not in log.read_text() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            metrics = await (await http.get("/metrics")).text()
    finally:
        stop(process)
    lines = log.read_text()
    assert "ERROR" not in lines
    assert "Traceback" not in lines
    assert f"GET /chats/{chat['id']}/events 200" in lines
    assert " 500 " not in lines
    assert 'status="500"' not in metrics
    assert 'route="/chats/{chat_id}/events",status="200"' in metrics


@pytest.fixture
def two_servers(database_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    ports = [free_port(), free_port()]
    processes = [start_service(database_url, port, tmp_path) for port in ports]
    yield f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"
    for process in processes:
        stop(process)


async def test_two_processes_deliver_each_others_messages(two_servers: tuple[str, str]) -> None:
    first, second = two_servers
    async with aiohttp.ClientSession() as http:
        chat = await (await http.post(f"{first}/chats", json={"title": "shared"})).json()
        url = f"/chats/{chat['id']}/events"
        async with http.get(first + url) as on_first, http.get(second + url) as on_second:
            await asyncio.sleep(0.3)
            to_first = await (
                await http.post(f"{second}/chats/{chat['id']}/messages", json={"text": "via 2"})
            ).json()
            to_second = await (
                await http.post(f"{first}/chats/{chat['id']}/messages", json={"text": "via 1"})
            ).json()
            got_first = await read_events(on_first, 2)
            got_second = await read_events(on_second, 2)
    assert [data for _, _, data in got_first] == [to_first, to_second]
    assert [data for _, _, data in got_second] == [to_first, to_second]


async def test_a_thousand_idle_subscribers_cost_little_and_stop_quickly(
    live_server: tuple[str, Any],
) -> None:
    base, process = live_server
    worker = psutil.Process(process.pid)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(base, connector=connector) as http:
        chat = await (await http.post("/chats", json={"title": "popular"})).json()
        await asyncio.sleep(0.5)
        before = worker.memory_info().rss
        streams = await asyncio.gather(
            *(http.get(f"/chats/{chat['id']}/events") for _ in range(1000))
        )
        assert {stream.status for stream in streams} == {200}
        grown_mb = (worker.memory_info().rss - before) / 2**20
        assert grown_mb < 60, f"1000 idle subscribers cost {grown_mb:.1f} MB"

        posted = await (
            await http.post(f"/chats/{chat['id']}/messages", json={"text": "to everyone"})
        ).json()
        for stream in (streams[0], streams[499], streams[-1]):
            [(_, _, data)] = await read_events(stream, 1)
            assert data == posted

        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(process.wait, 20) == 0
        assert time.monotonic() - started < 10, "open streams do not hold up a graceful stop"
        for stream in streams:
            stream.close()
    print(f"\n1000 idle subscribers: +{grown_mb:.1f} MB RSS")


async def test_a_long_absence_is_caught_up_in_pages_and_in_order(client: Client) -> None:
    chat = await create_chat(client)
    first = await post_message(client, chat["id"], "seen")
    items = [{"text": f"missed {n}"} for n in range(250)]  # more than one catch-up page
    response = await client.post(f"/chats/{chat['id']}/messages/bulk", json={"messages": items})
    missed = await response.json()
    headers = {"Last-Event-ID": str(first["id"])}
    async with client.get(f"/chats/{chat['id']}/events", headers=headers) as stream:
        events = await read_events(stream, 250)
    assert [data for _, _, data in events] == missed


async def test_quiet_streams_get_keep_alive_comments(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed, "HEARTBEAT_SECONDS", 0.1)
    chat = await create_chat(client)
    async with client.get(f"/chats/{chat['id']}/events") as stream:
        line = await asyncio.wait_for(stream.content.readline(), 5)
    assert line == b": keep-alive\n"


@pytest.mark.parametrize("history", [0, 3], ids=["empty chat", "chat with history"])
async def test_a_lost_listener_is_made_good_from_the_database(
    client: Client, db: asyncpg.Connection, test_queries: Statements, history: int
) -> None:
    chat = await create_chat(client)
    for n in range(history):
        await post_message(client, chat["id"], f"before following {n}")
    hub = client.app[HUB]
    async with client.get(f"/chats/{chat['id']}/events") as stream:
        await asyncio.sleep(0.2)
        listener = hub.listener_pid
        assert listener is not None
        assert await test_queries.terminate_backend(db, listener)
        # Posted while no process listens: no notification reaches anyone. The stream catches
        # up from the database once the listener is back, and only with what it has not seen.
        posted = [await post_message(client, chat["id"], f"away {n}") for n in range(2)]
        events = await read_events(stream, 2, timeout=15)
        assert [data for _, _, data in events] == posted
        assert hub.listener_pid not in (None, listener), "a new LISTEN connection"
