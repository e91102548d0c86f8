"""Threads: a root message's replies, oldest first. Posting into one is POST
/chats/{chat_id}/messages with `thread_id`."""

from aiohttp import web

from service.api.appkeys import DATA
from service.api.http.authn import viewer
from service.api.http.parsing import path_int, read_query
from service.api.http.responses import conditional_json_response, next_page_link
from service.api.openapi.annotations import (
    ETAG_HEADER,
    IF_NONE_MATCH,
    LINK_HEADER,
    NOT_MODIFIED,
    documented,
    error_responses,
    json_content,
    path_id,
)
from service.domain.messages import MessageList, ThreadPageQuery


@documented(
    "list_thread",
    tags=["messages"],
    summary="A thread's replies, oldest first",
    description="The replies posted with `thread_id` set to this root, keyset-paged by "
    "`after_id`; a full page carries a `Link` to the next one. A deleted root keeps its "
    "thread while it has replies. A message that is not a thread root (or in a private chat "
    "the caller is not in) is a 404 `message_not_found`.",
    parameters=[path_id("message_id", "Id of the thread's root message."), IF_NONE_MATCH],
    query="thread_page",
    responses={
        200: {
            "description": "One page of replies",
            "headers": {**ETAG_HEADER, **LINK_HEADER},
            **json_content(MessageList),
        },
        **NOT_MODIFIED,
        **error_responses(404, 422, 503),
    },
)
async def list_thread(request: web.Request) -> web.Response:
    root_id = path_int(request, "message_id")
    page = read_query(request, ThreadPageQuery)
    replies = await request.app[DATA].threads.replies(
        root_id=root_id, after_id=page.after_id, limit=page.limit, viewer=viewer(request)
    )
    link = {}
    if len(replies.root) == page.limit:
        link = next_page_link(request, after_id=replies.root[-1].id)
    return conditional_json_response(request, replies, headers=link)
