"""Pydantic models: they validate every request body and shape every response body."""

import datetime as dt
import math
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    Strict,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

TITLE_MAX_LENGTH = 200
# The largest bigint: ids, offsets and anchors beyond it cannot name a row.
MAX_BIGINT = 2**63 - 1
TEXT_MAX_LENGTH = 5000


def _trim(value: object) -> object:
    # str.strip() trims exactly what the documented pattern's \s matches.
    return value.strip() if isinstance(value, str) else value


def storable_in_postgres(value: str) -> str:
    # PostgreSQL text cannot hold NUL; lone surrogates are already refused by the JSON parser.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters (\\u0000)")
    return value


def _trimmed_text_schema(max_length: int) -> dict[str, Any]:
    """The rule in words: JSON Schema cannot say "after trimming", and a pattern spelling it
    out is unreadable (and \\s means different sets in Python and ECMA-262)."""
    return {
        "type": "string",
        "minLength": 1,
        "description": f"1-{max_length} characters (Unicode code points) once surrounding "
        "whitespace is trimmed (what Python's str.strip() removes); whitespace alone is "
        "refused, and so is the NUL character (\\u0000).",
    }


# 1..N code points after trimming surrounding whitespace, storable in PostgreSQL text.
Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=TITLE_MAX_LENGTH),
    BeforeValidator(_trim),
    AfterValidator(storable_in_postgres),
    WithJsonSchema(_trimmed_text_schema(TITLE_MAX_LENGTH)),
]
MessageText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=TEXT_MAX_LENGTH),
    BeforeValidator(_trim),
    AfterValidator(storable_in_postgres),
    WithJsonSchema(_trimmed_text_schema(TEXT_MAX_LENGTH)),
]


class ChatCreate(BaseModel):
    """Body of `POST /chats`. Surrounding whitespace is trimmed before the length check."""

    title: Title = Field(examples=["Планы на выходные"])


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


class ChatRename(BaseModel):
    """Body of `PATCH /chats/{chat_id}`: the same rule as creating."""

    title: Title = Field(examples=["Планы на выходные (перенесено)"])


def _stored_at() -> Any:
    return Field(
        description="When it was stored, in UTC (microseconds; none on a whole second).",
        examples=["2026-11-27T09:30:12.345678Z"],
    )


class ChatPublic(BaseModel):
    model_config = ConfigDict(title="Chat")

    id: int = Field(examples=[42])
    title: str = Field(examples=["Планы на выходные"])
    created_at: datetime = _stored_at()
    message_count: int = Field(description="Exact number of messages in the chat.", examples=[3])
    unread_count: int = Field(
        description="Exact number of its messages not marked as read.", examples=[1]
    )


class MessagePublic(BaseModel):
    model_config = ConfigDict(title="Message")

    id: int = Field(examples=[1017])
    chat_id: int = Field(examples=[42])
    text: str = Field(examples=["Привет! Встречаемся в субботу в 10:00?"])
    created_at: datetime = _stored_at()
    is_read: bool = Field(
        description="Marked as read by `POST /chats/{chat_id}/read`.", examples=[False]
    )
    author: str | None = Field(
        default=None,
        description="Who posted it (the API key's name or the JWT's `sub`); null when "
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


def _whole_number(value: object) -> object:
    # JSON Schema counts 5.0 as an integer, and FastAPI (pydantic's lax mode) accepted it.
    if isinstance(value, float) and math.isfinite(value):
        if not value.is_integer():
            raise PydanticCustomError(
                "int_from_float",
                "Input should be a valid integer, got a number with a fractional part",
            )
        return int(value)
    return value


# A JSON number without a fractional part (5 or 5.0); strings and booleans are refused.
JsonInt = Annotated[int, Strict(), BeforeValidator(_whole_number)]
# The bounds come before the validator, so the document states them as minimum/maximum.
MessageId = Annotated[int, Strict(), Field(ge=1, le=MAX_BIGINT), BeforeValidator(_whole_number)]


class MessageCreate(BaseModel):
    """Body of `POST /chats/{chat_id}/messages`. Surrounding whitespace is trimmed first."""

    text: MessageText = Field(examples=["Привет! Встречаемся в субботу в 10:00?"])
    reply_to: MessageId | None = Field(
        default=None,
        description="Id of a message of the same chat that this one answers.",
        examples=[1017],
    )


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


class ReadMarker(BaseModel):
    """Body of `POST /chats/{chat_id}/read`."""

    up_to_id: JsonInt = Field(
        ge=1,
        le=MAX_BIGINT,
        description="Marks every message of the chat with an id up to this one (inclusive).",
        examples=[42],
    )


class ReadMarked(BaseModel):
    updated: int = Field(description="How many messages changed from unread to read.")
    unread_count: int = Field(description="How many of the chat's messages are still unread.")


class ChatWithMessages(BaseModel):
    chat: ChatPublic
    messages: list[MessagePublic] = Field(description="The latest messages, newest first.")


class DayCount(BaseModel):
    date: dt.date = Field(description="A UTC day.", examples=["2026-11-27"])
    count: int = Field(examples=[3])


class ChatStats(BaseModel):
    chat_id: int
    message_count: int = Field(description="Messages in the range.")
    first_message_at: datetime | None = Field(examples=["2026-11-27T09:30:12.345678Z"])
    last_message_at: datetime | None = Field(examples=["2026-11-27T18:02:45Z"])
    per_day: list[DayCount] = Field(description="Messages per UTC day, days without none left out.")


class ChatList(RootModel[list[ChatPublic]]):
    pass


class MessageList(RootModel[list[MessagePublic]]):
    pass


class HealthStatus(BaseModel):
    status: str = Field(examples=["ok"])


DatabaseState = Literal["ok", "read_only", "lagging", "unavailable"]


class DatabaseHealth(BaseModel):
    name: str = Field(
        description='"primary" (DATABASE_URL), or "replica-N" (DATABASE_REPLICA_URLS).'
    )
    state: DatabaseState = Field(
        description="read_only: the primary refuses writes (a standby); lagging: a replica "
        "more than DATABASE_REPLICA_MAX_LAG seconds behind, not used for reads."
    )
    lag_seconds: float | None = Field(
        default=None, description="Replicas only: how far behind it was at its last check."
    )


class DatabasesHealthy(HealthStatus):
    databases: list[DatabaseHealth]


class VersionInfo(BaseModel):
    name: str
    version: str


class ErrorBody(BaseModel):
    """Every error except validation errors."""

    detail: str
    code: str
    request_id: str | None = Field(default=None, description="Echoes X-Request-ID, for support.")


class DatabasesUnhealthy(ErrorBody):
    """503 from /health/db: DATABASE_URL cannot be reached or cannot take writes."""

    databases: list[DatabaseHealth]


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    """422, in the shape FastAPI clients parse."""

    detail: list[ValidationIssue]
    code: str = "validation_error"
