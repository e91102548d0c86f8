"""A real pg_auto_failover formation (monitor + two nodes, synchronous replication) under load:
16 posters with idempotency keys and two live feed clients, on two service processes given the
formation's multi-host URL. The primary's machine dies (its pg_autoctl and PostgreSQL SIGKILLed),
or the operator switches over; afterwards every 201 is in the database exactly once, every
retried key is one message, the feeds received every committed message in order without their
streams being cut, no 500 was answered, every 503 said when to retry, and writes resumed soon
after the promotion. The dead node then rejoins as a secondary and is read from again."""

import asyncio
import itertools
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from service.db.migrations import apply_migrations
from tests.support.failover_load import Load, Posting
from tests.support.formation import Formation, Node
from tests.support.live import free_port, start_service, stop
from tests.support.sql import Statements

logger = logging.getLogger("tests.failover")

CHATS = 4
POSTERS = 16
FEED_CLIENTS = 2
WRITE_RESUME_AFTER_PROMOTION = 5.0


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


class PromotionWatch:
    """Polls the monitor (on a thread: pg_autoctl is a subprocess) for when `node` becomes the
    primary that takes writes (wait_primary: its standby is gone; primary: it has one)."""

    def __init__(self, formation: Formation, node: Node) -> None:
        self.promoted_at: float | None = None
        self._formation, self._node = formation, node
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                state = self._formation.states()[self._node.name][0]
            except AssertionError:
                state = ""
            if state in ("wait_primary", "primary"):
                self.promoted_at = time.monotonic()
                return
            time.sleep(0.1)

    def join(self) -> float:
        self._thread.join()
        assert self.promoted_at is not None, self._formation.logs()
        return self.promoted_at


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
    formation: Formation, bases: list[str], test_queries: Statements, fault: str
) -> dict[str, float]:
    chats = await _chats(bases[0])
    old = formation.primary()
    new = next(node for node in formation.nodes if node is not old)
    async with Load(bases, chats, posters=POSTERS, feed_clients=FEED_CLIENTS) as load:
        await asyncio.sleep(3)
        assert load.posting.statuses()[201] > 50, load.posting.statuses()
        watch = PromotionWatch(formation, new)
        fault_at = time.monotonic()
        if fault == "failover":
            await asyncio.to_thread(formation.kill, old)
        else:
            await asyncio.to_thread(formation.switchover)
        promoted_at = await asyncio.to_thread(watch.join)
        deadline = promoted_at + WRITE_RESUME_AFTER_PROMOTION + 10
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
    assert first_write - promoted_at <= WRITE_RESUME_AFTER_PROMOTION
    # Every feed client, which stayed connected, has every committed message in order.
    for client in range(FEED_CLIENTS):
        for chat_id in chats:
            received = following.received[(client, chat_id)]
            ids = committed.get(chat_id, [])
            missing = sorted(set(ids) - set(received))
            assert received == ids, f"client {client}, chat {chat_id}: missing {missing[:20]}"
    assert following.cut_mid_body == 0, f"{following.cut_mid_body} streams cut mid-body"
    gap = _longest_write_gap(posting)
    figures = {
        "promotion_s": promoted_at - fault_at,
        "first_write_after_fault_s": first_write - fault_at,
        "write_gap_s": gap,
        "requests_in_outage": float(len(posting.during(fault_at, first_write))),
        "answered_503": float(statuses[503]),
        "stream_ends": float(following.clean_ends),
    }
    logger.warning("%s: %s", fault, figures)
    return figures


def _longest_write_gap(posting: Posting) -> float:
    """The longest time between two consecutive 201s."""
    ends = sorted(attempt.ended for attempt in posting.attempts if attempt.status == 201)
    return max((later - earlier for earlier, later in itertools.pairwise(ends)), default=0.0)


async def test_primary_dies_under_load_nothing_acknowledged_is_lost(
    formation: Formation, services: list[str], test_queries: Statements
) -> None:
    old = formation.primary()
    await _run_through(formation, services, test_queries, "failover")
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
    figures = await _run_through(formation, services, test_queries, "switchover")
    assert figures["write_gap_s"] <= 5.0
