"""The real server process: graceful SIGTERM with a request in flight, and N workers."""

import asyncio
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from tests.support.live import free_port, start_service, stop
from tests.support.sql import Statements

Launch = Callable[..., subprocess.Popen[bytes]]


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.fixture
def launch(database_url: str, tmp_path: Path) -> Iterator[Launch]:
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, port: int) -> subprocess.Popen[bytes]:
        process = start_service(database_url, port, tmp_path, *args, SHUTDOWN_TIMEOUT="10")
        started.append(process)
        return process

    yield start
    for process in started:
        stop(process)


async def test_sigterm_lets_the_in_flight_request_finish(
    launch: Launch, db: asyncpg.Connection, test_queries: Statements
) -> None:
    port = free_port()
    server = launch(port=port)
    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
        chat = await (await http.post("/chats", json={"title": "busy"})).json()

        # Hold the chat's row lock so the next post waits inside the database.
        transaction = db.transaction()
        await transaction.start()
        await test_queries.lock_chat(db, chat["id"])
        in_flight = asyncio.create_task(
            http.post(f"/chats/{chat['id']}/messages", json={"text": "sent before SIGTERM"})
        )
        await asyncio.sleep(0.5)
        assert not in_flight.done()

        server.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.5)
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.1", port)  # no new connections
        await transaction.rollback()

        response = await asyncio.wait_for(in_flight, timeout=10)
        assert response.status == 201
        assert (await response.json())["text"] == "sent before SIGTERM"
    assert await asyncio.to_thread(server.wait, 15) == 0
    assert await test_queries.count_messages(db, chat["id"]) == 1


async def test_workers_share_one_port_and_stop_cleanly(launch: Launch) -> None:
    port = free_port()
    server = launch("--workers", "2", port=port)
    deadline = time.monotonic() + 15
    while len(children_of(server.pid)) < 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    assert len(children_of(server.pid)) == 2

    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /health/db HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
    response = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    assert response.startswith(b"HTTP/1.1 200")

    server.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(server.wait, 30) == 0


async def test_sigterm_under_load_loses_no_acknowledged_message(
    launch: Launch, db: asyncpg.Connection, test_queries: Statements
) -> None:
    port = free_port()
    server = launch(port=port)
    acknowledged: list[int] = []
    refused = 0
    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
        chat = await (await http.post("/chats", json={"title": "under load"})).json()

        async def post_until_refused(worker: int) -> None:
            nonlocal refused
            for n in range(2000):
                try:
                    response = await http.post(
                        f"/chats/{chat['id']}/messages", json={"text": f"{worker}-{n}"}
                    )
                except aiohttp.ClientError:
                    refused += 1
                    return
                if response.status == 201:
                    acknowledged.append((await response.json())["id"])
                else:
                    assert response.status < 500, response.status
                    await response.release()

        posters = [asyncio.create_task(post_until_refused(worker)) for worker in range(16)]
        await asyncio.sleep(0.5)
        server.send_signal(signal.SIGTERM)
        await asyncio.wait_for(asyncio.gather(*posters), timeout=30)
    assert await asyncio.to_thread(server.wait, 30) == 0
    assert acknowledged, "posts were answered before the shutdown"
    assert refused == 16, "every client eventually found the server gone"
    stored = await test_queries.count_messages(db, chat["id"])
    assert stored >= len(acknowledged), "every acknowledged message is stored"
    [row] = [r for r in await test_queries.list_chat_counts(db) if r["id"] == chat["id"]]
    assert row["message_count"] == stored, "no half-written data"
