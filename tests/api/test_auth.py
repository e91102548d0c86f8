"""Who may do what: every operation of the OpenAPI document against every kind of credential,
with API keys and with JWTs; the scope each operation declares decides 401/403/2xx."""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from service.api.appkeys import AUTHENTICATOR, DATA
from service.auth.keys import SCOPES, ApiKeys
from service.domain.people import ANYONE
from service.domain.webhooks import WebhookCreate
from service.webhooks.signing import new_secret
from tests.support.api import (
    AUDIENCE,
    BODIES,
    EMOJI,
    ISSUER,
    PARAMS,
    Client,
    MakeClient,
    bearer,
    create_chat,
    post_message,
)
from tests.support.paths import TEST_SQL
from tests.support.sql import Statements

TEST_QUERIES = Statements(TEST_SQL)
# The member the members operations act on (the caller owns the chat; a chat keeps an owner).
OTHER_MEMBER = "someone"
# Operations only a message's author (or `admin`) may call: the table makes the message the
# caller's, so the scope alone decides.
AUTHOR_ONLY = {"edit_message", "delete_message"}


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    scope: str | None  # None: public
    accepted: tuple[str, ...]  # every scope that will do (security requirements are ORed)
    success: int


def operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            security = operation["security"]
            accepted = tuple(requirement["bearerAuth"][0] for requirement in security)
            scope = accepted[0] if accepted else None
            success = min(int(status) for status in operation["responses"] if status < "300")
            found.append(
                Operation(operation["operationId"], method, path, scope, accepted, success)
            )
    return found


# The headers of one case, made when its request is made: a token stamped with the time when
# the table was built could expire while a slow machine walks the table.
Headers = Callable[[], dict[str, str]]


def fixed(headers: dict[str, str]) -> Headers:
    return lambda: headers


async def call(
    secured: Client, setup: Client, op: Operation, make_headers: Headers, owner: str
) -> int:
    """Makes the operation's request with these headers; returns the status. Its chat and
    message are made through `setup`, a client of the same database without authentication;
    `owner` owns the chat (so only the scope decides) and the message is theirs."""
    chat = await create_chat(setup)
    message = await post_message(setup, chat["id"])
    members = setup.app[DATA].members
    await members.put_member(chat_id=chat["id"], user_id=owner, role="owner")
    await members.put_member(chat_id=chat["id"], user_id=OTHER_MEMBER, role="member")
    if op.id in AUTHOR_ONLY:
        await setup.app[DATA].databases.write(
            lambda db: TEST_QUERIES.set_message_author(db, message["id"], owner)
        )
    # Reacted and pinned already, so adding either again is a 200 and taking it back a 204.
    await setup.app[DATA].reactions.add(message_id=message["id"], emoji=EMOJI, user=owner)
    await setup.app[DATA].pins.pin(chat_id=chat["id"], message_id=message["id"], viewer=ANYONE)
    webhook = await setup.app[DATA].webhooks.create(
        WebhookCreate.model_validate(BODIES["create_webhook"]), secret=new_secret()
    )
    path = op.path.format(
        chat_id=chat["id"],
        message_id=message["id"],
        user_id=OTHER_MEMBER,
        webhook_id=webhook.id,
        emoji=EMOJI,
    )
    headers = make_headers()
    if op.id in ("follow_chat_socket", "follow_my_socket"):
        try:
            socket = await secured.ws_connect(path, headers=headers)
        except aiohttp.WSServerHandshakeError as refused:
            return refused.status
        await socket.close()
        return 101
    async with secured.request(
        op.method.upper(), path, json=BODIES.get(op.id), params=PARAMS.get(op.id), headers=headers
    ) as answer:
        if answer.status == 401:
            assert answer.headers["WWW-Authenticate"].startswith('Bearer realm="chat-api"')
            assert (await answer.json())["code"] == "unauthorized"
        elif answer.status == 403:
            assert (await answer.json())["code"] == "forbidden"
        return answer.status


Cases = Callable[[Operation], list[tuple[str, Headers, int]]]


async def check_table(
    secured: Client, setup: Client, cases: Cases, owner: Callable[[Operation], str]
) -> None:
    document = await (await secured.get("/openapi.json")).json()
    failures = []
    for op in operations(document):
        for name, headers, expected in cases(op):
            status = await call(secured, setup, op, headers, owner(op))
            if status != expected:
                failures.append(f"{op.id} with {name}: {status}, expected {expected}")
    assert failures == []


@pytest.fixture
async def keyed(make_client: MakeClient) -> tuple[Client, Client, ApiKeys]:
    """A client of the service with AUTH_MODE=api_key, one without (to set up data in the same
    database), and the app's key store."""
    secured = await make_client(auth_mode="api_key")
    return secured, await make_client(), secured.app[AUTHENTICATOR]  # type: ignore[return-value]


async def test_every_operation_with_every_kind_of_api_key(
    keyed: tuple[Client, Client, ApiKeys],
) -> None:
    secured, open_client, keys = keyed
    only = {scope: (await keys.create(name=f"only-{scope}", scopes=[scope]))[0] for scope in SCOPES}
    document = await (await secured.get("/openapi.json")).json()
    # For each set of accepted scopes, a key with every other scope but none of those.
    all_but = {
        op.accepted: (
            await keys.create(
                name="all-but-" + "-".join(op.accepted),
                scopes=[s for s in SCOPES if s not in op.accepted],
            )
        )[0]
        for op in {op.accepted: op for op in operations(document) if op.scope}.values()
    }
    revoked, _ = await keys.create(name="revoked", scopes=list(SCOPES))
    assert await keys.revoke("revoked")
    unknown = "chat_0123456789ab_" + "A" * 43

    def cases(op: Operation) -> list[tuple[str, Headers, int]]:
        if op.scope is None:
            return [
                ("no credential", fixed({}), op.success),
                ("unknown key", fixed(bearer(unknown)), op.success),
            ]
        return [
            ("no credential", fixed({}), 401),
            ("an empty bearer", fixed({"Authorization": "Bearer "}), 401),
            ("another scheme", fixed({"Authorization": f"Basic {only[op.scope]}"}), 401),
            ("a malformed token", fixed(bearer("chat_nope")), 401),
            ("an unknown key", fixed(bearer(unknown)), 401),
            ("a revoked key", fixed(bearer(revoked)), 401),
            ("the wrong scope", fixed(bearer(all_but[op.accepted])), 403),
            ("the right scope", fixed(bearer(only[op.scope])), op.success),
        ]

    await check_table(secured, open_client, cases, lambda op: f"only-{op.scope}")


def _rsa_pair() -> tuple[Any, bytes]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(claims: dict[str, Any]) -> str:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


def _hs256_with_public_key(claims: dict[str, Any], public: bytes) -> str:
    """The classic confusion attack: HMAC-signed with the verifier's public key as secret."""
    signing_input = (
        f"{_b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}."
        f"{_b64(json.dumps(claims).encode())}"
    )
    signature = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


async def test_every_operation_with_every_kind_of_jwt(
    make_client: MakeClient, tmp_path: Path
) -> None:
    private, public = _rsa_pair()
    key_file = tmp_path / "idp.pem"
    key_file.write_bytes(public)
    secured = await make_client(
        auth_mode="jwt",
        jwt_public_key_file=str(key_file),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_leeway=10,
    )
    open_client = await make_client()
    another_key = _rsa_pair()[0]

    def claims(scopes: list[str], **offsets: int) -> dict[str, Any]:
        """Claims as of now: `exp`/`nbf` given as seconds from now, so every token is stamped
        at the moment its request is made."""
        now = int(time.time())
        base = {"sub": "alice", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300}
        return {**base, "scope": " ".join(scopes), **{k: now + v for k, v in offsets.items()}}

    def token(make_claims: Callable[[], dict[str, Any]], key: Any = private) -> Headers:
        return lambda: bearer(jwt.encode(make_claims(), key, algorithm="RS256"))

    def cases(op: Operation) -> list[tuple[str, Headers, int]]:
        if op.scope is None:
            return [("no credential", fixed({}), op.success)]
        right, others = [op.scope], [s for s in SCOPES if s not in op.accepted]
        return [
            ("no credential", fixed({}), 401),
            ("expired", token(lambda: claims(right, exp=-60)), 401),
            ("not yet valid", token(lambda: claims(right, nbf=120)), 401),
            ("wrong issuer", token(lambda: {**claims(right), "iss": "https://evil.example"}), 401),
            ("wrong audience", token(lambda: {**claims(right), "aud": "another-api"}), 401),
            (
                "no audience",
                token(lambda: {k: v for k, v in claims(right).items() if k != "aud"}),
                401,
            ),
            ("alg none", lambda: bearer(_unsigned(claims(right))), 401),
            (
                "HS256 with the public key",
                lambda: bearer(_hs256_with_public_key(claims(right), public)),
                401,
            ),
            ("another key", token(lambda: claims(right), another_key), 401),
            ("the wrong scope", token(lambda: claims(others)), 403),
            ("the right scope", token(lambda: claims(right)), op.success),
            ("the right scope in scp", token(lambda: {**claims([]), "scp": right}), op.success),
            ("expired within the leeway", token(lambda: claims(right, exp=-5)), op.success),
        ]

    await check_table(secured, open_client, cases, lambda op: "alice")
