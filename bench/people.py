"""People at scale, through the service with API keys on the benchmark's data: a post into a
chat with 10,000 members against one into a chat with 1, the unread count of a member a
million messages behind, the unread totals and the first inbox page of a user in 5,000
chats, and opening chats as a member of them all (the membership check in the statement)
beside the same service without authentication, interleaved, at the main table's
connections."""

import asyncio
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import asyncpg

from bench.config import Config, Dataset
from bench.contest import SERVICE, command
from bench.dataset import BENCH_QUERIES, settle
from bench.harness import BIN, Load, Measurement, Target, median, run_wrk, server_env, serving

MEASURED = 200  # sequential requests behind each p50


@dataclass
class PeopleFigures:
    crowd_members: int
    post_crowd_rps: float
    post_alone_rps: float
    behind: int  # how many messages the member behind has not read
    behind_p50_ms: float
    inbox_chats: int
    totals_p50_ms: float
    inbox_p50_ms: float
    open_chat: Measurement  # GET /chats/{id} as a member, authentication on
    open_chat_plain: Measurement  # the same path without authentication, interleaved


def _key(database_url: str, user: str) -> str:
    created = subprocess.run(
        [BIN / "chat-api", "keys", "create", "--name", user, "--scopes", "read,write"],
        env={**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=True,
    )
    return created.stdout.split()[-1]


async def _prepare(database_url: str, config: Config, data: Dataset) -> list[int]:
    """The crowd and the poster in the first ordinary chat, the poster alone in the second,
    the reader in every ordinary chat, the member behind in the big chat with nothing read,
    and the inbox user's chats; returns those chats."""
    first, last = data.chats
    connection = await asyncpg.connect(database_url)
    try:
        add = BENCH_QUERIES["add_members"]
        crowd = [f"crowd-{n}" for n in range(config.crowd_members - 1)]
        await add(connection, crowd, first, first, True)
        await add(connection, ["poster"], first, first + 1, True)
        await add(connection, ["reader"], first, last, True)
        await add(connection, ["behind"], data.big_chat, data.big_chat, False)
        rows = await BENCH_QUERIES["insert_member_chats"](connection, "inbox", config.inbox_chats)
        chats = [row["id"] for row in rows]
        await BENCH_QUERIES["post_one_each"](connection, chats)
        return chats
    finally:
        await connection.close()


async def _p50(base: str, token: str, path: str) -> tuple[float, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(base, headers=headers) as session:
        timings: list[float] = []
        body: dict[str, Any] = {}
        for _ in range(MEASURED):
            started = time.perf_counter()
            async with session.get(path) as answer:
                answer.raise_for_status()
                body = await answer.json()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), body


def measure_people(
    database_url: str, config: Config, data: Dataset, wrk: str, ports: tuple[int, int]
) -> PeopleFigures:
    """ports: the service with API keys, and the same service without authentication, which
    the open-chat comparison interleaves with it on the same data."""
    chats = asyncio.run(_prepare(database_url, config, data))
    tokens = {user: _key(database_url, user) for user in ("poster", "reader", "behind", "inbox")}
    settle(database_url)
    secured, plain = (f"http://127.0.0.1:{port}" for port in ports)
    first, last = data.chats
    load = Load(config.connections, config.duration)
    keyed = {**server_env(database_url, ports[0]), "AUTH_MODE": "api_key"}
    with (
        serving(command(SERVICE, config.workers, ports[0]), keyed, ports[0]),
        serving(
            command(SERVICE, config.workers, ports[1]), server_env(database_url, ports[1]), ports[1]
        ),
    ):
        behind_ms, behind = asyncio.run(_p50(secured, tokens["behind"], "/me/unread"))
        totals_ms, totals = asyncio.run(_p50(secured, tokens["inbox"], "/me/unread"))
        inbox_ms, _ = asyncio.run(_p50(secured, tokens["inbox"], "/me/chats"))
        if totals["unread_chats"] != len(chats):
            raise SystemExit(
                f"bench: the inbox user should have {len(chats)} unread chats: {totals}"
            )

        def post(chat: int, load: Load = load) -> Measurement:
            target = Target(
                "post", "POST", "/chats/{id}/messages", "", ids=(chat, chat),
                body='{{"text": "to everyone {n}"}}', authorization=tokens["poster"],
            )  # fmt: skip
            return run_wrk(wrk, secured, target, load)

        warm = Load(config.connections, config.warmup)
        post(first, warm), post(first + 1, warm)
        # Interleaved, each first in turn, so drift on a shared machine hits both alike.
        runs: dict[object, list[Measurement]] = {first: [], first + 1: [], secured: [], plain: []}
        for run in range(config.runs):
            for chat in (first, first + 1) if run % 2 == 0 else (first + 1, first):
                runs[chat].append(post(chat))
        settle(database_url)  # the posts' dead rows and WAL are not the reads' to pay for
        opened = {
            secured: Target("open chat", "GET", "/chats/{id}", "", ids=(first, last),
                            authorization=tokens["reader"]),
            plain: Target("open chat", "GET", "/chats/{id}", "", ids=(first, last)),
        }  # fmt: skip
        for base, target in opened.items():
            run_wrk(wrk, base, target, warm)
        for run in range(config.runs):
            for base in (secured, plain) if run % 2 == 0 else (plain, secured):
                runs[base].append(run_wrk(wrk, base, opened[base], load))
    return PeopleFigures(
        crowd_members=config.crowd_members,
        post_crowd_rps=median(runs[first]).rps,
        post_alone_rps=median(runs[first + 1]).rps,
        behind=int(behind["total_unread_count"]),
        behind_p50_ms=behind_ms,
        inbox_chats=len(chats),
        totals_p50_ms=totals_ms,
        inbox_p50_ms=inbox_ms,
        open_chat=median(runs[secured]),
        open_chat_plain=median(runs[plain]),
    )


def people_targets(people: PeopleFigures) -> list[tuple[str, str, bool]]:
    post_ratio = people.post_alone_rps / people.post_crowd_rps
    open_ratio = people.open_chat.rps / people.open_chat_plain.rps
    return [
        (f"a post into a chat of {people.crowd_members:,} members costs what one into a chat "
         "of 1 does (ratio ≤ 1.1)",
         f"{post_ratio:.2f}× ({people.post_crowd_rps:,.0f} / {people.post_alone_rps:,.0f} "
         "req/s)", post_ratio <= 1.1),
        (f"the unread count of a member {people.behind:,} messages behind ≤ 5 ms (p50)",
         f"{people.behind_p50_ms:.1f} ms", people.behind_p50_ms <= 5),
        (f"`GET /me/unread` for a user in {people.inbox_chats:,} chats ≤ 50 ms (p50)",
         f"{people.totals_p50_ms:.1f} ms", people.totals_p50_ms <= 50),
        (f"the first inbox page for a user in {people.inbox_chats:,} chats ≤ 20 ms (p50)",
         f"{people.inbox_p50_ms:.1f} ms", people.inbox_p50_ms <= 20),
        ("open chat as a member with authentication on ≥ 0.9× open chat without it",
         f"{open_ratio:.2f}× ({people.open_chat.rps:,.0f} / {people.open_chat_plain.rps:,.0f} "
         "req/s)",
         open_ratio >= 0.9),
    ]  # fmt: skip
