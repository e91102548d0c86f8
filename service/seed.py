"""Demo data for a new install, and benchmark-sized datasets through the bulk insert path."""

import logging

from service.logs import log_execution_time
from service.store import Store

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

# Rows per INSERT ... SELECT FROM unnest(...): one round trip each, bounded memory.
BATCH_ROWS = 50_000


@log_execution_time(logger)
async def seed_demo(store: Store) -> tuple[int, int]:
    """Creates the demo chats that do not exist yet, with their messages; returns the counts.
    Running it again adds nothing."""
    return await store.insert_missing_chats(DEMO_CHATS)


@log_execution_time(logger)
async def seed_bulk(store: Store, *, chats: int, messages_per_chat: int) -> tuple[int, int]:
    """Adds `chats` chats with `messages_per_chat` messages each; returns the counts."""
    chat_ids: list[int] = []
    for start in range(0, chats, BATCH_ROWS):
        titles = [f"Chat {n}" for n in range(start + 1, min(chats, start + BATCH_ROWS) + 1)]
        chat_ids.extend(await store.insert_chats(titles=titles))

    inserted = 0
    batch_ids: list[int] = []
    batch_texts: list[str] = []
    for chat_id in chat_ids:
        for n in range(1, messages_per_chat + 1):
            batch_ids.append(chat_id)
            batch_texts.append(f"Message {n}")
            if len(batch_ids) == BATCH_ROWS:
                inserted += await store.insert_messages(chat_ids=batch_ids, texts=batch_texts)
                batch_ids, batch_texts = [], []
    if batch_ids:
        inserted += await store.insert_messages(chat_ids=batch_ids, texts=batch_texts)
    return len(chat_ids), inserted
