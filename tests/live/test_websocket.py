"""GET /chats/{chat_id}/ws: the same live feed as the event stream, over a WebSocket."""

import asyncio
import signal
from subprocess import Popen

import aiohttp
import asyncpg
import pytest

from service.live import feed
from tests.support.api import Client, MakeClient, create_chat, post_message
from tests.support.feeds import receive
from tests.support.sql import Statements


async def test_new_messages_arrive_as_json_frames(client: Client) -> None:
    chat = await create_chat(client)
    async with client.ws_connect(f"/chats/{chat['id']}/ws") as socket:
        await asyncio.sleep(0.2)
        posted = [await post_message(client, chat["id"], f"live {n}") for n in range(3)]
        frames = [await receive(socket) for _ in posted]
    assert frames == [{"event": "message", "id": m["id"], "data": m} for m in posted]


async def test_last_event_id_sends_what_was_missed_first(client: Client) -> None:
    chat = await create_chat(client)
    posted = [await post_message(client, chat["id"], f"m{n}") for n in range(4)]
    url = f"/chats/{chat['id']}/ws?last_event_id={posted[0]['id']}"
    async with client.ws_connect(url) as socket:
        missed = [await receive(socket) for _ in range(3)]
        live = await post_message(client, chat["id"], "after reconnect")
        then = await receive(socket)
    assert [frame["data"] for frame in missed] == posted[1:]
    assert then == {"event": "message", "id": live["id"], "data": live}


async def test_last_event_id_zero_replays_from_the_first_message(client: Client) -> None:
    chat = await create_chat(client)
    posted = [await post_message(client, chat["id"], f"m{n}") for n in range(3)]
    for zero in ("0", "0.0"):
        async with client.ws_connect(f"/chats/{chat['id']}/ws?last_event_id={zero}") as socket:
            replayed = [await receive(socket) for _ in posted]
        assert [frame["data"] for frame in replayed] == posted


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1"]
)
async def test_a_page_from_another_site_is_refused_before_the_upgrade(
    client: Client, origin: str
) -> None:
    chat = await create_chat(client)
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect(f"/chats/{chat['id']}/ws", headers={"Origin": origin})
    assert refused.value.status == 403
    answer = await client.get(f"/chats/{chat['id']}/ws", headers={"Origin": origin})
    assert (answer.status, (await answer.json())["code"]) == (403, "origin_not_allowed")


async def test_no_origin_this_site_and_allowed_origins_may_connect(
    client: Client, make_client: MakeClient
) -> None:
    chat = await create_chat(client)
    own = f"http://{client.host}:{client.port}"
    for headers in ({}, {"Origin": own}):
        async with client.ws_connect(f"/chats/{chat['id']}/ws", headers=headers) as socket:
            assert not socket.closed
    allowed = await make_client(cors_origins=["https://app.example"])
    chat = await create_chat(allowed)
    url = f"/chats/{chat['id']}/ws"
    async with allowed.ws_connect(url, headers={"Origin": "https://app.example"}) as socket:
        assert not socket.closed
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await allowed.ws_connect(url, headers={"Origin": "https://other.example"})
    assert refused.value.status == 403


async def test_deleting_the_chat_says_so_and_closes_normally(client: Client) -> None:
    chat = await create_chat(client)
    async with client.ws_connect(f"/chats/{chat['id']}/ws") as socket:
        await asyncio.sleep(0.2)
        assert (await client.delete(f"/chats/{chat['id']}")).status == 204
        assert await receive(socket) == {"event": "chat_deleted", "data": {"chat_id": chat["id"]}}
        closing = await socket.receive(5)
        assert closing.type == aiohttp.WSMsgType.CLOSE
        assert closing.data == aiohttp.WSCloseCode.OK


async def test_refusals_come_before_the_upgrade(client: Client) -> None:
    for chat_id in (9090, 2**63):
        with pytest.raises(aiohttp.WSServerHandshakeError) as missing:
            await client.ws_connect(f"/chats/{chat_id}/ws")
        assert missing.value.status == 404
    chat = await create_chat(client)
    for query in ("x1", "-1", "5.5", "1" * 20, "9" * 5000):
        with pytest.raises(aiohttp.WSServerHandshakeError) as bad:
            await client.ws_connect(f"/chats/{chat['id']}/ws?last_event_id={query}")
        assert bad.value.status == 422, query

    plain = await client.get(f"/chats/{chat['id']}/ws")
    assert plain.status == 426
    assert plain.headers["Upgrade"] == "websocket"
    assert (await plain.json())["code"] == "upgrade_required"


async def test_a_client_that_leaves_stops_being_followed(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    chat = await create_chat(client)
    socket = await client.ws_connect(f"/chats/{chat['id']}/ws")
    await asyncio.sleep(0.2)
    assert await test_queries.count_followers(db, chat["id"]) == 1
    await socket.close()
    # The server notices at its next message for the chat (or keep-alive) and lets go.
    await post_message(client, chat["id"], "nobody listens")
    for _ in range(50):
        if await test_queries.count_followers(db, chat["id"]) == 0:
            break
        await asyncio.sleep(0.1)
    assert await test_queries.count_followers(db, chat["id"]) == 0


async def test_client_frames_are_ignored(client: Client) -> None:
    chat = await create_chat(client)
    async with client.ws_connect(f"/chats/{chat['id']}/ws") as socket:
        await socket.send_str("hello?")
        await socket.send_bytes(b"\x00\x01")
        await asyncio.sleep(0.2)
        posted = await post_message(client, chat["id"])
        assert (await receive(socket))["data"] == posted


@pytest.mark.component
async def test_a_stopping_server_closes_with_going_away(
    live_server: tuple[str, Popen[bytes]],
) -> None:
    base, process = live_server
    async with aiohttp.ClientSession(base) as http:
        chat = await (await http.post("/chats", json={"title": "closing"})).json()
        async with http.ws_connect(f"/chats/{chat['id']}/ws") as socket:
            await asyncio.sleep(0.2)
            process.send_signal(signal.SIGTERM)
            closing = await socket.receive(10)
            assert closing.type == aiohttp.WSMsgType.CLOSE
            assert closing.data == aiohttp.WSCloseCode.GOING_AWAY
    assert await asyncio.to_thread(process.wait, 20) == 0


async def test_a_quiet_chat_notices_a_client_that_left(
    client: Client,
    db: asyncpg.Connection,
    test_queries: Statements,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(feed, "HEARTBEAT_SECONDS", 0.1)
    chat = await create_chat(client)
    socket = await client.ws_connect(f"/chats/{chat['id']}/ws")
    # A reading client answers the server's pings (sent as often as the feed's quiet ticks).
    reading = asyncio.create_task(socket.receive())
    await asyncio.sleep(0.5)
    assert await test_queries.count_followers(db, chat["id"]) == 1
    assert not reading.done(), "nothing was sent but pings"
    await socket.close()
    await reading
    for _ in range(50):  # no message needed: the next quiet tick lets go
        if await test_queries.count_followers(db, chat["id"]) == 0:
            break
        await asyncio.sleep(0.1)
    assert await test_queries.count_followers(db, chat["id"]) == 0
