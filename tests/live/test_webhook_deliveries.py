"""Webhook deliveries as a receiver sees them: a real HTTP server that verifies every delivery
with the `standardwebhooks` library. Every event type once per event id, in each chat's
order; failures (error statuses, timeouts, dropped and refused connections) retried on the
documented schedule (shortened by WEBHOOK_RETRY_SCALE) until everything arrives; secret
rotation; disabling after failing throughout; pings; filters; what is never followed."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from aiohttp import web

from service.api.appkeys import DATA, WEBHOOK_RESOLVER
from service.app import create_app
from service.db.turns import Turns
from service.settings import Settings
from service.webhooks import worker
from service.webhooks.schedule import JITTER, RETRY_DELAYS
from tests.support.api import Client, MakeClient, create_chat, post_message
from tests.support.dns import TableResolver
from tests.support.receiver import Receiver

# A receiver on this machine, attempts cut short, the retry schedule at 1/2000.
SCALE = 0.0005
RELAXED = {
    "webhook_allow_http": True,
    "webhook_allow_private": True,
    "webhook_retry_scale": SCALE,
    "webhook_timeout": 1.0,
}


async def _hook(client: Client, receiver: Receiver, **body: Any) -> dict[str, Any]:
    response = await client.post("/webhooks", json={"url": receiver.url, "events": ["*"], **body})
    assert response.status == 201, await response.text()
    webhook = dict(await response.json())
    receiver.secrets.append(webhook["secret"])
    return webhook


def _position(event_id: str) -> int:
    return int(event_id.removeprefix("evt_"))


async def _attempts(client: Client, webhook_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/webhooks/{webhook_id}/deliveries")
    assert response.status == 200
    return list(await response.json())


async def test_every_event_type_arrives_once_verified_and_in_each_chats_order(
    make_client: MakeClient, receiver: Receiver
) -> None:
    client = await make_client(**RELAXED)
    webhook = await _hook(client, receiver)
    renames_only = Receiver()
    await renames_only.start()
    first, second = await create_chat(client, "first"), await create_chat(client, "second")
    await _hook(client, renames_only, events=["chat_renamed"], chat_id=first["id"])
    a, b = first["id"], second["id"]
    assert (await client.put(f"/chats/{a}/members/ada", json={"role": "owner"})).status == 201
    posted = [await post_message(client, chat, f"m{n}") for n in range(3) for chat in (a, b)]
    edited = await client.patch(f"/messages/{posted[0]['id']}", json={"text": "changed"})
    assert edited.status == 200
    assert (await client.delete(f"/messages/{posted[1]['id']}")).status == 204
    assert (await client.patch(f"/chats/{a}", json={"title": "renamed"})).status == 200
    assert (await client.patch(f"/chats/{b}", json={"title": "also renamed"})).status == 200
    assert (await client.delete(f"/chats/{a}/members/ada")).status == 409  # the last owner
    assert (await client.put(f"/chats/{a}/members/bob", json={"role": "member"})).status == 201
    assert (await client.delete(f"/chats/{a}/members/bob")).status == 204
    kept = posted[2]["id"]
    assert (await client.put(f"/messages/{kept}/reactions/%F0%9F%91%8D")).status == 201
    assert (await client.delete(f"/messages/{kept}/reactions/%F0%9F%91%8D")).status == 204
    assert (await client.put(f"/chats/{a}/pins/{kept}")).status == 201
    assert (await client.delete(f"/chats/{a}/pins/{kept}")).status == 204
    assert (await client.delete(f"/chats/{b}")).status == 204
    expected = {
        "reaction_added": 1,
        "reaction_removed": 1,
        "message_pinned": 1,
        "message_unpinned": 1,
        "message": 6,
        "member_joined": 2,
        "message_edited": 1,
        "message_deleted": 1,
        "chat_renamed": 2,
        "member_left": 1,
        "chat_deleted": 1,
    }
    await receiver.wait_for(lambda: len(receiver.received()) == sum(expected.values()))
    await asyncio.sleep(0.3)  # nothing more comes
    got = receiver.received()
    assert len(got) == sum(expected.values())
    assert {kind: len(receiver.received(kind)) for kind in expected} == expected
    assert len({d.event_id for d in got}) == len(got)  # each event once
    assert all(d.verified_with == [webhook["secret"]] for d in got)
    for chat in (a, b):
        positions = [_position(d.event_id) for d in got if d.data["chat_id"] == chat]
        assert positions == sorted(positions)
    [message] = [d.data for d in receiver.received("message") if d.data["id"] == posted[0]["id"]]
    assert set(message) == {
        "id",
        "chat_id",
        "text",
        "created_at",
        "author",
        "edited_at",
        "reply_to",
        "thread_id",
        "thread",
        "reactions",
        "pinned_at",
        "mentions",
        "deleted",
    }
    assert (message["id"], message["chat_id"]) == (posted[0]["id"], a)
    by_type = {d.type: d.data for d in got}
    assert by_type["message_edited"]["text"] == "changed"
    assert by_type["message_deleted"] == {"id": posted[1]["id"], "chat_id": b}
    assert by_type["chat_deleted"] == {"chat_id": b}
    assert by_type["reaction_added"] == {
        "chat_id": a,
        "message_id": kept,
        "emoji": "👍",
        "user_id": None,
        "count": 1,
    }
    assert by_type["reaction_removed"]["count"] == 0
    assert by_type["message_pinned"]["message_id"] == kept
    assert by_type["message_unpinned"] == {"chat_id": a, "message_id": kept, "user_id": None}
    assert by_type["member_left"] == {"chat_id": a, "user_id": "bob", "role": "member"}
    # The scoped, filtered webhook: its chat's rename alone.
    await renames_only.wait_for(lambda: len(renames_only.received()) == 1)
    assert renames_only.received()[0].data == {"chat_id": a, "title": "renamed"}
    await renames_only.stop()


async def test_failures_are_retried_on_schedule_and_hold_back_their_chat_only(
    make_client: MakeClient, receiver: Receiver
) -> None:
    client = await make_client(**RELAXED)
    webhook = await _hook(client, receiver)
    held, free = (await create_chat(client))["id"], (await create_chat(client))["id"]
    first = await post_message(client, held, "first")
    failures: list[Any] = [500, "hang", "drop", 503]

    def answer(delivery: Any) -> Any:
        if delivery.data.get("id") == first["id"] and failures:
            return failures.pop(0)
        return None

    receiver.answer_for = answer
    later = [await post_message(client, held, f"later {n}") for n in range(3)]
    other = await post_message(client, free, "elsewhere")
    await receiver.wait_for(lambda: not failures)
    # The fourth failure is a 503; the fifth attempt finds nobody listening.
    assert [d.data["id"] for d in receiver.received()] == [other["id"]]
    await receiver.stop()
    while not any(
        (a["error"] or "").startswith("could not connect")
        for a in await _attempts(client, webhook["id"])
    ):
        await asyncio.sleep(0.05)
    await receiver.start()
    await receiver.wait_for(lambda: len(receiver.received()) == 5)
    ids = [d.data["id"] for d in receiver.received()]
    assert ids == [other["id"], first["id"], *(m["id"] for m in later)]

    first_event = receiver.received()[1].event_id
    attempts: list[dict[str, Any]] = []
    while len(attempts) < 6:  # the last one is recorded once the receiver has answered
        await asyncio.sleep(0.05)
        attempts = [
            a for a in await _attempts(client, webhook["id"]) if a["event_id"] == first_event
        ]
    attempts.reverse()
    assert [a["attempt"] for a in attempts] == [1, 2, 3, 4, 5, 6]
    assert [a["status_code"] for a in attempts] == [500, None, None, 503, None, 204]
    assert attempts[1]["error"] == "timed out after 1 s"
    assert "closed the connection" in attempts[2]["error"]
    assert attempts[3]["error"] == "answered 503"
    assert attempts[4]["error"].startswith("could not connect")
    assert attempts[5]["error"] is None
    assert attempts[5]["state"] == "delivered"
    starts = [datetime.fromisoformat(a["attempted_at"]).timestamp() for a in attempts]
    for n in range(5):
        waited = starts[n + 1] - starts[n] - attempts[n]["duration_ms"] / 1000
        delay = RETRY_DELAYS[n] * SCALE
        assert delay * (1 - JITTER) - 0.01 <= waited <= delay * (1 + JITTER) + 0.5, (n, waited)


async def test_the_attempts_list_shows_when_the_next_one_is_due(
    make_client: MakeClient, receiver: Receiver
) -> None:
    client = await make_client(**{**RELAXED, "webhook_retry_scale": 1.0})
    webhook = await _hook(client, receiver)
    receiver.answers = [500]
    await post_message(client, (await create_chat(client))["id"])
    await receiver.wait_for(lambda: bool(receiver.deliveries))
    while not (attempts := await _attempts(client, webhook["id"])):
        await asyncio.sleep(0.05)
    [attempt] = attempts
    assert attempt["event_id"] == receiver.deliveries[0].event_id
    assert (attempt["type"], attempt["state"], attempt["attempt"]) == ("message", "pending", 1)
    due = datetime.fromisoformat(attempt["next_attempt_at"]).timestamp()
    after = due - datetime.fromisoformat(attempt["attempted_at"]).timestamp()
    assert RETRY_DELAYS[0] * (1 - JITTER) <= after <= RETRY_DELAYS[0] * (1 + JITTER) + 1
    metrics = await (await client.get("/metrics")).text()
    assert 'chat_api_webhook_deliveries_total{outcome="retrying"} 1.0' in metrics
    oldest = [
        line
        for line in metrics.splitlines()
        if line.startswith(f'chat_api_webhook_oldest_pending_seconds{{webhook_id="{webhook["id"]}"')
    ]
    assert len(oldest) == 1
    assert float(oldest[0].split()[-1]) > 0


async def test_a_rotated_secret_signs_beside_the_new_one(
    make_client: MakeClient, receiver: Receiver
) -> None:
    client = await make_client(**RELAXED)
    webhook = await _hook(client, receiver)
    chat = (await create_chat(client))["id"]
    await post_message(client, chat, "before")
    await receiver.wait_for(lambda: len(receiver.received()) == 1)
    rotated = await (await client.post(f"/webhooks/{webhook['id']}/rotate-secret")).json()
    receiver.secrets.append(rotated["secret"])
    await post_message(client, chat, "after")
    await receiver.wait_for(lambda: len(receiver.received()) == 2)
    before, after = receiver.received()
    assert len(before.signatures) == 1
    assert before.verified_with == [webhook["secret"]]
    assert len(after.signatures) == 2
    assert all(signature.startswith("v1,") for signature in after.signatures)
    assert after.verified_with == [webhook["secret"], rotated["secret"]]


async def test_failing_throughout_disables_it_and_enabling_resumes(
    make_client: MakeClient, receiver: Receiver
) -> None:
    client = await make_client(
        **{**RELAXED, "webhook_retry_scale": 0.0001, "webhook_disable_after_seconds": 1.0}
    )
    webhook = await _hook(client, receiver)
    receiver.answer_for = lambda delivery: 500 if delivery.type != "ping" else None
    message = await post_message(client, (await create_chat(client))["id"])
    deadline = time.monotonic() + 15
    while (got := await (await client.get(f"/webhooks/{webhook['id']}")).json())["enabled"]:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.1)
    assert got["disabled_reason"].startswith("every attempt has failed since")
    assert got["failing_since"] is not None
    tried = len(receiver.deliveries)
    await asyncio.sleep(0.5)
    assert len(receiver.deliveries) == tried  # nothing is attempted while disabled
    ping = await (await client.post(f"/webhooks/{webhook['id']}/test")).json()
    await receiver.wait_for(lambda: bool(receiver.received("ping")))
    assert receiver.received("ping")[0].event_id == ping["event_id"]
    assert receiver.received("ping")[0].data == {"webhook_id": webhook["id"]}
    receiver.answer_for = lambda delivery: None
    enabled = await client.patch(f"/webhooks/{webhook['id']}", json={"enabled": True})
    assert (await enabled.json())["disabled_reason"] is None
    await receiver.wait_for(lambda: bool(receiver.received("message")))
    assert receiver.received("message")[0].data["id"] == message["id"]
    got = await (await client.get(f"/webhooks/{webhook['id']}")).json()
    assert (got["enabled"], got["failing_since"]) == (True, None)


async def test_redirects_are_not_followed_and_big_answers_not_read(
    make_client: MakeClient, receiver: Receiver, aiohttp_server: Callable[..., Awaitable[Any]]
) -> None:
    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(location=receiver.url)

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(100_000):  # 6.5 GB, were it read
            await response.write(b"x" * 65536)
        return response

    app = web.Application()
    app.router.add_post("/redirect", redirect)
    app.router.add_post("/endless", endless)
    server = await aiohttp_server(app)
    client = await make_client(**RELAXED)
    moved = await client.post(
        "/webhooks", json={"url": str(server.make_url("/redirect")), "events": ["*"]}
    )
    big = await client.post(
        "/webhooks", json={"url": str(server.make_url("/endless")), "events": ["*"]}
    )
    await post_message(client, (await create_chat(client))["id"])
    for hook, wanted in ((await moved.json(), "answered 307"), (await big.json(), None)):
        while not (attempts := await _attempts(client, hook["id"])):
            await asyncio.sleep(0.05)
        assert attempts[0]["error"] == wanted
        assert attempts[0]["duration_ms"] < 1000  # not the 1 s time limit: it stopped reading
    assert receiver.deliveries == []


async def test_a_name_that_later_points_inside_is_refused_at_delivery(
    settings: Settings, aiohttp_client: Callable[..., Awaitable[Client]], receiver: Receiver
) -> None:
    app = create_app(settings.model_copy(update={**RELAXED, "webhook_allow_private": False}))
    table = TableResolver({"hooks.example": ["93.184.216.34"]})
    app[WEBHOOK_RESOLVER] = table
    client = await aiohttp_client(app)
    url = f"http://hooks.example:{receiver.port}/hook"
    created = await client.post("/webhooks", json={"url": url, "events": ["*"]})
    assert created.status == 201
    table.table["hooks.example"] = ["127.0.0.1"]
    await post_message(client, (await create_chat(client))["id"])
    webhook_id = (await created.json())["id"]
    while not (attempts := await _attempts(client, webhook_id)):
        await asyncio.sleep(0.05)
    assert attempts[0]["error"] == "refused: hooks.example (127.0.0.1) is not a public address"
    assert receiver.deliveries == []


async def test_a_deleted_webhook_receives_nothing_more(
    make_client: MakeClient, receiver: Receiver
) -> None:
    client = await make_client(**RELAXED)
    webhook = await _hook(client, receiver)
    chat = (await create_chat(client))["id"]
    await post_message(client, chat, "one")
    await receiver.wait_for(lambda: len(receiver.received()) == 1)
    assert (await client.delete(f"/webhooks/{webhook['id']}")).status == 204
    await post_message(client, chat, "two")
    await asyncio.sleep(0.5)
    assert len(receiver.deliveries) == 1


async def test_deliveries_yield_to_requests_that_wait_for_the_database(
    make_client: MakeClient, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While requests wait for a connection, a round runs at most every BUSY_ROUND_SECONDS;
    nothing is lost, and rounds go back to the usual pace once nobody waits."""
    monkeypatch.setattr(worker, "BUSY_ROUND_SECONDS", 0.5)
    client = await make_client(**RELAXED)
    rounds: list[float] = []
    deliveries = client.app[DATA].deliveries
    queue_events = deliveries.queue_events

    async def counted(**kwargs: Any) -> Any:
        rounds.append(time.monotonic())
        return await queue_events(**kwargs)

    monkeypatch.setattr(deliveries, "queue_events", counted)
    await _hook(client, receiver)
    chat = (await create_chat(client))["id"]
    monkeypatch.setattr(Turns, "waiting", property(lambda turns: 1))  # requests waiting
    rounds.clear()
    posted = [await post_message(client, chat, f"m{n}") for n in range(3)]
    await receiver.wait_for(lambda: len(receiver.received("message")) == 3)
    await asyncio.sleep(1.2)
    busy = [at for at in rounds if at >= rounds[0]]
    span = busy[-1] - busy[0]
    assert len(busy) <= 2 + span / 0.5, (len(busy), span)
    assert [d.data["id"] for d in receiver.received("message")] == [m["id"] for m in posted]

    monkeypatch.setattr(Turns, "waiting", property(lambda turns: 0))
    rounds.clear()
    await asyncio.sleep(0.5)
    assert len(rounds) >= 4, "the usual pace: a look every POLL_SECONDS (50 ms)"
