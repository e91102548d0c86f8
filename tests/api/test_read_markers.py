"""Read markers: is_read on messages, POST /chats/{chat_id}/read, and an exact unread_count."""

import asyncio
from typing import Any

import asyncpg
import pytest

from tests.support.api import Client, create_chat, post_message
from tests.support.sql import Statements


async def _mark(client: Client, chat_id: int, up_to_id: int) -> dict[str, Any]:
    response = await client.post(f"/chats/{chat_id}/read", json={"up_to_id": up_to_id})
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def _opened(client: Client, chat_id: int) -> dict[str, Any]:
    body: dict[str, Any] = await (await client.get(f"/chats/{chat_id}?limit=100")).json()
    return body


async def test_new_messages_are_unread_and_counted(client: Client) -> None:
    chat = await create_chat(client)
    posted = [await post_message(client, chat["id"], f"m{n}") for n in range(3)]
    assert [message["is_read"] for message in posted] == [False] * 3
    opened = await _opened(client, chat["id"])
    assert opened["chat"]["unread_count"] == opened["chat"]["message_count"] == 3
    [listed] = [c for c in await (await client.get("/chats")).json() if c["id"] == chat["id"]]
    assert listed["unread_count"] == 3


async def test_marks_up_to_the_id_inclusive_and_says_how_many(client: Client) -> None:
    chat = await create_chat(client)
    posted = [await post_message(client, chat["id"], f"m{n}") for n in range(5)]
    assert await _mark(client, chat["id"], posted[2]["id"]) == {"updated": 3, "unread_count": 2}

    opened = await _opened(client, chat["id"])
    read = {message["id"]: message["is_read"] for message in opened["messages"]}
    assert read == {m["id"]: index <= 2 for index, m in enumerate(posted)}
    assert opened["chat"]["unread_count"] == 2
    assert opened["chat"]["message_count"] == 5
    single = await (await client.get(f"/messages/{posted[0]['id']}")).json()
    assert single["is_read"] is True
    listed = await (await client.get(f"/chats/{chat['id']}/messages")).json()
    assert [m["is_read"] for m in listed] == [False, False, True, True, True]


async def test_marking_again_changes_nothing(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"])
    assert await _mark(client, chat["id"], message["id"]) == {"updated": 1, "unread_count": 0}
    assert await _mark(client, chat["id"], message["id"]) == {"updated": 0, "unread_count": 0}
    # An older bound than what is already read marks nothing either.
    assert await _mark(client, chat["id"], 1) == {"updated": 0, "unread_count": 0}


async def test_a_bound_past_every_message_marks_all_and_later_posts_stay_unread(
    client: Client,
) -> None:
    chat = await create_chat(client)
    for n in range(4):
        await post_message(client, chat["id"], f"m{n}")
    assert await _mark(client, chat["id"], 2**63 - 1) == {"updated": 4, "unread_count": 0}
    later = await post_message(client, chat["id"], "later")
    assert later["is_read"] is False
    assert (await _opened(client, chat["id"]))["chat"]["unread_count"] == 1


async def test_an_empty_chat_marks_nothing(client: Client) -> None:
    chat = await create_chat(client)
    assert await _mark(client, chat["id"], 1) == {"updated": 0, "unread_count": 0}


async def test_other_chats_are_untouched(client: Client) -> None:
    first, second = await create_chat(client, "first"), await create_chat(client, "second")
    older = await post_message(client, second["id"], "older, other chat")
    newer = await post_message(client, first["id"], "newer")
    assert await _mark(client, first["id"], newer["id"]) == {"updated": 1, "unread_count": 0}
    assert (await (await client.get(f"/messages/{older['id']}")).json())["is_read"] is False
    assert (await _opened(client, second["id"]))["chat"]["unread_count"] == 1


async def test_marking_changes_the_etag(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"])
    before = (await client.get(f"/chats/{chat['id']}")).headers["ETag"]
    await _mark(client, chat["id"], message["id"])
    answer = await client.get(f"/chats/{chat['id']}", headers={"If-None-Match": before})
    assert answer.status == 200
    assert answer.headers["ETag"] != before


async def test_unknown_chat_is_404(client: Client) -> None:
    for chat_id in ("999999", str(2**63), "0"):
        response = await client.post(f"/chats/{chat_id}/read", json={"up_to_id": 1})
        assert response.status == 404, chat_id
        body = await response.json()
        assert (body["code"], body["detail"]) == (
            "chat_not_found",
            f"Chat with id={chat_id} not found",
        )


async def test_a_whole_number_float_is_an_integer(client: Client) -> None:
    chat = await create_chat(client)
    first = await post_message(client, chat["id"])
    await post_message(client, chat["id"])
    response = await client.post(f"/chats/{chat['id']}/read", json={"up_to_id": float(first["id"])})
    assert response.status == 200
    assert await response.json() == {"updated": 1, "unread_count": 1}
    fraction = await client.post(f"/chats/{chat['id']}/read", json={"up_to_id": 1.5})
    [issue] = (await fraction.json())["detail"]
    assert (issue["loc"], issue["type"]) == (["body", "up_to_id"], "int_from_float")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"up_to_id": 0},
        {"up_to_id": -1},
        {"up_to_id": 2**63},
        {"up_to_id": "5"},
        {"up_to_id": 5.5},
        {"up_to_id": True},
        {"up_to_id": None},
        [],
        "5",
    ],
)
async def test_bad_bodies_are_422_and_mark_nothing(client: Client, body: object) -> None:
    chat = await create_chat(client)
    await post_message(client, chat["id"])
    response = await client.post(f"/chats/{chat['id']}/read", json=body)
    assert response.status == 422
    assert isinstance((await response.json())["detail"], list)
    assert (await _opened(client, chat["id"]))["chat"]["unread_count"] == 1


async def test_not_json_is_refused(client: Client) -> None:
    chat = await create_chat(client)
    broken = await client.post(
        f"/chats/{chat['id']}/read", data=b"{", headers={"Content-Type": "application/json"}
    )
    assert broken.status == 422
    wrong_type = await client.post(
        f"/chats/{chat['id']}/read", data=b"up_to_id=1", headers={"Content-Type": "text/plain"}
    )
    assert wrong_type.status == 415


async def test_counts_stay_exact_under_concurrent_posts_marks_and_bulk(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    chat_id = chat["id"]
    first = await post_message(client, chat_id, "first")

    async def post(n: int) -> None:
        await post_message(client, chat_id, f"p{n}")

    async def bulk() -> None:
        items = [{"text": f"b{n}"} for n in range(50)]
        response = await client.post(f"/chats/{chat_id}/messages/bulk", json={"messages": items})
        assert response.status == 201

    async def mark(offset: int) -> None:
        await _mark(client, chat_id, first["id"] + offset)

    work = [post(n) for n in range(30)] + [bulk() for _ in range(3)]
    work += [mark(offset) for offset in range(0, 200, 10)]
    await asyncio.gather(*work)

    counts = await test_queries.count_unread(db, chat_id)
    assert counts["message_count"] == counts["messages"] == 181
    assert counts["unread_count"] == counts["unread"]
    assert 0 <= counts["unread_count"] <= 181


async def test_deleting_a_chat_with_read_and_unread_messages(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    posted = [await post_message(client, chat["id"], f"m{n}") for n in range(4)]
    await _mark(client, chat["id"], posted[1]["id"])
    assert (await client.delete(f"/chats/{chat['id']}")).status == 204
    assert await test_queries.count_unread(db, chat["id"]) is None
    assert (await client.post(f"/chats/{chat['id']}/read", json={"up_to_id": 1})).status == 404


async def test_a_mark_that_waited_for_a_post_still_counts_it(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    """A post holding the chat row when the mark arrives commits first; the mark must count
    the new message as still unread (found by the benchmark: unread_count 0, one unread)."""
    chat = await create_chat(client)
    await post_message(client, chat["id"], "first")
    transaction = db.transaction()
    await transaction.start()
    await test_queries.insert_messages_series(db, chat["id"], 1)  # holds the chat row
    marking = asyncio.create_task(_mark(client, chat["id"], 10**12))
    await asyncio.sleep(0.3)
    await transaction.commit()
    marked = await marking
    counts = await test_queries.count_unread(db, chat["id"])
    assert counts["unread_count"] == counts["unread"]
    assert marked["unread_count"] == counts["unread"] == 0, "both messages existed: both read"
