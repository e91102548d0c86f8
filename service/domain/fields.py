"""The field types the models share: ids, trimmed texts that PostgreSQL can store, whole numbers."""

import math
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

TITLE_MAX_LENGTH = 200
DISPLAY_NAME_MAX_LENGTH = 100
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
DisplayName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=DISPLAY_NAME_MAX_LENGTH),
    BeforeValidator(_trim),
    AfterValidator(storable_in_postgres),
    WithJsonSchema(_trimmed_text_schema(DISPLAY_NAME_MAX_LENGTH)),
]
MessageText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=TEXT_MAX_LENGTH),
    BeforeValidator(_trim),
    AfterValidator(storable_in_postgres),
    WithJsonSchema(_trimmed_text_schema(TEXT_MAX_LENGTH)),
]


def stored_at() -> Any:
    return Field(
        description="When it was stored, in UTC (microseconds; none on a whole second).",
        examples=["2026-11-27T09:30:12.345678Z"],
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


USER_ID_MAX_LENGTH = 255
UserId = Annotated[str, StringConstraints(min_length=1, max_length=USER_ID_MAX_LENGTH)]
