"""What the browser tests share: Debian's chromium, driven by playwright."""

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright

from tests.support.external import program


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    chromium = program("chromium")
    async with async_playwright() as playwright:
        # Debian's chromium; nothing is downloaded.
        launched = await playwright.chromium.launch(executable_path=chromium, headless=True)
        yield launched
        await launched.close()
