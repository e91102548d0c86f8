"""JSON responses serialised by pydantic, so the models decide what clients see; conditional
GET (ETag / If-None-Match) and RFC 8288 `Link` headers for paged lists."""

import hashlib
from collections.abc import Mapping

from aiohttp import hdrs, web
from pydantic import BaseModel
from yarl import URL


def json_response(
    model: BaseModel, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=model.__pydantic_serializer__.to_json(model),
        status=status,
        headers=headers,
        content_type="application/json",
    )


def _matches(if_none_match: str, etag: str) -> bool:
    candidates = {candidate.strip().removeprefix("W/") for candidate in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def conditional_json_response(
    request: web.Request, content: BaseModel | bytes, *, headers: Mapping[str, str] | None = None
) -> web.Response:
    """200 with a strong ETag of the body, or 304 without a body when the client's
    If-None-Match already names it. `content` is a model, or a JSON document as bytes."""
    body = (
        content if isinstance(content, bytes) else content.__pydantic_serializer__.to_json(content)
    )
    # SHA-256 (hardware-accelerated on current CPUs) cut to 128 bits: half blake2b's cost.
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    all_headers = {**headers, hdrs.ETAG: etag} if headers else {hdrs.ETAG: etag}
    if_none_match = request.headers.get(hdrs.IF_NONE_MATCH)
    if if_none_match is not None and _matches(if_none_match, etag):
        return web.Response(status=304, headers=all_headers)
    return web.Response(body=body, headers=all_headers, content_type="application/json")


def next_page_link(request: web.Request, **keyset: int | str) -> dict[str, str]:
    """A `Link: <...>; rel="next"` header continuing from this page with keyset parameters
    (skip dropped; limit and repeated parameters such as chat_id kept)."""
    return page_links(request, {"next": keyset})


# Parameters that choose where a page starts: a link to another page replaces all of them.
_PAGE_START = {"skip", "before_id", "after_id", "cursor", "around_id", "around", "at"}


def page_links(request: web.Request, rels: Mapping[str, Mapping[str, int | str]]) -> dict[str, str]:
    """A `Link` header with one link per rel (empty when none), each this request with the
    given keyset parameters in place of where this page started."""
    links = []
    for rel, keyset in rels.items():
        replaced = _PAGE_START | set(keyset)
        query = [(name, value) for name, value in request.query.items() if name not in replaced]
        query += [(name, str(value)) for name, value in keyset.items()]
        links.append(f'<{URL.build(path=request.path, query=query)}>; rel="{rel}"')
    return {hdrs.LINK: ", ".join(links)} if links else {}
