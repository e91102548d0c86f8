"""The data layer: runs the queries in sql/ and speaks in models and domain errors, never HTTP."""

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg

from service.errors import (
    AnchorNotFound,
    ChatNotFound,
    DatabaseUnavailable,
    IdempotencyKeyReused,
    MessageNotFound,
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
from service.queries import Queries

logger = logging.getLogger("chat_api.store")

# Failures that mean "the database cannot serve us right now", not "this request is wrong":
# refused or dropped connections, an exhausted pool, a server shutting down, statement_timeout.
UNAVAILABLE_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.TooManyConnectionsError,
    # 57xxx: query_canceled (statement_timeout), admin_shutdown, cannot_connect_now, ...
    asyncpg.OperatorInterventionError,
    # The protocol state of a connection the server dropped mid-operation (seen when
    # PostgreSQL shuts down under load): that connection cannot be trusted again.
    asyncpg.InternalClientError,
)


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
    )


def _can_exist(row_id: int) -> bool:
    return 1 <= row_id <= MAX_BIGINT


def _require_chat_id(chat_id: int) -> None:
    # Outside bigint range the database would reject the parameter; no such chat can exist.
    if not _can_exist(chat_id):
        raise ChatNotFound(chat_id)


class Store:
    """Chats and messages in PostgreSQL."""

    def __init__(self, pool: asyncpg.Pool, queries: Queries, *, acquire_timeout: float) -> None:
        self.pool = pool
        self._queries = queries
        self._acquire_timeout = acquire_timeout
        # asyncpg's pool hands a released connection to whoever asks next, so under load a
        # request can be passed over again and again (p99 in the hundreds of ms). Queueing
        # for this FIFO semaphore first serves requests in arrival order.
        self._turns = asyncio.Semaphore(pool.get_max_size())

    async def _take_turn(self) -> None:
        if not self._turns.locked():
            await self._turns.acquire()  # a free turn: taken at once, no timer needed
            return
        try:
            async with asyncio.timeout(self._acquire_timeout):
                await self._turns.acquire()
        except TimeoutError as exc:
            logger.warning("no pooled connection within %.1f s", self._acquire_timeout)
            raise DatabaseUnavailable() from exc

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection; waits at most acquire_timeout for one, and turns outages
        into DatabaseUnavailable."""
        await self._take_turn()
        try:
            async with self.pool.acquire() as connection:
                try:
                    yield connection
                except asyncpg.QueryCanceledError:
                    raise  # statement_timeout: the server cancelled it, the connection is fine
                except UNAVAILABLE_ERRORS:
                    # The pool's reset is a no-op (see database.py), so a connection in doubt
                    # is closed here rather than handed to the next request.
                    connection.terminate()
                    raise
        except UNAVAILABLE_ERRORS as exc:
            logger.warning("database unavailable: %r", exc)
            raise DatabaseUnavailable() from exc
        finally:
            self._turns.release()

    async def ping(self) -> None:
        async with self.connection() as db:
            await self._queries.ping(db)

    async def create_chat(self, *, title: str) -> ChatPublic:
        async with self.connection() as db:
            return _chat(await self._queries.create_chat(db, title))

    async def list_chats(
        self,
        *,
        skip: int,
        limit: int,
        before_id: int | None = None,
        after_id: int | None = None,
        search: str | None = None,
    ) -> ChatList:
        async with self.connection() as db:
            if before_id is not None and after_id is None:
                # Backwards: the page just before before_id, still in creation order.
                if search is None:
                    document = await self._queries.list_chats_backward(db, before_id, skip, limit)
                else:
                    document = await self._queries.search_chats_backward(
                        db, before_id, search, skip, limit
                    )
            else:
                lower, upper = after_id or 0, before_id or MAX_BIGINT
                if search is None:
                    document = await self._queries.list_chats_forward(db, lower, upper, skip, limit)
                else:
                    document = await self._queries.search_chats_forward(
                        db, lower, upper, search, skip, limit
                    )
        return ChatList.model_validate_json(document)

    async def get_chat_with_messages(self, *, chat_id: int, limit: int) -> bytes:
        """The chat and its latest messages as the JSON document the database built (shaped
        like ChatWithMessages; tests hold the SQL to that model). Answered as it is: parsing
        and re-serialising it cost a third of this hot path's CPU."""
        _require_chat_id(chat_id)
        async with self.connection() as db:
            document: str | None = await self._queries.get_chat_with_messages(db, chat_id, limit)
        if document is None:
            raise ChatNotFound(chat_id)
        return document.encode()

    async def get_chat_stats(
        self, *, chat_id: int, start: datetime | None, end: datetime | None
    ) -> ChatStats:
        _require_chat_id(chat_id)
        async with self.connection() as db:
            document = await self._queries.get_chat_stats(db, chat_id, start, end)
        if document is None:
            raise ChatNotFound(chat_id)
        return ChatStats.model_validate_json(document)

    async def delete_chat(self, *, chat_id: int) -> None:
        _require_chat_id(chat_id)
        async with self.connection() as db:
            deleted = await self._queries.delete_chat(db, chat_id)
        if deleted is None:
            raise ChatNotFound(chat_id)

    async def create_message(self, *, chat_id: int, text: str) -> MessagePublic:
        _require_chat_id(chat_id)
        async with self.connection() as db:
            # No row: the chat does not exist, or a delete of it committed first.
            row = await self._queries.create_message(db, chat_id, text)
        if row is None:
            raise ChatNotFound(chat_id)
        return _message(row)

    async def create_message_once(
        self, *, chat_id: int, text: str, key: str
    ) -> tuple[MessagePublic, bool]:
        """Posts a message under an Idempotency-Key; returns it and whether it was a replay of
        an earlier post with the same key."""
        _require_chat_id(chat_id)
        for attempt in (1, 2):
            try:
                async with self.connection() as db:
                    row = await self._queries.create_message_once(db, chat_id, text, key)
                break
            except asyncpg.UniqueViolationError:
                # Another first use of the key committed while this one ran: the retry sees it.
                if attempt == 2:
                    raise
        if row is None:
            raise ChatNotFound(chat_id)
        if not row["same_request"]:
            raise IdempotencyKeyReused(key)
        return _message(row), row["replayed"]

    async def prune_idempotency_keys(self, *, older_than_hours: int) -> int:
        async with self.connection() as db:
            return int(await self._queries.prune_idempotency_keys(db, older_than_hours))

    async def follow_chat(self, *, chat_id: int, listener_pid: int) -> None:
        _require_chat_id(chat_id)
        async with self.connection() as db:
            await self._queries.follow_chat(db, chat_id, listener_pid)

    async def unfollow_chat(self, *, chat_id: int, listener_pid: int) -> None:
        _require_chat_id(chat_id)
        async with self.connection() as db:
            await self._queries.unfollow_chat(db, chat_id, listener_pid)

    async def forget_stale_followers(self) -> None:
        async with self.connection() as db:
            await self._queries.forget_stale_followers(db)

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
            async with self.connection() as db:
                document = await self._queries.list_messages(db, chat_id, skip, limit)
            if document is None:
                raise ChatNotFound(chat_id)
            return MessageList.model_validate_json(document)

        async with self.connection() as db:
            if before_id is not None and after_id is not None:
                row = await self._queries.list_messages_between(
                    db, chat_id, after_id, before_id, skip, limit
                )
            elif before_id is not None:
                row = await self._queries.list_messages_before(db, chat_id, before_id, skip, limit)
            else:
                row = await self._queries.list_messages_after(db, chat_id, after_id, skip, limit)
        if row is None:
            raise ChatNotFound(chat_id)
        for name, anchor in (("after", after_id), ("before", before_id)):
            if anchor is not None and not row[f"{name}_found"]:
                raise AnchorNotFound(anchor, chat_id)
        return MessageList.model_validate_json(row["messages"])

    async def mark_read(self, *, chat_id: int, up_to_id: int) -> ReadMarked:
        """Marks the chat's messages with ids up to up_to_id as read."""
        _require_chat_id(chat_id)
        async with self.connection() as db:
            row = await self._queries.mark_read(db, chat_id, up_to_id)
        if row is None:
            raise ChatNotFound(chat_id)
        return ReadMarked(updated=row["updated"], unread_count=row["unread_count"])

    async def get_message(self, *, message_id: int) -> MessagePublic:
        if not _can_exist(message_id):
            raise MessageNotFound(message_id)
        async with self.connection() as db:
            row = await self._queries.get_message(db, message_id)
        if row is None:
            raise MessageNotFound(message_id)
        return _message(row)

    async def insert_chats(self, *, titles: Sequence[str]) -> list[int]:
        """Creates chats in one statement; returns their ids."""
        async with self.connection() as db:
            rows = await self._queries.insert_chats(db, list(titles))
        return [row["id"] for row in rows]

    async def create_messages(self, *, chat_id: int, texts: Sequence[str]) -> MessageList:
        """Posts messages into one chat in one statement, all or nothing."""
        _require_chat_id(chat_id)
        async with self.connection() as db:
            document = await self._queries.create_messages(db, chat_id, list(texts))
        created = MessageList.model_validate_json(document)
        if texts and not created.root:
            raise ChatNotFound(chat_id)
        return created

    async def insert_missing_chats(self, chats: Mapping[str, Sequence[str]]) -> tuple[int, int]:
        """Creates the chats (title -> message texts) whose titles do not exist yet, with their
        messages, in one transaction; returns how many chats and messages were created."""
        messages = 0
        async with self.connection() as db, db.transaction():
            created = await self._queries.insert_missing_chats(db, list(chats))
            for row in created:
                if texts := list(chats[row["title"]]):
                    await self._queries.create_messages(db, row["id"], texts)
                    messages += len(texts)
        return len(created), messages
