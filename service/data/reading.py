"""Read positions (sql/reading/): the caller's own as a member, or the chat's one shared
position with authentication off."""

from typing import Any

import asyncpg

from service.data.base import DataModule, require_chat_id
from service.data.chats import Chats
from service.data.members import Members
from service.data.sql import Queries
from service.db.databases import Databases
from service.db.queries import Query
from service.domain.errors import ChatNotFound
from service.domain.messages import ReadMarked
from service.domain.people import Viewer

# admin in a chat it is not a member of: there is no position to move.
NOTHING_TO_MARK = ReadMarked(updated=0, unread_count=None)


class ReadPositions(DataModule):
    def __init__(
        self, databases: Databases, queries: Queries, *, chats: Chats, members: Members
    ) -> None:
        super().__init__(databases, queries)
        self._sql = queries.reading
        self._chats = chats
        self._members = members

    async def mark_read(self, *, viewer: Viewer, chat_id: int, up_to_id: int) -> ReadMarked:
        """Moves the viewer's position forward to the chat's newest message up to up_to_id."""
        sql = self._sql
        return await self._mark(viewer, chat_id, up_to_id, sql.mark_read, sql.mark_member_read)

    async def mark_unread(self, *, viewer: Viewer, chat_id: int, from_id: int) -> ReadMarked:
        """Moves the viewer's position back before from_id."""
        sql = self._sql
        return await self._mark(viewer, chat_id, from_id, sql.mark_unread, sql.mark_member_unread)

    async def _mark(
        self, viewer: Viewer, chat_id: int, message_id: int, shared: Query, own: Query
    ) -> ReadMarked:
        """The shared position with authentication off, else the viewer's own."""
        if viewer.user is None:
            return await self._move(shared, chat_id, message_id)
        if (await self._members.require(viewer, chat_id, "member")).role is None:
            return NOTHING_TO_MARK
        return await self._move(own, chat_id, viewer.user, message_id)

    async def _move(self, query: Query, chat_id: int, *args: Any) -> ReadMarked:
        """Runs a marking statement with the chat row locked first: one statement alone would
        lock the chat while a post held it, then count the unread messages in a snapshot
        from before that post committed."""
        require_chat_id(chat_id)

        async def mark(db: asyncpg.Connection) -> Any:
            async with db.transaction():
                await self._chats.lock(db, chat_id)
                return await query(db, chat_id, *args)

        row = await self.databases.write(mark)
        if row is None:  # the chat went meanwhile (or, for a member, the membership did)
            raise ChatNotFound(chat_id)
        return ReadMarked(updated=row["updated"], unread_count=row["unread_count"])
