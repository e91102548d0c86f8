"""GET /metrics (Prometheus text) and CORS (off unless CORS_ORIGINS names origins)."""

from collections.abc import Awaitable, Callable

import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.data.chats import Chats
from service.domain.errors import DatabaseUnavailable
from service.settings import Settings
from tests.support.api import Client, create_chat

MakeClient = Callable[..., Awaitable[Client]]


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_requests_by_route_template_and_status(client: Client) -> None:
    chat = await create_chat(client)
    await client.get(f"/chats/{chat['id']}")
    await client.get(f"/chats/{chat['id']}/")
    await client.get("/chats/999999")
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.content_type == "text/plain"
    values = samples(await response.text())

    def requests(route: str, status: str) -> float:
        labels = frozenset({("method", "GET"), ("route", route), ("status", status)})
        return values[("chat_api_http_requests_total", labels)]

    assert requests("/chats/{chat_id}", "200") == 2
    assert requests("/chats/{chat_id}", "404") == 1
    histogram_count = values[
        (
            "chat_api_http_request_duration_seconds_count",
            frozenset({("method", "GET"), ("route", "/chats/{chat_id}")}),
        )
    ]
    assert histogram_count == 3

    def bucket(le: str) -> float:
        labels = {("method", "GET"), ("route", "/chats/{chat_id}"), ("le", le)}
        return values[("chat_api_http_request_duration_seconds_bucket", frozenset(labels))]

    buckets = [bucket(le) for le in ("0.001", "0.01", "0.1", "1.0", "10.0", "+Inf")]
    assert buckets == sorted(buckets), "buckets count cumulatively"
    assert buckets[-1] == 3
    duration_sum = values[
        (
            "chat_api_http_request_duration_seconds_sum",
            frozenset({("method", "GET"), ("route", "/chats/{chat_id}")}),
        )
    ]
    assert 0 < duration_sum < 30
    assert values[("chat_api_db_pool_size", frozenset())] >= 1
    assert ("chat_api_db_pool_in_use", frozenset()) in values


async def test_metrics_count_database_errors(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unavailable(self: Chats, **kwargs: object) -> None:
        raise DatabaseUnavailable()

    monkeypatch.setattr(Chats, "list_chats", unavailable)
    assert (await client.get("/chats")).status == 503
    assert (await client.get("/chats")).status == 503
    values = samples(await (await client.get("/metrics")).text())
    assert values[("chat_api_database_errors_total", frozenset())] == 2


async def test_no_cors_by_default(client: Client) -> None:
    response = await client.get("/chats", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = await client.options(
        "/chats",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


async def test_cors_for_configured_origins_only(make_client: MakeClient) -> None:
    client = await make_client(cors_origins=["https://app.example", "https://admin.example"])
    response = await client.get("/chats", headers={"Origin": "https://app.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "X-Request-ID" in response.headers["Access-Control-Expose-Headers"]

    preflight = await client.options(
        "/chats",
        headers={
            "Origin": "https://admin.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://admin.example"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]

    other = await client.get("/chats", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_cors_origins_setting_is_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    settings = Settings(_env_file=None, database_url="postgresql://u@h/d")
    assert settings.cors_origins == ["https://a.example", "https://b.example"]


async def test_unknown_methods_share_one_label(client: Client) -> None:
    for method in ("PROPFIND", "MKCOL", "LOCK"):
        assert (await client.request(method, "/chats")).status == 405
    values = samples(await (await client.get("/metrics")).text())
    methods = {
        dict(labels)["method"] for name, labels in values if name == "chat_api_http_requests_total"
    }
    assert "other" in methods
    assert not methods & {"PROPFIND", "MKCOL", "LOCK"}


async def test_cors_exposes_every_header_documented_for_clients(make_client: MakeClient) -> None:
    client = await make_client(cors_origins=["https://app.example"])
    response = await client.get("/chats", headers={"Origin": "https://app.example"})
    exposed = {
        name.strip() for name in response.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert {"Location", "X-Request-ID", "Link", "ETag", "Idempotent-Replayed"} <= exposed
    # Every response header the OpenAPI document declares, whichever route adds it later.
    document = await (await client.get("/openapi.json")).json()
    declared = {
        header
        for path in document["paths"].values()
        for operation in path.values()
        for answer in operation["responses"].values()
        for header in answer.get("headers", {})
    }
    assert declared - {"Upgrade"} <= exposed


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/chats"),
        ("POST", "/chats"),
        ("DELETE", "/chats/1"),
        ("PATCH", "/chats/1"),
        ("PATCH", "/messages/1"),
        ("DELETE", "/messages/1"),
        ("POST", "/chats/1/messages"),
    ],
)
async def test_preflights_allow_every_method_with_a_bearer_token(
    make_client: MakeClient, method: str, path: str
) -> None:
    client = await make_client(cors_origins=["https://app.example"], auth_mode="api_key")
    preflight = await client.options(
        path,
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert method in preflight.headers["Access-Control-Allow-Methods"]
    assert "AUTHORIZATION" in preflight.headers["Access-Control-Allow-Headers"].upper()
