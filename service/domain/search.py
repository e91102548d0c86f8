"""Full-text search of messages: the user's words as a PostgreSQL tsquery, the hits, and the
keyset cursor that pages through them."""

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints, WithJsonSchema

from service.domain.fields import MAX_BIGINT
from service.domain.messages import MessagePublic

SEARCH_MAX_LENGTH = 200
# Phrases in double quotes, or single words (a trailing * asks for a prefix match).
_TERM = re.compile(r'"([^"]*)"?|(\S+)')
# What a tsquery operand may hold: letters and digits of any script. Everything else (quotes,
# &, |, !, :, parentheses) separates words, so no input can change the query's structure.
_WORD = re.compile(r"[^\W_]+")


def to_tsquery(text: str) -> str | None:
    """`"рабочая встреча" meet*` -> `(рабочая <-> встреча) & meet:*`; None when the text
    holds no word (nothing can match it)."""
    terms: list[str] = []
    for phrase, word in _TERM.findall(text):
        words = _WORD.findall(phrase or word)
        if not words:
            continue
        if word and word.endswith("*"):
            words[-1] += ":*"
        terms.append(f"({' <-> '.join(words)})" if len(words) > 1 else words[0])
    return " & ".join(terms) or None


SearchWords = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=SEARCH_MAX_LENGTH),
    # Not only whitespace (trimmed first), as the document says.
    WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": SEARCH_MAX_LENGTH, "pattern": "\\S"}
    ),
]

CURSOR_PATTERN = r"^\d{1,20}(\.\d{1,20})?(e-?\d{1,3})?_\d{1,19}$"
_CURSOR = re.compile(CURSOR_PATTERN)
# Ranks are PostgreSQL reals: a cursor beyond that range (never one the service wrote) is
# read as the largest, rather than failing in the database.
MAX_RANK = 3.0e38


def parse_cursor(value: str) -> tuple[float, int]:
    """The `cursor` of a search page: the previous page's last rank and id."""
    if _CURSOR.fullmatch(value) is None:
        raise ValueError("must be the cursor from a Link header")
    rank, _, hit = value.partition("_")
    return min(float(rank), MAX_RANK), min(int(hit), MAX_BIGINT)


def cursor_after(hit: "SearchHit") -> str:
    return f"{hit.rank!r}_{hit.id}"


class SearchHit(MessagePublic):
    model_config = ConfigDict(title="SearchHit")

    rank: float = Field(description="Relevance (ts_rank_cd): higher is better.", examples=[0.1])
    snippet: str = Field(
        description="A short extract with the matches in <mark>...</mark>; the message text "
        "in it is HTML-escaped, so it can be shown as HTML.",
        examples=["Обсудим <mark>рабочие</mark> планы на субботу"],
    )


class SearchHitList(RootModel[list[SearchHit]]):
    pass


Q_DESCRIPTION = (
    'Words to find (Russian and English word forms match), "quoted phrases", and word* for '
    "a prefix; 1-200 characters."
)
CURSOR_DESCRIPTION = "Search pages: where the next page starts (copy it from the `Link` header)."
SEARCH_PAGE_MAX = 100


class SearchQuery(BaseModel):
    """GET /messages: the search across chats (chat_id, repeatable, is read on its own)."""

    model_config = ConfigDict(frozen=True)

    q: SearchWords = Field(description=Q_DESCRIPTION, examples=["рабочие встречи"])
    cursor: str | None = Field(default=None, pattern=CURSOR_PATTERN, description=CURSOR_DESCRIPTION)
    limit: int = Field(default=20, ge=1, le=SEARCH_PAGE_MAX, description="Page size.")
    include_threads: bool = Field(
        default=False,
        description="Thread replies too; by default root messages alone.",
    )
