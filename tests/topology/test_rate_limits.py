"""Rate limits: a read and a write budget per credential or client address, 429 with
Retry-After and RateLimit-* headers, one budget shared through a real Redis by several
processes, and requests still answered when Redis goes away."""

from pathlib import Path

import aiohttp

from service.api.appkeys import AUTHENTICATOR
from service.auth.keys import ApiKeys
from tests.support.api import Client, MakeClient, bearer
from tests.support.live import free_port, start_service, stop
from tests.support.redis import RedisServer


async def test_a_burst_over_the_budget_gets_429_with_the_headers(make_client: MakeClient) -> None:
    client = await make_client(rate_limit_read="5/minute", rate_limit_write="2/minute")
    remaining = []
    for _ in range(5):
        answer = await client.get("/chats")
        assert answer.status == 200
        assert answer.headers["RateLimit-Limit"] == "5"
        remaining.append(int(answer.headers["RateLimit-Remaining"]))
    assert remaining == [4, 3, 2, 1, 0]
    over = await client.get("/chats")
    assert over.status == 429
    assert (await over.json())["code"] == "rate_limited"
    assert 0 < int(over.headers["Retry-After"]) <= 60
    assert over.headers["RateLimit-Remaining"] == "0"
    assert 0 < int(over.headers["RateLimit-Reset"]) <= 60
    # Writes have a budget of their own; probes have none.
    assert [(await client.post("/chats", json={"title": "t"})).status for _ in range(3)] == [
        201,
        201,
        429,
    ]
    assert (await client.get("/health")).status == 200
    assert "RateLimit-Limit" not in (await client.get("/health")).headers


async def test_each_credential_has_its_own_budget(make_client: MakeClient) -> None:
    client = await make_client(auth_mode="api_key", rate_limit_read="2/minute")
    keys: ApiKeys = client.app[AUTHENTICATOR]  # type: ignore[assignment]
    first, _ = await keys.create(name="first", scopes=["read"])
    second, _ = await keys.create(name="second", scopes=["read"])
    statuses = [(await client.get("/chats", headers=bearer(first))).status for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert (await client.get("/chats", headers=bearer(second))).status == 200


async def test_forwarded_addresses_count_only_from_trusted_proxies(
    make_client: MakeClient,
) -> None:
    behind_proxy = await make_client(rate_limit_read="2/minute", trusted_proxies=["127.0.0.1/32"])

    async def status(client: Client, forwarded: str) -> int:
        return (await client.get("/chats", headers={"X-Forwarded-For": forwarded})).status

    # The proxy appends the address it saw; what the client wrote before it is not trusted.
    assert [await status(behind_proxy, "6.6.6.6, 1.1.1.1") for _ in range(3)] == [200, 200, 429]
    assert await status(behind_proxy, "1.1.1.1, 2.2.2.2") == 200
    direct = await make_client(rate_limit_read="2/minute")
    statuses = [await status(direct, f"9.9.9.{n}") for n in range(3)]
    assert statuses == [200, 200, 429], "X-Forwarded-For from an untrusted peer is ignored"


async def test_processes_share_one_budget_in_redis_and_survive_it_going_away(
    database_url: str, tmp_path: Path, redis_server: RedisServer
) -> None:
    url = redis_server.url
    ports = [free_port(), free_port()]
    processes = [
        start_service(
            database_url, port, tmp_path, RATE_LIMIT_READ="6/minute", RATE_LIMIT_STORAGE=url
        )
        for port in ports
    ]
    try:
        async with aiohttp.ClientSession() as http:

            async def status(port: int) -> int:
                async with http.get(f"http://127.0.0.1:{port}/chats") as answer:
                    return answer.status

            assert [await status(port) for port in ports * 3] == [200] * 6
            assert {await status(port) for port in ports} == {429}

            redis_server.stop()  # mid-run: the API must still answer
            assert [await status(port) for port in ports * 3] == [200] * 6
            async with http.get(f"http://127.0.0.1:{ports[0]}/metrics") as answer:
                metrics = await answer.text()
    finally:
        for process in processes:
            stop(process)
    errors = [
        line
        for line in metrics.splitlines()
        if line.startswith("chat_api_rate_limit_storage_errors_total")
    ]
    assert float(errors[0].split()[-1]) >= 1
    log = (tmp_path / f"chat-api-{ports[0]}.log").read_text()
    assert "rate limit storage unavailable" in log
