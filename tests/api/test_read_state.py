"""Per-user read state and the inbox (AUTH_MODE=api_key): each member's own position and
unread count, exact through posts, edits, deletes and reads at once; the caller's chats most
recent first; the unread totals."""

import asyncio
import random
from collections.abc import Coroutine
from typing import Any

import asyncpg
import pytest

from service.api.appkeys import AUTHENTICATOR
from tests.support.api import Client, MakeClient, bearer
from tests.support.sql import Statements


class Room:
    """A chat of ann (owner) and bob (member), with cat outside and a moderator."""

    def __init__(self, client: Client, tokens: dict[str, str], chat_id: int) -> None:
        self.client, self.tokens, self.id = client, tokens, chat_id

    def as_(self, user: str) -> dict[str, str]:
        return bearer(self.tokens[user])

    async def post(self, user: str, text: str = "hi") -> dict[str, Any]:
        answer = await self.client.post(
            f"/chats/{self.id}/messages", json={"text": text}, headers=self.as_(user)
        )
        assert answer.status == 201, await answer.text()
        return dict(await answer.json())

    async def chat(self, user: str) -> dict[str, Any]:
        answer = await self.client.get(f"/chats/{self.id}", headers=self.as_(user))
        assert answer.status == 200, await answer.text()
        return dict(await answer.json())

    async def unread(self, user: str) -> int | None:
        return (await self.chat(user))["chat"]["unread_count"]  # type: ignore[no-any-return]

    async def mark(self, user: str, path: str, body: dict[str, int]) -> dict[str, Any]:
        answer = await self.client.post(
            f"/chats/{self.id}/{path}", json=body, headers=self.as_(user)
        )
        assert answer.status == 200, await answer.text()
        return dict(await answer.json())


@pytest.fixture
async def room(make_client: MakeClient) -> Room:
    client = await make_client(auth_mode="api_key")
    keys = client.app[AUTHENTICATOR]
    scopes = {"ann": ["read", "write"], "bob": ["read", "write"], "cat": ["read", "write"]}
    tokens = {user: (await keys.create(name=user, scopes=s))[0] for user, s in scopes.items()}  # type: ignore[attr-defined]
    tokens["mod"] = (await keys.create(name="mod", scopes=["admin"]))[0]  # type: ignore[attr-defined]
    created = await client.post(
        "/chats", json={"title": "t", "visibility": "public"}, headers=bearer(tokens["ann"])
    )
    chat_id = (await created.json())["id"]
    added = await client.put(
        f"/chats/{chat_id}/members/bob", json={"role": "member"}, headers=bearer(tokens["ann"])
    )
    assert added.status == 201
    return Room(client, tokens, chat_id)


async def test_two_members_read_state_never_mixes(room: Room) -> None:
    first, second, third = [await room.post("ann", f"m{n}") for n in range(3)]
    assert [m["is_read"] for m in (first, second, third)] == [True, True, True]  # own posts
    assert (await room.unread("ann"), await room.unread("bob")) == (0, 3)
    bob_view = await room.chat("bob")
    assert [m["is_read"] for m in bob_view["messages"]] == [False, False, False]
    marked = await room.mark("bob", "read", {"up_to_id": second["id"]})
    assert marked == {"updated": 2, "unread_count": 1}
    assert (await room.unread("ann"), await room.unread("bob")) == (0, 1)
    unmarked = await room.mark("bob", "unread", {"from_id": first["id"]})
    assert unmarked == {"updated": 2, "unread_count": 3}
    # Marking unread again, or from later on, changes nothing.
    assert await room.mark("bob", "unread", {"from_id": third["id"]}) == {
        "updated": 0,
        "unread_count": 3,
    }
    ann_view = await room.chat("ann")
    assert [m["is_read"] for m in ann_view["messages"]] == [True, True, True]
    # Outside the chat, and the moderator who is not in it: no read state at all.
    for user in ("cat", "mod"):
        view = await room.chat(user)
        assert view["chat"]["unread_count"] is None
        assert {m["is_read"] for m in view["messages"]} == {None}
        single = await room.client.get(f"/messages/{first['id']}", headers=room.as_(user))
        assert (await single.json())["is_read"] is None
    assert await room.mark("mod", "read", {"up_to_id": third["id"]}) == {
        "updated": 0,
        "unread_count": None,
    }
    refused = await room.client.post(
        f"/chats/{room.id}/read", json={"up_to_id": 1}, headers=room.as_("cat")
    )
    assert (refused.status, (await refused.json())["code"]) == (403, "not_a_member")


async def test_unread_counts_follow_edits_deletes_and_bulk_posts(room: Room) -> None:
    posted = [await room.post("ann", f"m{n}") for n in range(6)]
    await room.mark("bob", "read", {"up_to_id": posted[2]["id"]})
    assert await room.unread("bob") == 3
    edited = await room.client.patch(
        f"/messages/{posted[4]['id']}", json={"text": "changed"}, headers=room.as_("ann")
    )
    assert edited.status == 200
    assert await room.unread("bob") == 3
    for message in (posted[0], posted[5]):  # one read, one unread
        answer = await room.client.delete(f"/messages/{message['id']}", headers=room.as_("ann"))
        assert answer.status == 204
    assert await room.unread("bob") == 2
    bulk = await room.client.post(
        f"/chats/{room.id}/messages/bulk",
        json={"messages": [{"text": "a"}, {"text": "b"}, {"text": "c"}]},
        headers=room.as_("ann"),
    )
    assert bulk.status == 201
    assert (await room.unread("bob"), await room.unread("ann")) == (5, 0)
    # A member who joins has read everything so far.
    joined = await room.client.post(f"/chats/{room.id}/join", headers=room.as_("cat"))
    assert joined.status == 201
    assert await room.unread("cat") == 0
    await room.post("bob")
    assert (await room.unread("cat"), await room.unread("ann"), await room.unread("bob")) == (
        1,
        1,
        0,
    )


async def test_unread_counts_stay_exact_under_concurrent_posts_edits_deletes_and_reads(
    room: Room, db: asyncpg.Connection, test_queries: Statements
) -> None:
    seeded = [await room.post("ann", f"seed {n}") for n in range(20)]
    rng = random.Random(7)

    async def delete(message: dict[str, Any]) -> None:
        answer = await room.client.delete(f"/messages/{message['id']}", headers=room.as_("ann"))
        assert answer.status in (204, 404)

    async def edit(message: dict[str, Any]) -> None:
        answer = await room.client.patch(
            f"/messages/{message['id']}", json={"text": "e"}, headers=room.as_("ann")
        )
        assert answer.status in (200, 404)

    async def read(user: str, up_to: dict[str, Any]) -> None:
        await room.mark(user, "read", {"up_to_id": up_to["id"]})

    async def unread(user: str, from_: dict[str, Any]) -> None:
        await room.mark(user, "unread", {"from_id": from_["id"]})

    work: list[Coroutine[Any, Any, Any]] = [
        room.post(rng.choice(["ann", "bob"]), f"new {n}") for n in range(30)
    ]
    work += [delete(m) for m in rng.sample(seeded, 8)]
    work += [edit(m) for m in rng.sample(seeded, 8)]
    work += [read(rng.choice(["ann", "bob"]), m) for m in rng.sample(seeded, 6)]
    work += [unread("bob", m) for m in rng.sample(seeded, 3)]
    rng.shuffle(work)
    await asyncio.gather(*work)
    members = await test_queries.members_behind(db, room.id)
    for row in members:
        assert await room.unread(row["user_id"]) == row["behind"], row["user_id"]


async def _inbox(room: Room, user: str, query: str = "") -> Any:
    answer = await room.client.get(f"/me/chats{query}", headers=room.as_(user))
    assert answer.status == 200, await answer.text()
    return answer


async def test_the_inbox_is_most_recent_first_with_the_last_message(room: Room) -> None:
    client = room.client
    others = []
    for title in ("b", "c"):
        answer = await client.post("/chats", json={"title": title}, headers=room.as_("bob"))
        others.append((await answer.json())["id"])
    # bob's chats: room (older, has messages only later), b, c (empty: their own time).
    order = [c["chat"]["id"] for c in await (await _inbox(room, "bob")).json()]
    assert order == [others[1], others[0], room.id]
    newest = await room.post("ann", "newest")
    items = await (await _inbox(room, "bob")).json()
    assert [c["chat"]["id"] for c in items] == [room.id, others[1], others[0]]
    top = items[0]
    assert (top["role"], top["unread_count"], top["last_read_id"]) == ("member", 1, 0)
    assert top["chat"]["unread_count"] == 1
    assert top["last_message"]["id"] == newest["id"]
    assert top["last_message"]["is_read"] is False
    assert items[1]["last_message"] is None
    # After an edit of the newest message, and after its deletion.
    await client.patch(f"/messages/{newest['id']}", json={"text": "fixed"}, headers=room.as_("ann"))
    items = await (await _inbox(room, "bob")).json()
    assert items[0]["last_message"]["text"] == "fixed"
    earlier = await room.post("ann", "earlier")
    await client.delete(f"/messages/{earlier['id']}", headers=room.as_("ann"))
    items = await (await _inbox(room, "bob")).json()
    assert items[0]["last_message"]["id"] == newest["id"]
    await client.delete(f"/messages/{newest['id']}", headers=room.as_("ann"))
    items = await (await _inbox(room, "bob")).json()
    assert items[-1]["chat"]["id"] == room.id  # empty again: the chat's own time
    assert items[-1]["last_message"] is None


async def test_the_inbox_pages_by_cursor_and_answers_304(room: Room) -> None:
    for n in range(4):
        await room.client.post("/chats", json={"title": f"c{n}"}, headers=room.as_("cat"))
    first = await _inbox(room, "cat", "?limit=3")
    assert len(await first.json()) == 3
    link = first.headers["Link"].split(";")[0].strip("<>")
    rest = await (await room.client.get(link, headers=room.as_("cat"))).json()
    assert len(rest) == 1
    seen = [c["chat"]["id"] for c in await first.json()] + [c["chat"]["id"] for c in rest]
    assert seen == sorted(seen, reverse=True)  # all empty: newest chat first
    etag = first.headers["ETag"]
    again = await room.client.get(
        "/me/chats?limit=3", headers={**room.as_("cat"), "If-None-Match": etag}
    )
    assert again.status == 304
    for bad in ("?limit=101", "?limit=0", "?cursor=nope", "?cursor=9999999999999999999_1"):
        answer = await room.client.get(f"/me/chats{bad}", headers=room.as_("cat"))
        assert answer.status == 422, bad


async def test_the_inbox_order_under_concurrent_posting(room: Room) -> None:
    chats = []
    for n in range(5):
        answer = await room.client.post("/chats", json={"title": f"c{n}"}, headers=room.as_("bob"))
        chats.append((await answer.json())["id"])

    async def post(chat_id: int) -> dict[str, Any]:
        answer = await room.client.post(
            f"/chats/{chat_id}/messages", json={"text": "x"}, headers=room.as_("bob")
        )
        return dict(await answer.json())

    posted = await asyncio.gather(*[post(random.choice(chats)) for _ in range(40)])
    newest: dict[int, tuple[str, int]] = {}
    for message in posted:
        key = (message["created_at"], message["id"])
        newest[message["chat_id"]] = max(newest.get(message["chat_id"], key), key)
    items = await (await _inbox(room, "bob", "?limit=100")).json()
    got = [(c["chat"]["id"], c["last_message"]["id"]) for c in items if c["chat"]["id"] in newest]
    want = sorted(newest.items(), key=lambda kv: (kv[1][0], kv[0]), reverse=True)
    assert got == [(chat_id, key[1]) for chat_id, key in want]


async def test_unread_totals_for_the_badge(room: Room) -> None:
    answer = await room.client.get("/me/unread", headers=room.as_("bob"))
    assert await answer.json() == {"total_unread_count": 0, "unread_chats": 0, "unread_mentions": 0}
    other = await room.client.post("/chats", json={"title": "o"}, headers=room.as_("ann"))
    other_id = (await other.json())["id"]
    await room.client.put(
        f"/chats/{other_id}/members/bob", json={"role": "member"}, headers=room.as_("ann")
    )
    for chat_id, count in ((room.id, 3), (other_id, 2)):
        for _ in range(count):
            await room.client.post(
                f"/chats/{chat_id}/messages", json={"text": "x"}, headers=room.as_("ann")
            )
    answer = await room.client.get("/me/unread", headers=room.as_("bob"))
    assert await answer.json() == {"total_unread_count": 5, "unread_chats": 2, "unread_mentions": 0}
    etag = answer.headers["ETag"]
    same = await room.client.get("/me/unread", headers={**room.as_("bob"), "If-None-Match": etag})
    assert same.status == 304
    assert await (await room.client.get("/me/unread", headers=room.as_("ann"))).json() == {
        "total_unread_count": 0,
        "unread_chats": 0,
        "unread_mentions": 0,
    }


async def test_without_authentication_read_state_stays_shared(client: Client) -> None:
    chat = await (await client.post("/chats", json={"title": "t"})).json()
    ids = []
    for n in range(3):
        posted = await client.post(f"/chats/{chat['id']}/messages", json={"text": f"m{n}"})
        ids.append((await posted.json())["id"])
    marked = await client.post(f"/chats/{chat['id']}/read", json={"up_to_id": ids[2]})
    assert await marked.json() == {"updated": 3, "unread_count": 0}
    back = await client.post(f"/chats/{chat['id']}/unread", json={"from_id": ids[1]})
    assert await back.json() == {"updated": 2, "unread_count": 2}
    view = await (await client.get(f"/chats/{chat['id']}")).json()
    assert view["chat"]["unread_count"] == 2
    assert [m["is_read"] for m in view["messages"]] == [False, False, True]
