"""Health checks, version, the OpenAPI document and the pages that render it."""

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from importlib.metadata import version

import pytest
from openapi_spec_validator import validate

from service.db.databases import Databases
from tests.support.api import Client

MakeClient = Callable[..., Awaitable[Client]]


async def test_health_needs_no_database(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    async def unreachable(self: Databases) -> None:
        raise AssertionError("GET /health must not touch the database")

    monkeypatch.setattr(Databases, "ping", unreachable)
    response = await client.get("/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_health_db_ok(client: Client) -> None:
    response = await client.get("/health/db")
    assert response.status == 200
    assert await response.json() == {
        "status": "ok",
        "databases": [{"name": "primary", "state": "ok", "lag_seconds": None, "warning": None}],
    }


async def test_health_db_is_503_quickly_when_database_hangs(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await make_client(health_db_timeout=0.2)

    async def hang(self: Databases) -> bool:
        await asyncio.sleep(60)
        return False

    monkeypatch.setattr(Databases, "primary_read_only", hang)
    started = time.monotonic()
    response = await client.get("/health/db")
    assert time.monotonic() - started < 2
    assert response.status == 503
    body = await response.json()
    assert (body["detail"], body["code"]) == ("Database unavailable", "database_unavailable")
    assert body["databases"] == [
        {"name": "primary", "state": "unavailable", "lag_seconds": None, "warning": None}
    ]


async def test_health_db_is_503_when_database_refuses(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(self: Databases) -> bool:
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(Databases, "primary_read_only", refuse)
    response = await client.get("/health/db")
    assert response.status == 503
    assert "refused" not in await response.text()


async def test_version_comes_from_package_metadata(client: Client) -> None:
    body = await (await client.get("/health/version")).json()
    assert body == {"name": "Chat API", "version": version("chat-api")}


async def test_openapi_document_is_valid_3x_and_complete(client: Client) -> None:
    response = await client.get("/openapi.json")
    assert response.status == 200
    document = await response.json()
    validate(document)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/chats",
        "/chats/{chat_id}",
        "/chats/{chat_id}/messages",
        "/chats/{chat_id}/messages/bulk",
        "/chats/{chat_id}/events",
        "/chats/{chat_id}/ws",
        "/chats/{chat_id}/stats",
        "/chats/{chat_id}/read",
        "/chats/{chat_id}/unread",
        "/chats/{chat_id}/members",
        "/chats/{chat_id}/members/{user_id}",
        "/chats/{chat_id}/join",
        "/chats/{chat_id}/typing",
        "/messages/{message_id}",
        "/messages",
        "/me",
        "/me/chats",
        "/me/unread",
        "/me/mentions",
        "/me/events",
        "/me/ws",
        "/users/{user_id}",
        "/chats/{chat_id}/pins",
        "/chats/{chat_id}/pins/{message_id}",
        "/messages/{message_id}/thread",
        "/messages/{message_id}/reactions/{emoji}",
        "/webhooks",
        "/webhooks/{webhook_id}",
        "/webhooks/{webhook_id}/rotate-secret",
        "/webhooks/{webhook_id}/deliveries",
        "/webhooks/{webhook_id}/test",
        "/health",
        "/health/db",
        "/health/version",
        "/metrics",
    }
    assert set(document["paths"]["/chats"]) == {"get", "post"}
    assert set(document["paths"]["/chats/{chat_id}"]) == {"get", "delete", "patch"}
    assert set(document["paths"]["/messages/{message_id}"]) == {"get", "delete", "patch"}
    schemas = document["components"]["schemas"]
    title = schemas["ChatCreate"]["properties"]["title"]
    text = schemas["MessageCreate"]["properties"]["text"]
    # The trimming rule in words, not as a regular expression nobody can read.
    assert "pattern" not in title
    assert "pattern" not in text
    assert "1-200 characters" in title["description"]
    assert "1-5000 characters" in text["description"]
    assert "trimmed" in title["description"]
    assert set(schemas["ChatPublic"]["required"]) == {
        "id",
        "title",
        "created_at",
        "message_count",
        "unread_count",
        "visibility",
        "member_count",
    }
    assert schemas["ReadMarker"]["required"] == ["up_to_id"]
    assert schemas["UnreadMarker"]["required"] == ["from_id"]


async def test_openapi_query_bounds_follow_settings(make_client: MakeClient) -> None:
    client = await make_client(max_messages_limit=50, default_messages_limit=5)
    document = await (await client.get("/openapi.json")).json()
    parameters = document["paths"]["/chats/{chat_id}"]["get"]["parameters"]
    [limit] = [parameter for parameter in parameters if parameter["name"] == "limit"]
    assert limit["schema"]["maximum"] == 50
    assert limit["schema"]["default"] == 5


@pytest.mark.parametrize(
    ("page", "asset"),
    [
        ("/docs", "/docs/static/swagger-ui-bundle.js"),
        ("/redoc", "/redoc/static/redoc.standalone.js"),
    ],
)
async def test_doc_pages_load_assets_from_this_service(
    client: Client, page: str, asset: str
) -> None:
    response = await client.get(page)
    assert response.status == 200
    assert response.content_type == "text/html"
    html = await response.text()
    assert "/openapi.json" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "no external assets"
    for path in re.findall(r"(?:src|href)=\"(/[^\"]+)\"", html):
        assert (await client.get(path)).status == 200, path
    assert asset in html


async def test_the_document_describes_itself_for_client_authors(client: Client) -> None:
    document = await (await client.get("/openapi.json")).json()
    assert "Chats and their messages" in document["info"]["description"]
    assert document["info"]["license"]["identifier"] == "MIT"
    assert document["servers"] == [{"url": "/", "description": "This server"}]
    declared = {tag["name"]: tag["description"] for tag in document["tags"]}
    used = {
        tag for path in document["paths"].values() for op in path.values() for tag in op["tags"]
    }
    assert used == set(declared)
    assert all(declared.values())
    for path in document["paths"].values():
        for operation in path.values():
            assert operation["description"], operation["operationId"]
            assert any(status.startswith(("2", "1")) for status in operation["responses"])


async def test_examples_are_real(client: Client) -> None:
    schemas = (await (await client.get("/openapi.json")).json())["components"]["schemas"]
    assert schemas["ChatPublic"]["properties"]["title"]["examples"] == ["Планы на выходные"]
    created = schemas["MessagePublic"]["properties"]["created_at"]["examples"][0]
    assert created.endswith("Z")
    assert created.startswith("20")


async def test_the_live_feeds_are_documented_for_resuming(client: Client) -> None:
    paths = (await (await client.get("/openapi.json")).json())["paths"]
    events = paths["/chats/{chat_id}/events"]["get"]
    [resume] = [p for p in events["parameters"] if p["in"] == "header"]
    assert resume["name"] == "Last-Event-ID"
    assert "`0` replays the chat from its first message" in resume["description"]
    frame = events["responses"]["200"]["content"]["text/event-stream"]["schema"]
    assert frame["properties"]["event"]["enum"] == [
        "message",
        "message_edited",
        "message_deleted",
        "chat_renamed",
        "reaction_added",
        "reaction_removed",
        "message_pinned",
        "message_unpinned",
        "chat_deleted",
        "chat_left",
        "typing",
    ]
    assert set(frame["required"]) == {"event", "data"}
    socket = paths["/chats/{chat_id}/ws"]["get"]
    assert {"101", "403", "404", "422", "426"} <= set(socket["responses"])
    [query] = [p for p in socket["parameters"] if p["in"] == "query"]
    assert query["name"] == "last_event_id"
    assert query["description"] == resume["description"]
    mine = paths["/me/events"]["get"]
    frame = mine["responses"]["200"]["content"]["text/event-stream"]["schema"]
    assert set(frame["properties"]["event"]["enum"]) == {
        "message",
        "message_edited",
        "message_deleted",
        "chat_renamed",
        "reaction_added",
        "reaction_removed",
        "message_pinned",
        "message_unpinned",
        "chat_deleted",
        "member_joined",
        "member_left",
        "chat_joined",
        "chat_left",
        "read",
        "typing",
        "presence",
        "cursor",
    }
    shapes = {
        ref["$ref"].rsplit("/", 1)[-1]
        for ref in frame["properties"]["data"]["contentSchema"]["anyOf"]
    }
    assert {"MembershipData", "ReadData", "TypingData", "PresenceData", "CursorData"} <= shapes
