"""Messages as clients send and see them: posts (one or in bulk), edits, read markers."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel

from service.domain.fields import MAX_BIGINT, JsonInt, MessageId, MessageText, UserId, stored_at
from service.domain.reactions import ReactionSummary

MAX_MENTIONS = 50


def _distinct(values: list[str] | None) -> list[str] | None:
    return None if values is None else list(dict.fromkeys(values))


Mentions = Annotated[
    list[UserId],
    Field(
        max_length=MAX_MENTIONS,
        description="User ids of members of the chat it mentions (repeats count once).",
        examples=[["bob"]],
    ),
    AfterValidator(_distinct),
]


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
    mentions: Mentions | None = Field(
        default=None, description="The mentions it has from now on; left out: unchanged."
    )


class ThreadSummary(BaseModel):
    """A root message's thread."""

    reply_count: int = Field(description="Exact number of replies in the thread.", examples=[4])
    last_reply_at: datetime | None = Field(examples=["2026-01-15T10:45:00Z"])
    participants: list[str] = Field(
        description="The first 5 distinct authors of its replies, in order of their first.",
        examples=[["bob", "cat"]],
    )


class MessagePublic(BaseModel):
    model_config = ConfigDict(title="Message")

    id: int = Field(examples=[1017])
    chat_id: int = Field(examples=[42])
    text: str | None = Field(
        description="Null only for a deleted thread root that still has replies (`deleted`).",
        examples=["Привет! Встречаемся в субботу в 10:00?"],
    )
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
    thread_id: int | None = Field(
        default=None,
        description="The root of the thread this message replies in; null: the main timeline.",
        examples=[None],
    )
    thread: ThreadSummary | None = Field(
        default=None, description="On a thread root: its thread; null when it has no replies."
    )
    reactions: list[ReactionSummary] = Field(
        default_factory=list, description="Reactions by emoji, in first-reacted order."
    )
    pinned_at: datetime | None = Field(
        default=None,
        description="When it was pinned in its chat; null: not pinned.",
        examples=[None],
    )
    mentions: list[str] = Field(
        default_factory=list, description="The user ids it mentions.", examples=[["bob"]]
    )
    deleted: bool = Field(
        default=False,
        description="True for a deleted thread root kept while its thread has replies.",
    )


class MessageCreate(BaseModel):
    """Body of `POST /chats/{chat_id}/messages`. Surrounding whitespace is trimmed first."""

    text: MessageText = Field(examples=["Привет! Встречаемся в субботу в 10:00?"])
    reply_to: MessageId | None = Field(
        default=None,
        description="Id of a message of the same chat that this one answers.",
        examples=[1017],
    )
    thread_id: MessageId | None = Field(
        default=None,
        description="Posts into the thread of this message of the same chat, which must not "
        "itself be a thread reply.",
        examples=[None],
    )
    mentions: Mentions = Field(default_factory=list)


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


THREAD_PAGE_MAX = 100


class ThreadPageQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    after_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_BIGINT,
        description="Keyset paging: the replies after this reply of the thread.",
    )
    limit: int = Field(default=50, ge=1, le=THREAD_PAGE_MAX, description="Page size.")


class MentionsPageQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    before_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_BIGINT,
        description="Keyset paging: the mentions older than this message.",
    )
    limit: int = Field(default=50, ge=1, le=THREAD_PAGE_MAX, description="Page size.")
