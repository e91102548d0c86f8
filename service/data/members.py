"""Chat members (sql/members/): who may act on a chat, the members' list, adding, changing
and removing members (a chat keeps an owner). Their read positions are data/reading.py's."""

from collections.abc import Sequence
from typing import Any

import asyncpg

from service.data.base import DataModule, can_exist, require_chat_id
from service.data.chats import Chats
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.errors import ChatNotFound, LastOwner, MemberNotFound
from service.domain.invalid_input import MentionNotMember
from service.domain.people import ChatAccess, MemberList, MemberPublic, Need, Viewer, check_access


def _access(row: Any) -> ChatAccess | None:
    if row is None:
        return None
    return ChatAccess(
        visibility=row["visibility"],
        role=row["role"],
        owners=row["owners"],
        members_can_pin=row["members_can_pin"],
    )


class Members(DataModule):
    def __init__(self, databases: Databases, queries: Queries, *, chats: Chats) -> None:
        super().__init__(databases, queries)
        self._sql = queries.members
        self._chats = chats

    async def require(self, viewer: Viewer, chat_id: int, need: Need) -> ChatAccess:
        """The caller's access to the chat, when it is enough for `need` (else the error the
        caller is told). Read on the primary: a replica could still show a removed member."""
        row = None
        if can_exist(chat_id):
            row = await self._write(self._sql.chat_access, chat_id, viewer.user)
        return check_access(viewer, _access(row), chat_id, need)

    async def require_members(self, chat_id: int, user_ids: Sequence[str]) -> None:
        """MentionNotMember for the first of user_ids that is not a member of the chat."""
        if not user_ids:
            return
        rows = await self._write(self._sql.which_members, chat_id, list(user_ids))
        members = {row["user_id"] for row in rows}
        for index, user_id in enumerate(user_ids):
            if user_id not in members:
                raise MentionNotMember(user_id, index, chat_id)

    async def list_members(self, *, chat_id: int, after: str | None, limit: int) -> MemberList:
        require_chat_id(chat_id)
        # On the primary: who is online is in an unlogged table, which a standby lacks.
        rows = await self._write(self._sql.list_members, chat_id, after or "", limit)
        return MemberList([MemberPublic.model_validate(dict(row)) for row in rows])

    async def put_member(
        self, *, chat_id: int, user_id: str, role: str, keep_role: bool = False
    ) -> tuple[bool, str]:
        """Adds the user with the role (or gives a member the role; with keep_role, leaves a
        member's role as it is); returns whether it was added and the role it has now.
        Demoting the last owner is LastOwner."""
        require_chat_id(chat_id)

        async def put(db: asyncpg.Connection) -> tuple[bool, str]:
            async with db.transaction():
                demoting = role != "owner" and not keep_role
                await self._locked_access(db, chat_id, user_id, demoting=demoting)
                row = await self._sql.put_member(db, chat_id, user_id, role, keep_role)
            if row is None:
                raise ChatNotFound(chat_id)
            return row["added"], row["role"]

        return await self.databases.write(put)

    async def remove_member(self, *, chat_id: int, user_id: str) -> None:
        """Takes the member out; removing the last owner is LastOwner."""
        require_chat_id(chat_id)

        async def remove(db: asyncpg.Connection) -> None:
            async with db.transaction():
                access = await self._locked_access(db, chat_id, user_id, demoting=True)
                if access.role is None:
                    raise MemberNotFound(user_id, chat_id)
                await self._sql.remove_member(db, chat_id, user_id)

        await self.databases.write(remove)

    async def _locked_access(
        self, db: asyncpg.Connection, chat_id: int, user_id: str, *, demoting: bool
    ) -> ChatAccess:
        """Locks the chat row (so two owners cannot demote each other at once, and positions
        agree with posts), then reads the member's access; LastOwner when `demoting` would
        leave the chat without an owner."""
        await self._chats.lock(db, chat_id)
        access = _access(await self._sql.chat_access(db, chat_id, user_id))
        if access is None:
            raise ChatNotFound(chat_id)
        if demoting and access.role == "owner" and access.owners <= 1:
            raise LastOwner(chat_id)
        return access
