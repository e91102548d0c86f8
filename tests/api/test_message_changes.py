"""Edit and delete a message, reply to one, rename a chat: answers, errors, counters, caches,
who may do it, and what the live feeds say (also after a reconnect)."""

import asyncio
from typing import Any

import aiohttp
import asyncpg
import pytest

from service.api.appkeys import AUTHENTICATOR
from service.auth.keys import ApiKeys
from tests.support.api import Client, MakeClient, bearer, create_chat, post_message
from tests.support.feeds import read_events, receive
from tests.support.sql import Statements


async def _opened(client: Client, chat_id: int) -> dict[str, Any]:
    return dict(await (await client.get(f"/chats/{chat_id}")).json())


async def test_edit_a_message(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"], "helo")
    assert message["edited_at"] is None
    edited = await client.patch(f"/messages/{message['id']}", json={"text": "  hello  "})
    assert edited.status == 200
    body = await edited.json()
    assert body["text"] == "hello"
    assert body["edited_at"] is not None
    assert {k: v for k, v in body.items() if k not in ("text", "edited_at")} == {
        k: v for k, v in message.items() if k not in ("text", "edited_at")
    }
    assert await (await client.get(f"/messages/{message['id']}")).json() == body
    same = await (await client.patch(f"/messages/{message['id']}", json={"text": "hello"})).json()
    assert same == body, "the same text changes nothing, edited_at included"


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/messages/999999", {"text": "x"}, 404),
        ("/messages/0", {"text": "x"}, 404),
        (f"/messages/{2**63}", {"text": "x"}, 404),
        ("/messages/abc", {"text": "x"}, 422),
        ("/messages/{id}", {"text": "   "}, 422),
        ("/messages/{id}", {"text": "x" * 5001}, 422),
        ("/messages/{id}", {"text": "a\u0000b"}, 422),
        ("/messages/{id}", {}, 422),
    ],
)
async def test_edit_refusals_change_nothing(
    client: Client, path: str, body: dict[str, Any], status: int
) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"], "kept")
    answer = await client.patch(path.format(id=message["id"]), json=body)
    assert answer.status == status
    assert (await client.get(f"/messages/{message['id']}")).status == 200
    assert (await (await client.get(f"/messages/{message['id']}")).json())["text"] == "kept"


async def test_delete_a_message_keeps_every_count_exact(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    posted = [await post_message(client, chat["id"], f"m{n}") for n in range(5)]
    await client.post(f"/chats/{chat['id']}/read", json={"up_to_id": posted[2]["id"]})
    for message in (posted[0], posted[4]):  # one read, one unread
        assert (await client.delete(f"/messages/{message['id']}")).status == 204
        again = await client.delete(f"/messages/{message['id']}")
        assert (again.status, (await again.json())["code"]) == (404, "message_not_found")
    opened = await _opened(client, chat["id"])
    assert opened["chat"]["message_count"] == 3
    assert opened["chat"]["unread_count"] == 1
    assert await test_queries.count_messages(db, chat["id"]) == 3
    stats = await (await client.get(f"/chats/{chat['id']}/stats")).json()
    assert stats["message_count"] == 3
    assert sum(day["count"] for day in stats["per_day"]) == 3
    assert (await client.get(f"/messages/{posted[0]['id']}")).status == 404


async def test_replies(client: Client) -> None:
    chat, other = await create_chat(client), await create_chat(client)
    original = await post_message(client, chat["id"], "question")
    elsewhere = await post_message(client, other["id"], "elsewhere")
    url = f"/chats/{chat['id']}/messages"
    reply = await (
        await client.post(url, json={"text": "answer", "reply_to": original["id"]})
    ).json()
    assert reply["reply_to"] == original["id"]
    as_float = await client.post(url, json={"text": "again", "reply_to": float(original["id"])})
    assert (await as_float.json())["reply_to"] == original["id"]
    for bad in (elsewhere["id"], 999_999, 0, "1", 1.5):
        refused = await client.post(url, json={"text": "x", "reply_to": bad})
        assert refused.status == 422, bad
        assert (await refused.json())["detail"][0]["loc"] == ["body", "reply_to"]
    assert (
        await client.post("/chats/999999/messages", json={"text": "x", "reply_to": 1})
    ).status == 404
    assert (await client.delete(f"/messages/{original['id']}")).status == 204
    kept = await (await client.get(f"/messages/{reply['id']}")).json()
    assert (kept["text"], kept["reply_to"]) == ("answer", None)


async def test_an_idempotency_key_is_bound_to_the_reply_too(client: Client) -> None:
    chat = await create_chat(client)
    first = await post_message(client, chat["id"], "first")
    url = f"/chats/{chat['id']}/messages"
    headers = {"Idempotency-Key": "reply-1"}
    body = {"text": "answer", "reply_to": first["id"]}
    once = await client.post(url, json=body, headers=headers)
    again = await client.post(url, json=body, headers=headers)
    assert (await once.json()) == (await again.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await client.post(url, json={"text": "answer"}, headers=headers)
    assert other.status == 422


async def test_rename_a_chat(client: Client) -> None:
    chat = await create_chat(client, "old")
    renamed = await client.patch(f"/chats/{chat['id']}", json={"title": "  Новое имя  "})
    assert renamed.status == 200
    body = await renamed.json()
    assert body == {**chat, "title": "Новое имя"}
    assert (await _opened(client, chat["id"]))["chat"]["title"] == "Новое имя"
    for path, payload, status in [
        ("/chats/999999", {"title": "x"}, 404),
        (f"/chats/{chat['id']}", {"title": ""}, 422),
        (f"/chats/{chat['id']}", {"title": "x" * 201}, 422),
    ]:
        assert (await client.patch(path, json=payload)).status == status


async def test_caches_see_every_change(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"], "one")
    await post_message(client, chat["id"], "two")
    urls = [f"/chats/{chat['id']}", f"/chats/{chat['id']}/messages", "/chats"]

    async def etags() -> list[str]:
        return [(await client.get(url)).headers["ETag"] for url in urls]

    before = await etags()
    await client.patch(f"/messages/{message['id']}", json={"text": "uno"})
    edited = await etags()
    assert edited[:2] != before[:2]
    await client.patch(f"/chats/{chat['id']}", json={"title": "renamed"})
    renamed = await etags()
    assert renamed[0] != edited[0]
    assert renamed[2] != edited[2]
    await client.delete(f"/messages/{message['id']}")
    deleted = await etags()
    assert deleted[:3] != renamed[:3]
    stale = await client.get(urls[0], headers={"If-None-Match": before[0]})
    assert stale.status == 200


async def test_the_feeds_carry_every_change_and_replay_it_after_a_reconnect(
    client: Client,
) -> None:
    chat = await create_chat(client)
    first = await post_message(client, chat["id"], "first")
    async with (
        client.get(f"/chats/{chat['id']}/events") as stream,
        client.ws_connect(f"/chats/{chat['id']}/ws") as socket,
    ):
        await asyncio.sleep(0.2)
        second = await post_message(client, chat["id"], "second")
        await client.patch(f"/messages/{first['id']}", json={"text": "first, edited"})
        await client.delete(f"/messages/{second['id']}")
        await client.patch(f"/chats/{chat['id']}", json={"title": "renamed"})
        live = await read_events(stream, 4)
        frames = [await receive(socket) for _ in range(4)]
    assert [name for name, _, _ in live] == [
        "message",
        "message_edited",
        "message_deleted",
        "chat_renamed",
    ]
    ids = [int(event_id) for _, event_id, _ in live]
    assert ids == sorted(ids)
    assert ids[0] == second["id"]
    assert live[1][2]["text"] == "first, edited"
    assert live[1][2]["edited_at"] is not None
    assert live[2][2] == {"id": second["id"], "chat_id": chat["id"]}
    assert live[3][2] == {"chat_id": chat["id"], "title": "renamed"}
    assert [(f["event"], f["id"], f["data"]) for f in frames] == [
        (name, int(event_id), data) for name, event_id, data in live
    ]
    # Resuming after the first live event replays the rest, in the same order.
    headers = {"Last-Event-ID": str(ids[0])}
    async with client.get(f"/chats/{chat['id']}/events", headers=headers) as again:
        replayed = await read_events(again, 3)
    assert replayed == live[1:]
    # From an old message id (before any change): the changes it missed, not just messages.
    headers = {"Last-Event-ID": "0"}
    async with client.get(f"/chats/{chat['id']}/events", headers=headers) as everything:
        from_start = await read_events(everything, 4)
    assert [name for name, _, _ in from_start] == [
        "message",
        "message_edited",
        "message_deleted",
        "chat_renamed",
    ]
    assert from_start[0][2]["text"] == "first, edited", "a message is replayed as it is now"


async def test_only_the_author_or_an_admin_changes_a_message(make_client: MakeClient) -> None:
    client = await make_client(auth_mode="api_key")
    keys: ApiKeys = client.app[AUTHENTICATOR]  # type: ignore[assignment]
    alice, _ = await keys.create(name="alice", scopes=["read", "write"])
    bob, _ = await keys.create(name="bob", scopes=["read", "write"])
    admin, _ = await keys.create(name="moderator", scopes=["admin"])
    created = await client.post(
        "/chats", json={"title": "t", "visibility": "public"}, headers=bearer(alice)
    )
    chat = await created.json()
    assert (await client.post(f"/chats/{chat['id']}/join", headers=bearer(bob))).status == 201
    url = f"/chats/{chat['id']}/messages"
    mine = await (await client.post(url, json={"text": "a"}, headers=bearer(alice))).json()

    async def edit(token: str) -> int:
        answer = await client.patch(
            f"/messages/{mine['id']}", json={"text": f"by {token[-4:]}"}, headers=bearer(token)
        )
        return answer.status

    assert await edit(bob) == 403
    assert await edit(alice) == 200
    assert await edit(admin) == 200
    refused = await client.delete(f"/messages/{mine['id']}", headers=bearer(bob))
    assert (refused.status, (await refused.json())["code"]) == (403, "forbidden")
    assert (await client.delete(f"/messages/{mine['id']}", headers=bearer(alice))).status == 204
    anonymous = await make_client()  # an old message without an author: only admin
    legacy = await post_message(anonymous, chat["id"], "legacy")
    assert (await client.delete(f"/messages/{legacy['id']}", headers=bearer(bob))).status == 403
    assert (await client.delete(f"/messages/{legacy['id']}", headers=bearer(admin))).status == 204


async def test_counters_stay_exact_under_concurrent_edits_deletes_and_posts(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    seeded = [await post_message(client, chat["id"], f"seed {n}") for n in range(30)]
    await client.post(f"/chats/{chat['id']}/read", json={"up_to_id": seeded[14]["id"]})

    async def delete(message: dict[str, Any]) -> None:
        assert (await client.delete(f"/messages/{message['id']}")).status in (204, 404)

    async def edit(message: dict[str, Any]) -> None:
        status = (await client.patch(f"/messages/{message['id']}", json={"text": "e"})).status
        assert status in (200, 404)

    async def post(n: int) -> None:
        await post_message(client, chat["id"], f"new {n}")

    await asyncio.gather(
        *(delete(m) for m in seeded[::2]),
        *(edit(m) for m in seeded),
        *(post(n) for n in range(20)),
    )
    opened = await _opened(client, chat["id"])
    real = await test_queries.count_messages(db, chat["id"])
    assert real == 30 - 15 + 20
    assert opened["chat"]["message_count"] == real
    unread_seeded = len([m for m in seeded[15:] if seeded.index(m) % 2 == 1])
    assert opened["chat"]["unread_count"] == unread_seeded + 20
    stats = await (await client.get(f"/chats/{chat['id']}/stats")).json()
    assert stats["message_count"] == real


async def test_a_websocket_resumes_from_an_edit(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"], "a")
    edited = await client.patch(f"/messages/{message['id']}", json={"text": "b"})
    assert edited.status == 200
    async with client.ws_connect(f"/chats/{chat['id']}/ws?last_event_id={message['id']}") as ws:
        frame = await receive(ws)
    assert (frame["event"], frame["data"]["text"]) == ("message_edited", "b")
    assert frame["id"] > message["id"]
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await client.ws_connect("/chats/999999/ws?last_event_id=0")
