"""Demo data for a new install, and benchmark-sized datasets through the bulk insert path."""

import logging

from service.data.layer import DataLayer
from service.domain.people import ANYONE
from service.telemetry.logs import log_execution_time

logger = logging.getLogger("chat_api.seed")

DEMO_CHATS: dict[str, list[str]] = {
    "Welcome to chat-api": [
        "Hi! This chat was created by `chat-api seed`.",
        "Open /docs to try every endpoint from your browser.",
    ],
    "Weekend plans": [
        "Hiking on Saturday?",
        "Only if it doesn't rain.",
        "Forecast says sun. Meet at 9.",
    ],
    "Рабочий чат": ["Доброе утро!", "Созвон в 10:00, ссылка в календаре."],
}

# Messages per INSERT ... SELECT FROM unnest(...): one round trip each, bounded memory.
BATCH_ROWS = 50_000


@log_execution_time(logger)
async def seed_demo(data: DataLayer) -> tuple[int, int]:
    """Creates the demo chats that do not exist yet, with their messages; returns the counts.
    Running it again adds nothing."""
    return await data.chats.insert_missing_chats(DEMO_CHATS)


@log_execution_time(logger)
async def seed_bulk(data: DataLayer, *, chats: int, messages_per_chat: int) -> tuple[int, int]:
    """Adds `chats` chats with `messages_per_chat` messages each; returns the counts."""
    chat_ids: list[int] = []
    for start in range(0, chats, BATCH_ROWS):
        titles = [f"Chat {n}" for n in range(start + 1, min(chats, start + BATCH_ROWS) + 1)]
        chat_ids.extend(await data.chats.insert_chats(titles=titles))

    inserted = 0
    for chat_id in chat_ids:
        for start in range(0, messages_per_chat, BATCH_ROWS):
            texts = [
                f"Message {n}"
                for n in range(start + 1, min(messages_per_chat, start + BATCH_ROWS) + 1)
            ]
            inserted += len(
                (
                    await data.messages.create_messages(chat_id=chat_id, texts=texts, viewer=ANYONE)
                ).root
            )
    return len(chat_ids), inserted
