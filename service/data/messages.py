"""Messages (sql/messages/): post (once per Idempotency-Key, or in bulk), page through a chat,
get, edit, delete, and full-text search. Read positions are data/reading.py's."""

import html
import json
from collections.abc import Sequence
from typing import Any, NoReturn

import asyncpg
from pydantic import TypeAdapter

from service.data.base import DataModule, can_exist, require_chat_id
from service.data.members import Members
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.errors import (
    AnchorNotFound,
    ChatNotFound,
    IdempotencyKeyReused,
    MessageNotFound,
    NotAThreadRoot,
    ReplyNotInChat,
)
from service.domain.messages import Anchor, Around, MessageList, MessagePublic
from service.domain.people import ChatAccess, Viewer
from service.domain.search import SearchHit

_MENTIONS = TypeAdapter(list[str])


def _message(row: Any) -> MessagePublic:
    """A message just posted (or replayed): no thread, reactions or pin yet."""
    return MessagePublic(
        id=row["id"],
        chat_id=row["chat_id"],
        text=row["text"],
        created_at=row["created_at"],
        is_read=row["is_read"],
        author=row["author"],
        edited_at=row["edited_at"],
        reply_to=row["reply_to"],
        thread_id=row["thread_id"],
        mentions=_MENTIONS.validate_json(row["mentions"]),
    )


class Messages(DataModule):
    def __init__(self, databases: Databases, queries: Queries, *, members: Members) -> None:
        super().__init__(databases, queries)
        self._sql = queries.messages
        self._members = members

    async def create_message(
        self,
        *,
        chat_id: int,
        text: str,
        viewer: Viewer,
        reply_to: int | None = None,
        thread_id: int | None = None,
        mentions: Sequence[str] = (),
    ) -> MessagePublic:
        """Posts as the viewer (its user is the author)."""
        require_chat_id(chat_id)
        await self._members.require_members(chat_id, mentions)
        row = await self._write(
            self._sql.create_message,
            chat_id,
            text,
            viewer.user,
            reply_to,
            viewer.admin,
            thread_id,
            list(mentions),
        )
        if row is None:
            await self._why_not_posted(chat_id, reply_to, thread_id, viewer)
        return _message(row)

    async def _why_not_posted(
        self, chat_id: int, reply_to: int | None, thread_id: int | None, viewer: Viewer
    ) -> NoReturn:
        """No row: the chat does not exist (or a delete of it committed first), the viewer
        may not post into it, reply_to is not one of its messages, or thread_id not one of
        its roots."""
        await self._members.require(viewer, chat_id, "member")
        if reply_to is not None and not await self._in_chat(reply_to, chat_id):
            raise ReplyNotInChat(reply_to, chat_id)
        if thread_id is not None:
            raise NotAThreadRoot(thread_id, chat_id)
        raise ChatNotFound(chat_id)

    async def _in_chat(self, message_id: int, chat_id: int) -> bool:
        row = await self._write(self._sql.get_message_owner, message_id, None)
        return row is not None and row["chat_id"] == chat_id

    async def create_message_once(
        self,
        *,
        chat_id: int,
        text: str,
        key: str,
        viewer: Viewer,
        reply_to: int | None = None,
        thread_id: int | None = None,
        mentions: Sequence[str] = (),
    ) -> tuple[MessagePublic, bool]:
        """Posts a message under an Idempotency-Key; returns it and whether it was a replay of
        an earlier post with the same key."""
        require_chat_id(chat_id)
        await self._members.require_members(chat_id, mentions)
        for attempt in (1, 2):
            try:
                row = await self._write(
                    self._sql.create_message_once,
                    chat_id,
                    text,
                    key,
                    viewer.user,
                    reply_to,
                    viewer.admin,
                    thread_id,
                    list(mentions),
                )
                break
            except asyncpg.UniqueViolationError:
                # Another first use of the key committed while this one ran: the retry sees it.
                if attempt == 2:
                    raise
        if row is None:
            await self._why_not_posted(chat_id, reply_to, thread_id, viewer)
        if not row["same_request"]:
            raise IdempotencyKeyReused(key)
        return _message(row), row["replayed"]

    async def prune_idempotency_keys(self, *, older_than_hours: int) -> int:
        return int(await self._write(self._sql.prune_idempotency_keys, older_than_hours))

    async def create_messages(
        self, *, chat_id: int, texts: Sequence[str], viewer: Viewer
    ) -> MessageList:
        """Posts messages into one chat in one statement, all or nothing, as the viewer."""
        require_chat_id(chat_id)
        document = await self._write(
            self._sql.create_messages, chat_id, list(texts), viewer.user, viewer.admin
        )
        created = MessageList.model_validate_json(document)
        if texts and not created.root:
            await self._members.require(viewer, chat_id, "member")
            raise ChatNotFound(chat_id)
        return created

    async def list_messages(
        self,
        *,
        chat_id: int,
        skip: int,
        limit: int,
        before_id: int | None = None,
        after_id: int | None = None,
        viewer: Viewer,
        include_threads: bool = False,
    ) -> MessageList:
        """A page of the chat's messages (thread replies too with include_threads); a chat the
        viewer may not see is not found."""
        require_chat_id(chat_id)
        sql, who = self._sql, (*viewer.args, include_threads)
        if before_id is None and after_id is None:
            document = await self._read(sql.list_messages, chat_id, skip, limit, *who)
            if document is None:
                raise ChatNotFound(chat_id)
            return MessageList.model_validate_json(document)

        if before_id is not None and after_id is not None:
            row = await self._read(
                sql.list_messages_between, chat_id, after_id, before_id, skip, limit, *who
            )
        elif before_id is not None:
            row = await self._read(sql.list_messages_before, chat_id, before_id, skip, limit, *who)
        else:
            row = await self._read(sql.list_messages_after, chat_id, after_id, skip, limit, *who)
        if row is None:
            raise ChatNotFound(chat_id)
        for name, anchor in (("after", after_id), ("before", before_id)):
            if anchor is not None and not row[f"{name}_found"]:
                raise AnchorNotFound(anchor, chat_id)
        return MessageList.model_validate_json(row["messages"])

    async def messages_around(
        self,
        *,
        chat_id: int,
        anchor: Anchor,
        older: int,
        newer: int,
        viewer: Viewer,
        include_threads: bool = False,
    ) -> Around | None:
        """The anchor message with up to `older` and `newer` messages around it, newest first;
        None when there is no such anchor (but for around_id, which is AnchorNotFound)."""
        require_chat_id(chat_id)
        row = await self._read(
            self._sql.list_messages_around,
            chat_id,
            anchor.message_id,
            anchor.first_unread,
            anchor.at,
            older,
            newer,
            *viewer.args,
            include_threads,
        )
        if row is None:
            raise ChatNotFound(chat_id)
        if not row["anchor_found"]:
            if anchor.message_id is not None:
                raise AnchorNotFound(anchor.message_id, chat_id)
            return None
        messages = MessageList.model_validate_json(row["messages"])
        return Around(messages=messages, older=row["older"], newer=row["newer"])

    async def get_message(self, *, message_id: int, viewer: Viewer) -> MessagePublic:
        """The message (or the tombstone of a deleted thread root that has replies); one in
        a chat the viewer may not see is not found."""
        document = None
        if can_exist(message_id):
            document = await self._read(self._sql.get_message, message_id, *viewer.args)
        if document is None:
            raise MessageNotFound(message_id)
        return MessagePublic.model_validate_json(document)

    async def message_owner(
        self, *, message_id: int, viewer: Viewer
    ) -> tuple[int, str | None, ChatAccess]:
        """The message's chat, author, and the viewer's access to that chat; MessageNotFound
        when there is no such message (or it is in a private chat of others)."""
        row = None
        if can_exist(message_id):
            row = await self._write(self._sql.get_message_owner, message_id, viewer.user)
        if row is None:
            raise MessageNotFound(message_id)
        access = ChatAccess(visibility=row["visibility"], role=row["role"], owners=0)
        return row["chat_id"], row["author"], access

    async def edit_message(
        self, *, message_id: int, text: str, viewer: Viewer, mentions: list[str] | None = None
    ) -> MessagePublic:
        """New text and, unless None, new mentions (members of the chat: the caller checked)."""
        row = None
        if can_exist(message_id):
            row = await self._write(self._sql.edit_message, message_id, text, viewer.user, mentions)
        if row is None:
            raise MessageNotFound(message_id)
        edited = MessagePublic.model_validate_json(row["message"])
        if mentions is not None:  # the statement read them as they were
            edited.mentions = mentions
        return edited

    async def delete_message(self, *, message_id: int) -> None:
        row = None
        if can_exist(message_id):
            row = await self._write(self._sql.delete_message, message_id)
        if row is None:
            raise MessageNotFound(message_id)

    async def search(
        self,
        *,
        tsquery: str | None,
        chat_ids: list[int] | None,
        after: tuple[float, int] | None,
        limit: int,
        viewer: Viewer,
        in_chat: int | None = None,
        include_threads: bool = False,
    ) -> list[SearchHit]:
        """Hits in chat_ids (None: all) among the chats the viewer may see; with in_chat,
        that chat's, and ChatNotFound when the viewer may not see it."""
        if in_chat is not None:
            chat_ids = [in_chat]
            await self._members.require(viewer, in_chat, "see")
        if tsquery is None:  # the text had no word: nothing can match
            return []
        rank, after_id = after if after is not None else (None, None)
        rows = await self._search(
            self._sql.search_messages,
            tsquery,
            chat_ids,
            rank,
            after_id,
            limit,
            *viewer.args,
            include_threads,
        )
        return [
            SearchHit.model_validate(
                {
                    **json.loads(row["message"]),
                    "rank": row["rank"],
                    "snippet": _marked(row["snippet"]),
                }
            )
            for row in rows
        ]


def _marked(snippet: str) -> str:
    """The database marks matches with chr(2)/chr(3): HTML-escape the text, then mark them."""
    return html.escape(snippet, quote=False).replace("\x02", "<mark>").replace("\x03", "</mark>")
