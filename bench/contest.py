"""The service beside its bare stack and its peer, measured the same way: each served with the
same worker count, each started fresh, warmed up and driven by the same wrk (threads,
connections, duration) on the same paths and data, interleaved (every round runs each
contestant once, the order rotating), each figure the median of the rounds, with the CPU the
contestant's processes spent per request."""

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.harness import (
    BIN,
    Load,
    Measurement,
    Target,
    free_port,
    median,
    run_wrk,
    server_env,
    serving,
)

SERVICE, BARE, PEER = "service", "bare stack", "peer"
CONTESTANTS = (SERVICE, BARE, PEER)
# The paths with ratio targets: bench/bare_app.py and bench/peer_app.py serve them too.
STACK_PATHS = ("open chat (latest 20)", "post message")


@dataclass
class Entry:
    """One contestant on one path at one worker count and connection count."""

    contestant: str
    path: str
    workers: int
    connections: int
    result: Measurement
    runs: list[Measurement] = field(default_factory=list)


def command(contestant: str, workers: int, port: int) -> list[str]:
    """How each contestant is served: the service and its bare stack by the service's own
    runner (uvloop; gunicorn with aiohttp's uvloop worker from 2 workers on), the peer as its
    users serve it."""
    if contestant == SERVICE:
        return [str(BIN / "chat-api"), "serve", "--workers", str(workers)]
    if contestant == BARE:
        return [sys.executable, "-m", "bench.bare_app", "--workers", str(workers)]
    return [
        str(BIN / "uvicorn"), "bench.peer_app:app", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--loop", "uvloop", "--http", "httptools",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip


def contest(
    wrk: str,
    database_url: str,
    targets: list[Target],
    *,
    workers: list[int],
    connections: list[int],
    runs: int,
    duration: int,
    warmup: int,
    between_rounds: Callable[[], None],
) -> list[Entry]:
    paths = [target for target in targets if target.name in STACK_PATHS]
    runs_of: dict[tuple[str, str, int, int], list[Measurement]] = {}
    for count in workers:
        for round_number in range(runs):
            shift = round_number % len(CONTESTANTS)
            for contestant in CONTESTANTS[shift:] + CONTESTANTS[:shift]:
                port = free_port()
                base = f"http://127.0.0.1:{port}"
                env = server_env(database_url, port)
                with serving(command(contestant, count, port), env, port) as server:
                    for clients in connections:
                        for target in paths:
                            run_wrk(wrk, base, target, Load(clients, warmup))
                            measured = run_wrk(wrk, base, target, Load(clients, duration), server)
                            runs_of.setdefault((contestant, target.name, count, clients), [])
                            runs_of[contestant, target.name, count, clients].append(measured)
                            print(
                                f"bench: {contestant}, {count} worker(s), {clients} connections, "
                                f"{target.name}: {measured}",
                                flush=True,
                            )
            between_rounds()
    return [
        Entry(contestant, path, count, clients, median(measured), measured)
        for (contestant, path, count, clients), measured in runs_of.items()
    ]


def lookup(entries: list[Entry], contestant: str, path: str, workers: int, clients: int) -> Entry:
    return next(
        entry
        for entry in entries
        if (entry.contestant, entry.path, entry.workers, entry.connections)
        == (contestant, path, workers, clients)
    )
