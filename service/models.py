"""Pydantic models: they validate every request body and shape every response body."""

import datetime as dt
import math
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

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
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

TITLE_MAX_LENGTH = 200
# The largest bigint: ids, offsets and anchors beyond it cannot name a row.
MAX_BIGINT = 2**63 - 1
TEXT_MAX_LENGTH = 5000


def _trim(value: object) -> object:
    # str.strip() trims exactly what the documented pattern's \s matches.
    return value.strip() if isinstance(value, str) else value


def _storable_in_postgres(value: str) -> str:
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
    AfterValidator(_storable_in_postgres),
    WithJsonSchema(_trimmed_text_schema(TITLE_MAX_LENGTH)),
]
MessageText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=TEXT_MAX_LENGTH),
    BeforeValidator(_trim),
    AfterValidator(_storable_in_postgres),
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


# Query parameters. Bounds come from the settings, so the models are built once per app.
CHATS_PAGE_MAX = 100


class Page(BaseModel):
    skip: int
    limit: int
    before_id: int | None = None
    after_id: int | None = None


P = TypeVar("P", bound=Page)


class ChatsPage(Page):
    q: str | None = None


SearchText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=TITLE_MAX_LENGTH),
    AfterValidator(_storable_in_postgres),
]


class Latest(BaseModel):
    limit: int


def _page_fields(*, default_limit: int, max_limit: int, order: str) -> dict[str, Any]:
    return {
        "skip": (int, Field(default=0, ge=0, le=MAX_BIGINT, description="Rows to skip.")),
        "limit": (
            int,
            Field(default=default_limit, ge=1, le=max_limit, description="Page size."),
        ),
        "before_id": (
            int | None,
            Field(
                default=None,
                ge=1,
                le=MAX_BIGINT,
                description=f"Keyset paging: the page of items just before this id in {order}.",
            ),
        ),
        "after_id": (
            int | None,
            Field(
                default=None,
                ge=1,
                le=MAX_BIGINT,
                description=f"Keyset paging: the items right after this id in {order}, "
                "returned in the same order. With before_id too: the items between the two.",
            ),
        ),
    }


def page_query(
    name: str, *, default_limit: int, max_limit: int, order: str, base: type[P]
) -> type[P]:
    fields = _page_fields(default_limit=default_limit, max_limit=max_limit, order=order)
    return create_model(name, __base__=base, **fields)


def latest_query(*, default_limit: int, max_limit: int) -> type[Latest]:
    return create_model(
        "LatestMessagesQuery",
        __base__=Latest,
        limit=(
            int,
            Field(
                default=default_limit,
                ge=1,
                le=max_limit,
                description="How many of the latest messages to return.",
            ),
        ),
    )


def chats_page_query(*, max_limit: int) -> type[ChatsPage]:
    fields = _page_fields(default_limit=max_limit, max_limit=max_limit, order="creation order")
    search = Field(
        default=None,
        description="Only chats whose title contains this text, ignoring case "
        "(1-200 characters; % and _ match literally).",
        examples=["рабочий"],
    )
    return create_model(
        "ChatsPageQuery", __base__=ChatsPage, q=(SearchText | None, search), **fields
    )


def _as_utc_bound(value: dt.date | datetime | None, *, end: bool) -> datetime | None:
    """A date means the whole UTC day: from its midnight, or (as an end) up to the next one."""
    if value is None or isinstance(value, datetime):
        return value.replace(tzinfo=value.tzinfo or dt.UTC) if value else None
    day = value + dt.timedelta(days=1) if end else value
    return datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _iso_date_or_time(value: object) -> object:
    """Only ISO 8601 text: pydantic would also read numbers as Unix timestamps."""
    if not isinstance(value, str):
        return value
    try:
        if len(value) == len("YYYY-MM-DD"):
            return dt.date.fromisoformat(value)
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 date (YYYY-MM-DD) or date-time") from None


# A plain YYYY-MM-DD is a whole UTC day; anything with a time of day is that instant.
DateOrTime = Annotated[
    dt.date | datetime,
    # "smart": a datetime stays a datetime (left_to_right made a midnight one a whole day).
    Field(union_mode="smart"),
    BeforeValidator(_iso_date_or_time),
]


class StatsQuery(BaseModel):
    start_date: DateOrTime | None = Field(
        default=None,
        description="From this time (ISO 8601) or the start of this UTC day (YYYY-MM-DD).",
    )
    end_date: DateOrTime | None = Field(
        default=None,
        description="Before this time, or up to the end of this UTC day (YYYY-MM-DD).",
    )

    @property
    def start(self) -> datetime | None:
        return _as_utc_bound(self.start_date, end=False)

    @property
    def end(self) -> datetime | None:
        return _as_utc_bound(self.end_date, end=True)

    @model_validator(mode="after")
    def _ordered(self) -> "StatsQuery":
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError("start_date must not be after end_date")
        return self
