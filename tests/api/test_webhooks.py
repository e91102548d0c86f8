"""Webhooks as an integrator registers and manages them (POST/GET/PATCH/DELETE /webhooks, the
secret, the attempts, pings), every refusal, and where a URL may point (the SSRF rules)."""

import base64
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from service.api.appkeys import AUTHENTICATOR, WEBHOOK_RESOLVER
from service.app import create_app
from service.auth.keys import ApiKeys
from service.settings import Settings
from tests.support.api import Client, MakeClient, bearer, create_chat
from tests.support.dns import TableResolver

PUBLIC = "https://93.184.216.34/hook"  # a public address as a literal: no DNS needed
PUBLIC_FIELDS = {
    "id",
    "url",
    "events",
    "chat_id",
    "description",
    "enabled",
    "disabled_reason",
    "failing_since",
    "previous_secret_until",
    "created_at",
    "updated_at",
}


async def _create(client: Client, **body: Any) -> dict[str, Any]:
    response = await client.post("/webhooks", json={"url": PUBLIC, "events": ["*"], **body})
    assert response.status == 201, await response.text()
    return dict(await response.json())


async def _refused(client: Client, method: str, path: str, body: Any, loc: list[str | int]) -> str:
    response = await client.request(method, path, json=body)
    assert response.status == 422, await response.text()
    answer = await response.json()
    assert answer["code"] == "validation_error"
    assert [issue["loc"] for issue in answer["detail"]] == [loc], answer
    return str(answer["detail"][0]["type"])


async def test_create_shows_the_secret_once_and_the_webhook_reads_back(client: Client) -> None:
    chat = await create_chat(client)
    created = await _create(
        client, events=["message", "message", "chat_renamed"], chat_id=chat["id"], description="bot"
    )
    assert set(created) == PUBLIC_FIELDS | {"secret"}
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) >= 24
    assert created["events"] == ["message", "chat_renamed"]  # repeats dropped, order kept
    assert (created["chat_id"], created["description"], created["enabled"]) == (
        chat["id"],
        "bot",
        True,
    )
    got = await (await client.get(f"/webhooks/{created['id']}")).json()
    assert got == {name: created[name] for name in PUBLIC_FIELDS}
    listed = await (await client.get("/webhooks")).json()
    assert listed == [got]
    other = await _create(client)
    assert other["secret"] != created["secret"]


async def test_list_pages_by_id_with_a_link(client: Client) -> None:
    ids = [(await _create(client))["id"] for _ in range(3)]
    first = await client.get("/webhooks", params={"limit": 2})
    assert [hook["id"] for hook in await first.json()] == ids[:2]
    link = first.headers["Link"]
    assert link == f'</webhooks?limit=2&after_id={ids[1]}>; rel="next"'
    second = await client.get(link[1 : link.index(">")])
    assert [hook["id"] for hook in await second.json()] == ids[2:]
    assert "Link" not in second.headers


async def test_patch_changes_what_it_names_and_nothing_else(client: Client) -> None:
    chat = await create_chat(client)
    created = await _create(client, chat_id=chat["id"])
    path = f"/webhooks/{created['id']}"
    changed = await (await client.patch(path, json={"events": ["message"]})).json()
    assert changed["events"] == ["message"]
    assert changed["chat_id"] == chat["id"]
    assert changed["url"] == PUBLIC
    assert changed["updated_at"] > created["updated_at"]
    widened = await (await client.patch(path, json={"chat_id": None})).json()
    assert widened["chat_id"] is None
    described = await (await client.patch(path, json={"description": "indexer"})).json()
    assert (described["description"], described["events"]) == ("indexer", ["message"])
    assert "secret" not in described


async def test_patch_with_nothing_or_nulls_changes_nothing(client: Client) -> None:
    created = await _create(client, description="kept")
    for body in ({}, {"url": None, "events": None, "description": None, "enabled": None}):
        same = await client.patch(f"/webhooks/{created['id']}", json=body)
        assert same.status == 200
        got = await same.json()
        assert {k: got[k] for k in ("url", "events", "description", "enabled")} == {
            "url": PUBLIC,
            "events": ["*"],
            "description": "kept",
            "enabled": True,
        }


async def test_delete_removes_it(client: Client) -> None:
    created = await _create(client)
    assert (await client.delete(f"/webhooks/{created['id']}")).status == 204
    for method in ("GET", "PATCH", "DELETE"):
        response = await client.request(
            method, f"/webhooks/{created['id']}", json={"description": "x"}
        )
        assert response.status == 404
        assert (await response.json())["code"] == "webhook_not_found"


@pytest.mark.parametrize("webhook_id", ["1", "9223372036854775807", "9223372036854775808"])
async def test_every_route_of_a_webhook_that_does_not_exist_is_404(
    client: Client, webhook_id: str
) -> None:
    for method, suffix in [
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/rotate-secret"),
        ("GET", "/deliveries"),
        ("POST", "/test"),
    ]:
        response = await client.request(
            method, f"/webhooks/{webhook_id}{suffix}", json={"enabled": True}
        )
        assert response.status == 404, (method, suffix)
        assert (await response.json())["code"] == "webhook_not_found"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"events": ["*"]}, ["body", "url"]),
        ({"url": "ftp://93.184.216.34/", "events": ["*"]}, ["body", "url"]),
        ({"url": "/relative", "events": ["*"]}, ["body", "url"]),
        ({"url": "https://", "events": ["*"]}, ["body", "url"]),
        ({"url": "https://93.184.216.34/" + "x" * 2048, "events": ["*"]}, ["body", "url"]),
        ({"url": PUBLIC}, ["body", "events"]),
        ({"url": PUBLIC, "events": []}, ["body", "events"]),
        ({"url": PUBLIC, "events": ["read"]}, ["body", "events", 0]),
        ({"url": PUBLIC, "events": "message"}, ["body", "events"]),
        ({"url": PUBLIC, "events": ["*"], "chat_id": 0}, ["body", "chat_id"]),
        ({"url": PUBLIC, "events": ["*"], "chat_id": 2**63}, ["body", "chat_id"]),
        ({"url": PUBLIC, "events": ["*"], "description": "x" * 501}, ["body", "description"]),
        ({"url": PUBLIC, "events": ["*"], "secret": "whsec_mine"}, ["body", "secret"]),
    ],
)
async def test_create_refuses_bad_bodies(client: Client, body: Any, loc: list[str | int]) -> None:
    await _refused(client, "POST", "/webhooks", body, loc)
    assert await (await client.get("/webhooks")).json() == []


async def test_a_chat_it_is_scoped_to_must_exist(client: Client) -> None:
    kind = await _refused(
        client,
        "POST",
        "/webhooks",
        {"url": PUBLIC, "events": ["*"], "chat_id": 404},
        ["body", "chat_id"],
    )
    assert kind == "chat_not_found"
    created = await _create(client)
    kind = await _refused(
        client, "PATCH", f"/webhooks/{created['id']}", {"chat_id": 404}, ["body", "chat_id"]
    )
    assert kind == "chat_not_found"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"url": "mailto:a@b"}, ["body", "url"]),
        ({"events": []}, ["body", "events"]),
        ({"secret": "x"}, ["body", "secret"]),
    ],
)
async def test_patch_refuses_bad_bodies(client: Client, body: Any, loc: list[str | int]) -> None:
    created = await _create(client)
    await _refused(client, "PATCH", f"/webhooks/{created['id']}", body, loc)
    unchanged = await (await client.get(f"/webhooks/{created['id']}")).json()
    assert unchanged["updated_at"] == created["updated_at"]


async def test_rotating_gives_a_new_secret_and_the_old_one_overlaps(client: Client) -> None:
    created = await _create(client)
    rotated = await client.post(f"/webhooks/{created['id']}/rotate-secret")
    assert rotated.status == 200
    body = await rotated.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] != created["secret"]
    assert body["previous_secret_until"] is not None
    got = await (await client.get(f"/webhooks/{created['id']}")).json()
    assert got["previous_secret_until"] == body["previous_secret_until"]
    assert "secret" not in got


async def test_a_ping_is_queued_and_its_attempts_page_with_a_link(client: Client) -> None:
    created = await _create(client)
    queued = await client.post(f"/webhooks/{created['id']}/test")
    assert queued.status == 202
    event_id = (await queued.json())["event_id"]
    assert event_id.startswith("ping_")
    nothing_yet = await client.get(f"/webhooks/{created['id']}/deliveries", params={"limit": 1})
    assert nothing_yet.status == 200
    assert isinstance(await nothing_yet.json(), list)
    for params in ({"limit": "0"}, {"limit": "101"}, {"before_id": "0"}, {"before_id": "x"}):
        bad = await client.get(f"/webhooks/{created['id']}/deliveries", params=params)
        assert bad.status == 422, params


# Where a URL may point. Literal addresses need no DNS; names go through the table resolver.
REFUSED_URLS = [
    "https://127.0.0.1/hook",
    "https://127.1.2.3:8443/hook",
    "https://10.0.0.7/hook",
    "https://172.16.5.4/hook",
    "https://192.168.1.1/hook",
    "https://100.64.0.1/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://[fe80::1]/hook",
    "https://[fc00::1]/hook",
    "https://[ff02::1]/hook",
    "https://inside.example/hook",  # resolves to 127.0.0.1
    "https://mixed.example/hook",  # one public address and one private one
    "https://nowhere.example/hook",  # does not resolve
]
TABLE = {
    "inside.example": ["127.0.0.1"],
    "mixed.example": ["93.184.216.34", "10.1.1.1"],
    "outside.example": ["93.184.216.34", "2606:2800:220:1::1"],
}


@pytest.fixture
async def guarded(settings: Settings, aiohttp_client: Callable[..., Awaitable[Client]]) -> Client:
    """The default rules (https, public addresses only), DNS answered from TABLE."""
    app = create_app(settings)
    app[WEBHOOK_RESOLVER] = TableResolver(dict(TABLE))
    return await aiohttp_client(app)


@pytest.mark.parametrize("url", REFUSED_URLS)
async def test_urls_inside_are_refused_at_creation(guarded: Client, url: str) -> None:
    kind = await _refused(
        guarded, "POST", "/webhooks", {"url": url, "events": ["*"]}, ["body", "url"]
    )
    assert kind == "url_not_allowed"


async def test_public_names_and_addresses_are_accepted_and_changes_checked_again(
    guarded: Client,
) -> None:
    created = await _create(guarded, url="https://outside.example/hook")
    kind = await _refused(
        guarded,
        "PATCH",
        f"/webhooks/{created['id']}",
        {"url": "https://inside.example/x"},
        ["body", "url"],
    )
    assert kind == "url_not_allowed"


async def test_http_needs_its_setting_and_private_addresses_theirs(
    make_client: MakeClient,
) -> None:
    strict = await make_client()
    kind = await _refused(
        strict,
        "POST",
        "/webhooks",
        {"url": "http://93.184.216.34/hook", "events": ["*"]},
        ["body", "url"],
    )
    assert kind == "url_not_allowed"
    relaxed = await make_client(webhook_allow_http=True, webhook_allow_private=True)
    for url in ("http://127.0.0.1:9/hook", "https://[::ffff:10.0.0.1]/x", "http://localhost/"):
        await _create(relaxed, url=url)


async def test_only_admin_credentials_manage_webhooks(make_client: MakeClient) -> None:
    client = await make_client(auth_mode="api_key")
    keys: ApiKeys = client.app[AUTHENTICATOR]  # type: ignore[assignment]
    writer = bearer((await keys.create(name="writer", scopes=["read", "write"]))[0])
    admin = bearer((await keys.create(name="admin", scopes=["admin"]))[0])
    body = {"url": PUBLIC, "events": ["*"]}
    refused = await client.post("/webhooks", json=body, headers=writer)
    assert refused.status == 403
    assert (await client.get("/webhooks", headers=writer)).status == 403
    assert (await client.get("/webhooks")).status == 401
    created = await client.post("/webhooks", json=body, headers=admin)
    assert created.status == 201
