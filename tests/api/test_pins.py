"""Pins: pinning and unpinning, the list, who may (members_can_pin), and the limit."""

import asyncio

from tests.support.api import Client, create_chat, post_message
from tests.support.people import People


async def test_pin_then_list_then_unpin(client: Client) -> None:
    chat = await create_chat(client)
    first = await post_message(client, chat["id"], "first")
    second = await post_message(client, chat["id"], "second")
    pinned = await client.put(f"/chats/{chat['id']}/pins/{first['id']}")
    assert pinned.status == 201
    body = await pinned.json()
    assert body["id"] == first["id"]
    assert body["pinned_at"] is not None
    again = await client.put(f"/chats/{chat['id']}/pins/{first['id']}")
    assert again.status == 200
    assert (await again.json())["pinned_at"] == body["pinned_at"]
    assert (await client.put(f"/chats/{chat['id']}/pins/{second['id']}")).status == 201

    listed = await (await client.get(f"/chats/{chat['id']}/pins")).json()
    assert [m["id"] for m in listed] == [second["id"], first["id"]]  # latest pin first
    shown = await (await client.get(f"/messages/{first['id']}")).json()
    assert shown["pinned_at"] == body["pinned_at"]

    assert (await client.delete(f"/chats/{chat['id']}/pins/{first['id']}")).status == 204
    gone = await client.delete(f"/chats/{chat['id']}/pins/{first['id']}")
    assert gone.status == 404
    assert (await gone.json())["code"] == "pin_not_found"
    assert [m["id"] for m in await (await client.get(f"/chats/{chat['id']}/pins")).json()] == [
        second["id"]
    ]
    assert (await (await client.get(f"/messages/{first['id']}")).json())["pinned_at"] is None


async def test_a_message_of_another_chat_or_none_is_404(client: Client) -> None:
    chat = await create_chat(client)
    other = await create_chat(client)
    elsewhere = await post_message(client, other["id"])
    for message_id in (elsewhere["id"], 9_000_000_000):
        for method in ("PUT", "DELETE"):
            answer = await client.request(method, f"/chats/{chat['id']}/pins/{message_id}")
            assert answer.status == 404
            assert (await answer.json())["code"] == "message_not_found"
    missing = await client.get("/chats/9000000000/pins")
    assert (await missing.json())["code"] == "chat_not_found"


async def test_at_most_100_pins_per_chat_even_at_once(client: Client) -> None:
    chat = await create_chat(client)
    bulk = await client.post(
        f"/chats/{chat['id']}/messages/bulk",
        json={"messages": [{"text": f"m{n}"} for n in range(110)]},
    )
    ids = [m["id"] for m in await bulk.json()]
    answers = await asyncio.gather(
        *(client.put(f"/chats/{chat['id']}/pins/{message_id}") for message_id in ids)
    )
    assert sorted(a.status for a in answers) == [201] * 100 + [409] * 10
    refused = next(a for a in answers if a.status == 409)
    assert (await refused.json())["code"] == "too_many_pins"
    assert len(await (await client.get(f"/chats/{chat['id']}/pins")).json()) == 100


async def test_members_pin_unless_the_owners_say_otherwise(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann")
    assert await people.put(chat_id, "bob") == 201
    posted = await client.post(
        f"/chats/{chat_id}/messages", json={"text": "hi"}, headers=people.as_("ann")
    )
    url = f"/chats/{chat_id}/pins/{(await posted.json())['id']}"
    chat = await (await client.get(f"/chats/{chat_id}", headers=people.as_("bob"))).json()
    assert chat["chat"]["members_can_pin"] is True
    assert (await client.put(url, headers=people.as_("bob"))).status == 201
    assert (await client.delete(url, headers=people.as_("bob"))).status == 204

    refused = await client.patch(
        f"/chats/{chat_id}", json={"members_can_pin": False}, headers=people.as_("bob")
    )
    assert refused.status == 403
    changed = await client.patch(
        f"/chats/{chat_id}", json={"members_can_pin": False}, headers=people.as_("ann")
    )
    assert changed.status == 200
    assert (await changed.json())["members_can_pin"] is False
    denied = await client.put(url, headers=people.as_("bob"))
    assert denied.status == 403
    assert (await denied.json())["code"] == "not_an_owner"
    assert (await client.put(url, headers=people.as_("ann"))).status == 201
    assert (await client.delete(url, headers=people.as_("bob"))).status == 403
    cat = await client.get(f"/chats/{chat_id}/pins", headers=people.as_("cat"))
    assert cat.status == 404  # private: not there for cat
    listed = await client.get(f"/chats/{chat_id}/pins", headers=people.as_("bob"))
    assert len(await listed.json()) == 1
    for bad in (None, 0, 1, "true", "no"):
        refused = await client.patch(
            f"/chats/{chat_id}", json={"members_can_pin": bad}, headers=people.as_("ann")
        )
        assert refused.status == 422, bad


async def test_deleting_a_pinned_message_unpins_it(client: Client) -> None:
    chat = await create_chat(client)
    message = await post_message(client, chat["id"])
    assert (await client.put(f"/chats/{chat['id']}/pins/{message['id']}")).status == 201
    assert (await client.delete(f"/messages/{message['id']}")).status == 204
    assert await (await client.get(f"/chats/{chat['id']}/pins")).json() == []
