"""POST/GET/DELETE /chats: the chat half of the contract."""

from datetime import datetime

import asyncpg
import pytest

from tests.support.api import Client, create_chat, post_message
from tests.support.sql import Statements


def assert_utc_iso(value: str) -> None:
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None
    assert parsed.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


async def test_create_chat_returns_201_with_location_and_chat(client: Client) -> None:
    response = await client.post("/chats", json={"title": "Weekend plans"})
    assert response.status == 201
    assert response.content_type == "application/json"
    chat = await response.json()
    assert set(chat) == {
        "id",
        "title",
        "created_at",
        "message_count",
        "unread_count",
        "visibility",
        "member_count",
        "members_can_pin",
    }
    assert chat["title"] == "Weekend plans"
    assert chat["message_count"] == chat["unread_count"] == 0
    assert isinstance(chat["id"], int)
    assert_utc_iso(chat["created_at"])
    assert response.headers["Location"] == f"/chats/{chat['id']}"
    located = await client.get(response.headers["Location"])
    assert (await located.json())["chat"] == chat


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("  padded  ", "padded"),
        ("\tline one\nline two\n", "line one\nline two"),
        ("😀" * 200, "😀" * 200),
        ("x" * 200, "x" * 200),
        ("рабочий чат", "рабочий чат"),
        ("'; DROP TABLE chats; --", "'; DROP TABLE chats; --"),
    ],
)
async def test_title_is_trimmed_and_kept_verbatim(client: Client, given: str, stored: str) -> None:
    chat = await create_chat(client, given)
    assert chat["title"] == stored


async def test_unknown_fields_are_ignored(client: Client) -> None:
    response = await client.post("/chats", json={"title": "t", "id": 999, "owner": "x"})
    assert response.status == 201
    assert (await response.json())["id"] != 999


@pytest.mark.parametrize(
    ("body", "error_type"),
    [
        ({"title": ""}, "string_too_short"),
        ({"title": "   \n\t "}, "string_too_short"),
        ({"title": "x" * 201}, "string_too_long"),
        ({"title": " " + "x" * 201 + " "}, "string_too_long"),
        ({}, "missing"),
        ({"title": None}, "string_type"),
        ({"title": 42}, "string_type"),
        ({"title": ["a"]}, "string_type"),
        ({"title": "a\u0000b"}, "value_error"),
    ],
)
async def test_invalid_title_is_422_in_fastapi_shape(
    client: Client, body: dict[str, object], error_type: str
) -> None:
    response = await client.post("/chats", json=body)
    assert response.status == 422
    payload = await response.json()
    assert payload["code"] == "validation_error"
    [issue] = payload["detail"]
    assert issue["loc"] == ["body", "title"]
    assert issue["type"] == error_type
    assert issue["msg"]


async def test_lone_surrogate_is_422(client: Client) -> None:
    response = await client.post(
        "/chats", data=b'{"title": "\\ud800"}', headers={"Content-Type": "application/json"}
    )
    assert response.status == 422
    assert (await response.json())["detail"][0]["loc"] == ["body"]


async def test_list_chats_in_creation_order_with_paging(client: Client) -> None:
    ids = [(await create_chat(client, f"chat {n}"))["id"] for n in range(5)]
    everything = await (await client.get("/chats")).json()
    assert [chat["id"] for chat in everything] == ids
    page = await (await client.get("/chats?skip=1&limit=2")).json()
    assert [chat["id"] for chat in page] == ids[1:3]
    past_the_end = await (await client.get("/chats?skip=10")).json()
    assert past_the_end == []


async def test_list_chats_default_limit_is_100(client: Client) -> None:
    for n in range(101):
        await create_chat(client, f"c{n}")
    assert len(await (await client.get("/chats")).json()) == 100
    assert len(await (await client.get("/chats?limit=100&skip=100")).json()) == 1


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=-1",
        "skip=-1",
        "limit=abc",
        "skip=abc",
        "limit=",
        "skip=99999999999999999999",
        "limit=1&limit=2",
    ],
)
async def test_bad_list_parameters_are_422(client: Client, query: str) -> None:
    response = await client.get(f"/chats?{query}")
    assert response.status == 422
    [issue] = (await response.json())["detail"]
    assert issue["loc"][0] == "query"
    assert issue["loc"][1] == query.split("=")[0]


async def test_open_chat_shows_latest_messages_newest_first(client: Client) -> None:
    chat = await create_chat(client)
    posted = [await post_message(client, chat["id"], f"m{n}") for n in range(25)]
    response = await client.get(f"/chats/{chat['id']}")
    assert response.status == 200
    body = await response.json()
    assert body["chat"]["message_count"] == 25
    assert body["chat"]["id"] == chat["id"]
    # Default DEFAULT_MESSAGES_LIMIT is 20.
    assert [m["id"] for m in body["messages"]] == [m["id"] for m in reversed(posted)][:20]
    assert body["messages"][0] == posted[-1]

    limited = await (await client.get(f"/chats/{chat['id']}?limit=3")).json()
    assert [m["text"] for m in limited["messages"]] == ["m24", "m23", "m22"]


async def test_open_empty_chat(client: Client) -> None:
    chat = await create_chat(client)
    body = await (await client.get(f"/chats/{chat['id']}")).json()
    assert body == {"chat": chat, "messages": []}


@pytest.mark.parametrize("limit", ["0", "101", "x", "-5"])
async def test_open_chat_limit_out_of_range_is_422(client: Client, limit: str) -> None:
    chat = await create_chat(client)
    response = await client.get(f"/chats/{chat['id']}?limit={limit}")
    assert response.status == 422
    assert (await response.json())["detail"][0]["loc"] == ["query", "limit"]


async def test_message_limits_follow_settings(make_client: object) -> None:
    client = await make_client(default_messages_limit=2, max_messages_limit=3)  # type: ignore[operator]
    chat = await create_chat(client)
    for n in range(5):
        await post_message(client, chat["id"], f"m{n}")
    body = await (await client.get(f"/chats/{chat['id']}")).json()
    assert len(body["messages"]) == 2
    assert (await client.get(f"/chats/{chat['id']}?limit=3")).status == 200
    assert (await client.get(f"/chats/{chat['id']}?limit=4")).status == 422
    assert (await client.get(f"/chats/{chat['id']}/messages?limit=4")).status == 422
    assert len(await (await client.get(f"/chats/{chat['id']}/messages")).json()) == 3


async def test_missing_chat_is_404_naming_the_id(client: Client) -> None:
    response = await client.get("/chats/999")
    assert response.status == 404
    assert await response.json() == {
        "detail": "Chat with id=999 not found",
        "code": "chat_not_found",
        "request_id": response.headers["X-Request-ID"],
    }


async def test_delete_chat_cascades_to_messages(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"])
    other = await create_chat(client, "other")
    await post_message(client, other["id"])

    response = await client.delete(f"/chats/{chat['id']}")
    assert response.status == 204
    assert await response.read() == b""

    assert (await client.get(f"/chats/{chat['id']}")).status == 404
    assert (await client.get(f"/messages/{message['id']}")).status == 404
    assert await test_queries.count_messages(db, chat["id"]) == 0
    assert await test_queries.count_messages(db, other["id"]) == 1
    assert await test_queries.count_orphan_messages(db) == 0


async def test_delete_missing_chat_is_404(client: Client) -> None:
    response = await client.delete("/chats/12345")
    assert response.status == 404
    assert (await response.json())["detail"] == "Chat with id=12345 not found"
