"""Reactions and pins as clients send and see them: which emoji a reaction may be, and the
lists of who reacted and what is pinned."""

import re
from datetime import datetime

import emoji
from pydantic import BaseModel, ConfigDict, Field, RootModel

from service.domain.fields import UserId

MAX_REACTION_KINDS = 50  # different emoji on one message
MAX_PINS = 100  # pinned messages in one chat
REACTORS_PAGE_MAX = 100
SHORT_NAME = re.compile(r":[a-z0-9_+-]{1,64}:")
EMOJI_RULE = (
    "one emoji (a Unicode emoji sequence: flags, keycaps, skin tones and ZWJ sequences "
    "included) or a :short_name: of 1-64 characters a-z, 0-9, _, + and -"
)


def is_reaction(value: str) -> bool:
    """Whether a reaction may be this: one emoji sequence, or a :short_name:."""
    return SHORT_NAME.fullmatch(value) is not None or emoji.is_emoji(value)


class ReactionSummary(BaseModel):
    """One emoji's reactions on a message."""

    emoji: str = Field(examples=["👍"])
    count: int = Field(description="How many reacted with it.", examples=[3])
    me: bool = Field(description="Whether the caller is one of them.", examples=[True])


class Reactor(BaseModel):
    user_id: str | None = Field(
        description="Who reacted; null for reactions made with authentication off.",
        examples=["bob"],
    )
    reacted_at: datetime = Field(examples=["2026-01-15T10:31:00Z"])


class ReactorList(RootModel[list[Reactor]]):
    pass


class ReactorsPageQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    after_user_id: UserId | None = Field(
        default=None, description="Keyset paging: those after this user id."
    )
    limit: int = Field(
        default=REACTORS_PAGE_MAX, ge=1, le=REACTORS_PAGE_MAX, description="Page size."
    )


class Reacted(BaseModel):
    """The answer to adding or removing a reaction: the emoji's count on the message now."""

    message_id: int = Field(examples=[1017])
    emoji: str = Field(examples=["👍"])
    count: int = Field(examples=[3])
