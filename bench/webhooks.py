"""Webhooks under load: posting with 3 webhooks on every event against none (the same run,
interleaved; a receiver on this machine answers each delivery 204; the API's process
delivers, the default), and a post's 201 to its delivery at that receiver, at a steady
rate."""

import asyncio
import contextlib
import json
import math
import statistics
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp

from bench.config import Config, Dataset
from bench.contest import SERVICE, command
from bench.harness import (
    Load,
    Measurement,
    Target,
    free_port,
    median,
    p99,
    ready_module,
    run_wrk,
    server_env,
    serving,
)
from bench.receiver import Receiver

HOOKS = 3
WARM_UP_SECONDS = 2
RELAXED = {"WEBHOOK_ALLOW_HTTP": "true", "WEBHOOK_ALLOW_PRIVATE": "true"}


@dataclass
class WebhookFigures:
    posts_hooked: Measurement  # 3 webhooks on every event
    posts_alone: Measurement  # none
    rate: int  # posts a second while a post's way to its delivery is timed
    p50_ms: float
    p99_ms: float
    refused: int  # posts not answered 201
    undelivered: int  # posts answered 201 whose delivery never came


def _call(base: str, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{base}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        raw = answer.read()
    return json.loads(raw) if raw else None


@contextlib.contextmanager
def _receiver_process(port: int) -> Iterator[str]:
    """bench/receiver.py on `port`, in a process of its own: its URL."""
    with ready_module("bench.receiver", str(port), failure="the webhook receiver did not start"):
        yield f"http://127.0.0.1:{port}/hook"


@contextlib.contextmanager
def _hooks(base: str, url: str, count: int, events: list[str]) -> Iterator[None]:
    """`count` webhooks for the run, deleted after it (with whatever is still queued)."""
    ids = [_call(base, "POST", "/webhooks", {"url": url, "events": events})["id"]
           for _ in range(count)]  # fmt: skip
    try:
        yield
    finally:
        for webhook_id in ids:
            _call(base, "DELETE", f"/webhooks/{webhook_id}")


def _posting(base: str, config: Config, data: Dataset, wrk: str) -> dict[bool, Measurement]:
    post = Target("post", "POST", "/chats/{id}/messages", "", ids=data.chats,
                  body='{{"text": "hooked {n}"}}')  # fmt: skip
    load = Load(config.connections, config.duration)
    measured: dict[bool, list[Measurement]] = {True: [], False: []}
    with _receiver_process(free_port()) as url:
        run_wrk(wrk, base, post, Load(config.connections, config.warmup))
        for run in range(config.runs):
            for hooked in (True, False) if run % 2 == 0 else (False, True):
                if hooked:
                    with _hooks(base, url, HOOKS, ["*"]):
                        measured[True].append(run_wrk(wrk, base, post, load))
                else:
                    measured[False].append(run_wrk(wrk, base, post, load))
    return {hooked: median(each) for hooked, each in measured.items()}


async def _time_deliveries(
    base: str, chats: tuple[int, int], *, rate: int, seconds: int
) -> tuple[list[float], int, int]:
    """Posts at `rate` a second for `seconds` across the chats; milliseconds from each 201 to
    its delivery, how many posts were refused, how many deliveries never came."""
    receiver, port = Receiver(), free_port()
    runner = await receiver.start(port)
    created = _call(base, "POST", "/webhooks",
                    {"url": f"http://127.0.0.1:{port}/hook", "events": ["message"]})  # fmt: skip
    posted: dict[int, float] = {}
    refused = 0
    first, last = chats
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

            async def post(chat: int) -> None:
                nonlocal refused
                try:
                    async with http.post(
                        f"{base}/chats/{chat}/messages", json={"text": "timed"}
                    ) as answer:
                        body = await answer.json()
                except aiohttp.ClientError:
                    refused += 1
                    return
                if answer.status == 201:
                    posted[body["id"]] = time.perf_counter()
                else:
                    refused += 1

            for measured in (False, True):
                started, posts = time.perf_counter(), []
                for number in range(rate * (seconds if measured else WARM_UP_SECONDS)):
                    await asyncio.sleep(max(0.0, started + number / rate - time.perf_counter()))
                    chat = first + number % (last - first + 1)
                    posts.append(asyncio.create_task(post(chat)))
                await asyncio.gather(*posts)
                if not measured:
                    posted.clear()
                    refused = 0
            deadline = time.perf_counter() + 30
            while set(posted) - set(receiver.arrived) and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
    finally:
        _call(base, "DELETE", f"/webhooks/{created['id']}")
        await runner.cleanup()
    timed = [max(0.0, receiver.arrived[m] - sent) * 1000
             for m, sent in posted.items() if m in receiver.arrived]  # fmt: skip
    return timed, refused, len(set(posted) - set(receiver.arrived))


def measure_webhooks(database_url: str, config: Config, data: Dataset, wrk: str) -> WebhookFigures:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**server_env(database_url, port), **RELAXED}
    rate = config.live_rates[0]
    with serving(command(SERVICE, config.workers, port), env, port):
        # The steady rate first: the throughput runs leave backlogs behind to be vacuumed.
        timed, refused, undelivered = asyncio.run(
            _time_deliveries(base, data.chats, rate=rate, seconds=config.duration)
        )
        posts = _posting(base, config, data, wrk)
    print(f"bench: webhooks: posting {posts}", flush=True)
    return WebhookFigures(
        posts_hooked=posts[True],
        posts_alone=posts[False],
        rate=rate,
        p50_ms=statistics.median(timed) if timed else math.inf,
        p99_ms=p99(timed),
        refused=refused,
        undelivered=undelivered,
    )


def webhook_targets(hooks: WebhookFigures) -> list[tuple[str, str, bool]]:
    ratio = hooks.posts_hooked.rps / hooks.posts_alone.rps
    return [
        (f"posting with {HOOKS} webhooks on every event ≥ 0.9× with none",
         f"{ratio:.2f}× ({hooks.posts_hooked.rps:,.0f} / {hooks.posts_alone.rps:,.0f} req/s)",
         ratio >= 0.9),
        (f"a post's 201 to its delivery at a receiver on this machine, p99 ≤ 200 ms at "
         f"{hooks.rate} posts/s",
         f"{hooks.p99_ms:.1f} ms (p50 {hooks.p50_ms:.1f}; {hooks.refused} refused, "
         f"{hooks.undelivered} undelivered)",
         hooks.p99_ms <= 200 and hooks.refused == 0 and hooks.undelivered == 0),
    ]  # fmt: skip
