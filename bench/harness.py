"""What every measurement shares: a free port, a server started and stopped, wrk driving one
path, the median of runs, and the CPU a process tree spent."""

import json
import math
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WRK_SCRIPT = ROOT / "bench" / "wrk.lua"
WRK_THREADS = 2


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    path: str
    query: str  # the sql/ statement behind it, for the database ceiling
    ids: tuple[int, int] = (1, 1)
    body: str = ""
    sequential: bool = False
    # pgbench parameters by position: (low, high) is random in that range, a str is fixed.
    pg_params: tuple[tuple[int, int] | str | None, ...] = ()
    authorization: str = ""  # a bearer token, for a service with authentication on


@dataclass
class Measurement:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    # CPU seconds the server's processes spent per request, in microseconds (None: not taken).
    cpu_us: float | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int) -> Iterator[psutil.Process]:
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"bench: {command[0]} did not start") from None
                time.sleep(0.1)
        yield psutil.Process(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)


def server_env(database_url: str, port: int) -> dict[str, str]:
    """What every server under test is started with: production settings, no access log."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "ACCESS_LOG": "false",
        "LOG_LEVEL": "WARNING",
    }


def cpu_seconds(process: psutil.Process) -> float:
    """User and system CPU of a server and its workers so far."""
    total = 0.0
    for each in [process, *process.children(recursive=True)]:
        try:
            times = each.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


@dataclass(frozen=True)
class Load:
    """How wrk drives a path: the same for every contestant."""

    connections: int
    duration: int  # seconds
    run: int = 0  # which of `runs` runs this is: sequential ids are split between them
    runs: int = 1


def run_wrk(
    wrk: str, base: str, target: Target, load: Load, server: psutil.Process | None = None
) -> Measurement:
    """One wrk run; with `server`, also the CPU its processes spent per request."""
    low, high = target.ids
    if target.sequential:
        # Each run consumes fresh ids (a deleted chat cannot be deleted twice).
        share = (high - low + 1) // load.runs
        low, high = low + load.run * share, low + (load.run + 1) * share - 1
    env = {
        **os.environ,
        "BENCH_METHOD": target.method,
        "BENCH_PATH": target.path,
        "BENCH_BODY": target.body.replace("{{", "{").replace("}}", "}"),
        "BENCH_ID_MIN": str(low),
        "BENCH_ID_MAX": str(high),
        "BENCH_SEQUENTIAL": "1" if target.sequential else "0",
        "BENCH_THREADS": str(WRK_THREADS),
        "BENCH_TOKEN": target.authorization,
    }
    cpu_before = cpu_seconds(server) if server else 0.0
    output = subprocess.run(
        [wrk, f"-t{WRK_THREADS}", f"-c{load.connections}", f"-d{load.duration}s",
         "--latency", "-s", WRK_SCRIPT, base],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    cpu = cpu_seconds(server) - cpu_before if server else None
    totals = json.loads(output.strip().splitlines()[-1])
    return Measurement(
        rps=totals["requests"] / (totals["duration_us"] / 1e6),
        p50_ms=totals["p50_us"] / 1000,
        p99_ms=totals["p99_us"] / 1000,
        errors=totals["errors"],
        cpu_us=cpu * 1e6 / totals["requests"] if cpu is not None and totals["requests"] else None,
    )


def median(measurements: list[Measurement]) -> Measurement:
    return Measurement(
        rps=statistics.median(m.rps for m in measurements),
        p50_ms=statistics.median(m.p50_ms for m in measurements),
        p99_ms=statistics.median(m.p99_ms for m in measurements),
        errors=sum(m.errors for m in measurements),
        cpu_us=statistics.median(m.cpu_us for m in measurements if m.cpu_us is not None)
        if any(m.cpu_us is not None for m in measurements)
        else None,
    )


def p99(values: list[float]) -> float:
    """The 99th percentile (the value itself for one, infinity for none)."""
    if len(values) < 2:
        return values[0] if values else math.inf
    return statistics.quantiles(values, n=100, method="inclusive")[98]


@contextmanager
def ready_module(module: str, *args: str, failure: str) -> Iterator[subprocess.Popen[str]]:
    """`python -m module args` in a process of its own, once it prints "ready"; stopped after
    (unless the caller stopped it to read what it says then). `failure` is what the bench says
    when it does not get ready."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise SystemExit(f"bench: {failure}")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
