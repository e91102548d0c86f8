"""A real pg_auto_failover formation (monitor + two nodes, synchronous replication) under load:
16 posters with idempotency keys and two live feed clients, on two service processes given the
formation's multi-host URL. The primary's machine dies (its pg_autoctl and PostgreSQL SIGKILLed),
or the operator switches over; afterwards every 201 is in the database exactly once, every
retried key is one message, the feeds received every committed message in order without their
streams being cut, no 500 was answered, every 503 said when to retry, and writes resumed soon
after the promotion. The dead node then rejoins as a secondary and is read from again."""

import asyncio
import functools
import itertools
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from service.db.migrations import apply_migrations
from tests.support.autoctl import Node
from tests.support.failover_load import Load, Posting
from tests.support.formation import Formation, PromotionWatch
from tests.support.live import free_port, start_service, stop
from tests.support.sql import Statements

logger = logging.getLogger("tests.failover")

CHATS = 4
POSTERS = 16
FEED_CLIENTS = 2
READERS = 2
WRITE_RESUME_AFTER_PROMOTION = 5.0
# PostgreSQL killed alone: pg_autoctl restarts it and it replays its WAL (0.6 s here, 3 s with
# both cores busy); a slow machine may take longer, which is not the service's doing.
WRITE_RESUME_AFTER_RESTART = 15.0


@pytest.fixture(scope="module")
def formation() -> Iterator[Formation]:
    formation = Formation()
    try:
        formation.start()
        apply_migrations(formation.primary().url())
        yield formation
    finally:
        formation.destroy()


@pytest.fixture
def services(formation: Formation, tmp_path: Path) -> Iterator[list[str]]:
    """Two service processes on the formation: writes through its multi-host URL, reads also
    from whichever node is the secondary (both are listed as replicas)."""
    env = {
        "DATABASE_REPLICA_URLS": ",".join(node.url() for node in formation.nodes),
        "DB_CONNECT_TIMEOUT": "2",
        "LOG_LEVEL": "INFO",
        "ACCESS_LOG": "false",
    }
    ports = [free_port(), free_port()]
    processes = [start_service(formation.uri(), port, tmp_path, **env) for port in ports]
    yield [f"http://127.0.0.1:{port}" for port in ports]
    for process in processes:
        stop(process)


async def _chats(base: str) -> list[int]:
    async with aiohttp.ClientSession() as session:
        chats = []
        for number in range(CHATS):
            async with session.post(f"{base}/chats", json={"title": f"ha {number}"}) as response:
                assert response.status == 201, await response.text()
                chats.append(int((await response.json())["id"]))
        return chats


async def _committed(
    formation: Formation, test_queries: Statements, chats: list[int]
) -> dict[int, list[int]]:
    """This run's chats' messages (the formation outlives a test), in commit order."""
    connection = await asyncpg.connect(formation.uri())
    try:
        rows = await test_queries.all_messages(connection)
    finally:
        await connection.close()
    by_chat: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        if row["chat_id"] in chats:
            by_chat[row["chat_id"]].append(row["id"])
    return by_chat


async def _until_feeds_have(load: Load, committed: dict[int, list[int]]) -> None:
    """The feeds get a while to deliver the last posts (and catch up after the failover)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if all(
            load.following.received[(client, chat_id)] == ids
            for client in range(FEED_CLIENTS)
            for chat_id, ids in committed.items()
        ):
            return
        await asyncio.sleep(0.2)


async def _run_through(
    formation: Formation,
    bases: list[str],
    test_queries: Statements,
    name: str,
    fault: Callable[[], None],
    promoted: Node | None,
) -> dict[str, float]:
    """Load, then `fault` (after which `promoted` becomes the primary; None: the primary
    stays and restarts), then load on whichever primary there is; the checks; the figures."""
    resume_within = WRITE_RESUME_AFTER_PROMOTION if promoted else WRITE_RESUME_AFTER_RESTART
    chats = await _chats(bases[0])
    load = Load(bases, chats, posters=POSTERS, feed_clients=FEED_CLIENTS, readers=READERS)
    async with load:
        await asyncio.sleep(3)
        assert load.posting.statuses()[201] > 50, load.posting.statuses()
        watch = PromotionWatch(formation, promoted) if promoted is not None else None
        fault_at = time.monotonic()
        await asyncio.to_thread(fault)
        promoted_at = await asyncio.to_thread(watch.join) if watch else time.monotonic()
        deadline = promoted_at + resume_within + 10
        while load.posting.first_write_after(promoted_at) is None:
            assert time.monotonic() < deadline, load.posting.statuses()
            await asyncio.sleep(0.1)
        await asyncio.sleep(3)  # load on the new primary
        await load.stop_posting()
        committed = await _committed(formation, test_queries, chats)
        await _until_feeds_have(load, committed)

    posting, following = load.posting, load.following
    statuses = posting.statuses()
    # Nothing acknowledged is lost, nothing is there twice, every key is one message.
    acknowledged = {message_id for _, message_id in posting.acknowledged.values()}
    assert len(acknowledged) == len(posting.acknowledged), "two keys answered with one message"
    everything = {message_id for ids in committed.values() for message_id in ids}
    assert acknowledged <= everything, f"lost: {sorted(acknowledged - everything)[:20]}"
    # A message nobody was told about is a retried key that made a second message.
    assert everything <= acknowledged, f"unacknowledged: {sorted(everything - acknowledged)[:20]}"
    assert posting.retried_keys, "no post was retried: the fault was not under load"
    # No 500, no hang; every 503 says when to retry.
    assert set(statuses) <= {201, 503}, statuses
    no_retry_after = [a for a in posting.attempts if a.status == 503 and not a.retry_after]
    assert not no_retry_after, f"{len(no_retry_after)} of {statuses[503]} 503s lack Retry-After"
    first_write = posting.first_write_after(promoted_at)
    assert first_write is not None
    assert first_write - promoted_at <= resume_within
    # Every feed client, which stayed connected, has every committed message in order.
    for client in range(FEED_CLIENTS):
        for chat_id in chats:
            received = following.received[(client, chat_id)]
            ids = committed.get(chat_id, [])
            missing = sorted(set(ids) - set(received))
            assert received == ids, f"client {client}, chat {chat_id}: missing {missing[:20]}"
    assert following.cut_mid_body == 0, f"{following.cut_mid_body} streams cut mid-body"
    # Reads kept working throughout: from the secondary (a replica) while the primary was gone.
    read_statuses = Counter(read.status for read in load.reads)
    assert set(read_statuses) == {200}, read_statuses
    # /health/db said 200 before and after; with a promotion, 503 while no primary took writes.
    probes = [(probe.started, probe.status) for probe in load.health]
    assert {status for started, status in probes if started < fault_at} == {200}, probes
    assert probes[-1][1] == 200, probes
    if promoted is not None:
        outage = [status for started, status in probes if fault_at < started < promoted_at]
        assert 503 in outage, probes
    gap = _longest_write_gap(posting)
    figures = {
        "promotion_s": promoted_at - fault_at,
        "first_write_after_fault_s": first_write - fault_at,
        "write_gap_s": gap,
        "requests_in_outage": float(len(posting.during(fault_at, first_write))),
        "answered_503": float(statuses[503]),
        "reads_in_outage": float(
            len([r for r in load.reads if fault_at <= r.started <= first_write])
        ),
        "stream_ends": float(following.clean_ends),
    }
    logger.warning("%s: %s", name, figures)
    return figures


def _longest_write_gap(posting: Posting) -> float:
    """The longest time between two consecutive 201s."""
    ends = sorted(attempt.ended for attempt in posting.attempts if attempt.status == 201)
    return max((later - earlier for earlier, later in itertools.pairwise(ends)), default=0.0)


def _other(formation: Formation, node: Node) -> Node:
    return next(other for other in formation.nodes if other is not node)


async def test_primary_dies_under_load_nothing_acknowledged_is_lost(
    formation: Formation, services: list[str], test_queries: Statements
) -> None:
    old = formation.primary()
    kill = functools.partial(formation.kill, old)
    await _run_through(formation, services, test_queries, "failover", kill, _other(formation, old))
    # The dead machine comes back: pg_autoctl rejoins it as a secondary, and the service reads
    # from it again without a restart.
    formation.restart(old)
    await asyncio.to_thread(formation.wait_for_state, old, "secondary")
    await _until_replica_ok(services, formation.nodes.index(old) + 1)


async def _until_replica_ok(bases: list[str], number: int) -> None:
    deadline = time.monotonic() + 15
    async with aiohttp.ClientSession() as session:
        for base in bases:
            while True:
                async with session.get(f"{base}/health/db") as response:
                    body = await response.json()
                states = {item["name"]: item["state"] for item in body["databases"]}
                if response.status == 200 and states.get(f"replica-{number}") == "ok":
                    break
                assert time.monotonic() < deadline, body
                await asyncio.sleep(0.2)


async def test_planned_switchover_under_load(
    formation: Formation, services: list[str], test_queries: Statements
) -> None:
    new = _other(formation, formation.primary())
    figures = await _run_through(
        formation, services, test_queries, "switchover", formation.switchover, new
    )
    assert figures["write_gap_s"] <= 5.0


async def test_primary_postgres_killed_alone_is_a_restart(
    formation: Formation, services: list[str], test_queries: Statements
) -> None:
    """SIGKILL of the primary's postmaster alone: its pg_autoctl starts it again (crash
    recovery), and nothing acknowledged is lost either."""
    primary = formation.primary()
    kill = functools.partial(formation.kill_postgres, primary)
    await _run_through(formation, services, test_queries, "postgres killed", kill, None)
