"""Mentions: who a post may mention, unread_mentions in the inbox and the badge, edits that
add or remove one, and GET /me/mentions."""

from typing import Any

from tests.support.api import Client, create_chat
from tests.support.people import People


async def _post(people: People, chat_id: int, by: str, **body: Any) -> Any:
    answer = await people.client.post(
        f"/chats/{chat_id}/messages", json={"text": "hi", **body}, headers=people.as_(by)
    )
    assert answer.status == 201, await answer.text()
    return await answer.json()


async def _badge(people: People, user: str) -> int:
    answer = await people.client.get("/me/unread", headers=people.as_(user))
    return int((await answer.json())["unread_mentions"])


async def _inbox(people: People, user: str) -> dict[int, int]:
    answer = await people.client.get("/me/chats", headers=people.as_(user))
    return {item["chat"]["id"]: item["unread_mentions"] for item in await answer.json()}


async def test_mentions_must_be_members_of_the_chat(people: People) -> None:
    chat_id = await people.chat("ann")
    assert await people.put(chat_id, "bob") == 201
    message = await _post(people, chat_id, "ann", mentions=["bob", "ann", "bob"])
    assert message["mentions"] == ["bob", "ann"]  # repeats count once
    shown = await people.client.get(f"/messages/{message['id']}", headers=people.as_("bob"))
    assert (await shown.json())["mentions"] == ["bob", "ann"]

    refused = await people.client.post(
        f"/chats/{chat_id}/messages",
        json={"text": "hi", "mentions": ["bob", "cat"]},
        headers=people.as_("ann"),
    )
    assert refused.status == 422
    [issue] = (await refused.json())["detail"]
    assert issue["loc"] == ["body", "mentions", 1]
    assert issue["type"] == "mention_not_member"
    for bad in ([""], ["x" * 256], "bob", [1], [f"u{n}" for n in range(51)]):
        answer = await people.client.post(
            f"/chats/{chat_id}/messages",
            json={"text": "hi", "mentions": bad},
            headers=people.as_("ann"),
        )
        assert answer.status == 422, bad


async def test_unread_mentions_follow_posts_reads_and_edits(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann")
    other = await people.chat("ann")
    for chat in (chat_id, other):
        assert await people.put(chat, "bob") == 201
    first = await _post(people, chat_id, "ann", mentions=["bob"])
    await _post(people, chat_id, "ann")
    third = await _post(people, chat_id, "ann", mentions=["bob"])
    await _post(people, other, "ann", mentions=["bob"])
    assert await _badge(people, "bob") == 3
    assert await _inbox(people, "bob") == {chat_id: 2, other: 1}
    assert await _badge(people, "ann") == 0

    read = await client.post(
        f"/chats/{chat_id}/read", json={"up_to_id": first["id"]}, headers=people.as_("bob")
    )
    assert read.status == 200
    assert await _inbox(people, "bob") == {chat_id: 1, other: 1}

    edited = await client.patch(
        f"/messages/{third['id']}",
        json={"text": "edited", "mentions": []},
        headers=people.as_("ann"),
    )
    assert edited.status == 200
    assert (await edited.json())["mentions"] == []
    assert await _badge(people, "bob") == 1
    kept = await client.patch(
        f"/messages/{third['id']}", json={"text": "again"}, headers=people.as_("ann")
    )
    assert (await kept.json())["mentions"] == []
    back = await client.patch(
        f"/messages/{third['id']}",
        json={"text": "again", "mentions": ["bob", "ann"]},
        headers=people.as_("ann"),
    )
    assert (await back.json())["mentions"] == ["bob", "ann"]
    shown = await client.get(f"/messages/{third['id']}", headers=people.as_("bob"))
    assert (await shown.json())["mentions"] == ["bob", "ann"]
    assert await _badge(people, "bob") == 2
    assert await _badge(people, "ann") == 0  # ann's own post: read
    refused = await client.patch(
        f"/messages/{third['id']}",
        json={"text": "again", "mentions": ["cat"]},
        headers=people.as_("ann"),
    )
    assert refused.status == 422
    assert await _badge(people, "bob") == 2


async def test_my_mentions_newest_first_in_my_chats(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann")
    assert await people.put(chat_id, "bob") == 201
    ids = [(await _post(people, chat_id, "ann", mentions=["bob"]))["id"] for _ in range(3)]
    await _post(people, chat_id, "ann")
    page = await client.get("/me/mentions?limit=2", headers=people.as_("bob"))
    assert [m["id"] for m in await page.json()] == [ids[2], ids[1]]
    assert all(m["is_read"] is False for m in await page.json())
    nxt = page.headers["Link"].split(">")[0].lstrip("<")
    rest = await client.get(nxt, headers=people.as_("bob"))
    assert [m["id"] for m in await rest.json()] == [ids[0]]
    assert await (await client.get("/me/mentions", headers=people.as_("ann"))).json() == []

    removed = await client.delete(f"/chats/{chat_id}/members/bob", headers=people.as_("ann"))
    assert removed.status == 204
    assert await (await client.get("/me/mentions", headers=people.as_("bob"))).json() == []


async def test_a_chat_the_caller_may_not_post_in_tells_nothing_of_its_members(
    people: People,
) -> None:
    private = await people.chat("ann")
    public = await people.chat("ann", "public")
    for chat_id, status in ((private, 404), (public, 403)):
        for mentions in (["ann"], ["nobody"]):
            answer = await people.client.post(
                f"/chats/{chat_id}/messages",
                json={"text": "hi", "mentions": mentions},
                headers=people.as_("cat"),
            )
            assert answer.status == status, (chat_id, mentions)


async def test_without_authentication_nobody_can_be_mentioned(client: Client) -> None:
    chat = await create_chat(client)
    refused = await client.post(
        f"/chats/{chat['id']}/messages", json={"text": "hi", "mentions": ["bob"]}
    )
    assert refused.status == 422
    assert (await client.get("/me/mentions")).status == 403
