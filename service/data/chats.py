"""Chats (sql/chats/): create, list and search titles, open with the latest messages,
statistics, rename, delete, and the bulk inserts of seeding."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from service.data.base import DataModule, can_exist, require_chat_id
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.chats import ChatList, ChatPublic, ChatStats
from service.domain.errors import ChatNotFound
from service.domain.fields import MAX_BIGINT
from service.domain.people import Viewer


def _chat(row: Any) -> ChatPublic:
    return ChatPublic(
        id=row["id"],
        title=row["title"],
        created_at=row["created_at"],
        message_count=row["message_count"],
        unread_count=row["unread_count"],
        visibility=row["visibility"],
        member_count=row["member_count"],
    )


class Chats(DataModule):
    def __init__(self, databases: Databases, queries: Queries, *, delete_timeout: float) -> None:
        super().__init__(databases, queries)
        self._sql = queries.chats
        self._delete_timeout = delete_timeout

    async def lock(self, db: asyncpg.Connection, chat_id: int) -> None:
        """Locks the chat's row until the transaction ends: what posts lock too."""
        await self._sql.lock_chat(db, chat_id)

    async def create_chat(self, *, title: str, visibility: str, creator: str | None) -> ChatPublic:
        """A new chat; its creator (None with authentication off) becomes its owner."""
        return _chat(await self._write(self._sql.create_chat, title, visibility, creator))

    async def list_chats(
        self,
        *,
        skip: int,
        limit: int,
        before_id: int | None = None,
        after_id: int | None = None,
        search: str | None = None,
        viewer: Viewer,
    ) -> ChatList:
        """The chats the viewer may see, in creation order."""
        sql, who = self._sql, viewer.args
        if before_id is not None and after_id is None:
            # Backwards: the page just before before_id, still in creation order.
            if search is None:
                document = await self._read(sql.list_chats_backward, before_id, skip, limit, *who)
            else:
                document = await self._search(
                    sql.search_chats_backward, before_id, search, skip, limit, *who
                )
        else:
            lower, upper = after_id or 0, before_id or MAX_BIGINT
            if search is None:
                document = await self._read(sql.list_chats_forward, lower, upper, skip, limit, *who)
            else:
                document = await self._search(
                    sql.search_chats_forward, lower, upper, search, skip, limit, *who
                )
        return ChatList.model_validate_json(document)

    async def get_chat_with_messages(
        self, *, chat_id: int, limit: int, viewer: Viewer, include_threads: bool = False
    ) -> bytes:
        """The chat and its latest messages as the JSON document the database built (shaped
        like ChatWithMessages; tests hold the SQL to that model). Answered as it is: parsing
        and re-serialising it cost a third of this hot path's CPU. The membership check is in
        the same statement: a chat the viewer may not see is not found."""
        require_chat_id(chat_id)
        document: str | None = await self._read(
            self._sql.get_chat_with_messages, chat_id, limit, *viewer.args, include_threads
        )
        if document is None:
            raise ChatNotFound(chat_id)
        return document.encode()

    async def get_chat_stats(
        self, *, chat_id: int, start: datetime | None, end: datetime | None
    ) -> ChatStats:
        require_chat_id(chat_id)
        document = await self._read(self._sql.get_chat_stats, chat_id, start, end)
        if document is None:
            raise ChatNotFound(chat_id)
        return ChatStats.model_validate_json(document)

    async def update_chat(
        self,
        *,
        chat_id: int,
        title: str | None,
        visibility: str | None,
        members_can_pin: bool | None = None,
        viewer: Viewer,
    ) -> ChatPublic:
        """Renames the chat, changes its visibility or who may pin (None: keep it)."""
        row = None
        if can_exist(chat_id):
            row = await self._write(
                self._sql.update_chat, chat_id, title, visibility, viewer.user, members_can_pin
            )
        if row is None:
            raise ChatNotFound(chat_id)
        return ChatPublic.model_validate(dict(row))

    async def delete_chat(self, *, chat_id: int) -> None:
        """Deletes the chat and, by ON DELETE CASCADE, its messages: a statement whose time
        grows with the chat, so it runs under DB_DELETE_TIMEOUT, not the statement timeout
        every other statement has, and a chat of any size can be deleted."""
        require_chat_id(chat_id)
        timeout = self._delete_timeout
        deleted = await self.databases.write(
            lambda db: self._sql.delete_chat(db, chat_id, command_timeout=timeout + 5),
            {"statement_timeout": str(int(timeout * 1000))},
        )
        if deleted is None:
            raise ChatNotFound(chat_id)

    async def insert_chats(self, *, titles: Sequence[str]) -> list[int]:
        """Creates chats in one statement; returns their ids."""
        rows = await self._write(self._sql.insert_chats, list(titles))
        return [row["id"] for row in rows]

    async def insert_missing_chats(self, chats: Mapping[str, Sequence[str]]) -> tuple[int, int]:
        """Creates the chats (title -> message texts) whose titles do not exist yet, with their
        messages, in one transaction; returns how many chats and messages were created."""

        async def insert(db: asyncpg.Connection) -> tuple[int, int]:
            messages = 0
            async with db.transaction():
                created = await self._sql.insert_missing_chats(db, list(chats))
                for row in created:
                    if texts := list(chats[row["title"]]):
                        await self.queries.messages.create_messages(
                            db, row["id"], texts, None, False
                        )
                        messages += len(texts)
            return len(created), messages

        return await self.databases.write(insert)
