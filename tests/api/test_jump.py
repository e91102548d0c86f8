"""Jumping to a message: around_id, around=first_unread and at, with Links paging outward."""

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import asyncpg

from tests.support.api import Client, create_chat, post_message
from tests.support.people import People
from tests.support.sql import Statements


def _links(response_headers: Mapping[str, str]) -> dict[str, str]:
    header = response_headers.get("Link", "")
    return {rel: url for url, rel in re.findall(r'<([^>]*)>; rel="(\w+)"', header)}


async def _page(client: Client, url: str, **headers: str) -> tuple[list[int], dict[str, str]]:
    response = await client.get(url, headers=headers)
    assert response.status == 200, await response.text()
    return [item["id"] for item in await response.json()], _links(response.headers)


async def _chat_of(client: Client, count: int) -> tuple[int, list[int]]:
    chat = await create_chat(client)
    posted = [(await post_message(client, chat["id"], f"m{n}"))["id"] for n in range(count)]
    return chat["id"], posted


async def test_around_id_is_the_message_with_half_the_limit_each_side(client: Client) -> None:
    chat_id, posted = await _chat_of(client, 30)
    anchor = posted[15]
    ids, links = await _page(client, f"/chats/{chat_id}/messages?around_id={anchor}&limit=10")
    assert ids == posted[10:21][::-1]  # 5 newer, the message, 5 older; newest first
    assert set(links) == {"prev", "next"}

    newer, newer_links = await _page(client, links["prev"])
    assert newer == posted[21:30][::-1]
    assert "prev" not in newer_links  # nothing newer is left
    older, _ = await _page(client, links["next"])
    assert older == posted[:10][::-1]


async def test_around_id_near_the_edges_has_fewer_on_that_side(client: Client) -> None:
    chat_id, posted = await _chat_of(client, 6)
    ids, links = await _page(client, f"/chats/{chat_id}/messages?around_id={posted[-1]}&limit=4")
    assert ids == [posted[5], posted[4], posted[3]]
    assert set(links) == {"next"}
    ids, links = await _page(client, f"/chats/{chat_id}/messages?around_id={posted[0]}&limit=5")
    assert ids == [posted[2], posted[1], posted[0]]
    assert set(links) == {"prev"}
    ids, links = await _page(client, f"/chats/{chat_id}/messages?around_id={posted[2]}&limit=1")
    assert ids == [posted[2]]
    assert links == {}


async def test_around_id_of_another_chat_or_none_is_message_not_found(client: Client) -> None:
    chat_id, _ = await _chat_of(client, 3)
    _, elsewhere = await _chat_of(client, 1)
    for anchor in (elsewhere[0], 9_000_000_000):
        response = await client.get(f"/chats/{chat_id}/messages?around_id={anchor}")
        assert response.status == 404
        assert (await response.json())["code"] == "message_not_found"
    response = await client.get(f"/chats/9999999/messages?around_id={elsewhere[0]}")
    assert response.status == 404
    assert (await response.json())["code"] == "chat_not_found"


async def test_first_unread_jumps_to_the_first_message_after_the_read_position(
    client: Client,
) -> None:
    chat_id, posted = await _chat_of(client, 12)
    url = f"/chats/{chat_id}/messages?around=first_unread&limit=4"
    ids, _ = await _page(client, url)
    assert ids == [posted[2], posted[1], posted[0]]  # nothing read: the first message

    await client.post(f"/chats/{chat_id}/read", json={"up_to_id": posted[6]})
    ids, links = await _page(client, url)
    assert ids == posted[5:10][::-1]
    assert set(links) == {"prev", "next"}

    await client.post(f"/chats/{chat_id}/read", json={"up_to_id": posted[-1]})
    ids, links = await _page(client, url)
    assert ids == posted[-4:][::-1]  # nothing unread: the latest page
    assert set(links) == {"next"}


async def test_first_unread_follows_each_members_own_position(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann")
    assert await people.put(chat_id, "bob") == 201
    posted = []
    for n in range(6):
        answer = await client.post(
            f"/chats/{chat_id}/messages", json={"text": f"m{n}"}, headers=people.as_("ann")
        )
        posted.append((await answer.json())["id"])
    await client.post(
        f"/chats/{chat_id}/read", json={"up_to_id": posted[1]}, headers=people.as_("bob")
    )
    url = f"/chats/{chat_id}/messages?around=first_unread&limit=2"
    bob, _ = await _page(client, url, **people.as_("bob"))
    assert bob == [posted[3], posted[2], posted[1]]
    ann, _ = await _page(client, url, **people.as_("ann"))  # ann posted, so has read them all
    assert ann == [posted[5], posted[4]]
    cat = await client.get(url, headers=people.as_("cat"))
    assert cat.status == 404  # a private chat of others does not exist for cat
    around = await client.get(
        f"/chats/{chat_id}/messages?around_id={posted[2]}", headers=people.as_("cat")
    )
    assert (await around.json())["code"] == "chat_not_found"


async def test_at_starts_the_page_at_the_first_message_at_or_after_the_time(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat_id = (await create_chat(client))["id"]
    start = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    posted = [  # one a minute from 09:00
        await test_queries.insert_message_at(db, chat_id, start + timedelta(minutes=n))
        for n in range(10)
    ]
    url = f"/chats/{chat_id}/messages?limit=3&at="
    ids, links = await _page(client, url + "2026-01-15T09:04:30Z")
    assert ids == [posted[7], posted[6], posted[5]]
    assert set(links) == {"next", "prev"}
    older, _ = await _page(client, links["next"])
    assert older == [posted[4], posted[3], posted[2]]
    newer, _ = await _page(client, links["prev"])
    assert newer == [posted[9], posted[8]]

    ids, links = await _page(client, url + "2026-01-15T11:04:00%2B02:00")  # 09:04 UTC
    assert ids == [posted[6], posted[5], posted[4]]
    ids, links = await _page(client, url + "2020-01-01T00:00:00Z")
    assert ids == [posted[2], posted[1], posted[0]]
    assert set(links) == {"prev"}
    ids, links = await _page(client, url + "2030-01-01T00:00:00Z")
    assert (ids, links) == ([], {})


async def test_jump_parameters_are_validated(client: Client) -> None:
    chat_id, posted = await _chat_of(client, 2)
    url = f"/chats/{chat_id}/messages"
    for query in (
        "around=last_read",
        "around_id=0",
        "around_id=abc",
        "at=yesterday",
        "at=2026-01-15T10:00:00",  # no offset: which time is meant?
        f"around_id={posted[0]}&around=first_unread",
        f"around_id={posted[0]}&before_id={posted[1]}",
        f"around_id={posted[0]}&skip=1",
        "at=2026-01-15T10:00:00Z&after_id=1",
        "at=2026-01-15T10:00:00Z&q=word",
    ):
        response = await client.get(f"{url}?{query}")
        assert response.status == 422, query
        assert (await response.json())["detail"], query
