"""Authentication around the table of test_auth.py: tokens in the live feeds' query, authors,
security headers, the document, JWKS key sources, configuration, the keys commands, revocation
seen by another process, and tokens kept out of every log line."""

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from service.api.appkeys import AUTHENTICATOR
from service.auth.keys import ApiKeys
from service.ops.server import warn_if_open
from service.settings import Settings, SettingsError, load_settings
from tests.support.api import AUDIENCE, ISSUER, Client, MakeClient, bearer
from tests.support.live import free_port, run_keys, start_service, stop

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@pytest.fixture
async def secured(make_client: MakeClient) -> tuple[Client, ApiKeys]:
    client = await make_client(auth_mode="api_key")
    return client, client.app[AUTHENTICATOR]  # type: ignore[return-value]


async def test_only_the_live_feeds_take_a_token_in_the_query(
    secured: tuple[Client, ApiKeys],
) -> None:
    client, keys = secured
    token, _ = await keys.create(name="browser", scopes=["read", "write"])
    created = await client.post("/chats", json={"title": "t"}, headers=bearer(token))
    chat = await created.json()
    query = {"access_token": token}
    assert (await client.get("/chats", params=query)).status == 401
    assert (await client.get(f"/chats/{chat['id']}", params=query)).status == 401
    async with client.get(f"/chats/{chat['id']}/events", params=query) as stream:
        assert stream.status == 200
    socket = await client.ws_connect(f"/chats/{chat['id']}/ws?access_token={token}")
    await socket.close()
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect(f"/chats/{chat['id']}/ws?access_token=chat_x")
    assert refused.value.status == 401


async def test_messages_record_their_author(
    secured: tuple[Client, ApiKeys], make_client: MakeClient
) -> None:
    client, keys = secured
    token, _ = await keys.create(name="mobile-app", scopes=["read", "write"])
    chat = await (await client.post("/chats", json={"title": "t"}, headers=bearer(token))).json()
    url = f"/chats/{chat['id']}/messages"
    one = await (await client.post(url, json={"text": "a"}, headers=bearer(token))).json()
    again = await client.post(
        url, json={"text": "b"}, headers={**bearer(token), "Idempotency-Key": "k1"}
    )
    bulk = await client.post(
        f"{url}/bulk", json={"messages": [{"text": "c"}]}, headers=bearer(token)
    )
    assert one["author"] == "mobile-app"
    assert (await again.json())["author"] == "mobile-app"
    assert [m["author"] for m in await bulk.json()] == ["mobile-app"]
    anonymous = await make_client()  # AUTH_MODE=none on the same database
    legacy = await (await anonymous.post(url, json={"text": "d"})).json()
    assert legacy["author"] is None
    listed = await (await client.get(url, headers=bearer(token))).json()
    assert [m["author"] for m in listed] == [None, "mobile-app", "mobile-app", "mobile-app"]
    opened = await (await client.get(f"/chats/{chat['id']}", headers=bearer(token))).json()
    assert opened["messages"][-1]["author"] == "mobile-app"


async def test_every_answer_has_the_security_headers(
    secured: tuple[Client, ApiKeys], client: Client
) -> None:
    secured_client, keys = secured
    token, _ = await keys.create(name="reader", scopes=["read"])
    for answer in [
        await client.get("/chats"),
        await client.get("/nope"),
        await client.get("/docs"),
        await secured_client.get("/chats"),
        await secured_client.get("/chats", headers=bearer(token)),
    ]:
        assert {name: answer.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    authenticated = await secured_client.get("/chats", headers=bearer(token))
    assert authenticated.headers["Cache-Control"] == "no-store"
    assert "no-store" not in (await client.get("/chats")).headers.get("Cache-Control", "")
    docs = await client.get("/docs")
    assert "default-src 'self'" in docs.headers["Content-Security-Policy"]
    assert "Content-Security-Policy" in (await client.get("/redoc")).headers


async def test_public_routes_stay_public(secured: tuple[Client, ApiKeys]) -> None:
    client, _ = secured
    assets = ("/docs/static/swagger-ui.css", "/redoc/static/redoc.standalone.js")
    for path in ("/health", "/health/version", "/openapi.json", "/docs", "/redoc", *assets):
        assert (await client.get(path)).status == 200, path
    metrics = await client.get("/metrics")
    assert metrics.status == 401, "metrics need the `metrics` scope when auth is on"


async def test_the_document_declares_the_bearer_scheme_and_each_scope(
    secured: tuple[Client, ApiKeys], client: Client
) -> None:
    document = await (await secured[0].get("/openapi.json")).json()
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    paths = document["paths"]
    # admin, the moderator, will do wherever read or write is needed.
    assert paths["/chats"]["post"]["security"] == [
        {"bearerAuth": ["write"]},
        {"bearerAuth": ["admin"]},
    ]
    assert paths["/chats/{chat_id}"]["delete"]["security"] == [
        {"bearerAuth": ["write"]},
        {"bearerAuth": ["admin"]},
    ]
    assert paths["/metrics"]["get"]["security"] == [{"bearerAuth": ["metrics"]}]
    assert paths["/health"]["get"]["security"] == []
    assert paths["/messages/{message_id}"]["delete"]["security"] == [
        {"bearerAuth": ["write"]},
        {"bearerAuth": ["admin"]},
    ]
    assert {"401", "403"} <= set(paths["/chats"]["get"]["responses"])
    assert "401" not in paths["/health"]["get"]["responses"]
    # Without authentication the document asks for nothing.
    open_document = await (await client.get("/openapi.json")).json()
    assert "securitySchemes" not in open_document.get("components", {})
    assert "401" not in open_document["paths"]["/chats"]["get"]["responses"]


def _jwks(private: Any, kid: str) -> dict[str, Any]:
    key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    return {"keys": [{**key, "kid": kid, "use": "sig", "alg": "RS256"}]}


def _token(private: Any, kid: str, scope: str = "read") -> str:
    now = int(time.time())
    claims = {"sub": "bob", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 60, "scope": scope}
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def jwks_url() -> Iterator[tuple[str, Any, list[int]]]:
    """An identity provider's JWKS endpoint on a local port: URL, signing key, fetch count."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = json.dumps(_jwks(private, "k1")).encode()
    fetches: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetches.append(1)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/certs", private, fetches
    server.shutdown()
    server.server_close()


async def test_jwks_from_a_file_and_from_a_url_fetched_once(
    make_client: MakeClient, tmp_path: Path, jwks_url: tuple[str, Any, list[int]]
) -> None:
    url, private, fetches = jwks_url
    from_url = await make_client(
        auth_mode="jwt", jwt_jwks_url=url, jwt_issuer=ISSUER, jwt_audience=AUDIENCE
    )
    for _ in range(3):
        assert (await from_url.get("/chats", headers=bearer(_token(private, "k1")))).status == 200
    assert len(fetches) == 1, "the key set is cached"

    key_file = tmp_path / "jwks.json"
    key_file.write_text(json.dumps(_jwks(private, "k1")))
    from_file = await make_client(
        auth_mode="jwt", jwt_jwks_file=str(key_file), jwt_issuer=ISSUER, jwt_audience=AUDIENCE
    )
    assert (await from_file.get("/chats", headers=bearer(_token(private, "k1")))).status == 200
    assert (await from_file.get("/chats", headers=bearer(_token(private, "k2")))).status == 401


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"jwt_algorithms": "none"}, "none not allowed"),
        ({"jwt_algorithms": "RS256,HS256"}, "HS256 not allowed"),
        ({"auth_mode": "jwt"}, "exactly one of"),
        ({"rate_limit_read": "lots"}, "600/minute"),
        ({"rate_limit_storage": "memcached://x"}, "redis://"),
        ({"trusted_proxies": "10.0.0.0/8,nonsense"}, "nonsense"),
    ],
)
def test_unsafe_or_broken_auth_settings_stop_the_start(
    overrides: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(_env_file=None, database_url="postgresql://u@h/d", **overrides)


@pytest.mark.parametrize(
    ("host", "mode", "warned"),
    [("0.0.0.0", "none", True), ("127.0.0.1", "none", False), ("0.0.0.0", "api_key", False)],
)
def test_an_open_service_on_the_network_warns_once(
    host: str, mode: str, warned: bool, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        _env_file=None, database_url="postgresql://u@h/d", host=host, auth_mode=mode
    )
    with caplog.at_level(logging.WARNING):
        warn_if_open(settings)
    assert len([r for r in caplog.records if "AUTH_MODE=none" in r.message]) == int(warned)


@pytest.mark.component
def test_keys_commands(database_url: str) -> None:
    created = run_keys(database_url, "create", "--name", "deploy-bot", "--scopes", "read,write")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("chat_")
    assert len(token) == len("chat_") + 12 + 1 + 43
    assert (
        run_keys(database_url, "create", "--name", "deploy-bot", "--scopes", "read").returncode == 1
    )
    assert run_keys(database_url, "create", "--name", "x", "--scopes", "root").returncode == 2
    listed = run_keys(database_url, "list")
    assert "deploy-bot" in listed.stdout
    assert "read,write" in listed.stdout
    assert token not in listed.stdout
    assert token.split("_")[2] not in listed.stdout
    assert run_keys(database_url, "revoke", "deploy-bot").returncode == 0
    assert run_keys(database_url, "revoke", "deploy-bot").returncode == 1


@pytest.mark.component
async def test_a_revoked_key_stops_working_in_every_process_within_a_second(
    database_url: str, tmp_path: Path
) -> None:
    ports = [free_port(), free_port()]
    processes = [start_service(database_url, p, tmp_path, AUTH_MODE="api_key") for p in ports]
    try:
        token = run_keys(
            database_url, "create", "--name", "ops", "--scopes", "read"
        ).stdout.split()[-1]
        async with aiohttp.ClientSession(headers=bearer(token)) as http:

            async def status(port: int) -> int:
                async with http.get(f"http://127.0.0.1:{port}/chats") as answer:
                    return answer.status

            assert [await status(port) for port in ports] == [200, 200]
            assert (
                await asyncio.to_thread(run_keys, database_url, "revoke", "ops")
            ).returncode == 0
            revoked_at = time.monotonic()
            while True:
                asked_at = time.monotonic()
                if {await status(port) for port in ports} == {401}:
                    break
                # Only a request made within a second of the revocation may still pass.
                assert asked_at - revoked_at < 1.0, "still accepted after a second"
                await asyncio.sleep(0.02)
    finally:
        for process in processes:
            stop(process)


@pytest.mark.component
async def test_tokens_never_reach_a_log_line(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    process = start_service(database_url, port, tmp_path, AUTH_MODE="api_key", LOG_LEVEL="DEBUG")
    try:
        token = run_keys(
            database_url, "create", "--name", "t", "--scopes", "read,write"
        ).stdout.split()[-1]
        wrong = "chat_0123456789ab_" + "W" * 43
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession(base) as http:
            chat = await (
                await http.post("/chats", json={"title": "t"}, headers=bearer(token))
            ).json()
            for headers in (bearer(token), bearer(wrong), {"Authorization": f"Basic {token}"}):
                await (await http.get("/chats", headers=headers)).read()
            for name in ("access_token", "access%5Ftoken", "ACCESS_TOKEN"):
                for secret in (token, wrong):
                    async with http.get(f"/chats/{chat['id']}/events?{name}={secret}&x=1"):
                        pass
            async with http.ws_connect(f"/chats/{chat['id']}/ws?access_token={token}") as socket:
                await socket.close()
        await asyncio.sleep(0.3)
    finally:
        stop(process)
    log = (tmp_path / f"chat-api-{port}.log").read_text()
    assert "access_token=%5Bredacted%5D" in log, "the feed requests were logged"
    # The secret part may itself hold "_" (base64url): split off the prefix and key id only.
    for secret in (token, wrong, token.split("_", 2)[2], wrong.split("_", 2)[2]):
        assert secret not in log
