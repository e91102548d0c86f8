"""The data of live feed events."""

from typing import Any

from pydantic import BaseModel, Field

from service.domain.messages import MessagePublic


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


class ReactionData(BaseModel):
    """The data of `reaction_added` and `reaction_removed`: the emoji's count after it."""

    chat_id: int = Field(examples=[42])
    message_id: int = Field(examples=[1017])
    emoji: str = Field(examples=["👍"])
    user_id: str | None = Field(examples=["bob"])
    count: int = Field(examples=[3])


class PinData(BaseModel):
    """The data of `message_pinned` (with `pinned_at`) and `message_unpinned`."""

    chat_id: int = Field(examples=[42])
    message_id: int = Field(examples=[1017])
    user_id: str | None = Field(description="Who pinned or unpinned it.", examples=["ann"])
    pinned_at: str | None = Field(default=None, examples=["2026-01-15T10:31:00Z"])


# What reactions and pins add to both kinds of feed (and to webhooks).
ACTIVITY_EVENTS = ["reaction_added", "reaction_removed", "message_pinned", "message_unpinned"]


class MembershipData(BaseModel):
    """The data of a user feed's `member_joined`, `member_left`, `chat_joined`, `chat_left`."""

    chat_id: int = Field(examples=[42])
    user_id: str = Field(examples=["bob"])
    role: str = Field(examples=["member"])


class ReadData(BaseModel):
    """The data of a user feed's `read`: the caller's read position moved (on any device)."""

    chat_id: int = Field(examples=[42])
    last_read_id: int = Field(examples=[1017])
    unread_count: int = Field(examples=[0])


class TypingData(BaseModel):
    """The data of a `typing` frame (no id: never replayed)."""

    chat_id: int = Field(examples=[42])
    user_id: str = Field(examples=["bob"])


class PresenceData(BaseModel):
    """The data of a user feed's `presence` frame (no id: never replayed)."""

    user_id: str = Field(examples=["bob"])
    online: bool = Field(examples=[True])


class CursorData(BaseModel):
    """The data of a user feed's first frame when opened without a cursor."""

    cursor: str = Field(examples=["eyJiIjoiNzQ2Ojc0Njoi..."])


class FeedEvent(BaseModel):
    """One event of a chat's feed: `message`, `message_edited`, `message_deleted`,
    `chat_renamed`, or a reaction or pin event, with its event id (from the same sequence as
    message ids)."""

    id: int
    event: str
    data: dict[str, Any]


class UserEvent(BaseModel):
    """One event of the event log as a user feed reads it (sql/events/list_user_events.sql)."""

    position: int
    event: str
    chat_id: int
    data: dict[str, Any]


class ChatChange(BaseModel):
    """An event the log gained for a chat's members (sql/events/list_log_changes.sql), with the
    message when it is a new one."""

    chat_id: int
    message: MessagePublic | None


class UserChange(BaseModel):
    """Something the log gained for one user: chat_id is set for a removal from that chat."""

    chat_id: int | None
    user_id: str
    left: bool


class LogChanges(BaseModel):
    chats: list[ChatChange]
    users: list[UserChange]
