"""JSON responses serialised by pydantic, so the models decide what clients see."""

from collections.abc import Mapping

from aiohttp import web
from pydantic import BaseModel


def json_response(
    model: BaseModel, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=model.__pydantic_serializer__.to_json(model),
        status=status,
        headers=headers,
        content_type="application/json",
    )
