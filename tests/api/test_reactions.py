"""Reactions: adding and taking back, the emoji rule, who reacted, the limit, exact counts
under concurrent writers, and what message JSON shows."""

import asyncio
from urllib.parse import quote

import pytest

from tests.support.api import Client, create_chat, post_message
from tests.support.people import People

# Real emoji sequences: single code points, presentation selectors, keycaps, flags (regional
# indicators and a tag sequence), skin tones, ZWJ sequences (families, professions, the
# rainbow flag), and short names.
EMOJI = [
    "👍",
    "❤️",
    "❤",
    "😂",
    "🫠",
    "1️⃣",
    "#️⃣",
    "🇺🇦",
    "🇯🇵",
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "👍🏽",
    "👋🏿",
    "👨‍👩‍👧‍👦",
    "👩🏾‍💻",
    "🏳️‍🌈",
    "🧑‍🤝‍🧑",
    ":thumbsup:",
    ":+1:",
    ":party-parrot:",
    ":a:",
    ":" + "x" * 64 + ":",
]
NOT_EMOJI = [
    "a",
    "ok",
    "👍👍",  # two graphemes
    "👍 ",
    " 👍",
    "🇺",  # half a flag
    "\u200d",
    "1",
    "::",
    ":Thumbsup:",
    ":thumbs up:",
    ":" + "x" * 65 + ":",
    ":thumbsup",
    "thumbsup:",
    "<script>",
    "%00",
]


def _path(message_id: int, emoji: str) -> str:
    return f"/messages/{message_id}/reactions/{quote(emoji, safe='')}"


async def test_adding_is_201_then_200_and_the_message_shows_it(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"])
    first = await client.put(_path(message["id"], "👍"))
    assert first.status == 201
    assert await first.json() == {"message_id": message["id"], "emoji": "👍", "count": 1}
    again = await client.put(_path(message["id"], "👍"))
    assert again.status == 200
    assert (await again.json())["count"] == 1
    assert (await client.put(_path(message["id"], "🎉"))).status == 201

    shown = await (await client.get(f"/messages/{message['id']}")).json()
    assert shown["reactions"] == [
        {"emoji": "👍", "count": 1, "me": True},
        {"emoji": "🎉", "count": 1, "me": True},
    ]
    opened = await (await client.get(f"/chats/{chat['id']}")).json()
    assert opened["messages"][0]["reactions"] == shown["reactions"]
    page = await (await client.get(f"/chats/{chat['id']}/messages")).json()
    assert page[0]["reactions"] == shown["reactions"]


async def test_taking_back_is_204_then_404(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"])
    assert (await client.put(_path(message["id"], "👍"))).status == 201
    assert (await client.delete(_path(message["id"], "👍"))).status == 204
    gone = await client.delete(_path(message["id"], "👍"))
    assert gone.status == 404
    assert (await gone.json())["code"] == "reaction_not_found"
    shown = await (await client.get(f"/messages/{message['id']}")).json()
    assert shown["reactions"] == []


async def test_first_reacted_order_and_me_per_caller(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann")
    assert await people.put(chat_id, "bob") == 201
    answer = await client.post(
        f"/chats/{chat_id}/messages", json={"text": "hi"}, headers=people.as_("ann")
    )
    message_id = (await answer.json())["id"]
    for user, emoji in (("ann", "🎉"), ("bob", "👍"), ("bob", "🎉"), ("ann", ":tada:")):
        assert (await client.put(_path(message_id, emoji), headers=people.as_(user))).status == 201

    async def reactions(user: str) -> list[dict[str, object]]:
        got = await client.get(f"/messages/{message_id}", headers=people.as_(user))
        return list((await got.json())["reactions"])

    assert await reactions("bob") == [
        {"emoji": "🎉", "count": 2, "me": True},
        {"emoji": "👍", "count": 1, "me": True},
        {"emoji": ":tada:", "count": 1, "me": False},
    ]
    assert [r["me"] for r in await reactions("ann")] == [True, False, True]

    who = await client.get(_path(message_id, "🎉"), headers=people.as_("bob"))
    assert [r["user_id"] for r in await who.json()] == ["ann", "bob"]
    paged = await client.get(_path(message_id, "🎉") + "?limit=1", headers=people.as_("bob"))
    assert [r["user_id"] for r in await paged.json()] == ["ann"]
    nxt = paged.headers["Link"].split(">")[0].lstrip("<")
    rest = await client.get(nxt, headers=people.as_("bob"))
    assert [r["user_id"] for r in await rest.json()] == ["bob"]

    # One emoji's count falls to 0 and comes back: it keeps its place.
    assert (await client.delete(_path(message_id, "🎉"), headers=people.as_("ann"))).status == 204
    assert (await client.delete(_path(message_id, "🎉"), headers=people.as_("bob"))).status == 204
    assert [r["emoji"] for r in await reactions("ann")] == ["👍", ":tada:"]
    assert (await client.put(_path(message_id, "🎉"), headers=people.as_("ann"))).status == 201
    assert [r["emoji"] for r in await reactions("ann")] == ["🎉", "👍", ":tada:"]


async def test_reacting_needs_membership_and_write(people: People) -> None:
    client = people.client
    private = await people.chat("ann")
    public = await people.chat("ann", "public")
    for chat_id in (private, public):
        posted = await client.post(
            f"/chats/{chat_id}/messages", json={"text": "hi"}, headers=people.as_("ann")
        )
        message_id = (await posted.json())["id"]
        answer = await client.put(_path(message_id, "👍"), headers=people.as_("cat"))
        if chat_id == private:
            assert answer.status == 404
            assert (await answer.json())["code"] == "message_not_found"
            listed = await client.get(_path(message_id, "👍"), headers=people.as_("cat"))
            assert listed.status == 404
        else:
            assert answer.status == 403
            assert (await answer.json())["code"] == "not_a_member"
            listed = await client.get(_path(message_id, "👍"), headers=people.as_("cat"))
            assert listed.status == 200
    reader = await people.add("reader", ["read"])
    assert await people.put(private, "reader") == 201
    posted = await client.post(
        f"/chats/{private}/messages", json={"text": "hi"}, headers=people.as_("ann")
    )
    answer = await client.put(_path((await posted.json())["id"], "👍"), headers=reader)
    assert answer.status == 403


@pytest.mark.parametrize("emoji", EMOJI)
async def test_real_emoji_sequences_are_reactions(client: Client, emoji: str) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"])
    answer = await client.put(_path(message["id"], emoji))
    assert answer.status == 201, (emoji, await answer.text())
    assert (await answer.json())["emoji"] == emoji
    shown = await (await client.get(f"/messages/{message['id']}")).json()
    assert shown["reactions"][0]["emoji"] == emoji


async def test_anything_else_is_422(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"])
    for text in NOT_EMOJI:
        for method in ("PUT", "DELETE", "GET"):
            answer = await client.request(method, _path(message["id"], text))
            assert answer.status == 422, (text, method)
            assert (await answer.json())["detail"][0]["loc"] == ["path", "emoji"]
    shown = await (await client.get(f"/messages/{message['id']}")).json()
    assert shown["reactions"] == []


async def test_reactions_of_a_missing_message_are_404(client: Client) -> None:
    for method in ("PUT", "DELETE", "GET"):
        answer = await client.request(method, _path(9_000_000_000, "👍"))
        assert answer.status == 404, method
        assert (await answer.json())["code"] == "message_not_found"


async def test_at_most_50_different_reactions_even_when_added_at_once(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"])
    names = [f":r{n}:" for n in range(60)]
    answers = await asyncio.gather(*(client.put(_path(message["id"], name)) for name in names))
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [201] * 50 + [409] * 10
    refused = [a for a in answers if a.status == 409]
    assert (await refused[0].json())["code"] == "too_many_reactions"
    shown = await (await client.get(f"/messages/{message['id']}")).json()
    assert len(shown["reactions"]) == 50
    kept = shown["reactions"][0]["emoji"]
    assert (await client.put(_path(message["id"], kept))).status == 200  # not a new kind


async def test_counts_stay_exact_under_concurrent_writers(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann", "public")
    users = [f"u{n}" for n in range(12)]
    for user in users:
        await people.add(user)
        assert (await client.post(f"/chats/{chat_id}/join", headers=people.as_(user))).status in (
            200,
            201,
        )
    posted = await client.post(
        f"/chats/{chat_id}/messages", json={"text": "vote"}, headers=people.as_("ann")
    )
    message_id = (await posted.json())["id"]
    url = _path(message_id, "👍")

    async def flip(user: str) -> None:
        for _ in range(3):
            await client.put(url, headers=people.as_(user))
            await client.delete(url, headers=people.as_(user))
        await client.put(url, headers=people.as_(user))

    await asyncio.gather(*(flip(user) for user in users[:8]))
    await asyncio.gather(*(client.put(url, headers=people.as_(user)) for user in users[8:]))
    shown = await (await client.get(f"/messages/{message_id}", headers=people.as_("ann"))).json()
    assert shown["reactions"] == [{"emoji": "👍", "count": 12, "me": False}]
    who = await (await client.get(url, headers=people.as_("ann"))).json()
    assert sorted(r["user_id"] for r in who) == sorted(users)


async def test_deleting_the_message_takes_its_reactions(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"])
    assert (await client.put(_path(message["id"], "👍"))).status == 201
    assert (await client.delete(f"/messages/{message['id']}")).status == 204
    assert (await client.put(_path(message["id"], "👍"))).status == 404
