"""The data layer for what changes after posting (edits, deletions, renames), the event log live
feeds catch up from, and message search."""

import html
from typing import Any

from pydantic import BaseModel, TypeAdapter

from service.databases import Databases
from service.errors import ChatNotFound, MessageNotFound
from service.models import ChatPublic, MessagePublic
from service.queries import Queries, Query
from service.search import SearchHit
from service.store import CUSTOM_PLAN, can_exist


class FeedEvent(BaseModel):
    """One event of a chat's feed: `message`, `message_edited`, `message_deleted` or
    `chat_renamed`, with its event id (from the same sequence as message ids)."""

    id: int
    event: str
    data: dict[str, Any]


_EVENTS = TypeAdapter(list[FeedEvent])


class Changes:
    def __init__(self, databases: Databases, queries: Queries) -> None:
        self._databases = databases
        self._queries = queries

    async def _write(self, query: Query, *args: Any) -> Any:
        return await self._databases.write(lambda db: query(db, *args))

    async def message_owner(self, *, message_id: int) -> tuple[int, str | None]:
        """The message's chat and author; MessageNotFound when there is no such message."""
        row = None
        if can_exist(message_id):
            row = await self._write(self._queries.get_message_owner, message_id)
        if row is None:
            raise MessageNotFound(message_id)
        return row["chat_id"], row["author"]

    async def edit_message(self, *, message_id: int, text: str) -> MessagePublic:
        row = None
        if can_exist(message_id):
            row = await self._write(self._queries.edit_message, message_id, text)
        if row is None:
            raise MessageNotFound(message_id)
        return MessagePublic.model_validate(dict(row))

    async def delete_message(self, *, message_id: int) -> None:
        row = None
        if can_exist(message_id):
            row = await self._write(self._queries.delete_message, message_id)
        if row is None:
            raise MessageNotFound(message_id)

    async def rename_chat(self, *, chat_id: int, title: str) -> ChatPublic:
        row = None
        if can_exist(chat_id):
            row = await self._write(self._queries.rename_chat, chat_id, title)
        if row is None:
            raise ChatNotFound(chat_id)
        return ChatPublic.model_validate(dict(row))

    async def newest_event(self, *, chat_id: int) -> int:
        row = None
        if can_exist(chat_id):
            row = await self._write(self._queries.newest_chat_event, chat_id)
        if row is None:
            raise ChatNotFound(chat_id)
        return int(row["newest"])

    async def events_since(self, *, chat_id: int, after_id: int, limit: int) -> list[FeedEvent]:
        """The chat's events after an event id, oldest first (a live feed's catch-up). Read on
        the primary: a lagging replica could miss what the notifications already passed."""
        document = None
        if can_exist(chat_id):
            document = await self._write(self._queries.list_chat_events, chat_id, after_id, limit)
        if document is None:
            raise ChatNotFound(chat_id)
        return _EVENTS.validate_json(document)

    async def search(
        self,
        *,
        tsquery: str | None,
        chat_ids: list[int] | None,
        after: tuple[float, int] | None,
        limit: int,
        in_chat: int | None = None,
    ) -> list[SearchHit]:
        """Hits in chat_ids (None: all); with in_chat, that chat's, and ChatNotFound when it
        does not exist."""
        if in_chat is not None:
            chat_ids = [in_chat]
            exists = can_exist(in_chat) and await self._databases.read(
                lambda db: self._queries.chat_exists(db, in_chat)
            )
            if not exists:
                raise ChatNotFound(in_chat)
        if tsquery is None:  # the text had no word: nothing can match
            return []
        rank, after_id = after if after is not None else (None, None)
        rows = await self._databases.read(
            lambda db: self._queries.search_messages(db, tsquery, chat_ids, rank, after_id, limit),
            CUSTOM_PLAN,
        )
        return [
            SearchHit.model_validate({**row, "snippet": _marked(row["snippet"])}) for row in rows
        ]


def _marked(snippet: str) -> str:
    """The database marks matches with chr(2)/chr(3): HTML-escape the text, then mark them."""
    return html.escape(snippet, quote=False).replace("\x02", "<mark>").replace("\x03", "</mark>")
