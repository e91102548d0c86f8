"""The whole API through a real PgBouncer (Debian's 1.18: no prepared-statement support of
its own), in transaction mode (DATABASE_POOL_MODE=transaction, the listener straight to
PostgreSQL) and in session mode (the listener through the pooler too)."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from service.api.appkeys import AUTHENTICATOR
from tests.support.api import Client, bearer, create_chat, post_message, slow_health_check
from tests.support.feeds import read_events
from tests.support.live import free_port, start_service, stop
from tests.support.pgbouncer import PgBouncer, database_name
from tests.support.sql import Statements

MakeClient = Callable[..., Awaitable[Client]]


@pytest.fixture(params=["transaction", "session"])
def pgbouncer(
    request: pytest.FixtureRequest, pg_server: str, database_url: str
) -> Iterator[PgBouncer]:
    bouncer = PgBouncer(pg_server, request.param)
    yield bouncer
    bouncer.stop()


def through(bouncer: PgBouncer, database_url: str) -> dict[str, Any]:
    """Settings for the service behind the pooler."""
    pooled = bouncer.url(database_name(database_url))
    return {
        "database_url": pooled,
        "database_pool_mode": bouncer.pool_mode,
        # LISTEN needs a session: in transaction mode the listener goes straight to PostgreSQL.
        "database_listen_url": database_url if bouncer.pool_mode == "transaction" else pooled,
    }


async def test_every_endpoint_works_through_pgbouncer(
    pgbouncer: PgBouncer, database_url: str, make_client: MakeClient
) -> None:
    client = await make_client(**through(pgbouncer, database_url))
    chat = await create_chat(client, "через pgbouncer")
    chat_id = chat["id"]
    first = await post_message(client, chat_id, "one")
    headers = {"Idempotency-Key": "retry-1"}
    sent = await client.post(f"/chats/{chat_id}/messages", json={"text": "two"}, headers=headers)
    again = await client.post(f"/chats/{chat_id}/messages", json={"text": "two"}, headers=headers)
    assert (sent.status, again.status) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (await again.json()) == (await sent.json())
    bulk = await client.post(
        f"/chats/{chat_id}/messages/bulk", json={"messages": [{"text": "b1"}, {"text": "b2"}]}
    )
    assert bulk.status == 201

    opened = await client.get(f"/chats/{chat_id}")
    assert opened.status == 200
    assert (await opened.json())["chat"]["message_count"] == 4
    page = await client.get(f"/chats/{chat_id}/messages", params={"limit": "2"})
    assert [m["text"] for m in await page.json()] == ["b2", "b1"]
    assert 'rel="next"' in page.headers["Link"]
    after = await client.get(f"/chats/{chat_id}/messages", params={"after_id": str(first["id"])})
    assert len(await after.json()) == 3
    assert (await client.get(f"/messages/{first['id']}")).status == 200
    assert (await client.get("/chats", params={"q": "PGBOUNCER"})).status == 200
    assert (await client.get("/chats", params={"q": "pgbouncer"})).headers["Content-Type"]
    assert len(await (await client.get("/chats", params={"q": "pgbouncer"})).json()) == 1
    stats = await client.get(f"/chats/{chat_id}/stats")
    assert (await stats.json())["message_count"] == 4
    read = await client.post(f"/chats/{chat_id}/read", json={"up_to_id": first["id"]})
    assert await read.json() == {"updated": 1, "unread_count": 3}
    assert (await client.get("/health/db")).status == 200
    assert (await client.delete(f"/chats/{chat_id}")).status == 204
    assert (await client.get(f"/chats/{chat_id}")).status == 404


async def test_live_feeds_work_through_pgbouncer(
    pgbouncer: PgBouncer, database_url: str, make_client: MakeClient
) -> None:
    client = await make_client(**through(pgbouncer, database_url))
    chat = await create_chat(client)
    async with (
        client.get(f"/chats/{chat['id']}/events") as stream,
        client.ws_connect(f"/chats/{chat['id']}/ws") as socket,
    ):
        await asyncio.sleep(0.2)
        posted = await post_message(client, chat["id"], "live through the pooler")
        events = await read_events(stream, 1)
        frame = await socket.receive_json(timeout=5)
    assert events == [("message", str(posted["id"]), posted)]
    assert frame == {"event": "message", "id": posted["id"], "data": posted}


async def test_concurrent_writers_through_pgbouncer_lose_nothing(
    pgbouncer: PgBouncer, database_url: str, make_client: MakeClient, db: asyncpg.Connection
) -> None:
    # Ten pooled connections share pgbouncer's three server connections.
    client = await make_client(**through(pgbouncer, database_url), db_pool_max_size=10)
    chat = await create_chat(client)

    async def writer(number: int) -> list[int]:
        statuses = []
        for n in range(15):
            response = await client.post(
                f"/chats/{chat['id']}/messages", json={"text": f"{number}-{n}"}
            )
            statuses.append(response.status)
            statuses.append((await client.get(f"/chats/{chat['id']}")).status)
        return statuses

    results = await asyncio.gather(*(writer(number) for number in range(10)))
    assert {status for statuses in results for status in statuses} == {200, 201}
    count = await db.fetchval("SELECT message_count FROM chats WHERE id = $1", chat["id"])
    assert count == 150
    assert await db.fetchval("SELECT count(*) FROM messages WHERE chat_id = $1", chat["id"]) == 150


async def test_statement_timeout_is_in_force_through_pgbouncer(
    pgbouncer: PgBouncer,
    database_url: str,
    make_client: MakeClient,
    monkeypatch: pytest.MonkeyPatch,
    test_queries: Statements,
) -> None:
    client = await make_client(**through(pgbouncer, database_url), db_statement_timeout=0.3)
    slow_health_check(client, monkeypatch, test_queries)
    started = time.monotonic()
    response = await client.get("/health/db")
    assert response.status == 503
    # Cancelled by the server at 0.3 s, long before the 5 s statement would end.
    assert time.monotonic() - started < 3
    assert (await client.post("/chats", json={"title": "still fine"})).status == 201


async def test_followers_are_keyed_by_the_real_backend_pid(
    pg_server: str, database_url: str, make_client: MakeClient, db: asyncpg.Connection
) -> None:
    """Two processes whose listeners share one session-mode pooler: the second one's clean-up
    of dead listeners must not take the first one's follows for dead."""
    bouncer = PgBouncer(pg_server, "session")
    try:
        first = await make_client(**through(bouncer, database_url))
        chat = await create_chat(first)
        async with first.ws_connect(f"/chats/{chat['id']}/ws") as socket:
            await asyncio.sleep(0.2)
            second = await make_client(**through(bouncer, database_url))
            await asyncio.sleep(0.5)  # its listener registers and forgets stale followers
            followers = await db.fetch("SELECT listener_pid FROM chat_followers")
            live = {row["pid"] for row in await db.fetch("SELECT pid FROM pg_stat_activity")}
            assert followers
            assert {row["listener_pid"] for row in followers} <= live
            posted = await post_message(second, chat["id"], "seen by the first process")
            assert (await socket.receive_json(timeout=5))["id"] == posted["id"]
    finally:
        bouncer.stop()


def test_serve_under_load_through_transaction_mode_pgbouncer_has_no_errors(
    pg_server: str, database_url: str, tmp_path: Path
) -> None:
    """`chat-api serve` with two workers through transaction pooling: it starts (no refused
    startup parameter, no duplicate prepared statement) and answers a short load without one
    error."""
    bouncer = PgBouncer(pg_server, "transaction")
    port = free_port()
    try:
        settings = through(bouncer, database_url)
        process = start_service(
            settings["database_url"],
            port,
            tmp_path,
            "--workers",
            "2",
            ACCESS_LOG="false",
            DATABASE_POOL_MODE="transaction",
            DATABASE_LISTEN_URL=database_url,
        )
        try:
            statuses = asyncio.run(_load(f"http://127.0.0.1:{port}", seconds=3.0))
        finally:
            stop(process)
    finally:
        bouncer.stop()
    assert sum(statuses.values()) > 200
    assert set(statuses) <= {200, 201}, statuses


async def _load(base: str, *, seconds: float) -> dict[int, int]:
    statuses: dict[int, int] = {}
    async with aiohttp.ClientSession(base) as session:
        async with session.post("/chats", json={"title": "load"}) as created:
            chat_id = (await created.json())["id"]
        deadline = time.monotonic() + seconds

        async def user(number: int) -> None:
            n = 0
            while time.monotonic() < deadline:
                n += 1
                if n % 2:
                    request = session.post(f"/chats/{chat_id}/messages", json={"text": f"{number}"})
                else:
                    request = session.get(f"/chats/{chat_id}")
                async with request as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        await asyncio.gather(*(user(number) for number in range(16)))
    return statuses


async def test_people_work_through_pgbouncer(
    pgbouncer: PgBouncer, database_url: str, make_client: MakeClient
) -> None:
    """Members, per-user read state and the inbox through the pooler: the transactions that
    lock a chat and then move a position, and the membership checks of every read."""
    client = await make_client(auth_mode="api_key", **through(pgbouncer, database_url))
    keys = client.app[AUTHENTICATOR]
    ann = bearer((await keys.create(name="ann", scopes=["read", "write"]))[0])  # type: ignore[attr-defined]
    bob = bearer((await keys.create(name="bob", scopes=["read", "write"]))[0])  # type: ignore[attr-defined]
    chat = await (await client.post("/chats", json={"title": "pooled"}, headers=ann)).json()
    url = f"/chats/{chat['id']}"
    assert (await client.get(url, headers=bob)).status == 404
    added = await client.put(f"{url}/members/bob", json={"role": "member"}, headers=ann)
    assert added.status == 201
    posted = [
        await (await client.post(f"{url}/messages", json={"text": f"m{n}"}, headers=ann)).json()
        for n in range(3)
    ]
    read = await client.post(f"{url}/read", json={"up_to_id": posted[1]["id"]}, headers=bob)
    assert await read.json() == {"updated": 2, "unread_count": 1}
    unread = await client.post(f"{url}/unread", json={"from_id": posted[0]["id"]}, headers=bob)
    assert await unread.json() == {"updated": 2, "unread_count": 3}
    inbox = await (await client.get("/me/chats", headers=bob)).json()
    assert [(i["chat"]["id"], i["unread_count"]) for i in inbox] == [(chat["id"], 3)]
    totals = await (await client.get("/me/unread", headers=bob)).json()
    assert totals == {"total_unread_count": 3, "unread_chats": 1, "unread_mentions": 0}
    assert (await client.delete(f"{url}/members/bob", headers=ann)).status == 204
    assert (await client.get(url, headers=bob)).status == 404
