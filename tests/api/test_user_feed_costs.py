"""User feeds in-process: connecting costs the same number of database calls whatever the
number of chats the user is in (here 1 and 1,000), and `chat-api prune-events` forgets what
is older than EVENT_LOG_RETENTION_HOURS."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest

from service.api.appkeys import AUTHENTICATOR, DATA
from service.auth.keys import ApiKeys
from service.ops.cli import main
from tests.support.api import Client, bearer, create_chat, post_message
from tests.support.feeds import read_events
from tests.support.sql import Statements

MakeClient = Callable[..., Awaitable[Client]]


async def _connect_counting(client: Client, headers: dict[str, str]) -> tuple[int, float]:
    """Database calls and seconds from the request to the feed's first frame."""
    databases = client.app[DATA].databases
    calls = 0
    write, read = databases.write, databases.read

    def counted(call: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return call(*args, **kwargs)

        return wrapper

    databases.write, databases.read = counted(write), counted(read)  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        stream = await client.get("/me/events", headers=headers)
        [(event, _, _)] = await read_events(stream, 1)
        elapsed = time.perf_counter() - started
        assert event == "cursor"
        stream.close()
        return calls, elapsed
    finally:
        databases.write, databases.read = write, read  # type: ignore[method-assign]


@pytest.mark.parametrize("chats", [1, 1000])
async def test_connecting_costs_the_same_whatever_the_number_of_chats(
    make_client: MakeClient, test_queries: Statements, chats: int
) -> None:
    client = await make_client(auth_mode="api_key")
    keys: ApiKeys = client.app[AUTHENTICATOR]  # type: ignore[assignment]
    headers = bearer((await keys.create(name="ann", scopes=["read"]))[0])
    assert (await client.get("/me", headers=headers)).status == 200  # ann is recorded
    async with client.app[DATA].databases.primary.connection() as connection:
        await test_queries.make_member_of_chats(connection, "ann", chats)
    await asyncio.sleep(0.3)  # the listener is connected
    calls, seconds = await _connect_counting(client, headers)
    # Whether the user was online, follow_user (the user and every chat at once),
    # current_snapshot and the first read of the log, and the presence announcement (in the
    # background: it may come after the first frame): at most 5, for 1 chat as for 1,000
    # (the key lookup is cached after /me).
    assert 4 <= calls <= 5, (chats, calls, seconds)


async def test_prune_events_forgets_what_is_older_than_the_retention(
    client: Client,
    db: asyncpg.Connection,
    test_queries: Statements,
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
) -> None:
    chat = await create_chat(client, "old news")
    await post_message(client, chat["id"], "logged")
    await test_queries.age_event_log(db, 169)  # past the default 168 hours
    await post_message(client, chat["id"], "recent")
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert await asyncio.to_thread(main, ["prune-events"]) == 0
    assert await test_queries.count_event_log(db) == 1
