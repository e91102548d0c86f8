"""Pydantic models: they validate every request body and shape every response body."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    WithJsonSchema,
    create_model,
)

TITLE_MAX_LENGTH = 200
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
    """JSON Schema cannot say "after trimming" with maxLength, so the document states the same
    rule as a pattern: what a client may send, not what is stored."""
    return {
        "type": "string",
        "pattern": rf"^\s*[^\s\x00](?:[^\x00]{{0,{max_length - 2}}}[^\s\x00])?\s*$",
        "description": f"1-{max_length} characters (Unicode code points) after trimming "
        "surrounding whitespace; no NUL characters.",
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

    title: Title = Field(examples=["Weekend plans"])


class MessageCreate(BaseModel):
    """Body of `POST /chats/{chat_id}/messages`. Surrounding whitespace is trimmed first."""

    text: MessageText = Field(examples=["Hello, everyone!"])


class ChatPublic(BaseModel):
    model_config = ConfigDict(title="Chat")

    id: int
    title: str
    created_at: datetime
    message_count: int = Field(description="Exact number of messages in the chat.")


class MessagePublic(BaseModel):
    model_config = ConfigDict(title="Message")

    id: int
    chat_id: int
    text: str
    created_at: datetime


class ChatWithMessages(BaseModel):
    chat: ChatPublic
    messages: list[MessagePublic] = Field(description="The latest messages, newest first.")


class ChatList(RootModel[list[ChatPublic]]):
    pass


class MessageList(RootModel[list[MessagePublic]]):
    pass


class HealthStatus(BaseModel):
    status: str = Field(examples=["ok"])


class VersionInfo(BaseModel):
    name: str
    version: str


class ErrorBody(BaseModel):
    """Every error except validation errors."""

    detail: str
    code: str
    request_id: str | None = Field(default=None, description="Echoes X-Request-ID, for support.")


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    """422, in the shape FastAPI clients parse."""

    detail: list[ValidationIssue]
    code: str = "validation_error"


# Query parameters. Bounds come from the settings, so the models are built once per app.
MAX_SKIP = 2**63 - 1
CHATS_PAGE_MAX = 100


class Page(BaseModel):
    skip: int
    limit: int
    before_id: int | None = None
    after_id: int | None = None


class Latest(BaseModel):
    limit: int


def page_query(name: str, *, default_limit: int, max_limit: int, order: str) -> type[Page]:
    return create_model(
        name,
        __base__=Page,
        skip=(int, Field(default=0, ge=0, le=MAX_SKIP, description="Rows to skip.")),
        limit=(int, Field(default=default_limit, ge=1, le=max_limit, description="Page size.")),
        before_id=(
            int | None,
            Field(
                default=None,
                ge=1,
                le=MAX_SKIP,
                description=f"Keyset paging: the page of items just before this id in {order}.",
            ),
        ),
        after_id=(
            int | None,
            Field(
                default=None,
                ge=1,
                le=MAX_SKIP,
                description=f"Keyset paging: the items right after this id in {order}, "
                "returned in the same order. With before_id too: the items between the two.",
            ),
        ),
    )


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
