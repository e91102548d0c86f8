"""Protocol-level rules shared by every endpoint: paths, errors, content types, request ids."""

import io
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from service.data.chats import Chats
from tests.support.api import Client, create_chat, post_message

MakeClient = Callable[..., Awaitable[Client]]


@pytest.mark.parametrize("slash", ["", "/"])
async def test_every_path_answers_with_and_without_trailing_slash(
    client: Client, slash: str
) -> None:
    created = await client.post(f"/chats{slash}", json={"title": "t"}, allow_redirects=False)
    assert created.status == 201
    chat_id = (await created.json())["id"]
    posted = await client.post(
        f"/chats/{chat_id}/messages{slash}", json={"text": "x"}, allow_redirects=False
    )
    assert posted.status == 201
    message_id = (await posted.json())["id"]
    for path in [
        "/chats",
        f"/chats/{chat_id}",
        f"/chats/{chat_id}/messages",
        f"/messages/{message_id}",
        "/health",
        "/health/db",
        "/health/version",
    ]:
        response = await client.get(path + slash, allow_redirects=False)
        assert response.status == 200, path + slash
    deleted = await client.delete(f"/chats/{chat_id}{slash}", allow_redirects=False)
    assert deleted.status == 204


async def test_unknown_route_is_json_404(client: Client) -> None:
    response = await client.get("/nope")
    assert response.status == 404
    assert response.content_type == "application/json"
    body = await response.json()
    assert body["detail"] == "Not Found"
    assert body["code"] == "not_found"


async def test_wrong_method_is_json_405_with_allow(client: Client) -> None:
    response = await client.put("/chats", json={"title": "t"})
    assert response.status == 405
    assert response.content_type == "application/json"
    assert (await response.json())["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
async def test_non_json_content_type_is_415(client: Client, content_type: str) -> None:
    response = await client.post(
        "/chats", data=b'{"title": "t"}', headers={"Content-Type": content_type}
    )
    assert response.status == 415
    body = await response.json()
    assert body["code"] == "unsupported_media_type"
    assert "application/json" in body["detail"]


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "application/x+json"]
)
async def test_json_content_types_are_accepted(client: Client, content_type: str) -> None:
    response = await client.post(
        "/chats", data=b'{"title": "t"}', headers={"Content-Type": content_type}
    )
    assert response.status == 201


@pytest.mark.parametrize(
    "raw", [b"not json", b"{", b"", b"[1, 2]", b'"title"', b"42", b"null", b'{"title": "\xff"}']
)
async def test_body_that_is_not_a_json_object_is_422(client: Client, raw: bytes) -> None:
    response = await client.post("/chats", data=raw, headers={"Content-Type": "application/json"})
    assert response.status == 422
    [issue] = (await response.json())["detail"]
    assert issue["loc"] == ["body"]
    assert issue["msg"]


async def test_body_over_the_limit_is_413(client: Client) -> None:
    huge = io.BytesIO(b'{"title": "' + b"x" * (1024 * 1024) + b'"}')
    response = await client.post("/chats", data=huge, headers={"Content-Type": "application/json"})
    assert response.status == 413
    body = await response.json()
    assert body["code"] == "payload_too_large"
    assert "1048576" in body["detail"]


async def test_body_limit_is_configurable(make_client: MakeClient) -> None:
    client = await make_client(body_limit=64)
    assert (await client.post("/chats", json={"title": "short"})).status == 201
    response = await client.post("/chats", json={"title": "x" * 100})
    assert response.status == 413


@pytest.mark.parametrize("path_id", ["abc", "1.5x", "%20", "1e3"])
async def test_non_integer_path_ids_are_422(client: Client, path_id: str) -> None:
    for path in [f"/chats/{path_id}", f"/chats/{path_id}/messages", f"/messages/{path_id}"]:
        response = await client.get(path)
        assert response.status == 422, path
        [issue] = (await response.json())["detail"]
        assert issue["loc"][0] == "path"


@pytest.mark.parametrize(
    "path_id", ["0", "-1", "99999999999999999999", "9223372036854775808", "-9223372036854775809"]
)
async def test_ids_that_cannot_exist_are_404(client: Client, path_id: str) -> None:
    for method, path in [
        ("GET", f"/chats/{path_id}"),
        ("DELETE", f"/chats/{path_id}"),
        ("GET", f"/chats/{path_id}/messages"),
        ("GET", f"/messages/{path_id}"),
    ]:
        response = await client.request(method, path)
        assert response.status == 404, (method, path)
        assert path_id in (await response.json())["detail"]
    posted = await client.post(f"/chats/{path_id}/messages", json={"text": "x"})
    assert posted.status == 404


async def test_largest_bigint_id_is_a_plain_404(client: Client) -> None:
    response = await client.get("/chats/9223372036854775807")
    assert response.status == 404


async def test_request_id_is_generated_when_missing(client: Client) -> None:
    first = await client.get("/health")
    second = await client.get("/health")
    assert len(first.headers["X-Request-ID"]) >= 16
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


async def test_sane_request_id_is_echoed(client: Client) -> None:
    response = await client.get("/chats/1", headers={"X-Request-ID": "client-abc.123"})
    assert response.headers["X-Request-ID"] == "client-abc.123"
    assert (await response.json())["request_id"] == "client-abc.123"


@pytest.mark.parametrize("bad", ["x" * 129, "has space", "tab\there", "ünicode"])
async def test_unsafe_request_id_is_replaced(client: Client, bad: str) -> None:
    response = await client.get("/health", headers={"X-Request-ID": bad})
    assert response.headers["X-Request-ID"] != bad
    assert response.headers["X-Request-ID"].isalnum()


async def test_unexpected_failure_is_opaque_500_and_logged(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(self: Chats, **kwargs: Any) -> None:
        raise RuntimeError("secret internals: SELECT password FROM users")

    monkeypatch.setattr(Chats, "list_chats", explode)
    with caplog.at_level(logging.ERROR):
        response = await client.get("/chats", headers={"X-Request-ID": "trace-me"})
    assert response.status == 500
    body = await response.json()
    assert body == {
        "detail": "Internal server error",
        "code": "internal_error",
        "request_id": "trace-me",
    }
    assert "secret" not in await response.text()
    assert "secret internals" in caplog.text
    assert "Traceback" in caplog.text


async def test_error_responses_carry_request_id_header(client: Client) -> None:
    chat = await create_chat(client)
    await post_message(client, chat["id"])
    for response in [
        await client.get("/nope"),
        await client.get("/chats?limit=0"),
        await client.post("/chats", data=b"x", headers={"Content-Type": "text/plain"}),
    ]:
        assert response.headers["X-Request-ID"]
