"""Conditional GET (ETag / If-None-Match -> 304) and RFC 8288 Link headers on paged lists."""

import re

from tests.support.api import Client, create_chat, post_message


def next_link(response_headers: object) -> str | None:
    header = response_headers.get("Link")  # type: ignore[attr-defined]
    if header is None:
        return None
    match = re.fullmatch(r'<([^>]+)>; rel="next"', header)
    assert match, header
    return match.group(1)


async def test_etag_and_304_on_chat_and_lists(client: Client) -> None:
    chat = await create_chat(client)
    await post_message(client, chat["id"])
    for path in [f"/chats/{chat['id']}", f"/chats/{chat['id']}/messages", "/chats"]:
        first = await client.get(path)
        etag = first.headers["ETag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
        again = await client.get(path, headers={"If-None-Match": etag})
        assert again.status == 304, path
        assert await again.read() == b""
        assert again.headers["ETag"] == etag
        weak = await client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
        assert weak.status == 304
        assert (await client.get(path, headers={"If-None-Match": '"stale"'})).status == 200

    before = (await client.get(f"/chats/{chat['id']}")).headers["ETag"]
    await post_message(client, chat["id"], "a change")
    changed = await client.get(f"/chats/{chat['id']}", headers={"If-None-Match": before})
    assert changed.status == 200
    assert changed.headers["ETag"] != before


async def test_link_header_walks_every_message_without_skip(client: Client) -> None:
    chat = await create_chat(client)
    posted = [(await post_message(client, chat["id"], f"m{n}"))["id"] for n in range(7)]
    seen: list[int] = []
    url: str | None = f"/chats/{chat['id']}/messages?limit=3&skip=0"
    while url:
        response = await client.get(url)
        seen.extend(message["id"] for message in await response.json())
        url = next_link(response.headers)
        if url:
            assert "skip" not in url
            assert "limit=3" in url
    assert seen == posted[::-1]


async def test_link_header_when_catching_up_with_after_id(client: Client) -> None:
    chat = await create_chat(client)
    posted = [(await post_message(client, chat["id"], f"m{n}"))["id"] for n in range(5)]
    response = await client.get(f"/chats/{chat['id']}/messages?limit=2&after_id={posted[0]}")
    assert [m["id"] for m in await response.json()] == [posted[2], posted[1]]
    assert next_link(response.headers) == (
        f"/chats/{chat['id']}/messages?limit=2&after_id={posted[2]}"
    )


async def test_chat_list_links_forward_and_backward(client: Client) -> None:
    created = [(await create_chat(client, f"c{n}"))["id"] for n in range(5)]
    forward = await client.get("/chats?limit=2")
    assert next_link(forward.headers) == f"/chats?limit=2&after_id={created[1]}"
    backward = await client.get(f"/chats?limit=2&before_id={created[4]}")
    assert next_link(backward.headers) == f"/chats?limit=2&before_id={created[2]}"
    last = await client.get(f"/chats?limit=2&after_id={created[3]}")
    assert next_link(last.headers) is None, "a short page has no next"
