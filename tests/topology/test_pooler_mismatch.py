"""A real PgBouncer in transaction mode, set up the documented way except for
DATABASE_POOL_MODE=transaction: the prepared-statement errors that causes are a 503 (never a
500), one ERROR that names the setting, a warning in /health/db, and the process switches to
the transaction-pooler behaviour by itself, after which everything works."""

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator

import pytest
from aiohttp import ClientResponse

from service.api.appkeys import DATA
from tests.support.api import Client
from tests.support.feeds import read_events
from tests.support.pgbouncer import PgBouncer, database_name
from tests.support.sql import Statements

MakeClient = Callable[..., Awaitable[Client]]


@pytest.fixture
def transaction_pooler(pg_server: str) -> Iterator[PgBouncer]:
    bouncer = PgBouncer(pg_server, "transaction")
    yield bouncer
    bouncer.stop()


async def test_a_transaction_pooler_without_its_setting_is_loud_and_then_handled(
    transaction_pooler: PgBouncer,
    database_url: str,
    make_client: MakeClient,
    caplog: pytest.LogCaptureFixture,
    test_queries: Statements,
) -> None:
    caplog.set_level(logging.WARNING)
    client = await make_client(
        database_url=transaction_pooler.url(database_name(database_url)),
        database_listen_url=database_url,
        # DATABASE_POOL_MODE left at its default, session: the mistake.
    )
    statuses: Counter[int] = Counter()
    retry_after: set[str | None] = set()

    def met() -> bool:
        """Whoever met the mistake (a request, or the process's own background work, such
        as the webhook worker's first look) logs it once, and the process switches."""
        return any(r.levelno == logging.ERROR for r in caplog.records)

    async def answered(response: ClientResponse) -> None:
        statuses[response.status] += 1
        if response.status == 503:
            body = await response.json()
            assert body["code"] == "database_unavailable"
            retry_after.add(response.headers.get("Retry-After"))

    # The very first statement may meet the mistake already: the chat is then made by the
    # retry, on the pool the process switched to.
    for _ in range(3):
        created = await client.post("/chats", json={"title": "behind a pooler"})
        await answered(created)
        if created.status == 201:
            break
    assert created.status == 201
    chat_id = (await created.json())["id"]
    path = f"/chats/{chat_id}"

    async def request(number: int) -> None:
        for response in (
            await client.post(f"{path}/messages", json={"text": f"m{number}"}),
            await client.get(path),
        ):
            await answered(response)

    # Whether a statement lands on another server connection than the one that prepared it
    # is up to timing: bursts until the mistake is met.
    for burst in range(10):
        await asyncio.gather(*(request(burst * 200 + number) for number in range(200)))
        if met():
            break
    assert met(), "the mistake was never met (the test proves nothing)"
    assert set(statuses) <= {200, 201, 503}, statuses
    assert retry_after <= {"1"}
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert "DATABASE_POOL_MODE=transaction" in errors[0].getMessage()

    # The process switched by itself: everything works from here on.
    for _ in range(50):
        health = await client.get("/health/db")
        if health.status == 200:
            break
        await asyncio.sleep(0.1)
    assert health.status == 200
    primary = (await health.json())["databases"][0]
    assert "DATABASE_POOL_MODE=transaction" in primary["warning"]

    events = await client.get(f"{path}/events", headers={"Last-Event-ID": "0"})
    answers = await asyncio.gather(
        *(client.post(f"{path}/messages", json={"text": f"after {n}"}) for n in range(100))
    )
    assert [answer.status for answer in answers] == [201] * 100
    opened = await client.get(path)
    assert opened.status == 200
    posted = statuses[201] - 1 + 100  # the chat's own 201 is no message
    assert (await opened.json())["chat"]["message_count"] == posted
    async with client.app[DATA].databases.primary.connection() as connection:
        assert await test_queries.count_messages(connection, chat_id) == posted
    received = await read_events(events, posted)
    assert len({event_id for _, event_id, _ in received}) == posted
    events.close()
