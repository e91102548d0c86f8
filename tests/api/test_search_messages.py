"""Full-text search of messages on a fixed Russian and English corpus: word forms, phrases,
prefixes, ranking, snippets, paging, chat filters and refusals."""

from typing import Any

import pytest

from service.domain.search import to_tsquery
from tests.support.api import Client, create_chat

CORPUS = [
    "Рабочий график на неделю готов",
    "Обсудим рабочие вопросы на встрече",
    "Рабочие встречи по понедельникам, рабочие встречи по средам",
    "We had too many meetings this week",
    "The meeting is moved to Friday",
    "Купил билеты в кино",
    "Weekly sync: <b>notes</b> & action items",
    "Programming in Python is fun",
    "Program review tomorrow",
]


async def _search(client: Client, path: str, **params: Any) -> tuple[int, Any, Any]:
    answer = await client.get(path, params=params)
    return answer.status, await answer.json(), answer.headers


@pytest.fixture
async def corpus(client: Client) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    chat, other = await create_chat(client, "work"), await create_chat(client, "other")
    posted = await client.post(
        f"/chats/{chat['id']}/messages/bulk", json={"messages": [{"text": t} for t in CORPUS]}
    )
    await client.post(f"/chats/{other['id']}/messages", json={"text": "рабочий чат соседей"})
    return chat, other, await posted.json()


def _texts(hits: list[dict[str, Any]]) -> list[str]:
    return [hit["text"] for hit in hits]


async def test_russian_and_english_word_forms(client: Client, corpus: Any) -> None:
    chat, _, _ = corpus
    path = f"/chats/{chat['id']}/messages"
    _, hits, _ = await _search(client, path, q="рабочие")
    assert set(_texts(hits)) == {CORPUS[0], CORPUS[1], CORPUS[2]}, "рабочие finds рабочий"
    _, hits, _ = await _search(client, path, q="meetings")
    assert set(_texts(hits)) == {CORPUS[3], CORPUS[4]}, "meetings finds meeting"
    _, hits, _ = await _search(client, path, q="кино")
    assert _texts(hits) == [CORPUS[5]]


async def test_ranking_puts_the_most_relevant_first_then_the_newest(
    client: Client, corpus: Any
) -> None:
    chat, _, _ = corpus
    _, hits, _ = await _search(client, f"/chats/{chat['id']}/messages", q="рабочие встречи")
    # Both words twice, then both once: more and closer matches rank higher.
    assert _texts(hits) == [CORPUS[2], CORPUS[1]]
    _, hits, _ = await _search(client, f"/chats/{chat['id']}/messages", q="рабочий")
    assert _texts(hits)[0] == CORPUS[2]
    assert _texts(hits)[1:] == [CORPUS[1], CORPUS[0]], "equal ranks: newer first"
    assert [hit["rank"] for hit in hits] == sorted((hit["rank"] for hit in hits), reverse=True)


async def test_phrases_and_prefixes(client: Client, corpus: Any) -> None:
    chat, _, _ = corpus
    path = f"/chats/{chat['id']}/messages"
    _, hits, _ = await _search(client, path, q='"рабочие встречи"')
    assert _texts(hits) == [CORPUS[2]], "the words in a row, not just both"
    _, hits, _ = await _search(client, path, q="program")
    assert set(_texts(hits)) == {CORPUS[7], CORPUS[8]}, "programming is a form of program"
    _, hits, _ = await _search(client, path, q="tomor*")
    assert _texts(hits) == [CORPUS[8]]
    _, hits, _ = await _search(client, path, q="tomor")
    assert _texts(hits) == [], "without * a word must match whole"


async def test_snippets_mark_matches_and_escape_html(client: Client, corpus: Any) -> None:
    chat, _, _ = corpus
    _, hits, _ = await _search(client, f"/chats/{chat['id']}/messages", q="notes")
    [hit] = hits
    assert "<mark>notes</mark>" in hit["snippet"]
    assert "&amp;" in hit["snippet"]
    assert "<b>" not in hit["snippet"]
    assert hit["text"] == CORPUS[6], "the message itself is unchanged"


async def test_across_chats_and_by_chat(client: Client, corpus: Any) -> None:
    chat, other, _ = corpus
    _, everywhere, _ = await _search(client, "/messages", q="рабочий")
    assert {hit["chat_id"] for hit in everywhere} == {chat["id"], other["id"]}
    answer = await client.get(f"/messages?q=рабочий&chat_id={other['id']}")
    assert _texts(await answer.json()) == ["рабочий чат соседей"]
    both = await client.get(f"/messages?q=рабочий&chat_id={other['id']}&chat_id={chat['id']}")
    assert len(await both.json()) == 4


async def test_pages_follow_the_link(client: Client, corpus: Any) -> None:
    chat, _, _ = corpus
    seen: list[str] = []
    url: str | None = f"/chats/{chat['id']}/messages?q=рабочий&limit=1"
    while url is not None:
        answer = await client.get(url)
        assert answer.status == 200
        seen += _texts(await answer.json())
        link = answer.headers.get("Link")
        url = link[1 : link.index(">")] if link else None
    assert seen == [CORPUS[2], CORPUS[1], CORPUS[0]]
    across = await client.get("/messages?q=рабочий&limit=2&chat_id=1&chat_id=2")
    assert across.headers["Link"].count("chat_id=") == 2


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("q=", 422),
        ("q=%20%20", 422),
        ("q=" + "a" * 201, 422),
        ("q=a&skip=1", 422),
        ("q=a&before_id=1", 422),
        ("q=a&cursor=nonsense", 422),
        ("q=a&limit=0", 422),
    ],
)
async def test_refusals(client: Client, corpus: Any, query: str, status: int) -> None:
    chat, _, _ = corpus
    answer = await client.get(f"/chats/{chat['id']}/messages?{query}")
    assert answer.status == status
    if "skip" not in query and "before_id" not in query:  # parameters /messages does not have
        assert (await client.get(f"/messages?{query}")).status == status
    assert (await client.get("/messages")).status == 422, "q is required across chats"
    assert (await client.get("/chats/999999/messages?q=a")).status == 404
    assert (await client.get("/messages?q=a&chat_id=x")).status == 422


async def test_a_query_without_words_finds_nothing(client: Client, corpus: Any) -> None:
    chat, _, _ = corpus
    for path in (f"/chats/{chat['id']}/messages", "/messages"):
        assert await (await client.get(path, params={"q": "!!! &"})).json() == []
    assert (await client.get("/chats/999999/messages", params={"q": "!!!"})).status == 404


def test_user_text_cannot_change_the_query_structure() -> None:
    assert to_tsquery("a & b | !c") == "a & b & c"
    assert to_tsquery("'x':* (y)") == "x:* & y"
    assert to_tsquery('"рабочие встречи" meet*') == "(рабочие <-> встречи) & meet:*"
    assert to_tsquery("*** ()") is None
