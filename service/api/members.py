"""Chat members: the list (with read positions, for "seen by"), adding and changing roles,
removing (or leaving), and joining a public chat."""

from aiohttp import web

from service.api.appkeys import BUS, DATA
from service.api.http.authn import caller, viewer
from service.api.http.parsing import path_int, path_user, read_body, read_query
from service.api.http.responses import json_response, next_page_link
from service.api.openapi.annotations import (
    LINK_HEADER,
    documented,
    error_responses,
    json_body,
    json_content,
    path_id,
    path_user_id,
)
from service.domain.people import MemberList, Membership, MembersPageQuery, RoleChange

CHAT_ID = path_id("chat_id", "Id of the chat.")
USER_ID = path_user_id("user_id", "The member's user id.")
OWNERS = " With authentication on: the chat's owners, or `admin`."


@documented(
    "list_members",
    tags=["members"],
    summary="List a chat's members, by user id",
    description="Keyset paging by user id (`after_user_id`); a full page carries a `Link` to "
    'the next one. Each member\'s `last_read_id` says how far it has read ("seen by"). With '
    "authentication on: members of the chat, or `admin`.",
    parameters=[CHAT_ID],
    query="members_page",
    responses={
        200: {
            "description": "One page of members",
            "headers": LINK_HEADER,
            **json_content(MemberList),
        },
        **error_responses(403, 404, 422, 503),
    },
)
async def list_members(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    page = read_query(request, MembersPageQuery)
    data = request.app[DATA]
    await data.members.require(viewer(request), chat_id, "member")
    members = await data.members.list_members(
        chat_id=chat_id, after=page.after_user_id, limit=page.limit
    )
    link = {}
    if len(members.root) == page.limit:
        link = next_page_link(request, after_user_id=members.root[-1].user_id)
    return json_response(members, headers=link)


@documented(
    "put_member",
    tags=["members"],
    summary="Add a member, or change a member's role",
    description="A user never seen before is recorded. A new member has read the chat up to "
    "its newest message. Demoting the last owner is a 409 (`last_owner`): a chat keeps an "
    "owner." + OWNERS,
    parameters=[CHAT_ID, USER_ID],
    requestBody=json_body(RoleChange),
    responses={
        200: {"description": "The role changed, or was already that", **json_content(Membership)},
        201: {"description": "Added", **json_content(Membership)},
        **error_responses(403, 404, 409, 413, 415, 422, 503),
    },
)
async def put_member(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    user_id = path_user(request, "user_id")
    body = await read_body(request, RoleChange)
    data = request.app[DATA]
    await data.members.require(viewer(request), chat_id, "owner")
    added, role = await data.members.put_member(chat_id=chat_id, user_id=user_id, role=body.role)
    request.app[BUS].changed()
    membership = Membership(chat_id=chat_id, user_id=user_id, role=role)
    return json_response(membership, status=201 if added else 200)


@documented(
    "remove_member",
    tags=["members"],
    summary="Remove a member, or leave a chat",
    description="The member's open feeds of the chat end at once, on every process (`chat_left`"
    "; WebSocket close 4403). Removing the last owner is a 409 (`last_owner`)."
    + OWNERS
    + " A member may remove itself (leave).",
    parameters=[CHAT_ID, USER_ID],
    responses={204: {"description": "Removed"}, **error_responses(403, 404, 409, 422, 503)},
)
async def remove_member(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    user_id = path_user(request, "user_id")
    who = viewer(request)
    data = request.app[DATA]
    await data.members.require(who, chat_id, "member" if user_id == who.user else "owner")
    await data.members.remove_member(chat_id=chat_id, user_id=user_id)
    request.app[BUS].changed()
    return web.Response(status=204)


@documented(
    "join_chat",
    tags=["members"],
    summary="Join a public chat",
    description="The caller becomes a member (its role stays if it already is one), having "
    "read the chat up to its newest message. A private chat is a 404 for non-members "
    "(`admin` may join any chat). Needs authentication (with it off there is no caller: 403 "
    "`no_caller`).",
    parameters=[CHAT_ID],
    responses={
        200: {"description": "Already a member", **json_content(Membership)},
        201: {"description": "Joined", **json_content(Membership)},
        **error_responses(403, 404, 422, 503),
    },
)
async def join_chat(request: web.Request) -> web.Response:
    chat_id = path_int(request, "chat_id")
    user_id = caller(request)
    data = request.app[DATA]
    await data.members.require(viewer(request), chat_id, "see")
    added, role = await data.members.put_member(
        chat_id=chat_id, user_id=user_id, role="member", keep_role=True
    )
    request.app[BUS].changed()
    membership = Membership(chat_id=chat_id, user_id=user_id, role=role)
    return json_response(membership, status=201 if added else 200)
