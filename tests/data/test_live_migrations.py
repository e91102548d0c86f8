"""Migrations against a live database: one that cannot get its lock gives up after
lock_timeout instead of stalling the traffic queued behind it, and an upgrade from the 0006
schema with data in it keeps every counter exact."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

import asyncpg
import psycopg
import pytest
from yoyo import get_backend, read_migrations

from service.db.dsn import yoyo_url
from service.db.files import migrations_dir
from service.db.migrations import apply_migrations
from tests.support import postgres
from tests.support.api import Client
from tests.support.sql import Statements

# Each waits out a migration's lock_timeout.
pytestmark = pytest.mark.slow

LOCK_TIMEOUT = 3.0  # what every migration sets


def apply_up_to(url: str, last: str) -> None:
    backend = get_backend(yoyo_url(url))
    try:
        with backend.lock():
            for migration in backend.to_apply(read_migrations(str(migrations_dir()))):
                if migration.id <= last:
                    backend.apply_one(migration)
    finally:
        backend.connection.close()


@pytest.fixture
async def blank_database(pg_server: str) -> AsyncIterator[str]:
    name = postgres.unique_name("chat_api_live")
    await postgres.create_database(pg_server, name)
    yield postgres.database_url(pg_server, name)
    await postgres.drop_database(pg_server, name)


async def _timed(statement: Awaitable[object]) -> float:
    started = time.monotonic()
    await statement
    return time.monotonic() - started


async def test_a_migration_blocked_by_a_long_reader_gives_up_and_selects_go_on(
    blank_database: str,
) -> None:
    apply_up_to(blank_database, "0006_api_time")
    reader = await asyncpg.connect(blank_database)
    other = await asyncpg.connect(blank_database)
    try:
        transaction = reader.transaction()
        await transaction.start()
        await reader.fetchval("SELECT count(*) FROM chats")  # holds its lock until the end
        started = time.monotonic()
        migrating = asyncio.create_task(asyncio.to_thread(apply_migrations, blank_database))
        await asyncio.sleep(0.5)
        # Reads of the table the migration waits for are not queued behind it for longer.
        waited = await _timed(other.fetchval("SELECT count(*) FROM chats WHERE id = 42"))
        with pytest.raises(psycopg.errors.LockNotAvailable):
            await asyncio.wait_for(migrating, LOCK_TIMEOUT + 5)
        assert time.monotonic() - started < LOCK_TIMEOUT + 3
        assert waited < LOCK_TIMEOUT + 1
        await transaction.rollback()
    finally:
        await reader.close()
        await other.close()
    # Once the reader is gone, running it again finishes the job.
    assert "0009_chat_day_counts_backfill" in apply_migrations(blank_database)


async def test_a_migration_blocked_by_a_writer_gives_up_and_posts_go_on(
    blank_database: str, test_queries: Statements
) -> None:
    apply_up_to(blank_database, "0007_read_position")
    writer = await asyncpg.connect(blank_database)
    poster = await asyncpg.connect(blank_database)
    try:
        chat_id = await writer.fetchval("INSERT INTO chats (title) VALUES ('live') RETURNING id")
        # Posts into one chat take turns by design; this one goes to another chat.
        other_chat = await writer.fetchval("INSERT INTO chats (title) VALUES ('o') RETURNING id")
        transaction = writer.transaction()
        await transaction.start()
        await test_queries.insert_messages_series(writer, chat_id, 3)  # uncommitted
        started = time.monotonic()
        migrating = asyncio.create_task(asyncio.to_thread(apply_migrations, blank_database))
        await asyncio.sleep(0.5)
        posted = await _timed(test_queries.insert_messages_series(poster, other_chat, 1))
        read = await _timed(poster.fetchval("SELECT count(*) FROM messages"))
        with pytest.raises(psycopg.errors.LockNotAvailable):
            await asyncio.wait_for(migrating, LOCK_TIMEOUT + 5)
        assert time.monotonic() - started < LOCK_TIMEOUT + 3
        assert posted < LOCK_TIMEOUT + 1, "a post waits at most for the lock timeout"
        assert read < 1, "reads never wait for this lock"
        await transaction.commit()
        assert "0009_chat_day_counts_backfill" in apply_migrations(blank_database)
        assert await test_queries.day_counts_vs_messages(poster) == []
    finally:
        await writer.close()
        await poster.close()


async def test_an_upgrade_from_0006_with_data_keeps_every_counter_exact(
    blank_database: str,
    test_queries: Statements,
    make_client: Callable[..., Awaitable[Client]],
) -> None:
    apply_up_to(blank_database, "0006_api_time")
    db = await asyncpg.connect(blank_database)
    try:
        chats = [
            await db.fetchval("INSERT INTO chats (title) VALUES ($1) RETURNING id", title)
            for title in ("half read", "unread", "all read")
        ]
        ids: dict[int, list[int]] = {chat: [] for chat in chats}
        for chat in chats:
            for day in (1, 1, 2, 5):
                stamp = datetime.fromisoformat(f"2026-01-0{day}T12:00:00+00:00")
                ids[chat].append(await test_queries.insert_message_at(db, chat, stamp))
        await test_queries.mark_read_0006(db, chats[0], ids[chats[0]][1])
        await test_queries.mark_read_0006(db, chats[2], ids[chats[2]][-1])

        apply_migrations(blank_database)

        for chat in chats:
            row = await test_queries.count_unread(db, chat)
            assert (row["message_count"], row["unread_count"]) == (row["messages"], row["unread"])
        assert [(await test_queries.count_unread(db, chat))["unread"] for chat in chats] == [
            2,
            4,
            0,
        ]
        assert await test_queries.day_counts_vs_messages(db) == []
    finally:
        await db.close()

    client = await make_client(database_url=blank_database)
    listed = await (await client.get(f"/chats/{chats[0]}/messages")).json()
    assert {m["id"]: m["is_read"] for m in listed} == {
        message: index < 2 for index, message in enumerate(ids[chats[0]])
    }
    stats = await (await client.get(f"/chats/{chats[1]}/stats")).json()
    assert stats["per_day"] == [
        {"date": "2026-01-01", "count": 2},
        {"date": "2026-01-02", "count": 1},
        {"date": "2026-01-05", "count": 1},
    ]
    posted = await client.post(f"/chats/{chats[2]}/messages", json={"text": "new"})
    assert (await posted.json())["is_read"] is False
    opened = await (await client.get(f"/chats/{chats[2]}")).json()
    assert opened["chat"]["unread_count"] == 1
