"""Messages as clients send and see them: posts (one or in bulk), edits, read markers."""

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, RootModel

from service.domain.fields import MAX_BIGINT, JsonInt, MessageId, MessageText, stored_at


class BulkMessage(BaseModel):
    """One message of a bulk post."""

    text: MessageText = Field(examples=["Привет! Встречаемся в субботу в 10:00?"])


BULK_MAX_MESSAGES = 1000


class MessagesBulkCreate(BaseModel):
    """Body of `POST /chats/{chat_id}/messages/bulk`: all are stored, or none."""

    messages: list[BulkMessage] = Field(min_length=1, max_length=BULK_MAX_MESSAGES)


class MessageEdit(BaseModel):
    """Body of `PATCH /messages/{message_id}`: the same rule as posting."""

    text: MessageText = Field(examples=["Привет! Встречаемся в субботу в 11:00?"])


class MessagePublic(BaseModel):
    model_config = ConfigDict(title="Message")

    id: int = Field(examples=[1017])
    chat_id: int = Field(examples=[42])
    text: str = Field(examples=["Привет! Встречаемся в субботу в 10:00?"])
    created_at: datetime = stored_at()
    is_read: bool | None = Field(
        description="Read by the caller (`POST /chats/{chat_id}/read`); null for a caller who "
        "is not a member. With authentication off: by the chat's one shared position.",
        examples=[False],
    )
    author: str | None = Field(
        default=None,
        description="Who posted it: the user id (the API key's user or the JWT's `sub`); null when "
        "authentication was off, and for messages older than authentication.",
        examples=["mobile-app"],
    )
    edited_at: datetime | None = Field(
        default=None,
        description="When the text was last changed (`PATCH /messages/{id}`); null: never.",
        examples=[None],
    )
    reply_to: int | None = Field(
        default=None,
        description="The message of the same chat this one answers; null when none, or when "
        "that message was deleted.",
        examples=[None],
    )


class MessageCreate(BaseModel):
    """Body of `POST /chats/{chat_id}/messages`. Surrounding whitespace is trimmed first."""

    text: MessageText = Field(examples=["Привет! Встречаемся в субботу в 10:00?"])
    reply_to: MessageId | None = Field(
        default=None,
        description="Id of a message of the same chat that this one answers.",
        examples=[1017],
    )


class ReadMarker(BaseModel):
    """Body of `POST /chats/{chat_id}/read`."""

    up_to_id: JsonInt = Field(
        ge=1,
        le=MAX_BIGINT,
        description="Marks every message of the chat with an id up to this one (inclusive).",
        examples=[42],
    )


class UnreadMarker(BaseModel):
    """Body of `POST /chats/{chat_id}/unread`."""

    from_id: JsonInt = Field(
        ge=1,
        le=MAX_BIGINT,
        description="This message and every later one of the chat become unread.",
        examples=[42],
    )


class ReadMarked(BaseModel):
    updated: int = Field(description="How many messages changed between read and unread.")
    unread_count: int | None = Field(
        description="How many of the chat's messages the caller has not read; null for a "
        "caller who is not a member (admin)."
    )


class MessageList(RootModel[list[MessagePublic]]):
    pass


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a jump lands: a message, the viewer's first unread one, or a time."""

    message_id: int | None = None
    first_unread: bool = False
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Around:
    """A page around an anchor: how many older and newer messages it holds."""

    messages: MessageList
    older: int
    newer: int
