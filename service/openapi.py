"""The OpenAPI 3.1 document, built from the routes' `@docs` annotations and the same pydantic
models that validate requests, plus the pages that render it (/docs, /redoc)."""

import copy
from collections.abc import Callable
from importlib.metadata import version
from typing import Any, TypeVar, cast

from aiohttp import web
from aiohttp_apispec import AiohttpApiSpec, docs
from apispec import APISpec
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from service.appkeys import QueryModels
from service.models import MAX_BIGINT, ErrorBody, ValidationErrorBody

REF_TEMPLATE = "#/components/schemas/{model}"
H = TypeVar("H")


def documented(
    operation_id: str, *, summary: str, description: str, **operation: Any
) -> Callable[[H], H]:
    """aiohttp-apispec's `@docs`, typed. operation_id is the verb_noun name generated clients
    give the call (`create_chat`). `query="<QueryModels field>"` documents that model's
    fields as query parameters."""
    return cast(
        Callable[[H], H],
        docs(operationId=operation_id, summary=summary, description=description, **operation),
    )


def json_content(model: type[BaseModel]) -> dict[str, Any]:
    """An OpenAPI `content` object; the model class is turned into a `$ref` when the
    document is built."""
    return {"content": {"application/json": {"schema": model}}}


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    return {"required": True, **json_content(model)}


def path_id(name: str, description: str) -> dict[str, Any]:
    return {
        "in": "path",
        "name": name,
        "required": True,
        "description": description,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_BIGINT},
    }


IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "description": "An ETag from an earlier answer: 304 without a body while it still matches.",
    "schema": {"type": "string"},
}
ETAG_HEADER = {
    "ETag": {"description": "Changes whenever the body would.", "schema": {"type": "string"}}
}
LINK_HEADER = {
    "Link": {
        "description": 'RFC 8288 `<...>; rel="next"` with the keyset parameters of the next '
        "page; present when this page is full.",
        "schema": {"type": "string"},
    }
}
NOT_MODIFIED = {
    304: {
        "description": "Not modified: If-None-Match names the current ETag",
        "headers": ETAG_HEADER,
    }
}

API_DESCRIPTION = """Chats and their messages over REST.

Every error is JSON: `{"detail": "...", "code": "...", "request_id": "..."}`, except \
validation errors (422), which keep FastAPI's shape \
`{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`. Every answer carries \
`X-Request-ID` (yours when you send a sane one). Lists page by keyset \
(`before_id`, `after_id`) and a full page has an RFC 8288 `Link` header to the next one. \
Texts are trimmed of surrounding whitespace before their length is checked. Integers may be \
sent as whole-number floats (`5.0`); `5.5` is refused."""

TAGS = [
    {
        "name": "chats",
        "description": "Create, list and search chats; open one with its latest messages; "
        "statistics; delete a chat with everything in it.",
    },
    {
        "name": "messages",
        "description": "Post messages (one, idempotently, or up to 1,000 at once), list and "
        "get them, mark them read, and follow a chat live (Server-Sent Events or WebSocket).",
    },
    {
        "name": "health",
        "description": "Liveness and readiness probes, the version, and Prometheus metrics.",
    },
]

ERROR_RESPONSES: dict[int, dict[str, Any]] = {
    403: {
        "description": "Not allowed (e.g. a WebSocket from a page on another site)",
        **json_content(ErrorBody),
    },
    404: {"description": "No such chat or message", **json_content(ErrorBody)},
    413: {"description": "Body larger than BODY_LIMIT", **json_content(ErrorBody)},
    415: {"description": "Content-Type is not JSON", **json_content(ErrorBody)},
    422: {"description": "Validation error", **json_content(ValidationErrorBody)},
    503: {"description": "Database unavailable", **json_content(ErrorBody)},
}


def error_responses(*statuses: int) -> dict[int, dict[str, Any]]:
    return {status: ERROR_RESPONSES[status] for status in statuses}


class OpenAPIBuilder(AiohttpApiSpec):  # type: ignore[misc]
    """aiohttp-apispec walks the routes and reads `@docs`; it hard-codes OpenAPI 2.0, so the
    spec object is replaced by a 3.1 one, and pydantic models become components."""

    def __init__(self, *, title: str, query_models: QueryModels) -> None:
        package_version = version("chat-api")
        super().__init__(url=None, title=title, version=package_version)
        self.spec = APISpec(
            title=title,
            version=package_version,
            openapi_version="3.1.0",
            plugins=(self.plugin,),
            info={"description": API_DESCRIPTION, "license": {"name": "MIT", "identifier": "MIT"}},
            servers=[{"url": "/", "description": "This server"}],
            tags=TAGS,
        )
        self._query_models = query_models
        self._models: set[type[BaseModel]] = set()

    def build(self, app: web.Application) -> dict[str, Any]:
        for route in app.router.routes():
            if route.method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                self._register_route(route, route.method.lower(), route.handler)
        self._add_components()
        return dict(self.spec.to_dict())

    def _update_paths(self, data: dict[str, Any], method: str, url_path: str) -> None:
        operation = copy.deepcopy(data)
        operation.pop("produces", None)
        # Open to every caller: no credential is asked for.
        operation["security"] = []
        query = operation.pop("query", None)
        if query is not None:
            operation["parameters"].extend(
                self._query_parameters(getattr(self._query_models, query))
            )
        super()._update_paths(self._refs(operation), method, url_path)

    def _refs(self, node: Any) -> Any:
        if isinstance(node, type) and issubclass(node, BaseModel):
            self._models.add(node)
            return {"$ref": REF_TEMPLATE.format(model=node.__name__)}
        if isinstance(node, dict):
            return {key: self._refs(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self._refs(value) for value in node]
        return node

    def _add_components(self) -> None:
        models = sorted(self._models, key=lambda model: model.__name__)
        _, schemas = models_json_schema(
            [(model, "validation") for model in models], ref_template=REF_TEMPLATE
        )
        for name, schema in sorted(schemas.get("$defs", {}).items()):
            self.spec.components.schema(name, schema)

    @staticmethod
    def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
        properties = model.model_json_schema()["properties"]
        parameters = []
        for name, schema in properties.items():
            description = schema.pop("description", None)
            schema.pop("title", None)
            parameter = {"in": "query", "name": name, "required": False, "schema": schema}
            if description:
                parameter["description"] = description
            parameters.append(parameter)
        return parameters
