"""A catalogue of hostile inputs, each with the 4xx it must get; the data stays intact and the
process stays up."""

import io
from typing import Any

import asyncpg
import pytest

from tests.support.api import Client, create_chat, post_message
from tests.support.sql import Statements

JSON = {"Content-Type": "application/json"}
DEEP = 100_000


async def send(client: Client, method: str, path: str, body: bytes | None) -> Any:
    data = io.BytesIO(body) if body is not None and len(body) > 1_000_000 else body
    return await client.request(method, path, data=data, headers=JSON)


BODY_CASES = [
    ("NUL byte", b'{"title": "a\\u0000b"}', 422),
    ("lone high surrogate", b'{"title": "\\ud800"}', 422),
    ("lone low surrogate", b'{"title": "x\\udfff"}', 422),
    ("invalid UTF-8", b'{"title": "\xff\xfe"}', 422),
    ("overlong UTF-8", b'{"title": "\xc0\xaf"}', 422),
    ("10 MB body", b'{"title": "' + b"x" * (10 * 1024 * 1024) + b'"}', 413),
    ("deeply nested JSON", b'{"title": ' + b"[" * DEEP + b"]" * DEEP + b"}", 422),
    ("number where a string belongs", b'{"title": 12345}', 422),
    ("object where a string belongs", b'{"title": {"$ne": ""}}', 422),
    ("boolean where a string belongs", b'{"title": true}', 422),
    ("huge number", b'{"title": 1' + b"0" * 5000 + b"}", 422),
    ("NaN literal", b'{"title": NaN}', 422),
    ("trailing garbage", b'{"title": "ok"} trailing', 422),
    ("JSON array", b'[{"title": "ok"}]', 422),
    ("empty body", b"", 422),
    ("whitespace only title", b'{"title": "\\u2003\\u00a0 \\t"}', 422),
]


@pytest.mark.parametrize(("case", "body", "status"), BODY_CASES, ids=[c[0] for c in BODY_CASES])
async def test_hostile_bodies(
    client: Client,
    db: asyncpg.Connection,
    test_queries: Statements,
    case: str,
    body: bytes,
    status: int,
) -> None:
    chat = await create_chat(client, "survivor")
    for path in ["/chats", f"/chats/{chat['id']}/messages"]:
        payload = body.replace(b'"title"', b'"text"') if path.endswith("messages") else body
        response = await send(client, "POST", path, payload)
        assert response.status == status, (case, path)
        assert (await response.json())["detail"], (case, path)
    # Nothing was stored, the chat is intact and the service still answers.
    assert [c["id"] for c in await (await client.get("/chats")).json()] == [chat["id"]]
    assert await test_queries.count_messages(db, chat["id"]) == 0
    assert (await client.get("/health")).status == 200


PATH_CASES = [
    ("id past 2^63", "/chats/9223372036854775808", 404),
    ("id far past 2^63", "/chats/" + "9" * 40, 404),
    ("negative id", "/chats/-5", 404),
    ("zero id", "/chats/0", 404),
    ("float id", "/chats/1.5", 422),
    ("whole-number float id is that id", "/chats/1.0", 404),
    ("exponent id", "/chats/1e3", 422),
    ("hex id", "/chats/0x10", 422),
    ("percent-encoded digit", "/chats/%31%32", 404),
    ("percent-encoded slash", "/chats/1%2F2", 422),
    ("percent-encoded NUL", "/chats/%00", 422),
    ("encoded newline", "/chats/1%0A", 404),
    ("unicode digits", "/chats/%D9%A1%D9%A2", 422),
    ("SQL in id", "/chats/1%20OR%201=1", 422),
    ("path traversal", "/chats/..%2F..%2Fetc%2Fpasswd", 422),
    ("message id past 2^63", "/messages/99999999999999999999", 404),
    ("unknown route", "/chats/1/2/3/4", 404),
]


@pytest.mark.parametrize(("case", "path", "status"), PATH_CASES, ids=[c[0] for c in PATH_CASES])
async def test_hostile_paths(client: Client, case: str, path: str, status: int) -> None:
    response = await client.get(path)
    assert response.status == status, case
    assert response.content_type == "application/json"
    assert (await response.json())["detail"]


QUERY_CASES = [
    ("duplicate limit", "limit=1&limit=2", 422),
    ("duplicate skip", "skip=0&skip=5", 422),
    ("limit past 2^63", "limit=99999999999999999999", 422),
    ("skip past 2^63", "skip=9223372036854775808", 422),
    ("float limit", "limit=2.5", 422),
    ("whole-number float limit", "limit=5.0", 200),
    ("empty limit", "limit=", 422),
    ("SQL in limit", "limit=1;DROP%20TABLE%20chats", 422),
    ("NUL in limit", "limit=%00", 422),
    ("unknown parameters are ignored", "foo=bar&limit=5", 200),
]


@pytest.mark.parametrize(("case", "query", "status"), QUERY_CASES, ids=[c[0] for c in QUERY_CASES])
async def test_hostile_query_strings(client: Client, case: str, query: str, status: int) -> None:
    chat = await create_chat(client)
    for path in ["/chats", f"/chats/{chat['id']}/messages"]:
        response = await client.get(f"{path}?{query}")
        assert response.status == status, (case, path)


async def test_huge_request_id_is_refused_before_the_app(client: Client) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "x" * 10_000})
    assert response.status == 400  # aiohttp's header size limit (8190 bytes)
    ok = await client.get("/health", headers={"X-Request-ID": "y" * 1000})
    assert ok.status == 200
    assert ok.headers["X-Request-ID"] != "y" * 1000


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE messages; --",
        "1' OR '1'='1",
        "$1; SELECT pg_sleep(10)",
        "\\x00\\' \\\" %s %d {0} ${x}",
        "<script>alert(1)</script>",
        "Robert'); DELETE FROM chats WHERE ('a' = 'a",
    ],
)
async def test_sql_looking_strings_are_stored_and_returned_verbatim(
    client: Client, text: str
) -> None:
    chat = await create_chat(client, text)
    message = await post_message(client, chat["id"], text)
    opened = await (await client.get(f"/chats/{chat['id']}")).json()
    assert opened["chat"]["title"] == text
    assert opened["messages"] == [message]
    assert message["text"] == text
