"""Domain errors raised by the data layer; the error middleware turns them into HTTP answers."""


class DomainError(Exception):
    """Base for errors a client can be told about; `code` is stable and machine-readable."""

    code = "error"

    def __init__(self, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class NotFound(DomainError):
    code = "not_found"


class ChatNotFound(NotFound):
    code = "chat_not_found"

    def __init__(self, chat_id: int) -> None:
        super().__init__(f"Chat with id={chat_id} not found")
        self.chat_id = chat_id


class MessageNotFound(NotFound):
    code = "message_not_found"

    def __init__(self, message_id: int) -> None:
        super().__init__(f"Message with id={message_id} not found")
        self.message_id = message_id


class AnchorNotFound(NotFound):
    """A keyset parameter (before_id/after_id) names no message of the chat being paged."""

    code = "message_not_found"

    def __init__(self, message_id: int, chat_id: int) -> None:
        super().__init__(f"Message with id={message_id} not found in chat with id={chat_id}")
        self.message_id = message_id
        self.chat_id = chat_id


class UserNotFound(NotFound):
    code = "user_not_found"

    def __init__(self, user_id: str) -> None:
        super().__init__(f"User {user_id!r} not found")
        self.user_id = user_id


class MemberNotFound(NotFound):
    code = "member_not_found"

    def __init__(self, user_id: str, chat_id: int) -> None:
        super().__init__(f"User {user_id!r} is not a member of chat with id={chat_id}")
        self.user_id = user_id
        self.chat_id = chat_id


class ReactionNotFound(NotFound):
    code = "reaction_not_found"

    def __init__(self, message_id: int, emoji: str) -> None:
        super().__init__(f"No {emoji} reaction of the caller on message {message_id}")


class PinNotFound(NotFound):
    code = "pin_not_found"

    def __init__(self, message_id: int, chat_id: int) -> None:
        super().__init__(f"Message with id={message_id} is not pinned in chat {chat_id}")


class Conflict(DomainError):
    code = "conflict"


class TooManyReactions(Conflict):
    code = "too_many_reactions"

    def __init__(self, message_id: int, most: int) -> None:
        super().__init__(f"Message {message_id} already has {most} different reactions")


class TooManyPins(Conflict):
    code = "too_many_pins"

    def __init__(self, chat_id: int, most: int) -> None:
        super().__init__(f"Chat {chat_id} already has {most} pinned messages; unpin one first")


class LastOwner(Conflict):
    code = "last_owner"

    def __init__(self, chat_id: int) -> None:
        super().__init__(
            f"Chat with id={chat_id} would have no owner left; make another member owner first"
        )
        self.chat_id = chat_id


class KeyNameTaken(DomainError):
    code = "key_name_taken"

    def __init__(self, name: str) -> None:
        super().__init__(f"An active key named {name!r} exists; revoke it first")


class Unauthorized(DomainError):
    """No credential, or one that does not verify (malformed, unknown, revoked, expired)."""

    code = "unauthorized"

    def __init__(self, detail: str, *, invalid: bool) -> None:
        # RFC 6750: a bad token says error="invalid_token"; a missing one only names the scheme.
        challenge = 'Bearer realm="chat-api"'
        if invalid:
            challenge += ', error="invalid_token"'
        super().__init__(detail, {"WWW-Authenticate": challenge})


class Forbidden(DomainError):
    code = "forbidden"


class MissingScope(Forbidden):
    def __init__(self, scopes: tuple[str, ...]) -> None:
        needed = " or ".join(repr(scope) for scope in scopes)
        super().__init__(f"This needs the {needed} scope, which the credential does not have")
        self.scopes = scopes


class NotAMember(Forbidden):
    code = "not_a_member"

    def __init__(self, chat_id: int) -> None:
        super().__init__(f"Only members of chat with id={chat_id} may do this; join it first")
        self.chat_id = chat_id


class NoCaller(Forbidden):
    """A route about the caller (/me..., join) while authentication is off: there is nobody."""

    code = "no_caller"

    def __init__(self) -> None:
        super().__init__("There is no caller while authentication is off (AUTH_MODE=none)")


class NotAnOwner(Forbidden):
    code = "not_an_owner"

    def __init__(self, chat_id: int) -> None:
        super().__init__(
            f"Only owners of chat with id={chat_id} (or a credential with 'admin') may do this"
        )
        self.chat_id = chat_id


class Gone(DomainError):
    code = "gone"


class CursorExpired(Gone):
    """A user feed cursor older than the event log keeps (EVENT_LOG_RETENTION_HOURS)."""

    code = "cursor_expired"

    def __init__(self, hours: int) -> None:
        super().__init__(
            f"This cursor is older than the {hours} hours of events kept; reconnect without "
            "one and reload the chats"
        )


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__("Too many requests; retry after Retry-After seconds", headers)


class OriginNotAllowed(Forbidden):
    """A browser page from another site opened a WebSocket (CORS does not guard those)."""

    code = "origin_not_allowed"

    def __init__(self, origin: str) -> None:
        super().__init__(f"Origin {origin!r} is not allowed (CORS_ORIGINS)")
        self.origin = origin


# What a 503 from the database tells a client: the outages it answers (a restart, a failover's
# promotion) last seconds, and a retry with the same Idempotency-Key is always safe.
RETRY_AFTER = {"Retry-After": "1"}


class DatabaseUnavailable(DomainError):
    code = "database_unavailable"

    def __init__(self) -> None:
        super().__init__("Database unavailable", dict(RETRY_AFTER))


class DatabaseReadOnly(DatabaseUnavailable):
    """A write reached a server that only reads: a hot standby (the URL points at a replica, or
    a failover is under way) or a database with default_transaction_read_only."""

    code = "database_read_only"

    def __init__(self) -> None:
        DomainError.__init__(
            self,
            "The database is read-only (a standby, or a failover in progress): "
            "writes are refused; retry shortly",
            dict(RETRY_AFTER),
        )
