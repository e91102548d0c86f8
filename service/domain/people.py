"""People as clients send and see them: users, chat members, roles, the inbox, and who the
caller is to the data layer (Viewer)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
)

from service.domain.chats import ChatPublic
from service.domain.errors import ChatNotFound, NotAMember, NotAnOwner
from service.domain.fields import DisplayName, UserId
from service.domain.messages import MessagePublic

Role = Literal["owner", "member"]
MEMBERS_PAGE_MAX = 100
INBOX_PAGE_MAX = 100


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking, as the data layer needs it: user None means authentication is off (every
    chat is open, read state is the chat's shared one); admin sees every chat."""

    user: str | None
    admin: bool = False

    @property
    def args(self) -> tuple[str | None, bool]:
        """The (viewer, admin) pair the queries take."""
        return self.user, self.admin


ANYONE = Viewer(user=None)


class UserPublic(BaseModel):
    model_config = ConfigDict(title="User")

    id: str = Field(
        description="The user id: an API key's user or a JWT's `sub`.", examples=["ada"]
    )
    display_name: str | None = Field(examples=["Ada Lovelace"])
    created_at: datetime = Field(description="When the API first saw this user (UTC).")


class ProfileUpdate(BaseModel):
    """Body of `PATCH /me`. Surrounding whitespace is trimmed; null clears the name."""

    display_name: DisplayName | None = Field(examples=["Ada Lovelace"])


class MemberPublic(BaseModel):
    model_config = ConfigDict(title="Member")

    user_id: str = Field(examples=["ada"])
    display_name: str | None = Field(examples=["Ada Lovelace"])
    role: Role
    joined_at: datetime
    last_read_id: int = Field(
        description="The member's read position: messages with an id up to it are read "
        '(what "seen by" shows).',
        examples=[1017],
    )
    online: bool = Field(
        description="Whether the member has a user feed (`/me/events`, `/me/ws`) open now."
    )


class MemberList(RootModel[list[MemberPublic]]):
    pass


class RoleChange(BaseModel):
    """Body of `PUT /chats/{chat_id}/members/{user_id}`."""

    role: Role = Field(examples=["member"])


class Membership(BaseModel):
    """The answer to adding a member, changing a role, or joining."""

    chat_id: int
    user_id: str
    role: Role


class InboxItem(BaseModel):
    chat: ChatPublic
    role: Role
    unread_count: int = Field(description="The caller's unread messages in the chat.")
    unread_mentions: int = Field(
        description="Messages after the caller's read position that mention it."
    )
    last_read_id: int = Field(description="The caller's read position in the chat.")
    last_message: MessagePublic | None = Field(description="The chat's newest message.")


class Inbox(RootModel[list[InboxItem]]):
    pass


class UnreadSummary(BaseModel):
    total_unread_count: int = Field(description="Unread messages in all the caller's chats.")
    unread_chats: int = Field(description="How many of the caller's chats have any.")
    unread_mentions: int = Field(
        description="Messages after the caller's read positions that mention it, in all its chats."
    )


class MembersPageQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    after_user_id: UserId | None = Field(
        default=None, description="Keyset paging: the members after this user id."
    )
    limit: int = Field(
        default=MEMBERS_PAGE_MAX, ge=1, le=MEMBERS_PAGE_MAX, description="Page size."
    )


INBOX_CURSOR_PATTERN = r"^[0-9]{1,19}_[0-9]{1,19}$"


class InboxPageQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    cursor: str | None = Field(
        default=None,
        pattern=INBOX_CURSOR_PATTERN,
        description="Where the next page starts (copy it from the `Link` header).",
    )
    limit: int = Field(default=20, ge=1, le=INBOX_PAGE_MAX, description="Page size.")


@dataclass(frozen=True, slots=True)
class ChatAccess:
    """What decides what a caller may do in a chat: its visibility, the caller's role there
    (None: not a member) and how many owners it has."""

    visibility: str
    role: str | None
    owners: int
    members_can_pin: bool = True


# What an operation needs: to see the chat, to be a member, or to own it.
Need = Literal["see", "member", "owner"]


def check_access(viewer: Viewer, access: ChatAccess | None, chat_id: int, need: Need) -> ChatAccess:
    """Raises what the caller is told: a private chat does not exist for a non-member (the
    same 404 as a missing chat), a public one needs membership to act in, and owning to
    manage. Without authentication, and for admin, every chat is open."""
    if access is None:
        raise ChatNotFound(chat_id)
    if viewer.user is None or viewer.admin:
        return access
    if access.role is None:
        if access.visibility != "public":
            raise ChatNotFound(chat_id)
        if need != "see":
            raise NotAMember(chat_id)
    elif need == "owner" and access.role != "owner":
        raise NotAnOwner(chat_id)
    return access
