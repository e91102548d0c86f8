"""Presence across service processes (AUTH_MODE=api_key): a user is online while a user feed
of theirs is open on any process; co-members' feeds hear of it when the first opens and the
last closes, and when the process holding it is SIGKILLed (within 30 s: 20 here); the members
list says `online`; cutting every LISTEN connection (a restart of the bus) flaps nobody offline."""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from tests.support.feeds import sse_frames
from tests.support.live import free_port, member_headers, start_service, stop
from tests.support.sql import Statements

pytestmark = pytest.mark.component


@pytest.fixture(params=["postgres", "redis"])
def bus(request: pytest.FixtureRequest) -> dict[str, str]:
    """The event bus the processes share (a private redis-server for EVENT_BUS=redis)."""
    if request.param == "redis":
        return {"EVENT_BUS": "redis", "REDIS_URL": request.getfixturevalue("redis_server").url}
    return {"EVENT_BUS": "postgres"}


@pytest.fixture
def processes(database_url: str, tmp_path: Path, bus: dict[str, str]) -> Iterator[list[Any]]:
    started = []
    for _ in range(3):
        port = free_port()
        process = start_service(database_url, port, tmp_path, AUTH_MODE="api_key", **bus)
        started.append((f"http://127.0.0.1:{port}", process))
    yield started
    for _, process in started:
        stop(process)


async def _collect_presence(
    stream: aiohttp.ClientResponse, into: asyncio.Queue[dict[str, Any]]
) -> None:
    """Puts the presence frames of a user feed on a queue (a queue can be waited on with a
    timeout; an async generator would be closed by one)."""
    async for event, _, data in sse_frames(stream):
        if event == "presence":
            into.put_nowait(data)


async def _online(
    http: aiohttp.ClientSession, base: str, chat_id: int, auth: Any
) -> dict[str, bool]:
    members = await (await http.get(f"{base}/chats/{chat_id}/members", headers=auth)).json()
    return {member["user_id"]: member["online"] for member in members}


async def _restart_bus(
    request: pytest.FixtureRequest, bus: dict[str, str], database_url: str, queries: Statements
) -> None:
    """Every LISTEN connection cut (they reconnect), or the redis-server killed and started."""
    if bus["EVENT_BUS"] == "redis":
        await asyncio.to_thread(request.getfixturevalue("redis_server").restart)
        return
    connection = await asyncpg.connect(database_url)
    try:
        assert await queries.terminate_listeners(connection) >= 3
    finally:
        await connection.close()


async def test_presence_across_processes(
    processes: list[Any],
    database_url: str,
    test_queries: Statements,
    bus: dict[str, str],
    request: pytest.FixtureRequest,
) -> None:
    (first, _), (second, _), (third, doomed) = processes
    ann, bob = member_headers(database_url, "ann"), member_headers(database_url, "bob")
    member_headers(database_url, "cat")
    async with aiohttp.ClientSession() as http:
        created = await http.post(f"{first}/chats", json={"title": "presence"}, headers=ann)
        chat_id = (await created.json())["id"]
        for user in ("bob", "cat"):
            await http.put(
                f"{first}/chats/{chat_id}/members/{user}", json={"role": "member"}, headers=ann
            )
        async with http.get(f"{first}/me/events", headers=ann) as ann_feed:
            heard: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            collector = asyncio.create_task(_collect_presence(ann_feed, heard))
            await asyncio.sleep(0.5)
            assert await _online(http, second, chat_id, ann) == {
                "ann": True,
                "bob": False,
                "cat": False,
            }

            started = time.monotonic()
            async with http.get(f"{second}/me/events", headers=bob) as bob_feed:
                assert bob_feed.status == 200
                frame = await asyncio.wait_for(heard.get(), 5)
                assert frame == {"user_id": "bob", "online": True}
                assert time.monotonic() - started < 2
                assert (await _online(http, first, chat_id, ann))["bob"] is True

                # The bus restarted: nobody flaps offline.
                await _restart_bus(request, bus, database_url, test_queries)
                with pytest.raises(TimeoutError):
                    await asyncio.wait_for(heard.get(), 3)
                assert (await _online(http, first, chat_id, ann))["bob"] is True
            started = time.monotonic()
            frame = await asyncio.wait_for(heard.get(), 5)
            assert frame == {"user_id": "bob", "online": False}
            assert time.monotonic() - started < 2

            # The process holding bob's feed dies without a goodbye.
            async with http.get(f"{third}/me/events", headers=bob) as doomed_feed:
                assert doomed_feed.status == 200
                assert await asyncio.wait_for(heard.get(), 5) == {
                    "user_id": "bob",
                    "online": True,
                }
                started = time.monotonic()
                doomed.kill()
                doomed.wait()
                frame = await asyncio.wait_for(heard.get(), 30)
                assert frame == {"user_id": "bob", "online": False}
                assert time.monotonic() - started <= 30
            assert (await _online(http, first, chat_id, ann))["bob"] is False
            collector.cancel()
