"""GET /chats/{chat_id}/stats: counts, first/last message time and messages per day."""

from datetime import UTC, datetime

import asyncpg
import pytest

from tests.support.api import Client, create_chat
from tests.support.sql import Statements


@pytest.fixture
async def dated_chat(client: Client, db: asyncpg.Connection, test_queries: Statements) -> int:
    chat_id = int((await create_chat(client))["id"])
    for stamp in [
        "2026-01-01T08:00:00Z",
        "2026-01-01T23:59:59Z",
        "2026-01-02T00:00:00Z",
        "2026-01-05T12:00:00Z",
        "2026-01-05T13:00:00Z",
        "2026-01-05T14:00:00Z",
    ]:
        await test_queries.insert_message_at(db, chat_id, datetime.fromisoformat(stamp))
    return chat_id


async def test_stats_over_everything(client: Client, dated_chat: int) -> None:
    response = await client.get(f"/chats/{dated_chat}/stats")
    assert response.status == 200
    stats = await response.json()
    assert stats["chat_id"] == dated_chat
    assert stats["message_count"] == 6
    assert datetime.fromisoformat(stats["first_message_at"]) == datetime(2026, 1, 1, 8, tzinfo=UTC)
    assert datetime.fromisoformat(stats["last_message_at"]) == datetime(2026, 1, 5, 14, tzinfo=UTC)
    assert stats["per_day"] == [
        {"date": "2026-01-01", "count": 2},
        {"date": "2026-01-02", "count": 1},
        {"date": "2026-01-05", "count": 3},
    ]


async def test_stats_in_a_range_of_days_and_times(client: Client, dated_chat: int) -> None:
    days = await (
        await client.get(f"/chats/{dated_chat}/stats?start_date=2026-01-01&end_date=2026-01-01")
    ).json()
    assert (days["message_count"], days["per_day"]) == (2, [{"date": "2026-01-01", "count": 2}])
    times = await (
        await client.get(
            f"/chats/{dated_chat}/stats?start_date=2026-01-01T12:00:00Z&end_date=2026-01-05T13:00:00%2B00:00"
        )
    ).json()
    assert times["message_count"] == 3  # 23:59:59, 01-02 00:00, 01-05 12:00 (end exclusive)
    empty = await (await client.get(f"/chats/{dated_chat}/stats?start_date=2030-01-01")).json()
    assert empty == {
        "chat_id": dated_chat,
        "message_count": 0,
        "first_message_at": None,
        "last_message_at": None,
        "per_day": [],
    }


@pytest.mark.parametrize(
    "query",
    [
        "start_date=2026-01-05&end_date=2026-01-01",
        "start_date=yesterday",
        "end_date=2026-13-01",
        "start_date=2026-01-01&start_date=2026-01-02",
    ],
)
async def test_bad_ranges_are_422(client: Client, dated_chat: int, query: str) -> None:
    response = await client.get(f"/chats/{dated_chat}/stats?{query}")
    assert response.status == 422
    assert (await response.json())["detail"][0]["loc"][0] == "query"


async def test_stats_of_missing_chat_is_404(client: Client) -> None:
    response = await client.get("/chats/424242/stats")
    assert response.status == 404
    assert (await response.json())["detail"] == "Chat with id=424242 not found"


STAMPS = [
    "2026-01-01T08:00:00Z",
    "2026-01-01T23:59:59Z",
    "2026-01-02T00:00:00Z",
    "2026-01-05T12:00:00Z",
    "2026-01-05T13:00:00Z",
    "2026-01-05T14:00:00Z",
]
BOUNDS = [
    None,
    "2026-01-01T00:00:00Z",
    "2026-01-01T08:00:00Z",
    "2026-01-01T12:00:00Z",
    "2026-01-02T00:00:00Z",
    "2026-01-02T00:00:01Z",
    "2026-01-05T12:30:00Z",
    "2026-01-06T00:00:00Z",
]


async def test_whole_and_partial_days_add_up_to_a_plain_count_for_every_range(
    client: Client, dated_chat: int
) -> None:
    """Whole days come from the per-day counts and partial ones from the messages: every mix
    of midnight, mid-day and open bounds must agree with counting the messages one by one."""
    stamps = [datetime.fromisoformat(stamp) for stamp in STAMPS]
    for start in BOUNDS:
        for end in BOUNDS:
            low = datetime.fromisoformat(start) if start else None
            high = datetime.fromisoformat(end) if end else None
            if low and high and low >= high:
                continue
            inside = [s for s in stamps if (low is None or s >= low) and (high is None or s < high)]
            expected: dict[str, int] = {}
            for stamp in inside:
                expected[stamp.date().isoformat()] = expected.get(stamp.date().isoformat(), 0) + 1
            params = {
                name: value for name, value in (("start_date", start), ("end_date", end)) if value
            }
            stats = await (await client.get(f"/chats/{dated_chat}/stats", params=params)).json()
            assert stats["message_count"] == len(inside), (start, end)
            assert stats["per_day"] == [
                {"date": day, "count": count} for day, count in sorted(expected.items())
            ], (start, end)
            first = stats["first_message_at"]
            assert (datetime.fromisoformat(first) if first else None) == (
                min(inside) if inside else None
            )
