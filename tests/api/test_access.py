"""Who may do what in which chat (AUTH_MODE=api_key): every operation of the live document
against every kind of caller, in a private and in a public chat. A private chat does not
exist for anyone outside it: its 404 is the 404 of a chat that does not exist."""

from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from service.api.appkeys import AUTHENTICATOR
from service.auth.keys import ApiKeys
from tests.support.api import BODIES, EMOJI, PARAMS, Client, MakeClient, bearer

# Callers: key name -> scopes. The key's user is its name.
CALLERS = {
    "owner": ["read", "write"],
    "member": ["read", "write"],
    "outsider": ["read", "write"],
    "removed": ["read", "write"],
    "admin": ["admin"],  # admin alone: the moderator needs nothing else
}
BYSTANDER = "bystander"  # a member the members operations act on
# What an operation on a chat needs: to see it, to be a member, to own it, or to be the
# message's author (the owner wrote it). Operations not named here are not about one chat.
NEEDS = {
    "get_chat": "see",
    "list_messages": "see",
    "get_chat_stats": "see",
    "follow_chat_events": "see",
    "follow_chat_socket": "see",
    "get_message": "see",
    "create_message": "member",
    "create_messages": "member",
    "mark_read": "member",
    "mark_unread": "member",
    "list_members": "member",
    "join_chat": "join",
    "send_typing": "member",
    "rename_chat": "owner",
    "delete_chat": "owner",
    "put_member": "owner",
    "remove_member": "owner",
    "edit_message": "author",
    "delete_message": "author",
    "list_thread": "see",
    "list_pins": "see",
    "pin_message": "member",
    "unpin_message": "member",
    "add_reaction": "member",
    "remove_reaction": "member",
    "list_reactors": "see",
}
MEMBERS = {"owner", "member"}


@dataclass(frozen=True)
class Op:
    id: str
    method: str
    path: str
    success: int


def operations(document: dict[str, Any]) -> list[Op]:
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            scopes = {scope for need in operation["security"] for scope in need["bearerAuth"]}
            if not scopes & {"read", "write"}:
                continue  # probes, the document, the docs pages; metrics (scopes decide)
            success = min(int(status) for status in operation["responses"] if status < "300")
            found.append(Op(operation["operationId"], method.upper(), path, success))
    return found


def expected(op: Op, caller: str, visibility: str) -> int:
    """The status the rules (docs/security.md) give."""
    need = NEEDS.get(op.id)
    if caller == "anonymous":
        return 401
    if need is None:
        return op.success
    inside = caller in MEMBERS or caller == "admin"
    if visibility == "private" and not inside:
        return 404
    if need == "see":
        return op.success
    if need == "join":
        return 200 if caller in MEMBERS else 201
    if caller == "admin":
        return op.success
    if caller not in MEMBERS:
        return 403  # a public chat: not_a_member
    if need in ("owner", "author") and caller != "owner":
        return 403
    return op.success


@pytest.fixture
async def callers(make_client: MakeClient) -> tuple[Client, dict[str, str]]:
    client = await make_client(auth_mode="api_key")
    keys: ApiKeys = client.app[AUTHENTICATOR]  # type: ignore[assignment]
    tokens = {name: (await keys.create(name=name, scopes=s))[0] for name, s in CALLERS.items()}
    return client, tokens


async def _scene(client: Client, tokens: dict[str, str], visibility: str) -> tuple[int, int]:
    """A chat made by its owner, with a message of the owner's, the member and the bystander
    in it, and the removed caller taken out again."""
    owner = bearer(tokens["owner"])
    created = await client.post(
        "/chats", json={"title": "t", "visibility": visibility}, headers=owner
    )
    assert created.status == 201, await created.text()
    chat_id = (await created.json())["id"]
    posted = await client.post(f"/chats/{chat_id}/messages", json={"text": "t"}, headers=owner)
    assert posted.status == 201
    for user in ("member", "removed", BYSTANDER):
        added = await client.put(
            f"/chats/{chat_id}/members/{user}", json={"role": "member"}, headers=owner
        )
        assert added.status == 201, await added.text()
    gone = await client.delete(f"/chats/{chat_id}/members/removed", headers=owner)
    assert gone.status == 204
    message_id = (await posted.json())["id"]
    # Reacted by those who may, and pinned: adding either again is a 200, taking it back a 204.
    for user in ("owner", "member", "admin"):
        reacted = await client.put(
            f"/messages/{message_id}/reactions/{EMOJI}", headers=bearer(tokens[user])
        )
        assert reacted.status == 201, await reacted.text()
    pinned = await client.put(f"/chats/{chat_id}/pins/{message_id}", headers=owner)
    assert pinned.status == 201, await pinned.text()
    return chat_id, message_id


async def _call(client: Client, op: Op, path: str, headers: dict[str, str]) -> tuple[int, Any, Any]:
    """The status, the body (JSON, or None) and the headers of the operation's answer."""
    if op.id in ("follow_chat_socket", "follow_my_socket"):
        try:
            socket = await client.ws_connect(path, headers=headers)
        except aiohttp.WSServerHandshakeError as refused:
            return refused.status, None, refused.headers
        await socket.close()
        return 101, None, None
    async with client.request(
        op.method, path, json=BODIES.get(op.id), params=PARAMS.get(op.id), headers=headers
    ) as answer:
        body = None
        if answer.content_type == "application/json":
            body = await answer.json()
        return answer.status, body, answer.headers


def _shape(body: Any, headers: Any, chat_id: int, message_id: int) -> tuple[Any, ...]:
    """What must not tell a hidden chat from a missing one: code, detail with the ids blanked,
    and the header names (values such as request ids differ anyway)."""
    detail = str(body["detail"]).replace(str(chat_id), "N").replace(str(message_id), "N")
    varying = {"Date", "X-Request-Id", "Content-Length"}
    return body["code"], detail, sorted(set(headers) - varying)


@pytest.mark.parametrize("visibility", ["private", "public"])
async def test_every_operation_for_every_kind_of_caller(
    callers: tuple[Client, dict[str, str]], visibility: str
) -> None:
    client, tokens = callers
    document = await (await client.get("/openapi.json")).json()
    missing_chat, missing_message = 9_000_000_000, 9_000_000_001
    failures = []
    for op in operations(document):
        for caller in ["anonymous", *CALLERS]:
            chat_id, message_id = await _scene(client, tokens, visibility)
            headers = {} if caller == "anonymous" else bearer(tokens[caller])
            path = op.path.format(
                chat_id=chat_id, message_id=message_id, user_id=BYSTANDER, emoji=EMOJI
            )
            status, body, answer_headers = await _call(client, op, path, headers)
            want = expected(op, caller, visibility)
            if status != want:
                failures.append(f"{op.id} by {caller}: {status}, expected {want}")
                continue
            if status == 404 and op.id in NEEDS:
                # Exactly what the same request about a chat (or message) that does not exist gets.
                absent = op.path.format(
                    chat_id=missing_chat, message_id=missing_message, user_id=BYSTANDER, emoji=EMOJI
                )
                status2, body2, headers2 = await _call(client, op, absent, headers)
                if body is None or body2 is None:
                    same = status2 == 404
                else:
                    same = status2 == 404 and _shape(
                        body, answer_headers, chat_id, message_id
                    ) == _shape(body2, headers2, missing_chat, missing_message)
                if not same:
                    failures.append(
                        f"{op.id} by {caller}: a hidden chat's 404 is not a missing one's"
                    )
            if status == 403 and body is not None and op.id in NEEDS:
                wanted_code = "not_a_member" if caller not in MEMBERS else None
                if wanted_code and body["code"] != wanted_code:
                    failures.append(f"{op.id} by {caller}: code {body['code']}")
    assert failures == []
