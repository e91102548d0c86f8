"""Reactions (sql/reactions/): adding and removing one, and who reacted. Each change locks its
chat row and becomes a chat_activity event; the counts are kept (migration 0019)."""

from service.data.base import DataModule, can_exist
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.errors import MessageNotFound, ReactionNotFound, TooManyReactions
from service.domain.reactions import MAX_REACTION_KINDS, Reacted, Reactor, ReactorList


def reactor_id(user: str | None) -> str:
    """Who reacts, as stored: with authentication off there is one shared caller ('')."""
    return user or ""


class Reactions(DataModule):
    def __init__(self, databases: Databases, queries: Queries) -> None:
        super().__init__(databases, queries)
        self._sql = queries.reactions

    async def add(self, *, message_id: int, emoji: str, user: str | None) -> tuple[bool, Reacted]:
        """Whether it was added (False: the user had reacted so already), and the count."""
        row = None
        if can_exist(message_id):
            row = await self._write(
                self._sql.add_reaction, message_id, emoji, reactor_id(user), MAX_REACTION_KINDS
            )
        if row is None:
            raise MessageNotFound(message_id)
        if not row["allowed"]:
            raise TooManyReactions(message_id, MAX_REACTION_KINDS)
        return row["added"], Reacted(message_id=message_id, emoji=emoji, count=row["count"])

    async def remove(self, *, message_id: int, emoji: str, user: str | None) -> Reacted:
        row = None
        if can_exist(message_id):
            row = await self._write(self._sql.remove_reaction, message_id, emoji, reactor_id(user))
        if row is None:
            raise MessageNotFound(message_id)
        if row["count"] is None:
            raise ReactionNotFound(message_id, emoji)
        return Reacted(message_id=message_id, emoji=emoji, count=row["count"])

    async def reactors(
        self, *, message_id: int, emoji: str, after: str | None, limit: int
    ) -> ReactorList:
        rows = await self._read(self._sql.list_reactors, message_id, emoji, after, limit)
        return ReactorList([Reactor.model_validate(dict(row)) for row in rows])
