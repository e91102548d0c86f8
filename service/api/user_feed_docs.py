"""What the OpenAPI document says of the user feeds (/me/events, /me/ws): their frames, the
cursor parameter, their error answers."""

from service.api.openapi.annotations import error_responses, json_content
from service.domain.events import (
    ACTIVITY_EVENTS,
    ChatDeletedData,
    ChatRenamedData,
    CursorData,
    MembershipData,
    MessageDeletedData,
    PinData,
    PresenceData,
    ReactionData,
    ReadData,
    TypingData,
)
from service.domain.messages import MessagePublic
from service.domain.problems import ErrorBody

EVENT_NAMES = [
    "message",
    "message_edited",
    "message_deleted",
    "chat_renamed",
    *ACTIVITY_EVENTS,
    "chat_deleted",
    "member_joined",
    "member_left",
    "chat_joined",
    "chat_left",
    "read",
    "typing",
    "presence",
]
FRAMES = (
    "Every frame names its chat (`data.chat_id`) and has an `id`, the cursor to resume from "
    "(opaque text). Events, in each chat's commit order: `message` and `message_edited` "
    "(data: the Message as it is now; `{id, chat_id}` once deleted), `message_deleted` "
    "(`{id, chat_id}`), `chat_renamed` (`{chat_id, title}`), `reaction_added` and "
    "`reaction_removed` (`{chat_id, message_id, emoji, user_id, count}`), `message_pinned` "
    "and `message_unpinned` (`{chat_id, message_id, user_id, pinned_at}`), `chat_deleted` "
    "(`{chat_id}`), "
    "`member_joined` and `member_left` (`{chat_id, user_id, role}`: someone else came or "
    "went), `chat_joined` (the caller was added: that chat's events follow on the same "
    "connection) and `chat_left` (the caller left or was removed: its events stop), `read` "
    "(`{chat_id, last_read_id, unread_count}`: the caller's read position moved, on this "
    "device or another); and `typing` (`{chat_id, user_id}`, no `id`: someone else is "
    "typing; treat it as over after 6 s unless repeated; never replayed), `presence` "
    "(`{user_id, online}`, no `id`: a co-member opened a first or closed a last user feed). "
    "Without a cursor "
    "the feed starts with the next event, and its "
    "first frame is `cursor` (`{cursor}`: where it starts). Reconnecting with the last "
    "frame's id delivers exactly what was missed, every change as it happened. A cursor "
    "older than EVENT_LOG_RETENTION_HOURS (168: a week) is 410 `cursor_expired`: reload the "
    "chats and reconnect without one."
)
# One frame as SSE parsers see it: its fields as strings.
SSE_FRAME = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": [*EVENT_NAMES, "cursor"]},
        "id": {
            "type": "string",
            "description": "The cursor to resume from (Last-Event-ID); none on typing and "
            "presence.",
        },
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": {
                "anyOf": [
                    MessagePublic,
                    MessageDeletedData,
                    ChatRenamedData,
                    ChatDeletedData,
                    ReactionData,
                    PinData,
                    MembershipData,
                    ReadData,
                    TypingData,
                    PresenceData,
                    CursorData,
                ]
            },
            "description": "By event, as the description says.",
        },
    },
}
CURSOR = {
    "required": False,
    "description": "The `id` of the last frame the client has.",
    "schema": {"type": "string", "maxLength": 8000, "pattern": "^[A-Za-z0-9_-]*$"},
}
ANSWERS = {
    **error_responses(403, 422, 503),
    410: {"description": "Cursor expired", **json_content(ErrorBody)},
}
