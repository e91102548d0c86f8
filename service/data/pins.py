"""Pins (sql/pins/): pinning and unpinning a chat's messages, and the chat's pins. Each change
locks the chat row and becomes a chat_activity event (migration 0019)."""

from service.data.base import DataModule, can_exist, require_chat_id
from service.data.sql import Queries
from service.db.databases import Databases
from service.domain.errors import ChatNotFound, MessageNotFound, PinNotFound, TooManyPins
from service.domain.messages import MessageList, MessagePublic
from service.domain.people import Viewer
from service.domain.reactions import MAX_PINS


class Pins(DataModule):
    def __init__(self, databases: Databases, queries: Queries) -> None:
        super().__init__(databases, queries)
        self._sql = queries.pins

    async def pin(
        self, *, chat_id: int, message_id: int, viewer: Viewer
    ) -> tuple[bool, MessagePublic]:
        """Whether it was pinned now (False: it was already), and the message."""
        require_chat_id(chat_id)
        row = None
        if can_exist(message_id):
            row = await self._write(
                self._sql.pin_message, chat_id, message_id, viewer.user, MAX_PINS, viewer.user
            )
        if row is None:
            raise MessageNotFound(message_id)
        if not row["allowed"]:
            raise TooManyPins(chat_id, MAX_PINS)
        message = MessagePublic.model_validate_json(row["message"])
        message.pinned_at = row["pinned_at"]  # the statement read the message before the pin
        return row["added"], message

    async def unpin(self, *, chat_id: int, message_id: int, viewer: Viewer) -> None:
        require_chat_id(chat_id)
        row = None
        if can_exist(message_id):
            row = await self._write(self._sql.unpin_message, chat_id, message_id, viewer.user)
        if row is None:
            raise MessageNotFound(message_id)
        if not row["unpinned"]:
            raise PinNotFound(message_id, chat_id)

    async def pins(self, *, chat_id: int, viewer: Viewer) -> MessageList:
        require_chat_id(chat_id)
        document = await self._read(self._sql.list_pins, chat_id, *viewer.args)
        if document is None:
            raise ChatNotFound(chat_id)
        return MessageList.model_validate_json(document)
