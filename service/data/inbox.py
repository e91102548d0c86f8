"""A user's chats (sql/inbox/): the inbox, most recent activity first, and the unread totals
for an app badge."""

from datetime import UTC, datetime, timedelta

from service.data.base import DataModule
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.messages import MessageList
from service.domain.people import Inbox, InboxItem, UnreadSummary

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def activity(item: InboxItem) -> datetime:
    """What the inbox sorts by: the newest message's time, or the chat's for an empty one."""
    return item.last_message.created_at if item.last_message else item.chat.created_at


def inbox_cursor(item: InboxItem) -> str:
    """Where the page after this item starts: its activity (microseconds) and chat id."""
    return f"{(activity(item) - _EPOCH) // _MICROSECOND}_{item.chat.id}"


def parse_inbox_cursor(cursor: str) -> tuple[datetime, int]:
    micros, _, chat_id = cursor.partition("_")
    return _EPOCH + int(micros) * _MICROSECOND, int(chat_id)


class Inboxes(DataModule):
    def __init__(self, databases: Databases, queries: Queries) -> None:
        super().__init__(databases, queries)
        self._sql = queries.inbox

    async def list_chats(
        self, *, user_id: str, before: tuple[datetime, int] | None, limit: int
    ) -> Inbox:
        at, chat_id = before if before is not None else (None, None)
        document = await self._read(self._sql.list_inbox, user_id, at, chat_id, limit)
        return Inbox.model_validate_json(document)

    async def unread(self, *, user_id: str) -> UnreadSummary:
        row = await self._read(self._sql.unread_summary, user_id)
        return UnreadSummary.model_validate(dict(row))

    async def mentions(self, *, user_id: str, before_id: int | None, limit: int) -> MessageList:
        """Messages that mention the user in its chats, newest first, before `before_id`."""
        document = await self._read(self._sql.list_mentions, user_id, before_id, limit)
        return MessageList.model_validate_json(document)
