"""A real streaming replica (pg_basebackup -R of a private primary): reads routed to it,
read-your-writes while it lags, lag and outages excluded, degraded mode with the primary down,
a standby as DATABASE_URL (503, never 500), and libpq multi-host URLs."""

import asyncio
import logging
import os
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient

from service.api.appkeys import DATA
from service.app import create_app
from service.db.consistency import CONSISTENCY_COOKIE, CONSISTENCY_HEADER
from service.db.migrations import apply_migrations
from service.settings import Settings
from tests.support.api import Client
from tests.support.cluster import Cluster
from tests.support.live import BIN, free_port

AppClient = Callable[..., Awaitable[Client]]


@pytest.fixture(scope="module")
def replication() -> Iterator[tuple[Cluster, Cluster]]:
    primary = Cluster.primary()
    try:
        asyncio.run(_create_database(primary.url()))
        apply_migrations(primary.url("chat"))
        standby = primary.standby()
        try:
            yield primary, standby
        finally:
            standby.destroy()
    finally:
        primary.destroy()


async def _create_database(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("CREATE DATABASE chat")
    finally:
        await connection.close()


@pytest.fixture
def apply_delay(replication: tuple[Cluster, Cluster]) -> Iterator[Callable[[float], None]]:
    """Makes the standby replay commits this many seconds late; back to 0 afterwards."""
    _, standby = replication

    def delay(seconds: float) -> None:
        standby.configure(f"recovery_min_apply_delay = '{int(seconds * 1000)}ms'")
        standby.reload()

    yield delay
    delay(0)


@pytest.fixture
async def app_client(
    replication: tuple[Cluster, Cluster],
    aiohttp_client: Callable[..., Awaitable[Client]],
) -> AppClient:
    primary, standby = replication

    async def make(**overrides: Any) -> Client:
        settings = Settings(
            _env_file=None,
            database_url=primary.url("chat"),
            database_replica_urls=[standby.url("chat")],
            db_pool_min_size=1,
            health_db_timeout=1.0,
            **overrides,
        )
        client = await aiohttp_client(create_app(settings))
        await _until(lambda: _replica_state(client), "ok")
        return client

    return make


async def _replica_state(client: Client) -> str:
    body = await (await client.get("/health/db")).json()
    return str(next(db["state"] for db in body["databases"] if db["name"] == "replica-1"))


async def _until(
    probe: Callable[[], Awaitable[object]], expected: object, timeout: float = 15
) -> None:
    deadline = time.monotonic() + timeout
    while (value := await probe()) != expected:
        assert time.monotonic() < deadline, f"still {value!r}, waiting for {expected!r}"
        await asyncio.sleep(0.1)


async def _status(client: Client, path: str, **headers: str) -> int:
    client.session.cookie_jar.clear()  # no token unless the caller passes one
    return (await client.get(path, headers=headers)).status


async def test_read_your_writes_on_a_lagging_replica_across_processes(
    app_client: AppClient, apply_delay: Callable[[float], None]
) -> None:
    apply_delay(3)
    writer = await app_client(database_replica_max_lag=30)
    reader = await app_client(database_replica_max_lag=30)  # another process or app replica

    created = await writer.post("/chats", json={"title": "read your writes"})
    assert created.status == 201
    token = created.headers[CONSISTENCY_HEADER]
    assert (
        writer.session.cookie_jar.filter_cookies(writer.make_url("/"))[CONSISTENCY_COOKIE].value
        == token
    )
    path = created.headers["Location"]

    # Without the token the read goes to the replica, which has not replayed the write yet.
    assert await _status(reader, path) == 404
    # With it (header, from another process) the read waits for nothing: the primary answers.
    assert await _status(reader, path, **{CONSISTENCY_HEADER: token}) == 200
    # A token the client mangled sends its reads to the primary, never to a stale replica.
    assert await _status(reader, path, **{CONSISTENCY_HEADER: "not-a-position"}) == 200
    # A client that keeps cookies just follows Location.
    chat_id = (await created.json())["id"]
    sent = await writer.post(f"/chats/{chat_id}/messages", json={"text": "mine"})
    assert (await writer.get(sent.headers["Location"])).status == 200
    listed = await writer.get(f"/chats/{chat_id}/messages")
    assert [message["text"] for message in await listed.json()] == ["mine"]
    opened = await writer.get(path)
    assert (await opened.json())["chat"]["message_count"] == 1

    # Once the replica has replayed it, reads without a token see it too.
    await _until(lambda: _status(reader, path), 200)


async def test_a_replica_past_the_lag_limit_is_not_used(
    app_client: AppClient, apply_delay: Callable[[float], None]
) -> None:
    client = await app_client(database_replica_max_lag=1)
    apply_delay(4)
    created = await client.post("/chats", json={"title": "behind"})
    path = created.headers["Location"]
    await _until(lambda: _replica_state(client), "lagging")
    health = await (await client.get("/health/db")).json()
    lag = next(db["lag_seconds"] for db in health["databases"] if db["name"] == "replica-1")
    assert lag is None or lag > 1
    # The replica does not have the chat yet; the primary answers instead.
    assert await _status(client, path) == 200
    await _until(lambda: _replica_state(client), "ok")


async def test_a_replica_that_is_down_is_not_used(
    app_client: AppClient, replication: tuple[Cluster, Cluster]
) -> None:
    _, standby = replication
    client = await app_client()
    created = await client.post("/chats", json={"title": "replica down"})
    path = created.headers["Location"]
    standby.stop()
    try:
        # At once (the read that finds it down retries on the primary) and afterwards.
        assert await _status(client, path) == 200
        await _until(lambda: _replica_state(client), "unavailable")
        for _ in range(5):
            assert await _status(client, path) == 200
        assert (await client.get("/health/db")).status == 200
    finally:
        standby.start()
    await _until(lambda: _replica_state(client), "ok")


async def test_degraded_mode_reads_answer_and_writes_fail_fast_with_the_primary_down(
    app_client: AppClient, replication: tuple[Cluster, Cluster]
) -> None:
    primary, _ = replication
    client = await app_client()
    created = await client.post("/chats", json={"title": "survives the primary"})
    path = created.headers["Location"]
    await _until(lambda: _status(client, path), 200)  # on the replica too
    primary.stop()
    try:
        assert await _status(client, path) == 200
        assert await _status(client, "/chats") == 200
        # Even for a client whose last write the replica has not replayed: the primary that
        # would answer it is down, and an older answer beats none.
        assert await _status(client, path, **{CONSISTENCY_HEADER: "FFFFFFFF/0"}) == 200
        started = time.monotonic()
        write = await client.post("/chats", json={"title": "refused"})
        assert write.status == 503
        assert time.monotonic() - started < 3  # refused at once; DB_CONNECT_TIMEOUT is 5 s
        assert (await write.json())["code"] == "database_unavailable"
        health = await client.get("/health/db")
        assert health.status == 503
        states = {db["name"]: db["state"] for db in (await health.json())["databases"]}
        assert states == {"primary": "unavailable", "replica-1": "ok"}
    finally:
        primary.start()
    await _until(lambda: _post_status(client), 201)


async def _post_status(client: Client) -> int:
    return (await client.post("/chats", json={"title": "back"})).status


async def test_a_standby_as_database_url_answers_503_read_only_never_500(
    replication: tuple[Cluster, Cluster],
    aiohttp_client: Callable[..., Awaitable[Client]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, standby = replication
    settings = Settings(
        _env_file=None, database_url=standby.url("chat"), db_pool_min_size=1, db_pool_max_size=1
    )
    with caplog.at_level(logging.DEBUG, logger="chat_api.events"):
        client: TestClient[Any, Any] = await aiohttp_client(create_app(settings))
        gate = client.app[DATA].databases.primary

        async def server_pid(connection: asyncpg.Connection) -> int:
            return int(connection.get_server_pid())

        before = await gate.run(server_pid)
        for request in (
            client.post("/chats", json={"title": "nope"}),
            client.post("/chats/1/messages", json={"text": "nope"}),
        ):
            response = await request
            assert response.status == 503
            body = await response.json()
            assert body["code"] == "database_read_only"
            assert "read-only" in body["detail"]
            assert response.headers["Retry-After"] == "1"
        # The connection that met a read-only server was closed: after a failover the next
        # one may lead to the new primary.
        assert await gate.run(server_pid) != before
        assert (await client.get("/chats")).status == 200
        health = await client.get("/health/db")
        assert health.status == 503
        body = await health.json()
        assert body["code"] == "database_read_only"
        assert body["databases"] == [
            {"name": "primary", "state": "read_only", "lag_seconds": None, "warning": None}
        ]
        await asyncio.sleep(3.5)
    attempts = [r for r in caplog.records if "event listener lost the database" in r.getMessage()]
    assert len(attempts) >= 2, "the listener keeps trying"
    assert [r.levelno for r in attempts].count(logging.WARNING) == 1, "but says so once"


def test_migrate_says_plainly_that_a_standby_is_read_only(
    replication: tuple[Cluster, Cluster],
) -> None:
    _, standby = replication
    started = time.monotonic()
    result = subprocess.run(
        [BIN / "chat-api", "migrate"],
        env={**os.environ, "DATABASE_URL": standby.url("chat")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert time.monotonic() - started < 10
    assert "read-only" in result.stderr
    assert "Traceback" not in result.stderr


async def test_a_multi_host_url_finds_the_live_writable_host(
    replication: tuple[Cluster, Cluster],
    aiohttp_client: Callable[..., Awaitable[Client]],
) -> None:
    primary, standby = replication
    dead = free_port()
    # A dead host, then the standby, then the primary: read-write picks the primary.
    url = (
        f"postgresql://postgres@127.0.0.1:{dead},127.0.0.1:{standby.port},"
        f"127.0.0.1:{primary.port}/chat?target_session_attrs=read-write"
    )
    settings = Settings(_env_file=None, database_url=url, db_pool_min_size=1)
    client = await aiohttp_client(create_app(settings))
    assert (await client.post("/chats", json={"title": "failover pair"})).status == 201
    assert (await client.get("/health/db")).status == 200
    result = subprocess.run(
        [BIN / "chat-api", "migrate"],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stderr
