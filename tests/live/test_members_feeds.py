"""Live feeds and membership, across processes (AUTH_MODE=api_key): removing a member ends
that member's SSE and WebSocket feeds of the chat at once on every process, and no one
else's; a feed's is_read is its follower's."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.support.feeds import read_events, receive
from tests.support.live import free_port, member_headers, start_service, stop

pytestmark = pytest.mark.component


@pytest.fixture
def two_secured_servers(database_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    ports = [free_port(), free_port()]
    processes = [start_service(database_url, p, tmp_path, AUTH_MODE="api_key") for p in ports]
    yield f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"
    for process in processes:
        stop(process)


async def test_removal_ends_the_removed_members_feeds_on_another_process(
    two_secured_servers: tuple[str, str], database_url: str
) -> None:
    first, second = two_secured_servers
    ann = member_headers(database_url, "ann")
    bob = member_headers(database_url, "bob")
    async with aiohttp.ClientSession() as http:
        created = await http.post(f"{first}/chats", json={"title": "team"}, headers=ann)
        chat_id = (await created.json())["id"]
        added = await http.put(
            f"{first}/chats/{chat_id}/members/bob", json={"role": "member"}, headers=ann
        )
        assert added.status == 201
        events = f"/chats/{chat_id}/events"
        async with (
            http.get(second + events, headers=bob) as bob_sse,
            http.get(second + events, headers=ann) as ann_sse,
            http.ws_connect(f"{second}/chats/{chat_id}/ws", headers=bob) as bob_ws,
        ):
            assert (bob_sse.status, ann_sse.status) == (200, 200)
            await asyncio.sleep(0.3)
            posted = await http.post(
                f"{first}/chats/{chat_id}/messages", json={"text": "hello"}, headers=ann
            )
            message = await posted.json()
            [(_, _, seen_by_bob)] = await read_events(bob_sse, 1)
            [(_, _, seen_by_ann)] = await read_events(ann_sse, 1)
            assert (seen_by_bob["is_read"], seen_by_ann["is_read"]) == (False, True)
            assert (await receive(bob_ws))["data"]["id"] == message["id"]

            removed = await http.delete(f"{first}/chats/{chat_id}/members/bob", headers=ann)
            assert removed.status == 204
            [(event, _, data)] = await read_events(bob_sse, 1)
            assert (event, data) == ("chat_left", {"chat_id": chat_id})
            rest = await asyncio.wait_for(bob_sse.content.read(), 5)
            assert rest == b""  # the stream ended
            assert await receive(bob_ws) == {"event": "chat_left", "data": {"chat_id": chat_id}}
            closing = await bob_ws.receive(5)
            assert closing.type == aiohttp.WSMsgType.CLOSE
            assert bob_ws.close_code == 4403
            # ann's feed goes on.
            await http.post(f"{first}/chats/{chat_id}/messages", json={"text": "on"}, headers=ann)
            [(event, _, data)] = await read_events(ann_sse, 1)
            assert (event, data["text"]) == ("message", "on")
        # And bob cannot follow the private chat again.
        again = await http.get(second + events, headers=bob)
        assert again.status == 404


async def test_a_chat_made_private_ends_the_feeds_of_non_members(
    two_secured_servers: tuple[str, str], database_url: str
) -> None:
    first, second = two_secured_servers
    ann = member_headers(database_url, "ann")
    cat = member_headers(database_url, "cat")
    async with aiohttp.ClientSession() as http:
        created = await http.post(
            f"{first}/chats", json={"title": "open", "visibility": "public"}, headers=ann
        )
        chat_id = (await created.json())["id"]
        async with http.get(f"{second}/chats/{chat_id}/events", headers=cat) as cat_sse:
            assert cat_sse.status == 200
            await asyncio.sleep(0.3)
            changed = await http.patch(
                f"{first}/chats/{chat_id}", json={"visibility": "private"}, headers=ann
            )
            assert changed.status == 200
            [(event, _, data)] = await read_events(cat_sse, 1)
            assert (event, data) == ("chat_left", {"chat_id": chat_id})
