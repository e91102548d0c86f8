"""Idempotency-Key on POST /chats/{chat_id}/messages: retries create nothing, enforced by the
database, so it holds across workers and restarts."""

import asyncio
from typing import Any

import asyncpg
import pytest

from service.ops.cli import main
from tests.support.api import Client, create_chat
from tests.support.sql import Statements


async def post(client: Client, chat_id: int, text: str, key: str) -> tuple[int, Any, str]:
    response = await client.post(
        f"/chats/{chat_id}/messages", json={"text": text}, headers={"Idempotency-Key": key}
    )
    return response.status, await response.json(), response.headers.get("Idempotent-Replayed", "")


async def test_retry_returns_the_original_answer_and_creates_nothing(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    first = await post(client, chat["id"], "pay the invoice", "key-1")
    assert first[0] == 201
    assert first[2] == "false"
    again = await post(client, chat["id"], "  pay the invoice ", "key-1")  # same after trimming
    assert again[0] == 201
    assert again[1] == first[1]
    assert again[2] == "true"
    assert await test_queries.count_messages(db, chat["id"]) == 1
    opened = await (await client.get(f"/chats/{chat['id']}")).json()
    assert opened["chat"]["message_count"] == 1


async def test_same_key_with_another_body_is_422(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    await post(client, chat["id"], "original", "key-2")
    status, body, _ = await post(client, chat["id"], "changed", "key-2")
    assert status == 422
    [issue] = body["detail"]
    assert issue["loc"] == ["header", "Idempotency-Key"]
    assert issue["type"] == "idempotency_key_reused"
    assert await test_queries.count_messages(db, chat["id"]) == 1


async def test_keys_are_per_chat_and_distinct_keys_create(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    first, second = await create_chat(client, "a"), await create_chat(client, "b")
    assert (await post(client, first["id"], "hi", "shared"))[2] == "false"
    assert (await post(client, second["id"], "hi", "shared"))[2] == "false"
    assert (await post(client, first["id"], "hi", "other"))[2] == "false"
    assert await test_queries.count_messages(db, first["id"]) == 2
    assert await test_queries.count_messages(db, second["id"]) == 1


async def test_simultaneous_retries_create_exactly_one_message(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    answers = await asyncio.gather(*(post(client, chat["id"], "once", "race") for _ in range(12)))
    assert {status for status, _, _ in answers} == {201}
    assert len({body["id"] for _, body, _ in answers}) == 1
    assert [replayed for _, _, replayed in answers].count("false") == 1
    assert await test_queries.count_messages(db, chat["id"]) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "ünï"])
async def test_malformed_keys_are_422(client: Client, key: str) -> None:
    chat = await create_chat(client)
    response = await client.post(
        f"/chats/{chat['id']}/messages", json={"text": "t"}, headers={"Idempotency-Key": key}
    )
    assert response.status == 422
    assert (await response.json())["detail"][0]["loc"] == ["header", "Idempotency-Key"]


async def test_keyed_post_into_missing_chat_is_404(client: Client) -> None:
    status, body, _ = await post(client, 8080, "t", "k")
    assert status == 404
    assert body["detail"] == "Chat with id=8080 not found"


async def test_prune_keeps_a_day_and_removes_older_keys(
    client: Client,
    db: asyncpg.Connection,
    test_queries: Statements,
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
) -> None:
    old, recent = await create_chat(client, "old"), await create_chat(client, "recent")
    await post(client, old["id"], "t", "k")
    await post(client, recent["id"], "t", "k")
    await test_queries.age_idempotency_keys(db, old["id"], 25)
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert await asyncio.to_thread(main, ["prune-keys"]) == 0
    assert await test_queries.count_idempotency_keys(db, old["id"]) == 0
    assert await test_queries.count_idempotency_keys(db, recent["id"]) == 1
    with pytest.raises(SystemExit):
        main(["prune-keys", "--older-than-hours", "1"])
