"""Webhook deliveries from `chat-api serve` processes sharing one database: two processes
deliver every event once (no duplicates without a failure), in each chat's order; a process
SIGKILLed in the middle of an attempt leaves nothing stuck (another process retries it once
its claim runs out); and the operators' commands."""

import asyncio
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.live import BIN, free_port, start_service, stop, two_services
from tests.support.receiver import Receiver

pytestmark = pytest.mark.component

# A receiver on this machine, short attempts (a claim then lasts 2 + 5 s).
ENV = {
    "WEBHOOK_ALLOW_HTTP": "true",
    "WEBHOOK_ALLOW_PRIVATE": "true",
    "WEBHOOK_TIMEOUT": "2",
    "WEBHOOK_RETRY_SCALE": "0.001",
    "ACCESS_LOG": "false",
}


async def _post(http: aiohttp.ClientSession, url: str, body: Any) -> dict[str, Any]:
    async with http.post(url, json=body) as response:
        assert response.status == 201, await response.text()
        return dict(await response.json())


async def _hook(http: aiohttp.ClientSession, base: str, receiver: Receiver) -> dict[str, Any]:
    webhook = await _post(http, f"{base}/webhooks", {"url": receiver.url, "events": ["*"]})
    receiver.secrets.append(webhook["secret"])
    return webhook


def _in_chat_order(receiver: Receiver, chats: list[int]) -> None:
    for chat in chats:
        ids = [d.data["id"] for d in receiver.received("message") if d.data["chat_id"] == chat]
        assert ids == sorted(ids), chat


async def test_two_processes_deliver_each_event_once_in_order(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    with two_services(database_url, tmp_path, **ENV) as bases:
        async with aiohttp.ClientSession() as http:
            await _hook(http, bases[0], receiver)
            chats = [
                (await _post(http, f"{bases[0]}/chats", {"title": "t"}))["id"] for _ in range(4)
            ]

            async def poster(n: int) -> None:
                for i in range(25):
                    chat = chats[(n + i) % len(chats)]
                    await _post(http, f"{bases[i % 2]}/chats/{chat}/messages", {"text": f"{n}.{i}"})

            await asyncio.gather(*(poster(n) for n in range(8)))
            await receiver.wait_for(lambda: len(receiver.received()) == 200, timeout=60)
            await asyncio.sleep(0.5)
    got = receiver.received()
    assert len(got) == len(receiver.deliveries) == 200  # no failure, so no duplicate
    assert len({d.event_id for d in got}) == 200
    assert all(d.verified_with for d in got)
    _in_chat_order(receiver, chats)


async def test_a_process_killed_mid_attempt_leaves_nothing_stuck(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    first_port, second_port = free_port(), free_port()
    killed = start_service(database_url, first_port, tmp_path, **ENV)
    base = f"http://127.0.0.1:{first_port}"
    try:
        async with aiohttp.ClientSession() as http:
            await _hook(http, base, receiver)
            chat = (await _post(http, f"{base}/chats", {"title": "t"}))["id"]
            receiver.answers = ["hang"]
            posted = [
                await _post(http, f"{base}/chats/{chat}/messages", {"text": str(n)})
                for n in range(5)
            ]
            await receiver.wait_for(lambda: bool(receiver.deliveries))
            killed.send_signal(signal.SIGKILL)
            killed.wait()
            survivor = start_service(database_url, second_port, tmp_path, **ENV)
            try:
                await receiver.wait_for(lambda: len(receiver.received()) == 5, timeout=30)
            finally:
                stop(survivor)
    finally:
        stop(killed)
    hung = receiver.deliveries[0]
    assert hung.answer == "hang"
    assert [d.data["id"] for d in receiver.received()] == [m["id"] for m in posted]
    assert receiver.received()[0].event_id == hung.event_id  # the same event, tried again


def _webhooks_command(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BIN / "chat-api", "webhooks", *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_operators_list_disable_and_retry(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    env = {**ENV, "WEBHOOK_RETRY_SCALE": "0.0001", "WEBHOOK_TIMEOUT": "0.5"}
    port = free_port()
    process = start_service(database_url, port, tmp_path, **env)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            webhook = await _hook(http, base, receiver)
            receiver.answer_for = lambda delivery: 500
            chat = (await _post(http, f"{base}/chats", {"title": "t"}))["id"]
            await _post(http, f"{base}/chats/{chat}/messages", {"text": "x"})
            # 8 attempts over about 10 s (the schedule at 1/10,000), then failed for good.
            await receiver.wait_for(lambda: len(receiver.deliveries) == 8, timeout=30)
            listed = _webhooks_command(database_url, "list")
            assert listed.returncode == 0, listed.stderr
            row = listed.stdout.splitlines()[1].split()
            assert row[:2] == [str(webhook["id"]), "enabled"]
            disabled = _webhooks_command(database_url, "disable", str(webhook["id"]))
            assert disabled.returncode == 0, disabled.stderr
            async with http.get(f"{base}/webhooks/{webhook['id']}") as got:
                body = await got.json()
            assert (body["enabled"], body["disabled_reason"]) == (False, "disabled by an operator")
            receiver.answer_for = lambda delivery: None
            retried = _webhooks_command(database_url, "retry", str(webhook["id"]))
            assert retried.returncode == 0, retried.stderr
            assert "1 failed deliveries due again" in retried.stdout
            await receiver.wait_for(lambda: len(receiver.received()) == 1)
            missing = _webhooks_command(database_url, "retry", "424242")
            assert missing.returncode == 1
            assert "not found" in missing.stderr
            assert _webhooks_command(database_url, "disable", "x").returncode == 2
    finally:
        stop(process)


async def test_a_deliver_process_delivers_for_serve_processes_that_do_not(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    port = free_port()
    process = start_service(database_url, port, tmp_path, WEBHOOK_DELIVER="false", **ENV)
    base = f"http://127.0.0.1:{port}"
    deliverer = None
    try:
        async with aiohttp.ClientSession() as http:
            await _hook(http, base, receiver)
            chat = (await _post(http, f"{base}/chats", {"title": "t"}))["id"]
            posted = await _post(http, f"{base}/chats/{chat}/messages", {"text": "x"})
            await asyncio.sleep(1)
            assert receiver.deliveries == []  # nobody delivers yet
            deliverer = subprocess.Popen(
                [BIN / "chat-api", "webhooks", "deliver"],
                env={**os.environ, "DATABASE_URL": database_url, **ENV},
                stderr=subprocess.PIPE,
                text=True,
            )
            await receiver.wait_for(lambda: len(receiver.received()) == 1)
            assert receiver.received()[0].data["id"] == posted["id"]
            deliverer.send_signal(signal.SIGTERM)
            _, log = deliverer.communicate(timeout=30)
            assert deliverer.returncode == 0, log
            assert "delivering webhooks" in log
    finally:
        if deliverer is not None and deliverer.poll() is None:
            deliverer.kill()
        stop(process)
