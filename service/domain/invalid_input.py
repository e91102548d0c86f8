"""Input that parsed but names something it may not: 422s in the validation shape, at a
`loc`, raised by the data layer."""

from service.domain.errors import DomainError


class InvalidInput(DomainError):
    """Input that parsed but names something it may not: a 422 in the validation shape, at
    `loc`."""

    loc: tuple[str | int, ...]


class ReplyNotInChat(InvalidInput):
    """reply_to names no message of the chat being posted into."""

    code = "reply_not_in_chat"
    loc = ("body", "reply_to")

    def __init__(self, reply_to: int, chat_id: int) -> None:
        super().__init__(f"Message with id={reply_to} is not a message of chat {chat_id}")
        self.reply_to = reply_to


class NotAThreadRoot(InvalidInput):
    """thread_id names no message of the chat that could hold a thread (a root: not itself a
    reply in one)."""

    code = "not_a_thread_root"
    loc = ("body", "thread_id")

    def __init__(self, thread_id: int, chat_id: int) -> None:
        super().__init__(
            f"Message with id={thread_id} is not a message of chat {chat_id} that starts "
            "threads (a thread reply cannot)"
        )


class MentionNotMember(InvalidInput):
    """A mentioned user id is not a member of the chat."""

    code = "mention_not_member"

    def __init__(self, user_id: str, index: int, chat_id: int) -> None:
        super().__init__(f"User {user_id!r} is not a member of chat {chat_id}")
        self.loc = ("body", "mentions", index)


class InvalidCursor(InvalidInput):
    """A Last-Event-ID (or last_event_id) that is not a cursor this service gave out."""

    code = "invalid_cursor"

    def __init__(self, loc: tuple[str, str]) -> None:
        super().__init__("Not a cursor of this feed; use an event id the feed sent")
        self.loc = loc


class IdempotencyKeyReused(InvalidInput):
    """An Idempotency-Key came back with a different request body."""

    code = "idempotency_key_reused"
    loc = ("header", "Idempotency-Key")

    def __init__(self, key: str) -> None:
        super().__init__(f"Idempotency-Key {key!r} was already used with a different request")
        self.key = key
