"""Reactions: add or remove the caller's reaction to a message, and list who reacted."""

from aiohttp import web

from service.api.appkeys import BUS, DATA
from service.api.http.authn import viewer
from service.api.http.parsing import path_emoji, path_int, read_query
from service.api.http.responses import json_response, next_page_link
from service.api.openapi.annotations import (
    LINK_HEADER,
    documented,
    error_responses,
    json_content,
    path_id,
)
from service.api.openapi.annotations import (
    path_emoji as emoji_parameter,
)
from service.domain.errors import MessageNotFound, NotFound
from service.domain.people import Need, Viewer, check_access
from service.domain.reactions import (
    EMOJI_RULE,
    MAX_REACTION_KINDS,
    Reacted,
    ReactorList,
    ReactorsPageQuery,
)

MESSAGE_ID = path_id("message_id", "Id of the message.")
EMOJI = emoji_parameter("emoji", f"The reaction: {EMOJI_RULE}, percent-encoded.")
MEMBERS = (
    " With authentication on: members of the chat with `write` (others: 403 `not_a_member` "
    "for a public chat; a message of a private chat the caller is not in: 404); with it off, "
    "one shared caller."
)


async def _check(request: web.Request, message_id: int, caller: Viewer, need: Need) -> None:
    """The caller may act on (or see) the message's chat; a chat it may not see hides it."""
    chat_id, _, access = await request.app[DATA].messages.message_owner(
        message_id=message_id, viewer=caller
    )
    try:
        check_access(caller, access, chat_id, need)
    except NotFound:
        raise MessageNotFound(message_id) from None


@documented(
    "add_reaction",
    tags=["reactions"],
    summary="React to a message",
    description=f"At most {MAX_REACTION_KINDS} different reactions per message (409 "
    "`too_many_reactions` for another). Live feeds get `reaction_added`." + MEMBERS,
    parameters=[MESSAGE_ID, EMOJI],
    responses={
        200: {"description": "The caller had reacted so already", **json_content(Reacted)},
        201: {"description": "Added; `count` is the emoji's count now", **json_content(Reacted)},
        **error_responses(403, 404, 409, 422, 503),
    },
)
async def add_reaction(request: web.Request) -> web.Response:
    message_id, emoji = path_int(request, "message_id"), path_emoji(request, "emoji")
    caller = viewer(request)
    await _check(request, message_id, caller, "member")
    added, reacted = await request.app[DATA].reactions.add(
        message_id=message_id, emoji=emoji, user=caller.user
    )
    if added:
        request.app[BUS].changed()
    return json_response(reacted, status=201 if added else 200)


@documented(
    "remove_reaction",
    tags=["reactions"],
    summary="Take back a reaction",
    description="404 `reaction_not_found` when the caller had not reacted so. Live feeds get "
    "`reaction_removed`." + MEMBERS,
    parameters=[MESSAGE_ID, EMOJI],
    responses={204: {"description": "Removed"}, **error_responses(403, 404, 422, 503)},
)
async def remove_reaction(request: web.Request) -> web.Response:
    message_id, emoji = path_int(request, "message_id"), path_emoji(request, "emoji")
    caller = viewer(request)
    await _check(request, message_id, caller, "member")
    await request.app[DATA].reactions.remove(message_id=message_id, emoji=emoji, user=caller.user)
    request.app[BUS].changed()
    return web.Response(status=204)


@documented(
    "list_reactors",
    tags=["reactions"],
    summary="Who reacted to a message with an emoji, by user id",
    description="Keyset paging by user id (`after_user_id`); a full page carries a `Link` to "
    "the next one. With authentication on: who can read the chat.",
    parameters=[MESSAGE_ID, EMOJI],
    query="reactors_page",
    responses={
        200: {
            "description": "One page of who reacted",
            "headers": LINK_HEADER,
            **json_content(ReactorList),
        },
        **error_responses(404, 422, 503),
    },
)
async def list_reactors(request: web.Request) -> web.Response:
    message_id, emoji = path_int(request, "message_id"), path_emoji(request, "emoji")
    page = read_query(request, ReactorsPageQuery)
    await _check(request, message_id, viewer(request), "see")
    reactors = await request.app[DATA].reactions.reactors(
        message_id=message_id, emoji=emoji, after=page.after_user_id, limit=page.limit
    )
    link = {}
    if len(reactors.root) == page.limit and reactors.root[-1].user_id is not None:
        link = next_page_link(request, after_user_id=reactors.root[-1].user_id)
    return json_response(reactors, headers=link)
