"""Reading the live feeds from tests: SSE events off a response, JSON frames off a socket."""

import asyncio
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import asyncpg

from tests.support.sql import Statements

Event = tuple[str, str, Any]  # (event name, id, data)


async def read_events(response: Any, count: int, timeout: float = 10) -> list[Event]:
    """Reads `count` events (comment lines skipped) from an SSE response."""
    events: list[Event] = []
    fields: dict[str, str] = {}

    async def pump() -> None:
        while len(events) < count:
            line = (await response.content.readline()).decode().rstrip("\n")
            if line == "":
                if fields:
                    data = json.loads(fields.get("data", "null"))
                    events.append((fields.get("event", "message"), fields.get("id", ""), data))
                    fields.clear()
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields[name] = value

    await asyncio.wait_for(pump(), timeout)
    return events


async def receive(socket: Any, timeout: float = 10) -> dict[str, Any]:
    frame = await socket.receive(timeout)
    assert frame.type == aiohttp.WSMsgType.TEXT, frame
    body: dict[str, Any] = json.loads(frame.data)
    return body


async def sse_frames(response: Any) -> AsyncIterator[Event]:
    """Every event of an SSE response as it comes (comment lines skipped); "" for no id."""
    fields: dict[str, str] = {}
    async for raw in response.content:
        line = raw.decode().rstrip("\n")
        if line:
            if not line.startswith(":"):
                name, _, value = line.partition(": ")
                fields[name] = value
            continue
        if "event" in fields:
            yield fields["event"], fields.get("id", ""), json.loads(fields["data"])
        fields = {}


async def committed_message_events(
    database_url: str, test_queries: Statements
) -> dict[int, list[tuple[str, int]]]:
    """The message events event_log committed, per chat in commit order."""
    connection = await asyncpg.connect(database_url)
    try:
        rows = await test_queries.list_event_log(connection)
    finally:
        await connection.close()
    committed: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for row in rows:
        if row["user_id"] is None and row["event"] in (
            "message",
            "message_edited",
            "message_deleted",
        ):
            committed[row["chat_id"]].append((row["event"], row["message_id"]))
    return committed
