"""Reactions, pins and thread replies on the live feeds: each change an event of the chat's
feed and of its members' user feeds, in order, and resumable from where a client stopped."""

import asyncio
from typing import Any

from service.api.appkeys import AUTHENTICATOR
from service.auth.keys import ApiKeys
from tests.support.api import Client, MakeClient, bearer, create_chat, post_message
from tests.support.feeds import read_events

THUMBS = "%F0%9F%91%8D"  # 👍


async def _changes(client: Client, chat_id: int, message_id: int, **headers: str) -> Any:
    """React, take it back, pin, unpin, reply in the thread: the events that should follow."""
    root = f"/messages/{message_id}"
    assert (await client.put(f"{root}/reactions/{THUMBS}", headers=headers)).status == 201
    assert (await client.delete(f"{root}/reactions/{THUMBS}", headers=headers)).status == 204
    assert (await client.put(f"/chats/{chat_id}/pins/{message_id}", headers=headers)).status == 201
    unpinned = await client.delete(f"/chats/{chat_id}/pins/{message_id}", headers=headers)
    assert unpinned.status == 204
    answer = await client.post(
        f"/chats/{chat_id}/messages",
        json={"text": "in the thread", "thread_id": message_id},
        headers=headers,
    )
    assert answer.status == 201
    return await answer.json()


EXPECTED = ["reaction_added", "reaction_removed", "message_pinned", "message_unpinned", "message"]


async def test_the_chat_feed_carries_them_in_order_and_resumes(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"])
    async with client.get(f"/chats/{chat['id']}/events") as stream:
        await asyncio.sleep(0.2)
        reply = await _changes(client, chat["id"], message["id"])
        events = await read_events(stream, len(EXPECTED))
    assert [name for name, _, _ in events] == EXPECTED
    ids = [int(event_id) for _, event_id, _ in events]
    assert ids == sorted(ids)
    added = events[0][2]
    assert added == {
        "chat_id": chat["id"],
        "message_id": message["id"],
        "emoji": "👍",
        "user_id": None,
        "count": 1,
    }
    assert events[1][2]["count"] == 0
    assert events[2][2]["pinned_at"] is not None
    assert events[4][2] == reply
    assert reply["thread_id"] == message["id"]

    # A client that had only the first event gets the rest, in the same order.
    resume = {"Last-Event-ID": events[0][1]}
    async with client.get(f"/chats/{chat['id']}/events", headers=resume) as stream:
        again = await read_events(stream, len(EXPECTED) - 1)
    assert [(name, event_id) for name, event_id, _ in again] == [
        (name, event_id) for name, event_id, _ in events[1:]
    ]


async def test_the_members_user_feeds_carry_them_and_resume(make_client: MakeClient) -> None:
    client = await make_client(auth_mode="api_key")
    keys: ApiKeys = client.app[AUTHENTICATOR]  # type: ignore[assignment]
    ann = bearer((await keys.create(name="ann", scopes=["read", "write"]))[0])
    bob = bearer((await keys.create(name="bob", scopes=["read", "write"]))[0])
    created = await client.post("/chats", json={"title": "t"}, headers=ann)
    chat_id = (await created.json())["id"]
    assert (
        await client.put(f"/chats/{chat_id}/members/bob", json={"role": "member"}, headers=ann)
    ).status == 201
    posted = await client.post(f"/chats/{chat_id}/messages", json={"text": "hi"}, headers=ann)
    message_id = (await posted.json())["id"]
    async with client.get("/me/events", headers=bob) as stream:
        [(first, _, _)] = await read_events(stream, 1)
        assert first == "cursor"
        await _changes(client, chat_id, message_id, **ann)
        events = await read_events(stream, len(EXPECTED))
    assert [name for name, _, _ in events] == EXPECTED
    assert events[0][2]["user_id"] == "ann"
    assert events[0][2]["chat_id"] == chat_id
    assert events[4][2]["thread_id"] == message_id

    async with client.get("/me/events", headers={**bob, "Last-Event-ID": events[1][1]}) as stream:
        again = await read_events(stream, len(EXPECTED) - 2)
    assert [name for name, _, _ in again] == EXPECTED[2:]
