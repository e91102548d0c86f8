"""The benchmark: seeds a dataset through the bulk path, serves it as in production, drives
each path with wrk from a separate process on 127.0.0.1, and measures the ceilings in the
same run: pgbench -M prepared on the project's own sql/ statements (the database ceiling)
and a bare aiohttp handler (the HTTP ceiling). Then the contest (bench/contest.py): the
service beside its bare stack and its FastAPI peer, at each worker count. Absolute numbers on
a shared machine drift; the ratios hold.

    python -m bench                    # full run, writes bench/results/ and the README tables
    python -m bench --workers "1 2 4"  # the contest at these worker counts
    python -m bench --smoke            # seconds, tiny dataset: proves the harness works
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import psutil

from bench.big import big_targets, measure_big
from bench.contest import BARE, SERVICE, command, contest
from bench.harness import (
    BIN,
    ROOT,
    WRK_THREADS,
    Load,
    Measurement,
    Target,
    free_port,
    median,
    run_wrk,
    server_env,
    serving,
)
from bench.scaling import contest_table, contest_targets, scaling_chart, scaling_table
from service.migrations import apply_migrations
from service.models import MAX_BIGINT
from service.queries import load_queries
from service.resources import sql_dir
from tests import postgres

RESULTS = ROOT / "bench" / "results"
README = ROOT / "README.md"
BENCH_QUERIES = load_queries(ROOT / "bench" / "sql")


@dataclass(frozen=True)
class Config:
    duration: int  # seconds per wrk or pgbench run
    runs: int  # the reported figure is the median of these
    connections: int
    chats: int
    messages_per_chat: int
    big_chat_messages: int
    delete_pool: int
    huge_chat_messages: int  # the chat the bench deletes last
    workers: int  # the per-path table's (the contest takes --workers)
    pgbench_clients: int
    contest_connections: tuple[int, ...]
    warmup: int  # seconds of wrk before each measured contest run


FULL = Config(
    duration=10,
    runs=3,
    connections=64,
    chats=1000,
    messages_per_chat=100,
    big_chat_messages=1_000_000,
    delete_pool=400_000,
    huge_chat_messages=5_000_000,
    # The service's default. Here PostgreSQL and wrk share the same two cores: a second worker
    # added no throughput and doubled p99 (tail requests wait for a core).
    workers=1,
    pgbench_clients=8,
    contest_connections=(64, 256),
    warmup=3,
)
SMOKE = Config(
    duration=1,
    runs=1,
    connections=8,
    chats=20,
    messages_per_chat=10,
    big_chat_messages=2_000,
    delete_pool=20_000,
    huge_chat_messages=20_000,
    workers=1,
    pgbench_clients=2,
    contest_connections=(8,),
    warmup=1,
)


@dataclass(frozen=True)
class Dataset:
    """Ids in a fresh database seeded in this order: the big chat, the ordinary chats, then
    empty chats for the delete path."""

    big_chat: int
    huge_chat: int
    chats: tuple[int, int]
    delete_pool: tuple[int, int]
    big_messages: tuple[int, int]
    messages: tuple[int, int]


@dataclass
class PathResult:
    name: str
    method: str
    path: str
    service: Measurement
    db_tps: float | None
    runs: list[Measurement] = field(default_factory=list)

    @property
    def db_ratio(self) -> float | None:
        return self.service.rps / self.db_tps if self.db_tps else None


def paths(data: Dataset) -> list[Target]:
    big, (c_lo, c_hi) = data.big_chat, data.chats
    d_lo, d_hi = data.delete_pool
    m_lo, m_hi = data.messages
    b_lo, b_hi = data.big_messages
    d_mid = (d_lo + d_hi) // 2  # the service deletes from the bottom, pgbench from the top half
    return [
        Target("open chat (latest 20)", "GET", "/chats/{id}", "get_chat_with_messages",
              ids=(c_lo, c_hi), pg_params=((c_lo, c_hi), "20")),
        Target("open the 1M-message chat", "GET", f"/chats/{big}", "get_chat_with_messages",
              pg_params=(str(big), "20")),
        Target("page messages (keyset, 100)", "GET",
              f"/chats/{big}/messages?limit=100&before_id={{id}}", "list_messages_before",
              ids=(b_lo + 1, b_hi), pg_params=(str(big), (b_lo + 1, b_hi), "0", "100")),
        Target("get one message", "GET", "/messages/{id}", "get_message",
              ids=(m_lo, m_hi), pg_params=((m_lo, m_hi),)),
        Target("list chats (100)", "GET", "/chats?limit=100", "list_chats_forward",
               pg_params=("0", str(MAX_BIGINT), "0", "100")),
        Target("post message", "POST", "/chats/{id}/messages", "create_message",
              ids=(c_lo, c_hi), body='{{"text": "bench message {n}"}}',
              pg_params=((c_lo, c_hi), "bench message", None, None)),
        Target("create chat", "POST", "/chats", "create_chat", body='{{"title": "bench {n}"}}',
              pg_params=("bench chat",)),
        Target("delete chat", "DELETE", "/chats/{id}", "delete_chat", ids=(d_lo, d_mid),
              sequential=True, pg_params=((d_mid + 1, d_hi),)),
    ]  # fmt: skip


def require(tool: str) -> str:
    """Finds a tool on PATH (or in the private PostgreSQL's binaries), installing wrk from
    Debian's packages when running as root; says which it uses."""
    found = shutil.which(tool)
    if found is None and tool == "pgbench":
        import pgserver  # the private server's wheel ships pgbench

        candidate = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pgbench"
        found = str(candidate) if candidate.exists() else None
    if found is None and tool == "wrk" and os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: wrk not found, installing it from Debian's packages", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit(f"bench: {tool} is required (Debian: apt-get install {tool})")
    print(f"bench: using {found}", flush=True)
    return found


@contextmanager
def fresh_database() -> Iterator[str]:
    server = postgres.server_url()
    name = postgres.unique_name("chat_api_bench")
    asyncio.run(postgres.create_database(server, name))
    try:
        yield postgres.database_url(server, name)
    finally:
        asyncio.run(postgres.drop_database(server, name))


def seed(database_url: str, config: Config) -> Dataset:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    started = time.monotonic()
    for chats, messages in [
        (1, config.big_chat_messages),
        (config.chats, config.messages_per_chat),
        (config.delete_pool, 0),
        (1, config.huge_chat_messages),
    ]:
        subprocess.run(
            [BIN / "chat-api", "seed", "--chats", str(chats), "--messages", str(messages)],
            env=env,
            check=True,
        )
    print(f"bench: seeded in {time.monotonic() - started:.1f} s", flush=True)
    big, chats = config.big_chat_messages, config.chats * config.messages_per_chat
    return Dataset(
        big_chat=1,
        huge_chat=2 + config.chats + config.delete_pool,
        chats=(2, 1 + config.chats),
        delete_pool=(2 + config.chats, 1 + config.chats + config.delete_pool),
        big_messages=(1, big),
        messages=(big + 1, big + chats),
    )


def settle(database_url: str) -> None:
    async def vacuum() -> None:
        connection = await asyncpg.connect(database_url)
        try:
            await BENCH_QUERIES.vacuum_analyze(connection)
            await BENCH_QUERIES.checkpoint(connection)
        finally:
            await connection.close()

    asyncio.run(vacuum())


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


def pgbench_script(target: Target, folder: Path) -> tuple[Path, list[str]]:
    """The statement from sql/ with $n turned into pgbench variables (None: NULL)."""
    sql = next(sql_dir().rglob(f"{target.query}.sql")).read_text()
    lines, defines = [], []
    for position, param in enumerate(target.pg_params, 1):
        if isinstance(param, str):
            defines += ["-D", f"p{position}={param}"]
        elif param is not None:
            lines.append(f"\\set p{position} random({param[0]}, {param[1]})")

    def variable(match: re.Match[str]) -> str:
        position = int(match[1])
        return "NULL" if target.pg_params[position - 1] is None else f":p{position}"

    body = re.sub(r"\$(\d+)", variable, sql)
    script = folder / f"{target.query}.pgbench"
    script.write_text("\n".join([*lines, body]) + "\n")
    return script, defines


def run_pgbench(pgbench: str, database_url: str, target: Target, config: Config) -> float:
    with tempfile.TemporaryDirectory() as folder:
        script, defines = pgbench_script(target, Path(folder))
        output = subprocess.run(
            [pgbench, "-n", "-M", "prepared", "-f", script, *defines,
             "-c", str(config.pgbench_clients), "-j", "2", "-T", str(config.duration),
             database_url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    tps = re.search(r"^tps = ([\d.]+)", output, re.MULTILINE)
    if tps is None:
        raise SystemExit(f"bench: cannot read pgbench output:\n{output}")
    return float(tps.group(1))


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
        "peak_worker_rss_mb": rss.peak_mb,
    }


def targets(report: dict[str, Any]) -> list[tuple[str, str, bool]]:
    by_name = {result.name: result for result in report["paths"]}
    open_chat, post = by_name["open chat (latest 20)"], by_name["post message"]
    big = by_name["open the 1M-message chat"]
    paging = report["paging"]
    paging_growth = paging["last_tenth_ms"] / paging["first_tenth_ms"]
    return [
        *contest_targets(report["contest"]),
        ("p99 ≤ 50 ms on open chat and post message",
         f"{open_chat.service.p99_ms:.1f} / {post.service.p99_ms:.1f} ms",
         max(open_chat.service.p99_ms, post.service.p99_ms) <= 50),
        ("1M-message chat opens within 1.3× a 100-message chat (p50)",
         f"{big.service.p50_ms / open_chat.service.p50_ms:.2f}×",
         big.service.p50_ms <= 1.3 * open_chat.service.p50_ms),
        ("paging cost linear: last tenth of pages ≤ 1.5× the first tenth",
         f"{paging_growth:.2f}× ({paging['pages']} pages, {paging['total_s']:.1f} s)",
         paging_growth <= 1.5),
        ("worker RSS < 150 MB", f"{report['peak_worker_rss_mb']:.0f} MB",
         report["peak_worker_rss_mb"] < 150),
        *big_targets(report["big"]),
    ]  # fmt: skip


def markdown(report: dict[str, Any]) -> str:
    config, http = report["config"], report["http_ceiling"]
    lines = [
        f"{config['workers']} worker(s), wrk {WRK_THREADS} threads × {config['connections']} "
        f"connections, median of {config['runs']} × {config['duration']} s; pgbench -M prepared "
        f"-c {config['pgbench_clients']} on the same statements; bare aiohttp: "
        f"{http.rps:,.0f} req/s.",
        "",
        "| path | req/s | p50 ms | p99 ms | errors | db ceiling tps | vs db | vs http |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in report["paths"]:
        service = result.service
        lines.append(
            f"| {result.name} | {service.rps:,.0f} | {service.p50_ms:.1f} | "
            f"{service.p99_ms:.1f} | {service.errors} | {result.db_tps:,.0f} | "
            f"{result.db_ratio:.0%} | {service.rps / http.rps:.0%} |"
        )
    lines += [
        "",
        f"The service beside its bare stack (bench/bare_app.py) and its peer (bench/peer_app.py, "
        f"FastAPI + asyncpg on uvicorn): wrk {WRK_THREADS} threads, {config['warmup']} s warm-up, "
        f"median of {config['runs']} interleaved × {config['duration']} s.",
        "",
        contest_table(report["contest"]),
        scaling_table(report["contest"]),
        "| target | measured | met |",
        "|---|---|---|",
    ]
    lines += [
        f"| {name} | {value} | {'yes' if ok else 'no'} |" for name, value, ok in targets(report)
    ]
    return "\n".join(lines) + "\n"


def chart(report: dict[str, Any], destination: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [result.name for result in report["paths"]]
    service = [result.service.rps for result in report["paths"]]
    ceiling = [result.db_tps for result in report["paths"]]
    positions = range(len(names))
    figure, axes = plt.subplots(figsize=(11, 5))
    axes.barh([p + 0.2 for p in positions], ceiling, height=0.4, label="database ceiling (pgbench)")
    axes.barh([p - 0.2 for p in positions], service, height=0.4, label="service (wrk)")
    axes.axvline(report["http_ceiling"].rps, color="grey", linestyle="--", label="bare aiohttp")
    axes.set_yticks(list(positions), names)
    axes.invert_yaxis()
    axes.set_xlabel("requests (transactions) per second")
    axes.set_title("chat-api: throughput per path against its ceilings")
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(destination, dpi=110)
    plt.close(figure)


def update_readme(table: str) -> None:
    text = README.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        README.write_text(f"{before}{start}\n{table}{end}{after}")


def worker_counts(text: str) -> list[int]:
    """WORKERS="1 2 4": whole numbers of at least 1, in the order given, each once."""
    words = text.split()
    if not words or not all(word.isdigit() and int(word) >= 1 for word in words):
        raise argparse.ArgumentTypeError(f"expected worker counts such as '1 2 4', got {text!r}")
    return list(dict.fromkeys(int(word) for word in words))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="seconds, tiny dataset")
    parser.add_argument("--output", type=Path, help="results folder (default bench/results)")
    parser.add_argument(
        "--workers",
        type=worker_counts,
        help='the contest\'s worker counts, e.g. "1 2 4" (default "1 2"; smoke: "1")',
    )
    args = parser.parse_args(argv)
    workers = args.workers or ([1] if args.smoke else [1, 2])
    config = SMOKE if args.smoke else FULL
    output = args.output or RESULTS
    output.mkdir(parents=True, exist_ok=True)

    report = measure(config, workers)
    table = markdown(report)
    (output / "latest.md").write_text(table)
    (output / "latest.json").write_text(json.dumps(report, default=asdict, indent=2) + "\n")
    chart(report, output / "latest.png")
    (output / "scaling.md").write_text(scaling_table(report["contest"]))
    scaling_chart(report["contest"], output / "scaling.png")
    if not args.smoke and args.output is None:
        update_readme(table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
