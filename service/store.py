"""The data layer: runs the queries in sql/ and speaks in models and domain errors, never HTTP."""

from typing import Any

import asyncpg

from service.errors import ChatNotFound, MessageNotFound
from service.models import ChatPublic, ChatWithMessages, MessagePublic
from service.queries import Queries

# Ids are bigint; anything outside this range cannot name a row.
MAX_ID = 2**63 - 1


def _chat(row: Any) -> ChatPublic:
    return ChatPublic(
        id=row["id"],
        title=row["title"],
        created_at=row["created_at"],
        message_count=row["message_count"],
    )


def _message(row: Any) -> MessagePublic:
    return MessagePublic(
        id=row["id"], chat_id=row["chat_id"], text=row["text"], created_at=row["created_at"]
    )


def _can_exist(row_id: int) -> bool:
    return 1 <= row_id <= MAX_ID


def _require_chat_id(chat_id: int) -> None:
    # Outside bigint range the database would reject the parameter; no such chat can exist.
    if not _can_exist(chat_id):
        raise ChatNotFound(chat_id)


class Store:
    """Chats and messages in PostgreSQL."""

    def __init__(self, pool: asyncpg.Pool, queries: Queries) -> None:
        self._pool = pool
        self._queries = queries

    async def ping(self) -> None:
        await self._queries.ping(self._pool)

    async def create_chat(self, *, title: str) -> ChatPublic:
        return _chat(await self._queries.create_chat(self._pool, title))

    async def list_chats(self, *, skip: int, limit: int) -> list[ChatPublic]:
        rows = await self._queries.list_chats(self._pool, skip, limit)
        return [_chat(row) for row in rows]

    async def get_chat_with_messages(self, *, chat_id: int, limit: int) -> ChatWithMessages:
        _require_chat_id(chat_id)
        rows = await self._queries.get_chat_with_messages(self._pool, chat_id, limit)
        if not rows:
            raise ChatNotFound(chat_id)
        messages = [
            MessagePublic(
                id=row["message_id"],
                chat_id=chat_id,
                text=row["message_text"],
                created_at=row["message_created_at"],
            )
            for row in rows
            if row["message_id"] is not None
        ]
        return ChatWithMessages(chat=_chat(rows[0]), messages=messages)

    async def delete_chat(self, *, chat_id: int) -> None:
        _require_chat_id(chat_id)
        if await self._queries.delete_chat(self._pool, chat_id) is None:
            raise ChatNotFound(chat_id)

    async def create_message(self, *, chat_id: int, text: str) -> MessagePublic:
        _require_chat_id(chat_id)
        try:
            row = await self._queries.create_message(self._pool, chat_id, text)
        except asyncpg.ForeignKeyViolationError:
            # The chat did not exist, or was deleted while this message was being posted.
            raise ChatNotFound(chat_id) from None
        return _message(row)

    async def list_messages(self, *, chat_id: int, skip: int, limit: int) -> list[MessagePublic]:
        _require_chat_id(chat_id)
        rows = await self._queries.list_messages(self._pool, chat_id, skip, limit)
        if not rows:
            raise ChatNotFound(chat_id)
        return [_message(row) for row in rows if row["id"] is not None]

    async def get_message(self, *, message_id: int) -> MessagePublic:
        if not _can_exist(message_id):
            raise MessageNotFound(message_id)
        row = await self._queries.get_message(self._pool, message_id)
        if row is None:
            raise MessageNotFound(message_id)
        return _message(row)
