"""PostgreSQL itself stopped while requests are in flight, then started again: requests fail
fast with 503, /health/db reports it, the service recovers by itself, nothing acknowledged
before the outage is lost."""

import asyncio
import importlib.util
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from service.db.migrations import apply_migrations
from tests.support.api import Client, create_chat, post_message
from tests.support.private_postgres import PrivatePostgres

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pgserver") is None,
    reason="a private server to stop needs the pgserver wheel (Python 3.11/3.12; CI has it)",
)

MakeClient = Callable[..., Awaitable[Client]]


@pytest.fixture
def private_postgres(tmp_path: Path) -> Iterator[PrivatePostgres]:
    server = PrivatePostgres(tmp_path / "pg")
    apply_migrations(server.url)
    yield server
    server.stop()


async def test_stopped_postgres_gives_fast_503_and_service_recovers(
    make_client: MakeClient, private_postgres: PrivatePostgres
) -> None:
    client = await make_client(
        database_url=private_postgres.url,
        db_connect_timeout=1.0,
        db_acquire_timeout=1.0,
        health_db_timeout=1.0,
    )
    chat = await create_chat(client, "before the outage")
    acknowledged = [await post_message(client, chat["id"], f"m{n}") for n in range(5)]

    in_flight = [
        asyncio.create_task(client.post(f"/chats/{chat['id']}/messages", json={"text": "x"}))
        for _ in range(20)
    ]
    await asyncio.to_thread(private_postgres.stop)
    for response in await asyncio.gather(*in_flight):
        assert response.status in {201, 503}
        if response.status == 201:
            acknowledged.append(await response.json())
        else:
            assert (await response.json())["detail"] == "Database unavailable"

    for path in [f"/chats/{chat['id']}", "/chats", "/health/db"]:
        started = time.monotonic()
        response = await client.get(path)
        assert response.status == 503, path
        assert time.monotonic() - started < 2.5, path
    assert (await client.get("/health")).status == 200

    await asyncio.to_thread(private_postgres.start)
    deadline = time.monotonic() + 20
    while (await client.get("/health/db")).status != 200:
        assert time.monotonic() < deadline, "the service did not recover"
        await asyncio.sleep(0.2)

    opened = await (await client.get(f"/chats/{chat['id']}?limit=100")).json()
    stored = {message["id"] for message in opened["messages"]}
    assert {message["id"] for message in acknowledged} <= stored, "nothing acknowledged lost"
    assert opened["chat"]["message_count"] == len(stored)
    assert (
        await client.post(f"/chats/{chat['id']}/messages", json={"text": "after"})
    ).status == 201
