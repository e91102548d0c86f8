"""`chat-api seed`: idempotent demo data, and bulk datasets through the one-statement path."""

import asyncio

import asyncpg
import pytest

from service.ops.cli import main
from service.ops.seed import DEMO_CHATS
from tests.support.api import Client
from tests.support.sql import Statements


async def counts(db: asyncpg.Connection, queries: Statements) -> dict[str, tuple[int, int]]:
    return {
        row["title"]: (row["message_count"], await queries.count_messages(db, row["id"]))
        for row in await queries.list_chat_counts(db)
    }


async def run_cli(monkeypatch: pytest.MonkeyPatch, database_url: str, *args: str) -> int:
    # The CLI runs its own event loop, so it gets a thread of its own.
    monkeypatch.setenv("DATABASE_URL", database_url)
    return await asyncio.to_thread(main, ["seed", *args])


async def test_demo_seed_is_idempotent(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    db: asyncpg.Connection,
    test_queries: Statements,
) -> None:
    assert await run_cli(monkeypatch, database_url) == 0
    first = await counts(db, test_queries)
    assert set(first) == set(DEMO_CHATS)
    for title, texts in DEMO_CHATS.items():
        assert first[title] == (len(texts), len(texts))
    assert await run_cli(monkeypatch, database_url) == 0
    assert await counts(db, test_queries) == first


async def test_bulk_seed_counts_exactly(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    db: asyncpg.Connection,
    test_queries: Statements,
) -> None:
    monkeypatch.setattr("service.ops.seed.BATCH_ROWS", 7)  # several batches, one ending mid-chat
    assert await run_cli(monkeypatch, database_url, "--chats", "4", "--messages", "5") == 0
    seeded = await counts(db, test_queries)
    assert seeded == {f"Chat {n}": (5, 5) for n in range(1, 5)}


async def test_seeded_chats_are_served(
    monkeypatch: pytest.MonkeyPatch, database_url: str, client: Client
) -> None:
    assert await run_cli(monkeypatch, database_url, "--chats", "2", "--messages", "3") == 0
    chats = await (await client.get("/chats")).json()
    assert [chat["message_count"] for chat in chats] == [3, 3]
    opened = await (await client.get(f"/chats/{chats[0]['id']}")).json()
    assert [m["text"] for m in opened["messages"]] == ["Message 3", "Message 2", "Message 1"]


@pytest.mark.parametrize("args", [["--messages", "5"], ["--chats", "0"], ["--chats", "x"]])
def test_bad_seed_arguments_are_usage_errors(args: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["seed", *args])
    assert exit_info.value.code == 2
