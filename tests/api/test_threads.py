"""Threads: replying into a root's thread, the thread summary, the thread's pages, timelines
with and without replies, deleting a root, and reply_count under concurrent writers."""

import asyncio
from typing import Any

from tests.support.api import Client, create_chat, post_message
from tests.support.people import People


async def reply(client: Client, chat_id: int, root: int, text: str = "re", **extra: Any) -> Any:
    answer = await client.post(
        f"/chats/{chat_id}/messages", json={"text": text, "thread_id": root}, **extra
    )
    assert answer.status == 201, await answer.text()
    return await answer.json()


async def test_a_reply_names_its_root_and_the_root_sums_its_thread(client: Client) -> None:
    chat = await create_chat(client)
    root = await post_message(client, chat["id"], "root")
    assert root["thread_id"] is None
    assert root["thread"] is None
    first = await reply(client, chat["id"], root["id"], "one")
    assert first["thread_id"] == root["id"]
    second = await reply(client, chat["id"], root["id"], "two")

    shown = await (await client.get(f"/messages/{root['id']}")).json()
    assert shown["thread"] == {
        "reply_count": 2,
        "last_reply_at": second["created_at"],
        "participants": [],  # authentication is off: replies have no author
    }
    thread = await (await client.get(f"/messages/{root['id']}/thread")).json()
    assert [m["id"] for m in thread] == [first["id"], second["id"]]  # oldest first


async def test_only_a_root_of_the_same_chat_holds_a_thread(client: Client) -> None:
    chat = await create_chat(client)
    other = await create_chat(client)
    root = await post_message(client, chat["id"])
    answer = await reply(client, chat["id"], root["id"])
    elsewhere = await post_message(client, other["id"])
    for thread_id in (answer["id"], elsewhere["id"], 9_000_000_000):
        refused = await client.post(
            f"/chats/{chat['id']}/messages", json={"text": "x", "thread_id": thread_id}
        )
        assert refused.status == 422, thread_id
        [issue] = (await refused.json())["detail"]
        assert issue["loc"] == ["body", "thread_id"]
    for bad in (0, -1, "1", 1.5, True):
        refused = await client.post(
            f"/chats/{chat['id']}/messages", json={"text": "x", "thread_id": bad}
        )
        assert refused.status == 422, bad
    keyed = await client.post(
        f"/chats/{chat['id']}/messages",
        json={"text": "x", "thread_id": answer["id"]},
        headers={"Idempotency-Key": "k1"},
    )
    assert keyed.status == 422
    count = (await (await client.get(f"/chats/{chat['id']}")).json())["chat"]["message_count"]
    assert count == 2


async def test_timelines_show_roots_unless_include_threads(client: Client) -> None:
    chat = await create_chat(client)
    older = await post_message(client, chat["id"], "older root")
    root = await post_message(client, chat["id"], "root apple")
    replied = await reply(client, chat["id"], root["id"], "reply apple")
    newer = await post_message(client, chat["id"], "newer root")
    roots = [newer["id"], root["id"], older["id"]]
    everything = [newer["id"], replied["id"], root["id"], older["id"]]
    base = f"/chats/{chat['id']}"

    async def ids(url: str) -> list[int]:
        answer = await client.get(url)
        assert answer.status == 200, await answer.text()
        body = await answer.json()
        items = body["messages"] if isinstance(body, dict) else body
        return [m["id"] for m in items]

    assert await ids(base) == roots
    assert await ids(base + "?include_threads=true") == everything
    assert await ids(base + "/messages") == roots
    assert await ids(base + "/messages?include_threads=true") == everything
    assert await ids(base + f"/messages?before_id={newer['id']}") == roots[1:]
    assert await ids(base + f"/messages?after_id={older['id']}") == roots[:2]
    assert await ids(base + f"/messages?around_id={root['id']}&limit=2") == roots
    assert await ids(base + "/messages?q=apple") == [root["id"]]
    assert sorted(await ids(base + "/messages?q=apple&include_threads=true")) == sorted(
        [root["id"], replied["id"]]
    )
    assert await ids(f"/messages?q=apple&chat_id={chat['id']}") == [root["id"]]
    opened = await (await client.get(base)).json()
    assert opened["chat"]["message_count"] == 4  # replies count
    assert opened["chat"]["unread_count"] == 4


async def test_the_thread_pages_oldest_first_with_links(client: Client) -> None:
    chat = await create_chat(client)
    root = await post_message(client, chat["id"])
    replies = [(await reply(client, chat["id"], root["id"], f"r{n}"))["id"] for n in range(5)]
    first = await client.get(f"/messages/{root['id']}/thread?limit=3")
    assert [m["id"] for m in await first.json()] == replies[:3]
    nxt = first.headers["Link"].split(">")[0].lstrip("<")
    rest = await client.get(nxt)
    assert [m["id"] for m in await rest.json()] == replies[3:]
    assert "Link" not in rest.headers

    not_root = await client.get(f"/messages/{replies[0]}/thread")
    assert not_root.status == 404
    assert (await not_root.json())["code"] == "message_not_found"
    missing = await client.get("/messages/9000000000/thread")
    assert missing.status == 404
    stray = await client.get(f"/messages/{root['id']}/thread?after_id={root['id']}")
    assert stray.status == 404
    empty = await post_message(client, chat["id"])
    assert await (await client.get(f"/messages/{empty['id']}/thread")).json() == []


async def test_a_deleted_root_stays_while_its_thread_has_replies(client: Client) -> None:
    chat = await create_chat(client)
    root = await post_message(client, chat["id"], "root")
    kept = await reply(client, chat["id"], root["id"], "kept")
    assert (await client.delete(f"/messages/{root['id']}")).status == 204

    tombstone = await client.get(f"/messages/{root['id']}")
    assert tombstone.status == 200
    body = await tombstone.json()
    assert body["deleted"] is True
    assert body["text"] is None
    assert body["author"] is None
    assert body["thread"]["reply_count"] == 1
    thread = await (await client.get(f"/messages/{root['id']}/thread")).json()
    assert [m["id"] for m in thread] == [kept["id"]]
    assert (await client.get(f"/messages/{kept['id']}")).status == 200
    opened = await (await client.get(f"/chats/{chat['id']}")).json()
    assert opened["chat"]["message_count"] == 1
    assert opened["messages"] == []  # the main timeline has no root left

    assert (await client.delete(f"/messages/{kept['id']}")).status == 204
    assert (await client.get(f"/messages/{root['id']}")).status == 404
    assert (await client.get(f"/messages/{root['id']}/thread")).status == 404


async def test_participants_are_the_first_five_distinct_authors(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann")
    authors = ["bob", "cat", "dan", "eve", "fay", "gus"]
    for user in authors:
        if user not in people.tokens:
            await people.add(user)
        assert await people.put(chat_id, user) == 201
    posted = await client.post(
        f"/chats/{chat_id}/messages", json={"text": "root"}, headers=people.as_("ann")
    )
    root = (await posted.json())["id"]
    for user in ["bob", "bob", "cat", "dan", "cat", "eve", "fay", "gus"]:
        await reply(client, chat_id, root, headers=people.as_(user))
    shown = await (await client.get(f"/messages/{root}", headers=people.as_("ann"))).json()
    assert shown["thread"]["reply_count"] == 8
    assert shown["thread"]["participants"] == ["bob", "cat", "dan", "eve", "fay"]
    # bob's replies go: the next distinct author moves up.
    thread = await (await client.get(f"/messages/{root}/thread", headers=people.as_("ann"))).json()
    for message in thread:
        if message["author"] == "bob":
            gone = await client.delete(f"/messages/{message['id']}", headers=people.as_("bob"))
            assert gone.status == 204
    shown = await (await client.get(f"/messages/{root}", headers=people.as_("ann"))).json()
    assert shown["thread"]["reply_count"] == 6
    assert shown["thread"]["participants"] == ["cat", "dan", "eve", "fay", "gus"]
    # bob replies again: he first replied before the others, so he is first again.
    await reply(client, chat_id, root, headers=people.as_("bob"))
    shown = await (await client.get(f"/messages/{root}", headers=people.as_("ann"))).json()
    assert shown["thread"]["participants"] == ["bob", "cat", "dan", "eve", "fay"]
    # A reply counts as unread for the others, and as read for its author.
    unread = await (await client.get(f"/chats/{chat_id}", headers=people.as_("ann"))).json()
    assert unread["chat"]["unread_count"] == 7


async def test_reply_count_stays_exact_under_concurrent_replies_and_deletes(
    client: Client,
) -> None:
    chat = await create_chat(client)
    root = await post_message(client, chat["id"])
    early = [(await reply(client, chat["id"], root["id"]))["id"] for _ in range(20)]
    posts = [reply(client, chat["id"], root["id"]) for _ in range(30)]
    deletes = [client.delete(f"/messages/{message_id}") for message_id in early[:15]]
    results = await asyncio.gather(*posts, *deletes)
    assert all(r.status == 204 for r in results[30:])
    shown = await (await client.get(f"/messages/{root['id']}")).json()
    assert shown["thread"]["reply_count"] == 20 + 30 - 15
    thread = await (await client.get(f"/messages/{root['id']}/thread?limit=100")).json()
    assert len(thread) == 35
    assert shown["thread"]["last_reply_at"] == thread[-1]["created_at"]
