"""The data layer: runs the queries in sql/ and speaks in models and domain errors, never HTTP."""

import logging
from collections.abc import Awaitable, Mapping, Sequence
from datetime import datetime
from typing import Any, NoReturn

import asyncpg

from service.databases import Databases
from service.errors import (
    AnchorNotFound,
    ChatNotFound,
    IdempotencyKeyReused,
    MessageNotFound,
    ReplyNotInChat,
)
from service.models import (
    MAX_BIGINT,
    ChatList,
    ChatPublic,
    ChatStats,
    MessageList,
    MessagePublic,
    ReadMarked,
)
from service.queries import Queries, Query

logger = logging.getLogger("chat_api.store")

CUSTOM_PLAN = {"plan_cache_mode": "force_custom_plan"}


def _chat(row: Any) -> ChatPublic:
    return ChatPublic(
        id=row["id"],
        title=row["title"],
        created_at=row["created_at"],
        message_count=row["message_count"],
        unread_count=row["unread_count"],
    )


def _message(row: Any) -> MessagePublic:
    return MessagePublic(
        id=row["id"],
        chat_id=row["chat_id"],
        text=row["text"],
        created_at=row["created_at"],
        is_read=row["is_read"],
        author=row["author"],
        edited_at=row["edited_at"],
        reply_to=row["reply_to"],
    )


def can_exist(row_id: int) -> bool:
    """Whether an id is in bigint range: outside it no row can have it."""
    return 1 <= row_id <= MAX_BIGINT


def _require_chat_id(chat_id: int) -> None:
    # Outside bigint range the database would reject the parameter; no such chat can exist.
    if not can_exist(chat_id):
        raise ChatNotFound(chat_id)


class Store:
    """Chats and messages in PostgreSQL."""

    def __init__(self, databases: Databases, queries: Queries, *, delete_timeout: float) -> None:
        self.databases = databases
        self._queries = queries
        self._delete_timeout = delete_timeout

    async def ping(self) -> None:
        await self.databases.primary.run(self._queries.ping)

    async def create_chat(self, *, title: str) -> ChatPublic:
        return _chat(await self._write(self._queries.create_chat, title))

    async def list_chats(
        self,
        *,
        skip: int,
        limit: int,
        before_id: int | None = None,
        after_id: int | None = None,
        search: str | None = None,
    ) -> ChatList:
        if before_id is not None and after_id is None:
            # Backwards: the page just before before_id, still in creation order.
            if search is None:
                document = await self._read(
                    self._queries.list_chats_backward, before_id, skip, limit
                )
            else:
                document = await self._search(
                    self._queries.search_chats_backward, before_id, search, skip, limit
                )
        else:
            lower, upper = after_id or 0, before_id or MAX_BIGINT
            if search is None:
                document = await self._read(
                    self._queries.list_chats_forward, lower, upper, skip, limit
                )
            else:
                document = await self._search(
                    self._queries.search_chats_forward, lower, upper, search, skip, limit
                )
        return ChatList.model_validate_json(document)

    async def get_chat_with_messages(self, *, chat_id: int, limit: int) -> bytes:
        """The chat and its latest messages as the JSON document the database built (shaped
        like ChatWithMessages; tests hold the SQL to that model). Answered as it is: parsing
        and re-serialising it cost a third of this hot path's CPU."""
        _require_chat_id(chat_id)
        document: str | None = await self._read(
            self._queries.get_chat_with_messages, chat_id, limit
        )
        if document is None:
            raise ChatNotFound(chat_id)
        return document.encode()

    async def get_chat_stats(
        self, *, chat_id: int, start: datetime | None, end: datetime | None
    ) -> ChatStats:
        _require_chat_id(chat_id)
        document = await self._read(self._queries.get_chat_stats, chat_id, start, end)
        if document is None:
            raise ChatNotFound(chat_id)
        return ChatStats.model_validate_json(document)

    async def delete_chat(self, *, chat_id: int) -> None:
        """Deletes the chat and, by ON DELETE CASCADE, its messages: a statement whose time
        grows with the chat, so it runs under DB_DELETE_TIMEOUT, not the statement timeout
        every other statement has, and a chat of any size can be deleted."""
        _require_chat_id(chat_id)
        timeout = self._delete_timeout
        deleted = await self.databases.write(
            lambda db: self._queries.delete_chat(db, chat_id, command_timeout=timeout + 5),
            {"statement_timeout": str(int(timeout * 1000))},
        )
        if deleted is None:
            raise ChatNotFound(chat_id)

    async def create_message(
        self,
        *,
        chat_id: int,
        text: str,
        author: str | None = None,
        reply_to: int | None = None,
    ) -> MessagePublic:
        _require_chat_id(chat_id)
        row = await self._write(self._queries.create_message, chat_id, text, author, reply_to)
        if row is None:
            await self._why_not_posted(chat_id, reply_to)
        return _message(row)

    async def _why_not_posted(self, chat_id: int, reply_to: int | None) -> NoReturn:
        """No row: the chat does not exist (or a delete of it committed first), or reply_to
        is not one of its messages."""
        if reply_to is not None and await self._read(self._queries.chat_exists, chat_id):
            raise ReplyNotInChat(reply_to, chat_id)
        raise ChatNotFound(chat_id)

    async def create_message_once(
        self,
        *,
        chat_id: int,
        text: str,
        key: str,
        author: str | None = None,
        reply_to: int | None = None,
    ) -> tuple[MessagePublic, bool]:
        """Posts a message under an Idempotency-Key; returns it and whether it was a replay of
        an earlier post with the same key."""
        _require_chat_id(chat_id)
        for attempt in (1, 2):
            try:
                row = await self._write(
                    self._queries.create_message_once, chat_id, text, key, author, reply_to
                )
                break
            except asyncpg.UniqueViolationError:
                # Another first use of the key committed while this one ran: the retry sees it.
                if attempt == 2:
                    raise
        if row is None:
            await self._why_not_posted(chat_id, reply_to)
        if not row["same_request"]:
            raise IdempotencyKeyReused(key)
        return _message(row), row["replayed"]

    async def prune_idempotency_keys(self, *, older_than_hours: int) -> int:
        return int(await self._write(self._queries.prune_idempotency_keys, older_than_hours))

    async def follow_chat(self, *, chat_id: int, listener_pid: int) -> None:
        _require_chat_id(chat_id)
        await self.databases.primary.run(
            lambda db: self._queries.follow_chat(db, chat_id, listener_pid)
        )

    async def unfollow_chat(self, *, chat_id: int, listener_pid: int) -> None:
        _require_chat_id(chat_id)
        await self.databases.primary.run(
            lambda db: self._queries.unfollow_chat(db, chat_id, listener_pid)
        )

    async def forget_stale_followers(self) -> None:
        await self.databases.primary.run(self._queries.forget_stale_followers)

    async def list_messages(
        self,
        *,
        chat_id: int,
        skip: int,
        limit: int,
        before_id: int | None = None,
        after_id: int | None = None,
    ) -> MessageList:
        _require_chat_id(chat_id)
        if before_id is None and after_id is None:
            document = await self._read(self._queries.list_messages, chat_id, skip, limit)
            if document is None:
                raise ChatNotFound(chat_id)
            return MessageList.model_validate_json(document)

        if before_id is not None and after_id is not None:
            row = await self._read(
                self._queries.list_messages_between, chat_id, after_id, before_id, skip, limit
            )
        elif before_id is not None:
            row = await self._read(
                self._queries.list_messages_before, chat_id, before_id, skip, limit
            )
        else:
            row = await self._read(
                self._queries.list_messages_after, chat_id, after_id, skip, limit
            )
        if row is None:
            raise ChatNotFound(chat_id)
        for name, anchor in (("after", after_id), ("before", before_id)):
            if anchor is not None and not row[f"{name}_found"]:
                raise AnchorNotFound(anchor, chat_id)
        return MessageList.model_validate_json(row["messages"])

    async def mark_read(self, *, chat_id: int, up_to_id: int) -> ReadMarked:
        """Marks the chat's messages with ids up to up_to_id as read."""
        _require_chat_id(chat_id)

        async def mark(db: asyncpg.Connection) -> Any:
            # Two statements: mark_read alone would lock the chat while a post held it, then
            # count the unread messages in a snapshot from before that post committed.
            async with db.transaction():
                await self._queries.lock_chat(db, chat_id)
                return await self._queries.mark_read(db, chat_id, up_to_id)

        row = await self.databases.write(mark)
        if row is None:
            raise ChatNotFound(chat_id)
        return ReadMarked(updated=row["updated"], unread_count=row["unread_count"])

    async def get_message(self, *, message_id: int) -> MessagePublic:
        if not can_exist(message_id):
            raise MessageNotFound(message_id)
        row = await self._read(self._queries.get_message, message_id)
        if row is None:
            raise MessageNotFound(message_id)
        return _message(row)

    async def insert_chats(self, *, titles: Sequence[str]) -> list[int]:
        """Creates chats in one statement; returns their ids."""
        rows = await self._write(self._queries.insert_chats, list(titles))
        return [row["id"] for row in rows]

    async def create_messages(
        self, *, chat_id: int, texts: Sequence[str], author: str | None = None
    ) -> MessageList:
        """Posts messages into one chat in one statement, all or nothing."""
        _require_chat_id(chat_id)
        document = await self._write(self._queries.create_messages, chat_id, list(texts), author)
        created = MessageList.model_validate_json(document)
        if texts and not created.root:
            raise ChatNotFound(chat_id)
        return created

    async def insert_missing_chats(self, chats: Mapping[str, Sequence[str]]) -> tuple[int, int]:
        """Creates the chats (title -> message texts) whose titles do not exist yet, with their
        messages, in one transaction; returns how many chats and messages were created."""

        async def insert(db: asyncpg.Connection) -> tuple[int, int]:
            messages = 0
            async with db.transaction():
                created = await self._queries.insert_missing_chats(db, list(chats))
                for row in created:
                    if texts := list(chats[row["title"]]):
                        await self._queries.create_messages(db, row["id"], texts, None)
                        messages += len(texts)
            return len(created), messages

        return await self.databases.write(insert)

    def _read(self, query: Query, *args: Any) -> Awaitable[Any]:
        return self.databases.read(lambda db: query(db, *args))

    def _search(self, query: Query, *args: Any) -> Awaitable[Any]:
        # A plan made for each search text: the cached generic plan PostgreSQL may switch to
        # after five runs walks the primary key and filters every chat (0.06 ms became 33 ms
        # over 100k chats), and whether it switches depends on the table's statistics.
        return self.databases.read(lambda db: query(db, *args), CUSTOM_PLAN)

    def _write(self, query: Query, *args: Any) -> Awaitable[Any]:
        return self.databases.write(lambda db: query(db, *args))
