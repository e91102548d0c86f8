"""Threads (sql/threads/): a root message's replies, oldest first. Posting into a thread is
data/messages.py's; the kept counts are the triggers of migration 0019."""

from service.data.base import DataModule, can_exist
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.errors import AnchorNotFound, MessageNotFound
from service.domain.messages import MessageList
from service.domain.people import Viewer


class Threads(DataModule):
    def __init__(self, databases: Databases, queries: Queries) -> None:
        super().__init__(databases, queries)
        self._sql = queries.threads

    async def replies(
        self, *, root_id: int, after_id: int | None, limit: int, viewer: Viewer
    ) -> MessageList:
        """A page of the thread's replies after `after_id`; MessageNotFound when root_id is
        not a thread root the viewer may see."""
        row = None
        if can_exist(root_id):
            row = await self._read(self._sql.list_thread, root_id, after_id, limit, *viewer.args)
        if row is None:
            raise MessageNotFound(root_id)
        if not row["after_found"] and after_id is not None:
            raise AnchorNotFound(after_id, root_id)
        return MessageList.model_validate_json(row["messages"])
