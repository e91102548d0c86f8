"""One message reads the same on every path: the hot pages spell message_json out in their own
statements (sql/chats/, sql/timeline/), and must not drift from it."""

from typing import Any

from tests.support.people import People


async def test_every_path_shows_a_decorated_message_alike(people: People) -> None:
    client = people.client
    chat_id = await people.chat("ann")
    for member in ("bob", "cat"):
        assert await people.put(chat_id, member) == 201
    ann, bob, cat = people.as_("ann"), people.as_("bob"), people.as_("cat")

    async def post(body: dict[str, Any], headers: dict[str, str]) -> Any:
        answer = await client.post(f"/chats/{chat_id}/messages", json=body, headers=headers)
        assert answer.status == 201, await answer.text()
        return await answer.json()

    before = await post({"text": "before"}, ann)
    root = await post({"text": "root", "mentions": ["bob", "ann", "cat"]}, ann)
    await post({"text": "reply", "thread_id": root["id"]}, bob)
    after = await post({"text": "after"}, ann)
    for emoji, who in (("👍", ann), ("👍", bob), (":tada:", bob)):
        put = await client.put(f"/messages/{root['id']}/reactions/{emoji}", headers=who)
        assert put.status == 201
    assert (await client.put(f"/chats/{chat_id}/pins/{root['id']}", headers=ann)).status == 201

    async def shown(url: str, headers: dict[str, str]) -> dict[str, Any]:
        answer = await client.get(url, headers=headers)
        assert answer.status == 200, await answer.text()
        body = await answer.json()
        items = body["messages"] if isinstance(body, dict) and "messages" in body else body
        found = body if isinstance(items, dict) else next(m for m in items if m["id"] == root["id"])
        return dict(found)

    # ann reacted with some of them, bob with all, cat with none.
    for headers, mine in ((ann, [True, False]), (bob, [True, True]), (cat, [False, False])):
        single = await shown(f"/messages/{root['id']}", headers)
        assert single["thread"]["participants"] == ["bob"]
        assert single["reactions"] == [
            {"emoji": "👍", "count": 2, "me": mine[0]},
            {"emoji": ":tada:", "count": 1, "me": mine[1]},
        ]
        assert single["mentions"] == ["bob", "ann", "cat"]
        assert single["pinned_at"] is not None
        base = f"/chats/{chat_id}"
        for url in (
            base,
            f"{base}/messages",
            f"{base}/messages?before_id={after['id']}",
            f"{base}/messages?after_id={before['id']}",
            f"{base}/messages?after_id={before['id']}&before_id={after['id']}",
            f"{base}/messages?around_id={root['id']}",
            f"{base}/pins",
            "/me/mentions",
        ):
            assert await shown(url, headers) == single, url
