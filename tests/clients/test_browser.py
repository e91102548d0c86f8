"""A real browser (Debian's chromium, driven by playwright): the docs pages render from this
origin alone, and pages on other sites follow a chat live only when CORS_ORIGINS allows them."""

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from subprocess import Popen
from typing import Any

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page

from tests.support.live import free_port, run_keys, start_service, stop
from tests.support.sites import PageServer

# What a page on another site runs: both live feeds of one chat, everything seen kept in
# window.seen for the test to read.
FOLLOWER_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>follower</title></head><body><script>
const api = "%(api)s", chat = new URLSearchParams(location.search).get("chat");
window.seen = {sse: [], ws: [], sseOpen: false, wsOpen: false, sseError: false,
               wsError: false};
const events = new EventSource(`${api}/chats/${chat}/events`);
events.onopen = () => { seen.sseOpen = true; };
events.onerror = () => { seen.sseError = true; };
events.addEventListener("message", (e) => seen.sse.push(JSON.parse(e.data).text));
const socket = new WebSocket(`${api.replace("http", "ws")}/chats/${chat}/ws`);
socket.onopen = () => { seen.wsOpen = true; };
socket.onerror = () => { seen.wsError = true; };
socket.onmessage = (e) => {
  const frame = JSON.parse(e.data);
  if (frame.event === "message") seen.ws.push(frame.data.text);
};
</script></body></html>
"""


@pytest.fixture
def sites() -> Iterator[tuple[int, PageServer, PageServer]]:
    """The API's port, a site CORS_ORIGINS names and one it does not."""
    api_port = free_port()
    api = f"http://127.0.0.1:{api_port}"  # another port: another origin
    page = (FOLLOWER_PAGE % {"api": api}).encode()
    allowed, stranger = PageServer(page), PageServer(page)
    yield api_port, allowed, stranger
    allowed.close()
    stranger.close()


@pytest.fixture
def api(
    database_url: str, tmp_path: Path, sites: tuple[int, PageServer, PageServer]
) -> Iterator[str]:
    port, allowed, _ = sites
    process: Popen[bytes] = start_service(
        database_url, port, tmp_path, ACCESS_LOG="false", CORS_ORIGINS=allowed.origin
    )
    yield f"http://127.0.0.1:{port}"
    stop(process)


def _post(api: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{api}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return dict(json.load(answer))


class Watched:
    """A page with every console error, page error and requested URL recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.mark.parametrize(
    ("path", "rendered"),
    [
        ("/docs", '.opblock-summary-path[data-path="/chats/{chat_id}/messages"]'),
        ("/redoc", "h2 >> text=Post a message into a chat"),
    ],
)
async def test_docs_render_with_no_error_and_no_other_host(
    browser: Browser, api: str, path: str, rendered: str
) -> None:
    watched = Watched(await browser.new_page())
    await watched.page.goto(f"{api}{path}")
    await watched.page.wait_for_selector(rendered, timeout=20_000)
    await watched.page.wait_for_load_state("networkidle")
    assert watched.errors == []
    elsewhere = [
        url for url in watched.requests if not url.startswith((f"{api}/", "data:", "blob:"))
    ]
    assert elsewhere == []
    assert any(url.endswith("/openapi.json") for url in watched.requests)


async def _follow(browser: Browser, site: PageServer, chat_id: int) -> Watched:
    watched = Watched(await browser.new_page())
    await watched.page.goto(f"{site.origin}/?chat={chat_id}")
    return watched


async def test_an_allowed_site_follows_a_chat_over_both_feeds(
    browser: Browser, api: str, sites: tuple[int, PageServer, PageServer]
) -> None:
    _, allowed, _ = sites
    chat = _post(api, "/chats", {"title": "live"})
    watched = await _follow(browser, allowed, chat["id"])
    await watched.page.wait_for_function("seen.sseOpen && seen.wsOpen", timeout=10_000)
    for text in ("first", "second"):
        await asyncio.to_thread(_post, api, f"/chats/{chat['id']}/messages", {"text": text})
    await watched.page.wait_for_function(
        "seen.sse.length === 2 && seen.ws.length === 2", timeout=10_000
    )
    seen = await watched.page.evaluate("seen")
    assert (seen["sse"], seen["ws"]) == (["first", "second"], ["first", "second"])
    assert not seen["sseError"]
    assert not seen["wsError"]


async def test_a_site_not_allowed_gets_neither_feed(
    browser: Browser, api: str, sites: tuple[int, PageServer, PageServer]
) -> None:
    _, _, stranger = sites
    chat = _post(api, "/chats", {"title": "private"})
    watched = await _follow(browser, stranger, chat["id"])
    await watched.page.wait_for_function("seen.sseError && seen.wsError", timeout=10_000)
    await asyncio.to_thread(_post, api, f"/chats/{chat['id']}/messages", {"text": "secret"})
    await asyncio.sleep(1)
    seen = await watched.page.evaluate("seen")
    assert (seen["sse"], seen["ws"], seen["wsOpen"]) == ([], [], False)
    # The browser says why: CORS for the stream, the server's 403 for the WebSocket.
    assert any("CORS" in error for error in watched.errors), watched.errors
    assert any("403" in error for error in watched.errors), watched.errors


@pytest.fixture
def secured_api(database_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The service with AUTH_MODE=api_key, and a token with the read scope."""
    created = run_keys(database_url, "create", "--name", "swagger", "--scopes", "read")
    port = free_port()
    process = start_service(database_url, port, tmp_path, ACCESS_LOG="false", AUTH_MODE="api_key")
    yield f"http://127.0.0.1:{port}", created.stdout.split()[-1]
    stop(process)


async def test_swagger_authorize_with_an_api_key(
    browser: Browser, secured_api: tuple[str, str]
) -> None:
    api, token = secured_api
    watched = Watched(await browser.new_page())
    page = watched.page
    await page.goto(f"{api}/docs")
    operation = page.locator("#operations-chats-list_chats")
    await operation.locator(".opblock-summary-control").click()
    await operation.locator("button.try-out__btn").click()
    await operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    await status.first.wait_for()
    assert (await status.first.inner_text()).strip() == "401"

    await page.locator(".auth-wrapper button.authorize").click()
    await page.locator(".modal-ux input").fill(token)
    await page.locator(".modal-ux button.authorize").click()
    await page.locator(".modal-ux button.btn-done").click()
    await operation.locator("button.execute").click()
    await page.wait_for_function(
        "document.querySelector('#operations-chats-list_chats .live-responses-table "
        ".response .response-col_status').innerText.trim() === '200'",
        timeout=10_000,
    )
