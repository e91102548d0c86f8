"""Time windows in query parameters: the statistics' range (whole UTC days or instants) and a
single instant to jump to, both ISO 8601 text only."""

import datetime as dt
from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, model_validator


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


def _iso_instant(value: object) -> object:
    """Only ISO 8601 text with an offset: pydantic would also read numbers as Unix timestamps."""
    if not isinstance(value, str):
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time with an offset") from None


Instant = Annotated[AwareDatetime, BeforeValidator(_iso_instant)]
