"""The OpenAPI 3.1 document, built from the routes' `@documented` annotations and the same
pydantic models that validate requests."""

import copy
from importlib.metadata import version
from typing import Any

from aiohttp import web
from aiohttp_apispec import AiohttpApiSpec
from apispec import APISpec
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from service.api.openapi.annotations import (
    API_DESCRIPTION,
    BEARER,
    REF_TEMPLATE,
    TAGS,
    error_responses,
)
from service.auth.access import PUBLIC, accepted_scopes
from service.auth.ratelimit import rate_limited
from service.domain.params import QueryModels
from service.settings import Settings


class OpenAPIBuilder(AiohttpApiSpec):  # type: ignore[misc]
    """aiohttp-apispec walks the routes and reads `@docs`; it hard-codes OpenAPI 2.0, so the
    spec object is replaced by a 3.1 one, and pydantic models become components."""

    def __init__(self, settings: Settings, *, query_models: QueryModels) -> None:
        package_version = version("chat-api")
        title = settings.app_name
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
        self._scopes: list[str] = []
        self._models: set[type[BaseModel]] = set()
        self._auth = settings.auth_mode != "none"
        self._rate_limited = rate_limited(settings)
        if self._auth:
            token = "an API key (chat_...)" if settings.auth_mode == "api_key" else "a JWT"
            self.spec.components.security_scheme(
                BEARER,
                {
                    "type": "http",
                    "scheme": "bearer",
                    "description": f"`Authorization: Bearer <token>` with {token}; the live "
                    "feeds also take `?access_token=`. Each operation names the scope it needs.",
                },
            )

    def build(self, app: web.Application) -> dict[str, Any]:
        for route in app.router.routes():
            documented = hasattr(route.handler, "__apispec__")
            if documented and route.method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                # What the route table declared for the handler (read by _update_paths).
                self._scopes = list(accepted_scopes(route.handler))
                self._register_route(route, route.method.lower(), route.handler)
        self._add_components()
        return dict(self.spec.to_dict())

    def _update_paths(self, data: dict[str, Any], method: str, url_path: str) -> None:
        operation = copy.deepcopy(data)
        operation.pop("produces", None)
        scopes = self._scopes
        protected = self._auth and scopes != [PUBLIC]
        # An empty list: open to every caller.
        # Several requirements: any one of them will do.
        operation["security"] = [{BEARER: [scope]} for scope in scopes] if protected else []
        extra = [401, 403] if protected else []
        if self._rate_limited and scopes != [PUBLIC]:
            extra.append(429)
        operation["responses"] = dict(
            sorted({**operation["responses"], **error_responses(*extra)}.items())
        )
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
        model_schema = model.model_json_schema()
        required = set(model_schema.get("required", []))
        parameters = []
        for name, schema in model_schema["properties"].items():
            description = schema.pop("description", None)
            schema.pop("title", None)
            parameter = {
                "in": "query",
                "name": name,
                "required": name in required,
                "schema": schema,
            }
            if description:
                parameter["description"] = description
            parameters.append(parameter)
        return parameters
