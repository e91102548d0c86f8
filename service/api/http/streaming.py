"""Long answers (event streams, WebSockets): running one until the client goes."""

import asyncio
from collections.abc import Coroutine
from typing import Any

from aiohttp import web

GONE_CHECK_SECONDS = 0.5


async def client_gone(request: web.Request) -> None:
    """Returns once the client's connection is closed: an idle feed writes only every 15 s,
    and presence must not wait that long to see a user go."""
    while True:
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        await asyncio.sleep(GONE_CHECK_SECONDS)


async def until_either(first: Coroutine[Any, Any, None], second: Coroutine[Any, Any, None]) -> None:
    """Runs both until one ends, then cancels the other; a failure of the one that ended is
    raised."""
    tasks = [asyncio.ensure_future(first), asyncio.ensure_future(second)]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
