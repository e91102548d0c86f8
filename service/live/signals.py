"""What the hub (service.live.hub) puts on a subscriber's queue."""

from dataclasses import dataclass

from service.domain.messages import MessagePublic


@dataclass(frozen=True, slots=True)
class NewMessage:
    message: MessagePublic


@dataclass(frozen=True, slots=True)
class ChatDeleted:
    chat_id: int


@dataclass(frozen=True, slots=True)
class ChatLeft:
    """The follower is no longer a member (removed, or left), or may no longer see the chat."""

    chat_id: int


@dataclass(frozen=True, slots=True)
class Resync:
    """Notifications may have been missed (the listener reconnected): catch up from the DB."""


@dataclass(frozen=True, slots=True)
class Wake:
    """Something addressed to a user feed's user was logged: read the event log."""


@dataclass(frozen=True, slots=True)
class Typing:
    """Someone is typing in a chat: passed on as it is, never logged or replayed."""

    chat_id: int
    user_id: str


@dataclass(frozen=True, slots=True)
class Presence:
    """A co-member of a user feed's user came online or went offline (never replayed)."""

    user_id: str
    online: bool


# None: the stream must end.
Event = NewMessage | ChatDeleted | ChatLeft | Resync | Wake | Typing | Presence | None
