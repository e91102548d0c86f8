"""POST /chats/{chat_id}/messages/bulk: up to 1,000 messages, all or nothing."""

import asyncio

import asyncpg

from tests.support.api import Client, create_chat, post_message
from tests.support.sql import Statements


async def test_bulk_creates_all_in_order_and_counts(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    await post_message(client, chat["id"], "before")
    texts = [f"  bulk {n}  " for n in range(1000)]
    response = await client.post(
        f"/chats/{chat['id']}/messages/bulk", json={"messages": [{"text": t} for t in texts]}
    )
    assert response.status == 201
    created = await response.json()
    assert [m["text"] for m in created] == [t.strip() for t in texts]
    assert [m["id"] for m in created] == sorted(m["id"] for m in created)
    assert all(m["chat_id"] == chat["id"] for m in created)
    opened = await (await client.get(f"/chats/{chat['id']}?limit=1")).json()
    assert opened["chat"]["message_count"] == 1001
    assert opened["messages"][0]["id"] == created[-1]["id"]
    assert await test_queries.count_messages(db, chat["id"]) == 1001


async def test_one_bad_item_stores_nothing_and_names_the_item(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    items = [{"text": "fine"}] * 3 + [{"text": "   "}] + [{"text": "fine"}]
    response = await client.post(f"/chats/{chat['id']}/messages/bulk", json={"messages": items})
    assert response.status == 422
    [issue] = (await response.json())["detail"]
    assert issue["loc"] == ["body", "messages", 3, "text"]
    assert await test_queries.count_messages(db, chat["id"]) == 0


async def test_bulk_limits_and_missing_chat(client: Client) -> None:
    chat = await create_chat(client)
    url = f"/chats/{chat['id']}/messages/bulk"
    too_many = await client.post(url, json={"messages": [{"text": "x"}] * 1001})
    assert too_many.status == 422
    assert (await client.post(url, json={"messages": []})).status == 422
    assert (await client.post(url, json={"text": "not a list"})).status == 422
    missing = await client.post("/chats/5151/messages/bulk", json={"messages": [{"text": "x"}]})
    assert missing.status == 404
    assert (await missing.json())["detail"] == "Chat with id=5151 not found"


async def test_bulk_and_single_posts_at_once_keep_count_exact(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    url = f"/chats/{chat['id']}/messages"
    await asyncio.gather(
        *(client.post(f"{url}/bulk", json={"messages": [{"text": "b"}] * 50}) for _ in range(5)),
        *(client.post(url, json={"text": "s"}) for _ in range(25)),
    )
    opened = await (await client.get(f"/chats/{chat['id']}")).json()
    assert opened["chat"]["message_count"] == 275
    assert await test_queries.count_messages(db, chat["id"]) == 275
