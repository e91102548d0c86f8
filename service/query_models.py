"""Query-parameter models: paging, search text, the latest messages, the statistics window.
Bounds that come from the settings make their models per app (`page_query` and friends)."""

import datetime as dt
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    model_validator,
)

from service.models import MAX_BIGINT, TITLE_MAX_LENGTH, storable_in_postgres

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


class Latest(BaseModel):
    model_config = ConfigDict(frozen=True)

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
    model_config = ConfigDict(frozen=True)

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
