"""Chats as clients send and see them: create and rename bodies, the chat, its statistics."""

import datetime as dt
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, RootModel

from service.domain.fields import Title, stored_at
from service.domain.messages import MessagePublic


class ChatCreate(BaseModel):
    """Body of `POST /chats`. Surrounding whitespace is trimmed before the length check."""

    title: Title = Field(examples=["Планы на выходные"])


class ChatRename(BaseModel):
    """Body of `PATCH /chats/{chat_id}`: the same rule as creating."""

    title: Title = Field(examples=["Планы на выходные (перенесено)"])


class ChatPublic(BaseModel):
    model_config = ConfigDict(title="Chat")

    id: int = Field(examples=[42])
    title: str = Field(examples=["Планы на выходные"])
    created_at: datetime = stored_at()
    message_count: int = Field(description="Exact number of messages in the chat.", examples=[3])
    unread_count: int = Field(
        description="Exact number of its messages not marked as read.", examples=[1]
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
