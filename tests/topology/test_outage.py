"""The database going away (or hanging) does not take the service down: quick 503s with a
`detail`, /health/db reports it, and the service recovers by itself when it comes back."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from yarl import URL

from service.api.appkeys import DATA
from tests.support.api import Client, create_chat, post_message, slow_health_check
from tests.support.proxy import FaultyProxy
from tests.support.sql import Statements

MakeClient = Callable[..., Awaitable[Client]]


@pytest.fixture
async def proxy(database_url: str) -> AsyncIterator[FaultyProxy]:
    url = URL(database_url)
    proxy = FaultyProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    yield proxy
    await proxy.close()


@pytest.fixture
async def proxied_client(make_client: MakeClient, database_url: str, proxy: FaultyProxy) -> Client:
    proxied = str(URL(database_url).with_host("127.0.0.1").with_port(proxy.port))
    return await make_client(
        database_url=proxied,
        db_connect_timeout=0.5,
        db_command_timeout=1.0,
        db_acquire_timeout=0.5,
        health_db_timeout=0.5,
    )


async def timed(request: Awaitable[object]) -> tuple[object, float]:
    started = time.monotonic()
    result = await request
    return result, time.monotonic() - started


async def test_outage_gives_quick_503_and_recovery_is_automatic(
    proxied_client: Client, proxy: FaultyProxy
) -> None:
    client = proxied_client
    chat = await create_chat(client, "before the outage")
    message = await post_message(client, chat["id"], "acknowledged before the outage")

    await proxy.refuse()
    for method, path, body in [
        ("GET", f"/chats/{chat['id']}", None),
        ("POST", f"/chats/{chat['id']}/messages", {"text": "during"}),
        ("GET", "/chats", None),
        ("GET", "/health/db", None),
    ]:
        started = time.monotonic()
        response = await client.request(method, path, json=body)
        assert time.monotonic() - started < 2, path
        assert response.status == 503, path
        payload = await response.json()
        assert payload["detail"] == "Database unavailable"
        assert payload["code"] == "database_unavailable"
        assert response.headers["Retry-After"] == "1", path
    assert (await client.get("/health")).status == 200, "the process itself stays up"

    await proxy.forward()
    for _ in range(20):
        if (await client.get("/health/db")).status == 200:
            break
        await asyncio.sleep(0.1)
    reopened = await client.get(f"/chats/{chat['id']}")
    assert reopened.status == 200
    body = await reopened.json()
    assert body["messages"] == [message], "nothing acknowledged before the outage is lost"
    assert (
        await client.post(f"/chats/{chat['id']}/messages", json={"text": "after"})
    ).status == 201


async def test_hanging_database_gives_503_within_the_timeouts(
    proxied_client: Client, proxy: FaultyProxy
) -> None:
    client = proxied_client
    chat = await create_chat(client)
    await proxy.refuse()  # drop the pooled connections, then hang new ones
    await proxy.forward()
    proxy.blackhole()
    started = time.monotonic()
    response = await client.get(f"/chats/{chat['id']}")
    assert response.status == 503
    assert time.monotonic() - started < 3
    health = await client.get("/health/db")
    assert health.status == 503


async def test_pool_exhaustion_is_a_bounded_wait_then_503(make_client: MakeClient) -> None:
    client = await make_client(db_pool_min_size=1, db_pool_max_size=1, db_acquire_timeout=0.3)
    chat = await create_chat(client)
    store_pool_holder = asyncio.Event()
    data = client.app[DATA]

    async def hold_the_only_connection() -> None:
        async with data.databases.primary.connection():
            store_pool_holder.set()
            await asyncio.sleep(4)

    holder = asyncio.create_task(hold_the_only_connection())
    await store_pool_holder.wait()
    started = time.monotonic()
    response = await client.get(f"/chats/{chat['id']}")
    assert response.status == 503
    assert time.monotonic() - started < 3  # 0.3 s of waiting; the connection is held 4 s
    await holder
    assert (await client.get(f"/chats/{chat['id']}")).status == 200


async def test_statement_timeout_cancels_and_connection_stays_healthy(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch, test_queries: Statements
) -> None:
    client = await make_client(db_pool_min_size=1, db_pool_max_size=1, db_statement_timeout=0.2)
    # /health/db runs the database_state query; make it slower than statement_timeout.
    slow_health_check(client, monkeypatch, test_queries)
    started = time.monotonic()
    response = await client.get("/health/db")
    assert response.status == 503
    assert time.monotonic() - started < 3  # cancelled at 0.2 s; the statement takes 5 s
    # The only pooled connection was cancelled server-side and is usable again.
    assert (await client.post("/chats", json={"title": "still fine"})).status == 201
