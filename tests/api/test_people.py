"""People (AUTH_MODE=api_key and jwt): users and /me, members and roles, joining and leaving,
and that the original contract without authentication does not change."""

import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.api import AUDIENCE, ISSUER, Client, MakeClient, bearer, create_chat
from tests.support.live import run_keys
from tests.support.people import People


async def test_me_is_the_keys_user_and_several_keys_share_one(people: People) -> None:
    client = people.client
    phone, _ = await people.keys.create(name="ann-phone", scopes=["read", "write"], user="ann")
    me = await (await client.get("/me", headers=bearer(phone))).json()
    assert me["id"] == "ann"
    assert me["display_name"] is None
    assert me["created_at"].endswith("Z")
    renamed = await client.patch(
        "/me", json={"display_name": "  Ann Lee  "}, headers=people.as_("ann")
    )
    assert (await renamed.json())["display_name"] == "Ann Lee"
    assert (await (await client.get("/me", headers=bearer(phone))).json())["display_name"] == (
        "Ann Lee"
    )
    for bad in ({"display_name": ""}, {"display_name": "x" * 101}, {"display_name": 5}, {}):
        answer = await client.patch("/me", json=bad, headers=people.as_("ann"))
        assert answer.status == 422, bad
    public = await (await client.get("/users/ann", headers=people.as_("bob"))).json()
    assert public == {"id": "ann", "display_name": "Ann Lee", "created_at": me["created_at"]}
    missing = await client.get("/users/nobody", headers=people.as_("bob"))
    assert (missing.status, (await missing.json())["code"]) == (404, "user_not_found")
    long = await client.get("/users/" + "x" * 256, headers=people.as_("bob"))
    assert long.status == 422
    # A message's author is the user, whichever of its keys posted it.
    chat_id = await people.chat("ann")
    posted = await client.post(
        f"/chats/{chat_id}/messages", json={"text": "hi"}, headers=bearer(phone)
    )
    assert (await posted.json())["author"] == "ann"


async def test_a_user_added_to_a_chat_is_recorded(people: People) -> None:
    chat_id = await people.chat("ann")
    assert await people.put(chat_id, "dora") == 201
    dora = await people.client.get("/users/dora", headers=people.as_("bob"))
    assert dora.status == 200


async def test_creating_a_chat_makes_the_caller_its_owner(people: People) -> None:
    client = people.client
    created = await client.post("/chats", json={"title": " t "}, headers=people.as_("ann"))
    chat = await created.json()
    assert (chat["visibility"], chat["member_count"], chat["unread_count"]) == ("private", 1, 0)
    members = await (
        await client.get(f"/chats/{chat['id']}/members", headers=people.as_("ann"))
    ).json()
    assert [(m["user_id"], m["role"], m["last_read_id"]) for m in members] == [("ann", "owner", 0)]
    bad = await client.post(
        "/chats", json={"title": "t", "visibility": "secret"}, headers=people.as_("ann")
    )
    assert bad.status == 422


async def test_members_roles_and_the_last_owner(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann")
    assert await people.put(chat_id, "bob") == 201
    assert await people.put(chat_id, "bob") == 200  # already that role
    assert await people.put(chat_id, "cat", "owner") == 201
    assert await people.put(chat_id, "bob", by="bob") == 403  # a member manages nothing
    chat = await (await client.get(f"/chats/{chat_id}", headers=people.as_("bob"))).json()
    assert chat["chat"]["member_count"] == 3
    # Two owners: one may step down; the last one may not, nor leave.
    assert await people.put(chat_id, "cat", "member", by="cat") == 200
    last = await client.put(
        f"/chats/{chat_id}/members/ann", json={"role": "member"}, headers=people.as_("ann")
    )
    assert (last.status, (await last.json())["code"]) == (409, "last_owner")
    leaving = await client.delete(f"/chats/{chat_id}/members/ann", headers=people.as_("ann"))
    assert (leaving.status, (await leaving.json())["code"]) == (409, "last_owner")
    # A member leaves by itself; an owner removes another.
    assert (
        await client.delete(f"/chats/{chat_id}/members/bob", headers=people.as_("bob"))
    ).status == 204
    assert (
        await client.delete(f"/chats/{chat_id}/members/cat", headers=people.as_("ann"))
    ).status == 204
    gone = await client.delete(f"/chats/{chat_id}/members/cat", headers=people.as_("ann"))
    assert (gone.status, (await gone.json())["code"]) == (404, "member_not_found")
    after = await (await client.get(f"/chats/{chat_id}", headers=people.as_("ann"))).json()
    assert after["chat"]["member_count"] == 1
    assert (await client.get(f"/chats/{chat_id}", headers=people.as_("bob"))).status == 404


async def test_members_are_paged_by_user_id(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann")
    for n in range(5):
        assert await people.put(chat_id, f"u{n}") == 201
    first = await client.get(f"/chats/{chat_id}/members?limit=4", headers=people.as_("ann"))
    page = [m["user_id"] for m in await first.json()]
    assert page == ["ann", "u0", "u1", "u2"]
    assert 'rel="next"' in first.headers["Link"]
    link = first.headers["Link"].split(";")[0].strip("<>")
    rest = [m["user_id"] for m in await (await client.get(link, headers=people.as_("ann"))).json()]
    assert rest == ["u3", "u4"]
    too_many = await client.get(f"/chats/{chat_id}/members?limit=101", headers=people.as_("ann"))
    assert too_many.status == 422


async def test_joining_a_public_chat(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann", "public")
    url = f"/chats/{chat_id}/join"
    joined = await client.post(url, headers=people.as_("bob"))
    assert (joined.status, await joined.json()) == (
        201,
        {"chat_id": chat_id, "user_id": "bob", "role": "member"},
    )
    assert (await client.post(url, headers=people.as_("bob"))).status == 200
    again = await client.post(url, headers=people.as_("ann"))
    assert (again.status, (await again.json())["role"]) == (200, "owner")
    private = await people.chat("ann")
    assert (await client.post(f"/chats/{private}/join", headers=people.as_("cat"))).status == 404


async def test_visibility_changes_and_who_may_change_it(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann")
    assert (await client.get(f"/chats/{chat_id}", headers=people.as_("bob"))).status == 404
    changed = await client.patch(
        f"/chats/{chat_id}", json={"visibility": "public"}, headers=people.as_("ann")
    )
    assert (await changed.json())["visibility"] == "public"
    chat = await (await client.get(f"/chats/{chat_id}", headers=people.as_("bob"))).json()
    assert (chat["chat"]["visibility"], chat["chat"]["unread_count"]) == ("public", None)
    listed = await (await client.get("/chats", headers=people.as_("bob"))).json()
    assert [c["id"] for c in listed] == [chat_id]
    refused = await client.patch(
        f"/chats/{chat_id}", json={"title": "mine"}, headers=people.as_("bob")
    )
    assert (refused.status, (await refused.json())["code"]) == (403, "not_a_member")
    assert (
        await client.patch(f"/chats/{chat_id}", json={}, headers=people.as_("ann"))
    ).status == 422


async def test_search_never_reaches_a_chat_the_caller_cannot_read(people: People) -> None:
    client = people.client
    hidden = await people.chat("ann")
    await client.post(
        f"/chats/{hidden}/messages", json={"text": "secret plans"}, headers=people.as_("ann")
    )
    open_chat = await people.chat("ann", "public")
    await client.post(
        f"/chats/{open_chat}/messages", json={"text": "open plans"}, headers=people.as_("ann")
    )

    async def hits(user: str, query: str) -> list[int]:
        answer = await client.get(f"/messages?q=plans{query}", headers=people.as_(user))
        assert answer.status == 200
        return sorted(hit["chat_id"] for hit in await answer.json())

    assert await hits("ann", "") == sorted([hidden, open_chat])
    assert await hits("bob", "") == [open_chat]
    assert await hits("bob", f"&chat_id={hidden}") == []
    in_chat = await client.get(f"/chats/{hidden}/messages?q=plans", headers=people.as_("bob"))
    assert in_chat.status == 404
    titles = await (await client.get("/chats?q=t", headers=people.as_("bob"))).json()
    assert [c["id"] for c in titles] == [open_chat]


async def test_me_routes_need_a_caller(client: Client) -> None:
    for path in ("/me", "/me/chats", "/me/unread", "/me/events", "/me/ws"):
        answer = await client.get(path)
        assert (answer.status, (await answer.json())["code"]) == (403, "no_caller"), path
    chat = await create_chat(client)
    assert chat["visibility"] == "public"  # nobody could see a private one
    assert (await client.post(f"/chats/{chat['id']}/join")).status == 403


def _rsa() -> tuple[Any, bytes]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


async def test_jwt_sub_is_the_user_and_name_fills_an_unset_display_name(
    make_client: MakeClient, tmp_path: Path
) -> None:
    private, public = _rsa()
    key_file = tmp_path / "idp.pem"
    key_file.write_bytes(public)
    client = await make_client(
        auth_mode="jwt", jwt_public_key_file=str(key_file), jwt_issuer=ISSUER, jwt_audience=AUDIENCE
    )

    def token(sub: str, **claims: Any) -> dict[str, str]:
        now = int(time.time())
        body = {"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "exp": now + 60, "scope": "read write"}
        return bearer(jwt.encode({**body, **claims}, private, algorithm="RS256"))

    me = await (await client.get("/me", headers=token("u-1", name=" Ada "))).json()
    assert (me["id"], me["display_name"]) == ("u-1", "Ada")
    await client.patch("/me", json={"display_name": "Countess"}, headers=token("u-1"))
    me = await (await client.get("/me", headers=token("u-1", name="Ada"))).json()
    assert me["display_name"] == "Countess"  # the claim never replaces a name
    assert (await client.get("/me", headers=token("x" * 256))).status == 401
    assert (await client.get("/me", headers=token("x" * 255))).status == 200


@pytest.mark.component
def test_keys_create_ties_a_key_to_a_user(database_url: str) -> None:
    created = run_keys(
        database_url, "create", "--name", "ann-laptop", "--scopes", "read", "--user", "ann"
    )
    assert created.returncode == 0, created.stderr
    assert "for user ann" in created.stdout
    plain = run_keys(database_url, "create", "--name", "bot", "--scopes", "read")
    assert "for user bot" in plain.stdout
    listed = run_keys(database_url, "list").stdout
    assert any(line.split()[:2] == ["ann-laptop", "ann"] for line in listed.splitlines())
    too_long = run_keys(
        database_url, "create", "--name", "x", "--scopes", "read", "--user", "u" * 256
    )
    assert too_long.returncode == 2
