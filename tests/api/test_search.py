"""GET /chats?q=...: case-insensitive, Unicode-aware substring search on titles."""

import pytest

from tests.support.api import Client, create_chat


async def titles(client: Client, query: str) -> list[str]:
    response = await client.get(f"/chats?{query}")
    assert response.status == 200, await response.text()
    return [chat["title"] for chat in await response.json()]


async def test_search_ignores_case_in_any_alphabet(client: Client) -> None:
    for title in ["Рабочий чат", "рабочие заметки", "Weekend plans", "WEEKDAY standup", "Ärger"]:
        await create_chat(client, title)
    assert await titles(client, "q=рабоч") == ["Рабочий чат", "рабочие заметки"]
    assert await titles(client, "q=РАБОЧ") == ["Рабочий чат", "рабочие заметки"]
    assert await titles(client, "q=%D0%A7%D0%90%D0%A2") == ["Рабочий чат"]  # "ЧАТ"
    assert await titles(client, "q=week") == ["Weekend plans", "WEEKDAY standup"]
    assert await titles(client, "q=ärg") == ["Ärger"]
    assert await titles(client, "q=nothing-like-this") == []


async def test_like_wildcards_match_literally(client: Client) -> None:
    for title in ["100% done", "100 done", "a_b", "ab", "back\\slash", "backslash"]:
        await create_chat(client, title)
    assert await titles(client, "q=%25") == ["100% done"]
    assert await titles(client, "q=_") == ["a_b"]
    assert await titles(client, "q=%5C") == ["back\\slash"]


async def test_search_combines_with_paging(client: Client) -> None:
    ids = [(await create_chat(client, f"team {n}"))["id"] for n in range(5)]
    await create_chat(client, "unrelated")
    first = await client.get("/chats?q=team&limit=2")
    assert [chat["id"] for chat in await first.json()] == ids[:2]
    assert first.headers["Link"] == f'</chats?q=team&limit=2&after_id={ids[1]}>; rel="next"'
    assert [
        c["id"] for c in await (await client.get(f"/chats?q=team&after_id={ids[1]}")).json()
    ] == ids[2:]
    backward = await client.get(f"/chats?q=team&before_id={ids[4]}&limit=2")
    assert [chat["id"] for chat in await backward.json()] == ids[2:4]
    skipped = await client.get("/chats?q=team&skip=3")
    assert [chat["id"] for chat in await skipped.json()] == ids[3:]


@pytest.mark.parametrize("query", ["q=", "q=%00", "q=" + "x" * 201, "q=a&q=b"])
async def test_bad_search_text_is_422(client: Client, query: str) -> None:
    response = await client.get(f"/chats?{query}")
    assert response.status == 422
    assert (await response.json())["detail"][0]["loc"] == ["query", "q"]
