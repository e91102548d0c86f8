"""The caller and other people: the caller's profile, its inbox (its chats, most recent
first), unread totals and mentions, and any user's public fields."""

from datetime import datetime

from aiohttp import web

from service.api.appkeys import DATA
from service.api.http.authn import caller
from service.api.http.parsing import RequestValidationError, path_user, read_body, read_query
from service.api.http.responses import conditional_json_response, json_response, next_page_link
from service.api.openapi.annotations import (
    ETAG_HEADER,
    IF_NONE_MATCH,
    LINK_HEADER,
    NOT_MODIFIED,
    documented,
    error_responses,
    json_body,
    json_content,
    path_user_id,
)
from service.data.inbox import inbox_cursor, parse_inbox_cursor
from service.domain.messages import MentionsPageQuery, MessageList
from service.domain.people import (
    Inbox,
    InboxPageQuery,
    ProfileUpdate,
    UnreadSummary,
    UserPublic,
)
from service.domain.problems import ValidationIssue

NEEDS_AUTH = " Needs authentication (with it off there is no caller: 403 `no_caller`)."


@documented(
    "get_me",
    tags=["people"],
    summary="Who the caller is",
    description="The caller's user: an API key's user, or a JWT's `sub`." + NEEDS_AUTH,
    responses={
        200: {"description": "The caller", **json_content(UserPublic)},
        **error_responses(403, 404, 503),
    },
)
async def get_me(request: web.Request) -> web.Response:
    users = request.app[DATA].users
    return json_response(await users.get(caller(request)))


@documented(
    "update_me",
    tags=["people"],
    summary="Set the caller's display name",
    description="1-100 characters once surrounding whitespace is trimmed; null clears it "
    "(then a JWT's `name` claim fills it again)." + NEEDS_AUTH,
    requestBody=json_body(ProfileUpdate),
    responses={
        200: {"description": "The caller as it is now", **json_content(UserPublic)},
        **error_responses(403, 413, 415, 422, 503),
    },
)
async def update_me(request: web.Request) -> web.Response:
    user_id = caller(request)
    body = await read_body(request, ProfileUpdate)
    users = request.app[DATA].users
    return json_response(await users.set_display_name(user_id, body.display_name))


@documented(
    "get_user",
    tags=["people"],
    summary="A user's public fields",
    description="404 (`user_not_found`) for a user the API has never seen.",
    parameters=[path_user_id("user_id", "The user id.")],
    responses={
        200: {"description": "The user", **json_content(UserPublic)},
        **error_responses(404, 422, 503),
    },
)
async def get_user(request: web.Request) -> web.Response:
    user_id = path_user(request, "user_id")
    return json_response(await request.app[DATA].users.get(user_id))


def _cursor(raw: str | None) -> tuple[datetime, int] | None:
    if raw is None:
        return None
    try:
        return parse_inbox_cursor(raw)
    except (ValueError, OverflowError):
        issue = ValidationIssue(loc=["query", "cursor"], msg="not a cursor", type="value_error")
        raise RequestValidationError([issue]) from None


@documented(
    "list_my_chats",
    tags=["people"],
    summary="The caller's chats, most recent activity first (the inbox)",
    description="Ordered by the newest message's `created_at` (the chat's own for an empty "
    "chat), ties by chat id, newest first. Each item: the chat, the caller's role, unread "
    "count and read position, and the newest message. A full page carries a `Link` to the "
    "next one (`cursor`)." + NEEDS_AUTH,
    parameters=[IF_NONE_MATCH],
    query="inbox_page",
    responses={
        200: {
            "description": "One page of the caller's chats",
            "headers": {**ETAG_HEADER, **LINK_HEADER},
            **json_content(Inbox),
        },
        **NOT_MODIFIED,
        **error_responses(403, 422, 503),
    },
)
async def list_my_chats(request: web.Request) -> web.Response:
    user_id = caller(request)
    page = read_query(request, InboxPageQuery)
    inbox = await request.app[DATA].inbox.list_chats(
        user_id=user_id, before=_cursor(page.cursor), limit=page.limit
    )
    link: dict[str, str] = {}
    if len(inbox.root) == page.limit:
        link = next_page_link(request, cursor=inbox_cursor(inbox.root[-1]))
    return conditional_json_response(request, inbox, headers=link)


@documented(
    "get_my_unread",
    tags=["people"],
    summary="The caller's unread totals (for an app badge)",
    description="Unread messages in all the caller's chats, how many chats have any, and "
    "how many messages after the caller's read positions mention it." + NEEDS_AUTH,
    parameters=[IF_NONE_MATCH],
    responses={
        200: {
            "description": "The totals",
            "headers": ETAG_HEADER,
            **json_content(UnreadSummary),
        },
        **NOT_MODIFIED,
        **error_responses(403, 503),
    },
)
async def get_my_unread(request: web.Request) -> web.Response:
    summary = await request.app[DATA].inbox.unread(user_id=caller(request))
    return conditional_json_response(request, summary)


@documented(
    "list_my_mentions",
    tags=["people"],
    summary="Messages that mention the caller, newest first",
    description="In the chats the caller is a member of; keyset paging by `before_id`, a full "
    "page carries a `Link` to the next one. Each message has the caller's `is_read`." + NEEDS_AUTH,
    parameters=[IF_NONE_MATCH],
    query="mentions_page",
    responses={
        200: {
            "description": "One page of messages",
            "headers": {**ETAG_HEADER, **LINK_HEADER},
            **json_content(MessageList),
        },
        **NOT_MODIFIED,
        **error_responses(403, 422, 503),
    },
)
async def list_my_mentions(request: web.Request) -> web.Response:
    user_id = caller(request)
    page = read_query(request, MentionsPageQuery)
    mentions = await request.app[DATA].inbox.mentions(
        user_id=user_id, before_id=page.before_id, limit=page.limit
    )
    link = {}
    if len(mentions.root) == page.limit:
        link = next_page_link(request, before_id=mentions.root[-1].id)
    return conditional_json_response(request, mentions, headers=link)
