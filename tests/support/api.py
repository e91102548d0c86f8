"""Calling the API from tests: the in-process client, and the calls many tests make."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from service.api.appkeys import QUERIES
from tests.support.sql import Statements

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[..., Awaitable[Client]]

# What the JWT tests' identity provider says it is, and who its tokens are for.
ISSUER = "https://idp.example/realms/chat"
AUDIENCE = "chat-api"


# A body each operation of the document accepts, and the query parameters it needs: the tables
# that call every operation (tests/api/test_auth.py, test_access.py) send these. A new
# operation that takes a body must be added here.
BODIES: dict[str, Any] = {
    "create_chat": {"title": "t"},
    "create_message": {"text": "t"},
    "create_messages": {"messages": [{"text": "t"}]},
    "mark_read": {"up_to_id": 1},
    "mark_unread": {"from_id": 1},
    "edit_message": {"text": "edited"},
    "rename_chat": {"title": "renamed"},
    "put_member": {"role": "member"},
    "update_me": {"display_name": "Someone"},
    # A public address written as one: no DNS, and WEBHOOK_ALLOW_PRIVATE is off by default.
    "create_webhook": {"url": "https://93.184.216.34/hook", "events": ["*"]},
    "update_webhook": {"description": "indexer"},
}
PARAMS: dict[str, dict[str, str]] = {"search_messages": {"q": "t"}}
# The reaction the tables' paths name ({emoji}); their scenes react with it and pin.
EMOJI = "👍"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def create_chat(client: Client, title: str = "chat") -> dict[str, Any]:
    response = await client.post("/chats", json={"title": title})
    assert response.status == 201, await response.text()
    return dict(await response.json())


async def post_message(client: Client, chat_id: int, text: str = "hi") -> dict[str, Any]:
    response = await client.post(f"/chats/{chat_id}/messages", json={"text": text})
    assert response.status == 201, await response.text()
    return dict(await response.json())


def slow_health_check(client: Client, monkeypatch: pytest.MonkeyPatch, queries: Statements) -> None:
    """Makes the query behind /health/db take five seconds, to run into statement_timeout."""
    health = client.app[QUERIES].health
    monkeypatch.setattr(health, "database_state", queries.slow_database_state)
