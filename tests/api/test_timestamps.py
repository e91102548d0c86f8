"""Every path writes a point in time the same way: 2026-01-15T10:30:00.123456Z, or without the
fraction on a whole second. Documents the
database builds (api_time() in SQL) and answers the service serialises itself must agree, or
a client comparing a message from two endpoints would see two different strings."""

import json
import re
from datetime import datetime, timedelta, timezone

import asyncpg
import pytest

from service.domain.chats import ChatWithMessages
from service.domain.messages import MessageList
from tests.support.api import Client, create_chat, post_message
from tests.support.sql import Statements

API_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z")


@pytest.mark.parametrize(
    ("microsecond", "fraction"), [(0, ""), (5, ".000005"), (120000, ".120000")]
)
async def test_times_read_the_same_on_every_path(
    client: Client,
    db: asyncpg.Connection,
    test_queries: Statements,
    microsecond: int,
    fraction: str,
) -> None:
    chat = await create_chat(client)
    moscow = timezone(timedelta(hours=3))
    moment = datetime(2026, 1, 1, 0, 0, 0, microsecond, tzinfo=moscow)
    message_id = await test_queries.insert_message_at(db, chat["id"], moment)
    expected = f"2025-12-31T21:00:00{fraction}Z"

    opened = await (await client.get(f"/chats/{chat['id']}")).json()
    listed = await (await client.get(f"/chats/{chat['id']}/messages")).json()
    single = await (await client.get(f"/messages/{message_id}")).json()
    stats = await (await client.get(f"/chats/{chat['id']}/stats")).json()
    assert opened["messages"][0]["created_at"] == expected
    assert listed[0]["created_at"] == expected
    assert single["created_at"] == expected
    assert stats["first_message_at"] == stats["last_message_at"] == expected


async def test_the_same_message_reads_the_same_on_every_path(client: Client) -> None:
    chat = await create_chat(client)
    posted = await post_message(client, chat["id"], "hello")
    bulk = await client.post(
        f"/chats/{chat['id']}/messages/bulk", json={"messages": [{"text": "more"}]}
    )
    [bulk_posted] = await bulk.json()

    opened = await (await client.get(f"/chats/{chat['id']}")).json()
    listed = await (await client.get(f"/chats/{chat['id']}/messages")).json()
    assert opened["messages"] == listed == [bulk_posted, posted]
    assert await (await client.get(f"/messages/{posted['id']}")).json() == posted
    assert opened["chat"] == {**chat, "message_count": 2, "unread_count": 2}
    [listed_chat] = [c for c in await (await client.get("/chats")).json() if c["id"] == chat["id"]]
    assert listed_chat == opened["chat"]
    for moment in (chat["created_at"], posted["created_at"], bulk_posted["created_at"]):
        assert API_TIME.fullmatch(moment), moment


async def test_documents_built_by_the_database_match_the_response_models(client: Client) -> None:
    chat = await create_chat(client)
    for n in range(3):
        await post_message(client, chat["id"], f"m{n}")
    opened = await (await client.get(f"/chats/{chat['id']}")).read()
    listed = await (await client.get(f"/chats/{chat['id']}/messages")).read()
    # Served without a round trip through the models: read back and written again by them,
    # nothing may change (no missing or extra keys, the same time format).
    model = ChatWithMessages.model_validate_json(opened)
    assert model.model_dump(mode="json") == json.loads(opened)
    assert len(model.messages) == 3
    assert MessageList.model_validate_json(listed).model_dump(mode="json") == json.loads(listed)
