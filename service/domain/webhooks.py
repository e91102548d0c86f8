"""Webhooks as integrators send and see them: the endpoint, its event types, its attempts."""

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
)
from yarl import URL

from service.domain.errors import NotFound
from service.domain.fields import MAX_BIGINT, storable_in_postgres
from service.domain.invalid_input import InvalidInput

# The event log's chat-wide events (migration 0016): what a webhook may ask for, or "*".
EventType = Literal[
    "*",
    "message",
    "message_edited",
    "message_deleted",
    "chat_renamed",
    "chat_deleted",
    "member_joined",
    "member_left",
    "reaction_added",
    "reaction_removed",
    "message_pinned",
    "message_unpinned",
]
EVENT_TYPES = get_args(EventType)[1:]
URL_MAX_LENGTH = 2048
DESCRIPTION_MAX_LENGTH = 500
WEBHOOKS_PAGE_MAX = 100
ATTEMPTS_PAGE_MAX = 100


def _web_url(value: str) -> str:
    """An absolute http(s) URL with a host; whether http and the address are allowed is the
    settings' business (service.webhooks.destinations)."""
    try:
        url = URL(value)
    except ValueError:
        raise ValueError("must be an absolute http:// or https:// URL") from None
    if url.scheme not in ("http", "https") or not url.host or not url.is_absolute():
        raise ValueError("must be an absolute http:// or https:// URL")
    return value


WebhookUrl = Annotated[
    str,
    Field(
        min_length=1,
        max_length=URL_MAX_LENGTH,
        pattern="^https?://",
        examples=["https://bots.example.com/chat"],
    ),
    AfterValidator(storable_in_postgres),
    AfterValidator(_web_url),
]
EventTypes = Annotated[
    list[EventType],
    Field(
        min_length=1,
        max_length=len(EVENT_TYPES) + 1,
        description="Event types to receive, or `*` for all (new types included).",
        examples=[["message", "message_edited", "message_deleted"]],
    ),
    AfterValidator(lambda events: list(dict.fromkeys(events))),
]
Description = Annotated[
    str, Field(max_length=DESCRIPTION_MAX_LENGTH), AfterValidator(storable_in_postgres)
]
ChatScope = Annotated[
    int | None,
    Field(
        ge=1,
        le=MAX_BIGINT,
        description="Only this chat's events; absent or null: every chat's.",
        examples=[42],
    ),
]


class WebhookCreate(BaseModel):
    """Body of `POST /webhooks`."""

    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl
    events: EventTypes
    chat_id: ChatScope = None
    description: Description = ""


class WebhookUpdate(BaseModel):
    """Body of `PATCH /webhooks/{webhook_id}`: the fields to change; one absent or null stays
    as it is, but for `chat_id`, which null widens to every chat. `enabled: true` enables a
    disabled webhook again (it goes on from where it stopped)."""

    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl | None = None
    events: EventTypes | None = None
    chat_id: ChatScope = None
    description: Description | None = None
    enabled: bool | None = None


class WebhookPublic(BaseModel):
    model_config = ConfigDict(title="Webhook")

    id: int = Field(examples=[7])
    url: str = Field(examples=["https://bots.example.com/chat"])
    events: list[str] = Field(examples=[["*"]])
    chat_id: int | None = Field(examples=[None])
    description: str = Field(examples=["search indexer"])
    enabled: bool = Field(description="False once disabled (by failing, or by an operator).")
    disabled_reason: str | None = Field(
        examples=["every attempt has failed since 2026-12-01T10:00:00.000000Z"]
    )
    failing_since: datetime | None = Field(
        description="Since when every attempt has failed; null after any success."
    )
    previous_secret_until: datetime | None = Field(
        description="Until when the previous secret still signs beside the current one "
        "(after a rotation); null when only the current one does."
    )
    created_at: datetime
    updated_at: datetime


class WebhookWithSecret(WebhookPublic):
    """A webhook as created or rotated: the only answers that show the signing secret."""

    model_config = ConfigDict(title="WebhookWithSecret")

    secret: str = Field(
        description="The signing secret (Standard Webhooks: `whsec_` + base64). Shown only "
        "here: keep it.",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )


class WebhookList(RootModel[list[WebhookPublic]]):
    pass


class DeliveryAttempt(BaseModel):
    id: int = Field(description="The attempt's id (keyset paging: before_id).")
    event_id: str = Field(
        description="The event's id: the `webhook-id` header, the same on every attempt.",
        examples=["evt_1017"],
    )
    type: str = Field(examples=["message"])
    attempt: int = Field(description="1 for the first attempt, 2 for the first retry, ...")
    status_code: int | None = Field(description="The receiver's status; null when none came.")
    error: str | None = Field(
        description="What went wrong (an error status, a timeout, a refused connection, a "
        "refused address); null when delivered.",
        examples=["timed out after 10 s"],
    )
    duration_ms: float
    attempted_at: datetime
    state: Literal["pending", "delivered", "failed"] = Field(
        description="The delivery's state now."
    )
    next_attempt_at: datetime | None = Field(
        description="When the next attempt is due, on a pending delivery's latest attempt."
    )


class AttemptList(RootModel[list[DeliveryAttempt]]):
    pass


class PingQueued(BaseModel):
    event_id: str = Field(description="The ping's `webhook-id`.", examples=["ping_5c1f..."])


class WebhooksPageQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    after_id: int | None = Field(
        default=None, ge=1, le=MAX_BIGINT, description="Keyset paging: the webhooks after this id."
    )
    limit: int = Field(
        default=WEBHOOKS_PAGE_MAX, ge=1, le=WEBHOOKS_PAGE_MAX, description="Page size."
    )


class AttemptsPageQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    before_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_BIGINT,
        description="Keyset paging: the attempts older than this attempt id.",
    )
    limit: int = Field(default=50, ge=1, le=ATTEMPTS_PAGE_MAX, description="Page size.")


class WebhookNotFound(NotFound):
    code = "webhook_not_found"

    def __init__(self, webhook_id: int) -> None:
        super().__init__(f"Webhook with id={webhook_id} not found")
        self.webhook_id = webhook_id


class UrlNotAllowed(InvalidInput):
    """A webhook URL whose scheme or address the settings refuse (WEBHOOK_ALLOW_HTTP,
    WEBHOOK_ALLOW_PRIVATE)."""

    code = "url_not_allowed"
    loc = ("body", "url")


class ScopeChatNotFound(InvalidInput):
    """A webhook's chat_id names no chat."""

    code = "chat_not_found"
    loc = ("body", "chat_id")

    def __init__(self, chat_id: int) -> None:
        super().__init__(f"Chat with id={chat_id} not found")
        self.chat_id = chat_id
