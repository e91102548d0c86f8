"""What a big table must not break: search plans that cannot flip to a scan, read markers
that never rewrite messages, and a chat delete that no statement timeout can cancel."""

import os
from typing import Any

import asyncpg
import pytest

from service.data.base import CUSTOM_PLAN
from service.data.sql import Queries
from service.db.gate import Gate
from tests.support.api import Client, MakeClient, create_chat
from tests.support.sql import Statements

# Hundreds of thousands of rows per test.
pytestmark = pytest.mark.slow

SEARCHES = 12  # more than the five runs after which PostgreSQL may choose a generic plan


async def _explain_everything(connection: asyncpg.Connection) -> None:
    """auto_explain sends the plan of every statement run on this connection as a notice."""
    await connection.execute("LOAD 'auto_explain'")
    await connection.execute("SET auto_explain.log_min_duration = 0")
    await connection.execute("SET auto_explain.log_level = 'notice'")


# asyncpg warns about the plan listener before the pool's reset hook can remove it.
@pytest.mark.filterwarnings("ignore:.*active log listener:asyncpg.InterfaceWarning")
async def test_title_searches_keep_their_trigram_plan_on_every_run(
    database_url: str, db: asyncpg.Connection, app_queries: Queries, test_queries: Statements
) -> None:
    if not await db.fetchval("SELECT to_regclass('chats_title_trgm_idx') IS NOT NULL"):
        if os.environ.get("CI"):
            pytest.fail("CI's PostgreSQL must have pg_trgm")
        pytest.skip("this PostgreSQL has no pg_trgm (the pgserver wheel): no index to keep")
    await test_queries.insert_chats_series(db, 120_000)
    await db.execute("ANALYZE chats")
    plans: list[str] = []

    def collect(_connection: object, message: Any) -> None:
        plans.append(str(message.message))

    async def listen(connection: asyncpg.Connection) -> None:
        connection.add_log_listener(collect)

    async def stop_listening(connection: asyncpg.Connection) -> None:
        connection.remove_log_listener(collect)

    pool = await asyncpg.create_pool(
        database_url,
        min_size=1,
        max_size=1,
        init=_explain_everything,
        setup=listen,
        reset=stop_listening,
    )
    try:
        # The path the service takes (DataModule._search): one pooled connection, so the same
        # prepared statement runs every time.
        gate = Gate(
            pool,
            app_queries.session,
            acquire_timeout=5,
            statement_timeout_ms=5000,
            per_transaction=False,
        )
        searches: list[tuple[str, tuple[Any, ...]]] = [
            ("search_chats_forward", (0, 2**63 - 1, "chat 11999", 0, 20, None, False)),
            ("search_chats_backward", (2**63 - 1, "chat 11999", 0, 20, None, False)),
        ]
        for name, args in searches:
            query = getattr(app_queries.chats, name)

            async def search(connection: asyncpg.Connection) -> Any:
                return await query(connection, *args)  # noqa: B023 - awaited in this iteration

            for _ in range(SEARCHES):
                plans.clear()
                document = await gate.run(search, CUSTOM_PLAN)
                assert "chat 11999" in document
                search_plans = [
                    plan
                    for plan in plans
                    if "chats_title_trgm_idx" in plan or "Scan on chats" in plan
                ]
                assert search_plans, plans
                assert all("chats_title_trgm_idx" in plan for plan in search_plans), search_plans
    finally:
        await pool.close()


async def test_marking_read_writes_no_message_row(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    await test_queries.insert_messages_series(db, chat["id"], 2000)
    before = await test_queries.message_versions(db, chat["id"])
    response = await client.post(f"/chats/{chat['id']}/read", json={"up_to_id": before[-1]["id"]})
    assert await response.json() == {"updated": 2000, "unread_count": 0}
    assert await test_queries.message_versions(db, chat["id"]) == before
    listed = await (await client.get(f"/chats/{chat['id']}/messages", params={"limit": "5"})).json()
    assert all(message["is_read"] for message in listed)


async def test_deleting_a_chat_has_its_own_timeout(
    make_client: MakeClient, db: asyncpg.Connection, test_queries: Statements
) -> None:
    # Every other statement is cut off after 20 ms, which a delete of this chat outlasts.
    client = await make_client(db_statement_timeout=0.02)
    big = await create_chat(client, "big")
    await test_queries.insert_messages_series(db, big["id"], 60_000)
    assert (await client.delete(f"/chats/{big['id']}")).status == 204
    assert await test_queries.count_messages(db, big["id"]) == 0

    # The delete's timeout is DB_DELETE_TIMEOUT: set below what this delete needs, it stops it.
    short = await make_client(db_delete_timeout=0.02)
    other = await create_chat(short, "big too")
    await test_queries.insert_messages_series(db, other["id"], 60_000)
    response = await short.delete(f"/chats/{other['id']}")
    assert response.status == 503
    assert await test_queries.count_messages(db, other["id"]) == 60_000, "nothing half-deleted"


async def _explain_generic_plans(connection: asyncpg.Connection) -> None:
    """As _explain_everything, with every prepared statement on its generic plan (what
    PostgreSQL may choose after five runs)."""
    await _explain_everything(connection)
    await connection.execute("SET plan_cache_mode = force_generic_plan")


@pytest.mark.filterwarnings("ignore:.*active log listener:asyncpg.InterfaceWarning")
async def test_event_log_reads_use_the_xid_index_on_their_generic_plan(
    database_url: str,
    client: Client,
    db: asyncpg.Connection,
    app_queries: Queries,
    test_queries: Statements,
) -> None:
    chat = await create_chat(client)
    await test_queries.insert_messages_series(db, chat["id"], 100_000)  # 100,000 logged events
    await db.execute("ANALYZE event_log")
    plans: list[str] = []
    connection = await asyncpg.connect(database_url)
    try:
        await _explain_generic_plans(connection)
        connection.add_log_listener(lambda _connection, message: plans.append(message.message))
        snapshot = await app_queries.events.current_snapshot(connection)
        for _ in range(2):  # the first run prepares; both must read by xid
            await app_queries.events.list_user_events(connection, "ann", snapshot, None, 0, 100)
            await app_queries.events.list_log_changes(connection, snapshot)
        reads = [plan for plan in plans if "on event_log " in plan]
        assert len(reads) == 4, plans
        assert all("event_log_xid_idx" in plan for plan in reads), reads
        assert not any("Index Scan using event_log_pkey" in plan for plan in reads), reads
    finally:
        await connection.close()
