"""The production nginx.conf in front of the real service (only the upstream address and the
listen port swapped): REST, Server-Sent Events and WebSocket through it, request ids kept."""

import asyncio
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from subprocess import Popen

import aiohttp
import pytest

from tests.support.external import program, shared_dir
from tests.support.feeds import read_events
from tests.support.live import free_port
from tests.support.paths import ROOT


@pytest.fixture
def nginx_proxy(live_server: tuple[str, Popen[bytes]]) -> Iterator[tuple[str, Path]]:
    """nginx with the production config in front of the service: its URL and its log (access
    lines go to standard output)."""
    base, _ = live_server
    upstream = base.removeprefix("http://")
    port = free_port()
    folder = shared_dir("chat-api-nginx-")
    config = (ROOT / "nginx.conf").read_text()
    config, swapped = re.subn(r"server api:8000;", f"server {upstream};", config)
    config, listens = re.subn(r"listen 80;", f"listen 127.0.0.1:{port};", config)
    assert (swapped, listens) == (1, 1), "nginx.conf no longer has the lines this test swaps"
    (folder / "nginx.conf").write_text(config)
    log = folder / "nginx.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                program("nginx", "/usr/sbin"),
                "-p",
                str(folder),
                "-c",
                str(folder / "nginx.conf"),
                "-g",
                f"daemon off; pid {folder / 'nginx.pid'};",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 10
    while True:
        assert process.poll() is None, log.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", log
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def nginx(nginx_proxy: tuple[str, Path]) -> str:
    return nginx_proxy[0]


async def test_rest_sse_and_websocket_pass_through_nginx(nginx: str) -> None:
    async with aiohttp.ClientSession(nginx) as session:
        async with session.post("/chats", json={"title": "через nginx"}) as created:
            assert created.status == 201
            chat = await created.json()
        async with session.get(created.headers["Location"]) as opened:
            assert opened.status == 200

        async with (
            session.get(f"/chats/{chat['id']}/events") as stream,
            session.ws_connect(f"/chats/{chat['id']}/ws") as websocket,
        ):
            assert stream.status == 200
            assert stream.content_type == "text/event-stream"
            await asyncio.sleep(0.3)
            async with session.post(f"/chats/{chat['id']}/messages", json={"text": "live"}) as sent:
                message = await sent.json()
            # Unbuffered: the event arrives at once, not when a buffer fills or the stream ends.
            events = await read_events(stream, 1, timeout=3)
            frame = await websocket.receive_json(timeout=3)
        assert events == [("message", str(message["id"]), message)]
        assert frame == {"event": "message", "id": message["id"], "data": message}


async def test_nginx_keeps_or_gives_request_ids(nginx: str) -> None:
    async with aiohttp.ClientSession(nginx) as session:
        async with session.get("/health", headers={"X-Request-ID": "client-chosen-42"}) as given:
            assert given.headers["X-Request-ID"] == "client-chosen-42"
        async with session.get("/health") as generated:
            assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["X-Request-ID"])
        async with session.get("/metrics") as metrics:
            assert metrics.status == 404, "metrics stay inside the network"


async def test_an_access_token_never_reaches_the_nginx_log(
    nginx_proxy: tuple[str, Path],
) -> None:
    url, log_file = nginx_proxy
    secret = "chat_0123456789ab_" + "s" * 43
    async with aiohttp.ClientSession(url) as session:
        for query in (f"access_token={secret}", f"x=1&ACCESS%5Ftoken={secret}&y=2"):
            async with session.get(f"/chats/1/events?{query}") as answer:
                assert answer.status == 404  # no such chat: the request went through
    await asyncio.sleep(0.2)
    log = log_file.read_text()
    assert secret not in log
    assert '"query":"[redacted]"' in log


async def test_nginx_limits_each_address_before_the_api(nginx: str) -> None:
    async with aiohttp.ClientSession(nginx) as session:

        async def status() -> int:
            async with session.get("/health") as answer:
                return answer.status

        statuses = await asyncio.gather(*(status() for _ in range(400)))
    assert 429 in statuses
    assert statuses.count(200) >= 100  # the burst allowance
