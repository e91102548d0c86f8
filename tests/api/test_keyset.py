"""Keyset paging (before_id / after_id) on chat and message lists: newest-first order kept,
no gaps or repeats while others post."""

import asyncio
from datetime import datetime

import asyncpg
import pytest

from tests.support.api import Client, create_chat, post_message
from tests.support.sql import Statements


async def ids(client: Client, url: str) -> list[int]:
    response = await client.get(url)
    assert response.status == 200, await response.text()
    return [item["id"] for item in await response.json()]


async def test_before_id_pages_back_through_every_message(client: Client) -> None:
    chat = await create_chat(client)
    posted = [(await post_message(client, chat["id"], f"m{n}"))["id"] for n in range(23)]
    newest_first = posted[::-1]
    url = f"/chats/{chat['id']}/messages"

    first = await ids(client, f"{url}?limit=5")
    assert first == newest_first[:5]
    second = await ids(client, f"{url}?limit=5&before_id={first[-1]}")
    assert second == newest_first[5:10]
    skipping = await ids(client, f"{url}?limit=5&before_id={first[-1]}&skip=2")
    assert skipping == newest_first[7:12]
    assert await ids(client, f"{url}?before_id={newest_first[-1]}") == []


async def test_after_id_returns_the_messages_right_after_newest_first(client: Client) -> None:
    chat = await create_chat(client)
    posted = [(await post_message(client, chat["id"], f"m{n}"))["id"] for n in range(10)]
    url = f"/chats/{chat['id']}/messages"
    assert await ids(client, f"{url}?after_id={posted[2]}&limit=3") == [
        posted[5],
        posted[4],
        posted[3],
    ]
    assert await ids(client, f"{url}?after_id={posted[-1]}") == []


async def test_paging_while_others_post_has_no_gaps_or_repeats(client: Client) -> None:
    chat = await create_chat(client)
    for n in range(30):
        await post_message(client, chat["id"], f"old {n}")
    url = f"/chats/{chat['id']}/messages"
    stop = asyncio.Event()

    async def keep_posting() -> int:
        count = 0
        while not stop.is_set() and count < 500:
            response = await client.post(url, json={"text": f"new {count}"})
            assert response.status == 201
            count += 1
        return count

    posters = [asyncio.create_task(keep_posting()) for _ in range(3)]
    await asyncio.sleep(0.05)
    seen: list[int] = []
    page = await ids(client, f"{url}?limit=4")
    while page:
        seen.extend(page)
        page = await ids(client, f"{url}?limit=4&before_id={page[-1]}")
    stop.set()
    newer = sum(await asyncio.gather(*posters))
    assert newer > 0
    assert len(seen) == len(set(seen)), "no repeats"
    assert seen == sorted(seen, reverse=True)

    everything = await ids(client, f"{url}?limit=100")
    everything += await ids(client, f"{url}?limit=100&before_id={everything[-1]}")
    everything += await ids(client, f"{url}?limit=100&before_id={everything[-1]}")
    older_than_first = [message_id for message_id in everything if message_id <= seen[0]]
    assert seen == older_than_first, "no gaps"


async def test_catching_up_with_after_id_misses_nothing(client: Client) -> None:
    chat = await create_chat(client)
    url = f"/chats/{chat['id']}/messages"
    last = (await post_message(client, chat["id"], "start"))["id"]
    posted = [(await post_message(client, chat["id"], f"m{n}"))["id"] for n in range(12)]
    collected: list[int] = []
    while page := await ids(client, f"{url}?after_id={last}&limit=5"):
        collected.extend(reversed(page))
        last = page[0]
    assert collected == posted


@pytest.mark.parametrize("parameter", ["before_id", "after_id"])
async def test_anchor_must_be_a_message_of_this_chat(client: Client, parameter: str) -> None:
    chat = await create_chat(client)
    other = await create_chat(client, "other")
    foreign = await post_message(client, other["id"])
    for anchor in [foreign["id"], 987654321]:
        response = await client.get(f"/chats/{chat['id']}/messages?{parameter}={anchor}")
        assert response.status == 404
        body = await response.json()
        assert body["code"] == "message_not_found"
        assert body["detail"] == f"Message with id={anchor} not found in chat with id={chat['id']}"


@pytest.mark.parametrize("query", ["before_id=0", "after_id=-1", "before_id=x", "after_id="])
async def test_bad_keyset_parameters_are_422(client: Client, query: str) -> None:
    chat = await create_chat(client)
    for url in ["/chats", f"/chats/{chat['id']}/messages"]:
        response = await client.get(f"{url}?{query}")
        assert response.status == 422, url


async def test_after_and_before_together_give_the_items_between(client: Client) -> None:
    chat = await create_chat(client)
    posted = [(await post_message(client, chat["id"], f"m{n}"))["id"] for n in range(10)]
    url = f"/chats/{chat['id']}/messages"
    between = await ids(client, f"{url}?after_id={posted[1]}&before_id={posted[8]}&limit=3")
    assert between == [posted[4], posted[3], posted[2]]
    everything = await ids(client, f"{url}?after_id={posted[1]}&before_id={posted[8]}")
    assert everything == posted[2:8][::-1]
    assert await ids(client, f"{url}?after_id={posted[8]}&before_id={posted[1]}") == []
    missing = await client.get(f"{url}?after_id={posted[1]}&before_id=987654321")
    assert missing.status == 404
    assert "987654321" in (await missing.json())["detail"]

    chats = [(await create_chat(client, f"c{n}"))["id"] for n in range(5)]
    assert await ids(client, f"/chats?after_id={chats[0]}&before_id={chats[4]}") == chats[1:4]


async def test_keyset_on_missing_chat_is_404(client: Client) -> None:
    response = await client.get("/chats/4040/messages?before_id=1")
    assert response.status == 404


async def test_chat_list_keyset_in_creation_order(client: Client) -> None:
    created = [(await create_chat(client, f"c{n}"))["id"] for n in range(9)]
    assert await ids(client, f"/chats?after_id={created[2]}&limit=3") == created[3:6]
    assert await ids(client, f"/chats?before_id={created[6]}&limit=3") == created[3:6]
    assert await ids(client, f"/chats?before_id={created[0]}") == []
    assert await ids(client, f"/chats?after_id={created[-1]}") == []


async def test_concurrent_posts_keep_id_and_time_order_within_a_chat(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    await asyncio.gather(
        *(client.post(f"/chats/{chat['id']}/messages", json={"text": str(n)}) for n in range(40))
    )
    messages = await (await client.get(f"/chats/{chat['id']}/messages")).json()
    assert [m["id"] for m in messages] == sorted((m["id"] for m in messages), reverse=True)
    stamps = [datetime.fromisoformat(m["created_at"]) for m in messages]
    assert stamps == sorted(stamps, reverse=True)
    assert len(set(stamps)) == len(stamps)
    assert await test_queries.count_messages(db, chat["id"]) == 40
