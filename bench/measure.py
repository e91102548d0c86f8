"""One full measurement: every path against its database ceiling, paging, the big operations,
people at scale (authentication on), the HTTP ceiling, then the contest."""

import asyncio
import os
import statistics
import sys
import threading
import time
from dataclasses import asdict
from typing import Any

import aiohttp
import psutil

from bench.big import measure_big
from bench.config import Config, PathResult, paths
from bench.contest import BARE, SERVICE, command, contest
from bench.dataset import fresh_database, seed, settle
from bench.decorated import measure_decorated
from bench.harness import Load, Target, free_port, median, run_wrk, server_env, serving
from bench.live import measure_live
from bench.people import measure_people
from bench.tools import require, run_pgbench
from bench.webhooks import measure_webhooks
from service.db.migrations import apply_migrations


class RssSampler:
    """Largest resident set of any one process in a tree (the service's workers)."""

    def __init__(self, root: psutil.Process) -> None:
        self._root = root
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            with_children = [self._root, *self._root.children(recursive=True)]
            for process in with_children:
                try:
                    self.peak_mb = max(self.peak_mb, process.memory_info().rss / 2**20)
                except psutil.Error:
                    continue

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def page_through(base: str, chat_id: int) -> dict[str, float]:
    """Walks every message of the big chat with keyset pages of 100, one request at a time."""
    page_ms: list[float] = []
    async with aiohttp.ClientSession(base) as http:
        before = ""
        while True:
            started = time.perf_counter()
            async with http.get(f"/chats/{chat_id}/messages?limit=100{before}") as response:
                page = await response.json()
            page_ms.append((time.perf_counter() - started) * 1000)
            if not page:
                break
            before = f"&before_id={page[-1]['id']}"
    tenth = max(1, len(page_ms) // 10)
    return {
        "pages": len(page_ms),
        "total_s": sum(page_ms) / 1000,
        "first_tenth_ms": statistics.mean(page_ms[:tenth]),
        "last_tenth_ms": statistics.mean(page_ms[-tenth:]),
    }


def measure(config: Config, workers: list[int]) -> dict[str, Any]:
    wrk, pgbench = require("wrk"), require("pgbench")
    with fresh_database() as database_url:
        apply_migrations(database_url)
        data = seed(database_url, config)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        service_command = command(SERVICE, config.workers, port)
        results: list[PathResult] = []
        settle(database_url)
        with (
            serving(service_command, server_env(database_url, port), port) as service,
            RssSampler(service) as rss,
        ):
            for target in paths(data):
                # Each path and its database ceiling back to back, on the same data, each
                # after a vacuum: no autovacuum from the previous path's writes mid-run.
                runs = [
                    run_wrk(
                        wrk,
                        base,
                        target,
                        Load(config.connections, config.duration, run, config.runs),
                    )
                    for run in range(config.runs)
                ]
                settle(database_url)
                tps = [
                    run_pgbench(pgbench, database_url, target, config) for _ in range(config.runs)
                ]
                settle(database_url)
                result = PathResult(
                    target.name,
                    target.method,
                    target.path,
                    median(runs),
                    statistics.median(tps),
                    runs,
                )
                results.append(result)
                print(
                    f"bench: {target.name}: {result.service}, db {result.db_tps:,.0f} tps",
                    flush=True,
                )
            paging = asyncio.run(page_through(base, data.big_chat))
            big = asyncio.run(
                measure_big(
                    base,
                    big_chat=data.big_chat,
                    big_last=data.big_messages[1],
                    huge_chat=data.huge_chat,
                    huge_messages=config.huge_chat_messages,
                    chats=1 + config.chats + config.delete_pool,
                )
            )
            print(f"bench: big operations: {big}", flush=True)
            decorated = measure_decorated(base, database_url)
            print(f"bench: decorated messages: {decorated}", flush=True)

        settle(database_url)
        people = measure_people(database_url, config, data, wrk, (free_port(), free_port()))
        print(f"bench: people: {people}", flush=True)
        live = measure_live(database_url, config, data, wrk)
        print(f"bench: live: {live}", flush=True)
        settle(database_url)
        webhooks = measure_webhooks(database_url, config, data, wrk)
        print(f"bench: webhooks: {webhooks}", flush=True)
        bare_port = free_port()
        bare = command(BARE, config.workers, bare_port)
        with serving(bare, server_env(database_url, bare_port), bare_port):
            ping = Target("bare aiohttp", "GET", "/", "")
            load = Load(config.connections, config.duration)
            http_ceiling = median(
                [
                    run_wrk(wrk, f"http://127.0.0.1:{bare_port}", ping, load)
                    for _ in range(config.runs)
                ]
            )
        settle(database_url)
        entries = contest(
            wrk,
            database_url,
            paths(data),
            workers=workers,
            connections=list(config.contest_connections),
            runs=config.runs,
            duration=config.duration,
            warmup=config.warmup,
            between_rounds=lambda: settle(database_url),
        )
    return {
        "config": asdict(config),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "paths": results,
        "http_ceiling": http_ceiling,
        "contest": entries,
        "paging": paging,
        "big": big,
        "decorated": decorated,
        "people": people,
        "live": live,
        "webhooks": webhooks,
        "peak_worker_rss_mb": rss.peak_mb,
    }
