"""Many clients at once: counts stay exact and a deleted chat keeps no messages."""

import asyncio

import asyncpg

from tests.support.api import Client, create_chat
from tests.support.sql import Statements


async def test_fifty_concurrent_posts_are_all_counted(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    responses = await asyncio.gather(
        *(client.post(f"/chats/{chat['id']}/messages", json={"text": f"m{n}"}) for n in range(50))
    )
    assert [response.status for response in responses] == [201] * 50
    ids = {(await response.json())["id"] for response in responses}
    assert len(ids) == 50

    assert await test_queries.count_messages(db, chat["id"]) == 50
    body = await (await client.get(f"/chats/{chat['id']}")).json()
    assert body["chat"]["message_count"] == 50


async def test_deleting_a_chat_while_others_post_leaves_nothing_behind(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    url = f"/chats/{chat['id']}/messages"

    async def poster(n: int) -> list[int]:
        # Posts until the chat is gone (bounded, in case the delete never lands).
        statuses: list[int] = []
        while len(statuses) < 500 and 404 not in statuses:
            response = await client.post(url, json={"text": f"{n}-{len(statuses)}"})
            statuses.append(response.status)
            await response.release()
        return statuses

    async def deleter() -> int:
        await asyncio.sleep(0.1)
        response = await client.delete(f"/chats/{chat['id']}")
        return response.status

    deletion = asyncio.create_task(deleter())
    posted = await asyncio.gather(*(poster(n) for n in range(10)))
    deleted = await deletion
    statuses = [status for batch in posted for status in batch]
    assert deleted == 204
    assert set(statuses) <= {201, 404}
    assert statuses.count(201) > 0, "posts were arriving before the delete"
    assert all(batch[-1] == 404 for batch in posted), "every poster saw the chat disappear"
    assert await test_queries.count_messages(db, chat["id"]) == 0
    assert await test_queries.count_orphan_messages(db) == 0


async def test_counts_stay_exact_across_chats_under_concurrency(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chats = [await create_chat(client, f"c{n}") for n in range(5)]
    await asyncio.gather(
        *(
            client.post(f"/chats/{chat['id']}/messages", json={"text": "x"})
            for chat in chats
            for _ in range(8)
        )
    )
    for listed in await (await client.get("/chats")).json():
        assert listed["message_count"] == 8
        assert await test_queries.count_messages(db, listed["id"]) == 8
