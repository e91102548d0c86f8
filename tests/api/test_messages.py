"""POST /chats/{id}/messages, GET /chats/{id}/messages, GET /messages/{id}."""

import asyncpg
import pytest

from tests.support.api import Client, create_chat, post_message
from tests.support.sql import Statements


async def test_post_message_returns_201_with_location(client: Client) -> None:
    chat = await create_chat(client)
    response = await client.post(f"/chats/{chat['id']}/messages", json={"text": "  Hello!  "})
    assert response.status == 201
    message = await response.json()
    assert set(message) == {
        "id",
        "chat_id",
        "text",
        "created_at",
        "is_read",
        "author",
        "edited_at",
        "reply_to",
        "thread_id",
        "thread",
        "reactions",
        "pinned_at",
        "mentions",
        "deleted",
    }
    assert message["author"] is None, "no author while authentication is off"
    assert message["is_read"] is False
    assert message["text"] == "Hello!"
    assert message["chat_id"] == chat["id"]
    assert response.headers["Location"] == f"/messages/{message['id']}"
    assert await (await client.get(response.headers["Location"])).json() == message


async def test_post_updates_message_count(client: Client) -> None:
    chat = await create_chat(client)
    for _ in range(3):
        await post_message(client, chat["id"])
    body = await (await client.get(f"/chats/{chat['id']}")).json()
    assert body["chat"]["message_count"] == 3
    listed = await (await client.get("/chats")).json()
    assert listed[0]["message_count"] == 3


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("x" * 5000, "x" * 5000),
        ("\n  first\n\nsecond  \n", "first\n\nsecond"),
        ("💬" * 5000, "💬" * 5000),
        ("SELECT * FROM messages; --", "SELECT * FROM messages; --"),
    ],
)
async def test_text_is_trimmed_and_kept_verbatim(client: Client, text: str, stored: str) -> None:
    chat = await create_chat(client)
    assert (await post_message(client, chat["id"], text))["text"] == stored


@pytest.mark.parametrize(
    ("body", "error_type"),
    [
        ({"text": ""}, "string_too_short"),
        ({"text": " \n "}, "string_too_short"),
        ({"text": "x" * 5001}, "string_too_long"),
        ({}, "missing"),
        ({"text": 5}, "string_type"),
        ({"text": "nul\u0000"}, "value_error"),
    ],
)
async def test_invalid_text_is_422(
    client: Client, body: dict[str, object], error_type: str
) -> None:
    chat = await create_chat(client)
    response = await client.post(f"/chats/{chat['id']}/messages", json=body)
    assert response.status == 422
    [issue] = (await response.json())["detail"]
    assert (issue["loc"], issue["type"]) == (["body", "text"], error_type)


async def test_post_into_missing_chat_is_404(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    response = await client.post("/chats/4242/messages", json={"text": "anyone?"})
    assert response.status == 404
    assert await response.json() == {
        "detail": "Chat with id=4242 not found",
        "code": "chat_not_found",
        "request_id": response.headers["X-Request-ID"],
    }
    assert await test_queries.count_messages(db, 4242) == 0


async def test_list_messages_newest_first_with_paging(client: Client) -> None:
    chat = await create_chat(client)
    posted = [await post_message(client, chat["id"], f"m{n}") for n in range(7)]
    newest_first = [m["id"] for m in reversed(posted)]
    everything = await (await client.get(f"/chats/{chat['id']}/messages")).json()
    assert [m["id"] for m in everything] == newest_first
    page = await (await client.get(f"/chats/{chat['id']}/messages?skip=2&limit=3")).json()
    assert [m["id"] for m in page] == newest_first[2:5]
    assert await (await client.get(f"/chats/{chat['id']}/messages?skip=7")).json() == []


async def test_list_messages_of_empty_and_missing_chat(client: Client) -> None:
    chat = await create_chat(client)
    assert await (await client.get(f"/chats/{chat['id']}/messages")).json() == []
    missing = await client.get("/chats/777/messages")
    assert missing.status == 404
    assert (await missing.json())["detail"] == "Chat with id=777 not found"


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "skip=-1", "limit=abc", "skip=1.5"])
async def test_bad_message_list_parameters_are_422(client: Client, query: str) -> None:
    chat = await create_chat(client)
    response = await client.get(f"/chats/{chat['id']}/messages?{query}")
    assert response.status == 422


async def test_equal_timestamps_never_reorder_or_repeat_across_pages(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    await test_queries.insert_simultaneous_messages(db, chat["id"], 25)
    everything = await (await client.get(f"/chats/{chat['id']}/messages")).json()
    assert len({m["created_at"] for m in everything}) == 1
    ids = [m["id"] for m in everything]
    assert ids == sorted(ids, reverse=True)

    paged: list[int] = []
    for skip in range(0, 25, 4):
        page = await (await client.get(f"/chats/{chat['id']}/messages?skip={skip}&limit=4")).json()
        paged.extend(m["id"] for m in page)
    assert paged == ids

    latest = await (await client.get(f"/chats/{chat['id']}?limit=5")).json()
    assert [m["id"] for m in latest["messages"]] == ids[:5]
    assert latest["chat"]["message_count"] == 25


async def test_get_message(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"], "find me")
    response = await client.get(f"/messages/{message['id']}")
    assert response.status == 200
    assert await response.json() == message


async def test_missing_message_is_404_naming_the_id(client: Client) -> None:
    response = await client.get("/messages/31337")
    assert response.status == 404
    body = await response.json()
    assert (body["detail"], body["code"]) == (
        "Message with id=31337 not found",
        "message_not_found",
    )
