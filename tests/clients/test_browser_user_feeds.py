"""A real browser (Debian's chromium, driven by playwright) as two people in two contexts of
a chat app on another site: one EventSource each on /me/events (?access_token=) carries every
chat they share, the other's messages in all of them, and the other's typing; on two service
processes sharing the Redis bus."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser, Page

from tests.support.live import member_headers, two_services
from tests.support.redis import RedisServer
from tests.support.sites import PageServer

# The chat app: follows the reader's chats on one EventSource (from the first API process),
# posts and types through the second; everything heard kept in window.heard.
APP_PAGE = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>chat app</title></head><body><script>
const params = new URLSearchParams(location.search);
const feedApi = params.get("feed"), writeApi = params.get("write"), token = params.get("token");
window.heard = {open: false, errors: 0, messages: [], typing: []};
const feed = new EventSource(`${feedApi}/me/events?access_token=${token}`);
feed.onopen = () => { heard.open = true; };
feed.onerror = () => { heard.errors += 1; };
feed.addEventListener("message", (e) => {
  const data = JSON.parse(e.data);
  heard.messages.push([data.chat_id, data.author, data.text]);
});
feed.addEventListener("typing", (e) => heard.typing.push(JSON.parse(e.data)));
window.call = async (method, path, body) => {
  const answer = await fetch(`${writeApi}${path}`, {
    method, headers: {"Authorization": `Bearer ${token}`, "Content-Type": "application/json"},
    body: body === undefined ? undefined : JSON.stringify(body)});
  return answer.status;
};
</script></body></html>
"""


@pytest.fixture
def site() -> Iterator[PageServer]:
    """The chat app's own origin."""
    app_site = PageServer(APP_PAGE)
    yield app_site
    app_site.close()


@pytest.fixture
def apis(
    database_url: str, tmp_path: Path, site: PageServer, redis_server: RedisServer
) -> Iterator[tuple[str, str]]:
    with two_services(
        database_url,
        tmp_path,
        ACCESS_LOG="false",
        AUTH_MODE="api_key",
        CORS_ORIGINS=site.origin,
        EVENT_BUS="redis",
        REDIS_URL=redis_server.url,
    ) as bases:
        yield bases


async def _open_app(browser: Browser, site: PageServer, apis: tuple[str, str], token: str) -> Page:
    context = await browser.new_context()  # a person of their own: nothing shared
    page = await context.new_page()
    feed, write = apis
    await page.goto(f"{site.origin}/?feed={feed}&write={write}&token={token}")
    await page.wait_for_function("heard.open", timeout=10_000)
    return page


async def test_two_people_follow_all_their_chats_on_one_event_source_each(
    browser: Browser, site: PageServer, apis: tuple[str, str], database_url: str
) -> None:
    headers = {user: member_headers(database_url, user) for user in ("ann", "bob")}
    tokens = {user: value["Authorization"].split()[-1] for user, value in headers.items()}
    async with aiohttp.ClientSession() as http:
        chats = []
        for title in ("work", "fun"):
            created = await http.post(
                f"{apis[1]}/chats", json={"title": title}, headers=headers["ann"]
            )
            chats.append((await created.json())["id"])
            added = await http.put(
                f"{apis[1]}/chats/{chats[-1]}/members/bob",
                json={"role": "member"},
                headers=headers["ann"],
            )
            assert added.status == 201
    work, fun = chats
    ann = await _open_app(browser, site, apis, tokens["ann"])
    bob = await _open_app(browser, site, apis, tokens["bob"])

    for chat_id, text in ((work, "standup at 10"), (fun, "lunch?")):
        status = await ann.evaluate(
            "([chat, text]) => call('POST', `/chats/${chat}/messages`, {text})", [chat_id, text]
        )
        assert status == 201
    assert await bob.evaluate("(chat) => call('POST', `/chats/${chat}/typing`)", fun) == 204
    status = await bob.evaluate(
        "(chat) => call('POST', `/chats/${chat}/messages`, {text: 'yes!'})", fun
    )
    assert status == 201

    await bob.wait_for_function("heard.messages.length === 3", timeout=10_000)
    await ann.wait_for_function(
        "heard.messages.length === 3 && heard.typing.length === 1", timeout=10_000
    )
    expected = [[work, "ann", "standup at 10"], [fun, "ann", "lunch?"], [fun, "bob", "yes!"]]
    for page in (ann, bob):
        assert (await page.evaluate("heard.messages")) == expected
        assert await page.evaluate("heard.errors") == 0
    assert await ann.evaluate("heard.typing") == [{"chat_id": fun, "user_id": "bob"}]
    await asyncio.sleep(0.5)
    assert await bob.evaluate("heard.typing") == []  # nobody hears their own typing
