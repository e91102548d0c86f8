"""The data of live feed events."""

from typing import Any

from pydantic import BaseModel, Field


class ChatDeletedData(BaseModel):
    """The data of a live feed's `chat_deleted` event."""

    chat_id: int = Field(examples=[42])


class MessageDeletedData(BaseModel):
    """The data of a live feed's `message_deleted` event."""

    id: int = Field(examples=[1017])
    chat_id: int = Field(examples=[42])


class ChatRenamedData(BaseModel):
    """The data of a live feed's `chat_renamed` event."""

    chat_id: int = Field(examples=[42])
    title: str = Field(examples=["Планы на выходные (перенесено)"])


class FeedEvent(BaseModel):
    """One event of a chat's feed: `message`, `message_edited`, `message_deleted` or
    `chat_renamed`, with its event id (from the same sequence as message ids)."""

    id: int
    event: str
    data: dict[str, Any]


class UserEvent(BaseModel):
    """One event of the event log as a user feed reads it (sql/events/list_user_events.sql)."""

    position: int
    event: str
    chat_id: int
    data: dict[str, Any]


class LogChange(BaseModel):
    """What the event log gained for someone (sql/events/list_log_changes.sql): a chat's
    members (user_id None), a user, or a user's removal from a chat (left)."""

    chat_id: int | None
    user_id: str | None
    left: bool
