"""Races: clients post into the same chats while others open, page and delete them, for a
bounded time (SOAK_SECONDS, 3 by default; the README gives the long run). Afterwards nothing
acknowledged is lost, nothing is left behind, every count is exact, and no answer was a 5xx."""

import asyncio
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import asyncpg
import pytest

from tests.support.api import Client, create_chat
from tests.support.sql import Statements

# Posters, readers, pagers and deleters for SOAK_SECONDS.
pytestmark = pytest.mark.slow

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "3"))


@dataclass
class Ledger:
    statuses: Counter[int] = field(default_factory=Counter)
    acknowledged: dict[int, int] = field(default_factory=dict)  # message id -> chat id
    deleted: set[int] = field(default_factory=set)
    chats: list[int] = field(default_factory=list)


async def soak(client: Client, ledger: Ledger, deadline: float) -> None:
    rng = random.Random(os.getpid())

    async def poster() -> None:
        while time.monotonic() < deadline:
            chat_id = rng.choice(ledger.chats)
            response = await client.post(
                f"/chats/{chat_id}/messages", json={"text": f"soak {rng.random()}"}
            )
            ledger.statuses[response.status] += 1
            if response.status == 201:
                ledger.acknowledged[(await response.json())["id"]] = chat_id
            else:
                await response.release()

    async def reader() -> None:
        while time.monotonic() < deadline:
            chat_id = rng.choice(ledger.chats)
            response = await client.get(f"/chats/{chat_id}?limit=10")
            ledger.statuses[response.status] += 1
            if response.status == 200 and (messages := (await response.json())["messages"]):
                page = await client.get(
                    f"/chats/{chat_id}/messages?limit=5&before_id={messages[-1]['id']}"
                )
                ledger.statuses[page.status] += 1
                await page.release()
            else:
                await response.release()

    async def deleter_and_creator() -> None:
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            victim = rng.choice(ledger.chats)
            response = await client.delete(f"/chats/{victim}")
            ledger.statuses[response.status] += 1
            if response.status == 204:
                ledger.deleted.add(victim)
            ledger.chats.append((await create_chat(client, "fresh"))["id"])
            ledger.statuses[201] += 1

    await asyncio.gather(
        *(poster() for _ in range(6)), *(reader() for _ in range(3)), deleter_and_creator()
    )


async def test_soak_loses_nothing_and_leaves_nothing_behind(
    client: Client, db: asyncpg.Connection, test_queries: Statements
) -> None:
    ledger = Ledger(chats=[(await create_chat(client, f"c{n}"))["id"] for n in range(8)])
    await soak(client, ledger, time.monotonic() + SOAK_SECONDS)

    assert not [status for status in ledger.statuses if status >= 500], ledger.statuses
    assert set(ledger.statuses) <= {200, 201, 204, 404}, ledger.statuses
    assert ledger.deleted, "chats were deleted while others posted"
    assert ledger.acknowledged, "messages were posted"

    surviving = {row["id"]: row["message_count"] for row in await test_queries.list_chat_counts(db)}
    for chat_id in ledger.deleted:
        assert chat_id not in surviving
        assert await test_queries.count_messages(db, chat_id) == 0
    assert await test_queries.count_orphan_messages(db) == 0

    for message_id, chat_id in ledger.acknowledged.items():
        response = await client.get(f"/messages/{message_id}")
        expected = 404 if chat_id in ledger.deleted else 200
        assert response.status == expected, (message_id, chat_id)
        await response.release()

    for chat_id, message_count in surviving.items():
        assert message_count == await test_queries.count_messages(db, chat_id), chat_id
    print(
        f"\nsoak {SOAK_SECONDS:g}s: {sum(ledger.statuses.values())} requests "
        f"{dict(ledger.statuses)}, {len(ledger.acknowledged)} messages acknowledged, "
        f"{len(ledger.deleted)} chats deleted, 0 lost"
    )
