"""A chat's timeline (sql/timeline/): pages of its messages, newest first, from the newest
end, by keyset, or around a message it jumps to."""

from service.data.base import DataModule, require_chat_id
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.errors import AnchorNotFound, ChatNotFound
from service.domain.messages import Anchor, Around, MessageList
from service.domain.people import Viewer


class Timeline(DataModule):
    def __init__(self, databases: Databases, queries: Queries) -> None:
        super().__init__(databases, queries)
        self._sql = queries.timeline

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
