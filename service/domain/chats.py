"""Chats as clients send and see them: create and rename bodies, the chat, its statistics."""

import datetime as dt
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictBool, model_validator
from pydantic.json_schema import SkipJsonSchema

from service.domain.fields import Title, stored_at
from service.domain.messages import MessagePublic

Visibility = Literal["private", "public"]


class ChatCreate(BaseModel):
    """Body of `POST /chats`. Surrounding whitespace is trimmed before the length check."""

    title: Title = Field(examples=["Планы на выходные"])
    visibility: Visibility | None = Field(
        default=None,
        description="private: only its members (and admin) see it; public: every `read` "
        "credential does. Default: private with authentication on, public with it off.",
        examples=["private"],
    )


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class ChatUpdate(BaseModel):
    """Body of `PATCH /chats/{chat_id}`: a new title (the rule of creating), a new visibility,
    or both."""

    # At least one of the two (what the validator below says in words).
    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    # Left out, a field keeps what the chat has; the schema shows no default (null is not a
    # value either may take).
    title: Title | SkipJsonSchema[None] = Field(
        default=None, examples=["Планы на выходные (перенесено)"], json_schema_extra=_no_default
    )
    visibility: Visibility | SkipJsonSchema[None] = Field(
        default=None, examples=["public"], json_schema_extra=_no_default
    )
    members_can_pin: StrictBool | SkipJsonSchema[None] = Field(
        default=None,
        description="Whether members may pin messages (false: only owners).",
        examples=[False],
        json_schema_extra=_no_default,
    )

    @model_validator(mode="after")
    def _something(self) -> "ChatUpdate":
        if self.title is None and self.visibility is None and self.members_can_pin is None:
            raise ValueError("give a title, a visibility, members_can_pin, or any of them")
        given_null = [name for name in sorted(self.model_fields_set) if getattr(self, name) is None]
        if given_null:
            raise ValueError(f"{given_null[0]} must not be null: leave it out to keep it")
        return self


class ChatPublic(BaseModel):
    model_config = ConfigDict(title="Chat")

    id: int = Field(examples=[42])
    title: str = Field(examples=["Планы на выходные"])
    created_at: datetime = stored_at()
    message_count: int = Field(description="Exact number of messages in the chat.", examples=[3])
    unread_count: int | None = Field(
        description="Exact number of its messages the caller has not read; null for a caller "
        "who is not a member. With authentication off: the chat's one shared count.",
        examples=[1],
    )
    visibility: Visibility = Field(examples=["private"])
    member_count: int = Field(description="Exact number of members.", examples=[2])
    members_can_pin: bool = Field(
        default=True,
        description="Whether members may pin messages (false: only owners).",
        examples=[True],
    )


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
