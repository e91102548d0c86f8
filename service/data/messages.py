"""Messages (sql/messages/): post (once per Idempotency-Key, or in bulk, into the timeline or
a thread), get, edit, delete. Pages are data/timeline.py's, search data/search.py's, read
positions data/reading.py's."""

from collections.abc import Sequence
from typing import Any, NoReturn

import asyncpg

from service.data.base import DataModule, can_exist, require_chat_id
from service.data.members import Members
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.errors import (
    ChatNotFound,
    MessageNotFound,
)
from service.domain.invalid_input import IdempotencyKeyReused, NotAThreadRoot, ReplyNotInChat
from service.domain.messages import MessageList, MessagePublic
from service.domain.people import ChatAccess, Viewer


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
        mentions=row["mentions"],
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
        await self._check_mentions(chat_id, mentions, viewer)
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

    async def _check_mentions(self, chat_id: int, mentions: Sequence[str], viewer: Viewer) -> None:
        """Mentions name members; whether they are is told only to who may post here."""
        if mentions:
            await self._members.require(viewer, chat_id, "member")
            await self._members.require_members(chat_id, mentions)

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
        await self._check_mentions(chat_id, mentions, viewer)
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

    async def get_message(self, *, message_id: int, viewer: Viewer) -> MessagePublic:
        """The message (or the tombstone of a deleted thread root that has replies); one in
        a chat the viewer may not see is not found."""
        document = None
        if can_exist(message_id):
            document = await self._read(self._sql.get_message, message_id, *viewer.args)
        if document is None:
            raise MessageNotFound(message_id)
        return MessagePublic.model_validate_json(document)

    async def new_messages(self, *, message_ids: Sequence[int]) -> dict[int, MessagePublic]:
        """Messages just announced, by id, as anyone sees them (the live feeds' shared copy);
        those gone by now are left out."""
        document = await self._read(self._sql.get_new_messages, list(message_ids))
        return {message.id: message for message in MessageList.model_validate_json(document).root}

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
