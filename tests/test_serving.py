"""The real server process: graceful SIGTERM with a request in flight, and N workers."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from service.queries import Queries

BIN = Path(sys.executable).parent
Launch = Callable[..., subprocess.Popen[bytes]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


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
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "SHUTDOWN_TIMEOUT": "10",
        }
        process = subprocess.Popen(
            [BIN / "chat-api", "serve", *args],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append(process)
        wait_until_serving(port, process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stderr:
            process.stderr.close()


async def test_sigterm_lets_the_in_flight_request_finish(
    launch: Launch, db: asyncpg.Connection, test_queries: Queries
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
