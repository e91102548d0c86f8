"""Query-parameter models: paging, search text, the latest messages, the statistics window.
Bounds that come from the settings make their models per app (`page_query` and friends)."""

from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    model_validator,
)

from service.domain.fields import MAX_BIGINT, TITLE_MAX_LENGTH, storable_in_postgres
from service.domain.messages import MentionsPageQuery, ThreadPageQuery
from service.domain.people import InboxPageQuery, MembersPageQuery
from service.domain.reactions import ReactorsPageQuery
from service.domain.search import (
    CURSOR_DESCRIPTION,
    CURSOR_PATTERN,
    Q_DESCRIPTION,
    SearchQuery,
    SearchWords,
)
from service.domain.webhooks import AttemptsPageQuery, WebhooksPageQuery
from service.domain.windows import Instant, StatsQuery

# Query parameters. Bounds come from the settings, so the models are built once per app.
CHATS_PAGE_MAX = 100


class Page(BaseModel):
    # Frozen: the model of an empty query string is shared (see parsing.read_query).
    model_config = ConfigDict(frozen=True)

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
    AfterValidator(storable_in_postgres),
]


INCLUDE_THREADS = "Thread replies too; by default the main timeline alone (root messages)."


class Latest(BaseModel):
    model_config = ConfigDict(frozen=True)

    limit: int
    include_threads: bool = Field(default=False, description=INCLUDE_THREADS)


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


class MessagesPage(Page):
    """A chat's messages, or with q, the chat's messages that match it."""

    q: SearchWords | None = Field(
        default=None, description=Q_DESCRIPTION + " With q, the list is ranked search hits."
    )
    cursor: str | None = Field(default=None, pattern=CURSOR_PATTERN, description=CURSOR_DESCRIPTION)
    include_threads: bool = Field(default=False, description=INCLUDE_THREADS)
    around_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_BIGINT,
        description="Jump to a message: this message of the chat with up to limit/2 messages "
        "on each side (Link rels `prev`, newer, and `next`, older, page outward).",
        examples=[1017],
    )
    around: Literal["first_unread"] | None = Field(
        default=None,
        description="`first_unread`: jump to the caller's first unread message, as around_id "
        "does (the latest page when nothing is unread, or for a caller who is not a member).",
    )
    at: Instant | None = Field(
        default=None,
        description="Jump to a time (ISO 8601 with an offset): the page that starts at the "
        "chat's first message at or after it, up to limit messages, newest first.",
        examples=["2026-01-15T10:00:00Z"],
    )

    @property
    def jump(self) -> str | None:
        """Which jump parameter was given (at most one: the validator below)."""
        given = [name for name in JUMPS if getattr(self, name) is not None]
        return given[0] if given else None

    @model_validator(mode="after")
    def _one_start(self) -> "MessagesPage":
        given = [name for name in JUMPS if getattr(self, name) is not None]
        if given:
            others = [
                name
                for name in (*JUMPS, "before_id", "after_id", "q")
                if name != given[0] and getattr(self, name) is not None
            ]
            if self.skip:
                others.append("skip")
            if others:
                raise ValueError(f"{given[0]} and {others[0]} cannot be combined")
        return self


JUMPS = ("around_id", "around", "at")


@dataclass(frozen=True, slots=True)
class QueryModels:
    """Query-parameter models whose bounds come from the settings."""

    chats_page: type[ChatsPage]
    messages_page: type[MessagesPage]
    latest_messages: type[Latest]
    stats: type[StatsQuery] = StatsQuery
    search: type[SearchQuery] = SearchQuery
    members_page: type[MembersPageQuery] = MembersPageQuery
    inbox_page: type[InboxPageQuery] = InboxPageQuery
    webhooks_page: type[WebhooksPageQuery] = WebhooksPageQuery
    attempts_page: type[AttemptsPageQuery] = AttemptsPageQuery
    reactors_page: type[ReactorsPageQuery] = ReactorsPageQuery
    thread_page: type[ThreadPageQuery] = ThreadPageQuery
    mentions_page: type[MentionsPageQuery] = MentionsPageQuery


def query_models(*, default_messages: int, max_messages: int) -> QueryModels:
    """The models for the messages limits the settings give (DEFAULT_/MAX_MESSAGES_LIMIT)."""
    return QueryModels(
        chats_page=chats_page_query(max_limit=CHATS_PAGE_MAX),
        messages_page=page_query(
            "MessagesPageQuery",
            default_limit=min(100, max_messages),
            max_limit=max_messages,
            order="newest-first order",
            base=MessagesPage,
        ),
        latest_messages=latest_query(default_limit=default_messages, max_limit=max_messages),
    )
