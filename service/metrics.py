"""Prometheus metrics, one registry per app (no process-global state)."""

import asyncpg
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Methods outside this set are counted as "other": the method is the client's to choose, and
# every new label value would be a new time series kept for the life of the process.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "chat_api_http_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "chat_api_http_request_duration_seconds",
            "Time from receiving a request to its response, by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.database_errors = Counter(
            "chat_api_database_errors",
            "Requests answered 503 because the database was unreachable, slow or exhausted.",
            registry=self.registry,
        )
        self.rate_limit_errors = Counter(
            "chat_api_rate_limit_storage_errors",
            "Requests let through unlimited because the rate limit storage (Redis) failed.",
            registry=self.registry,
        )
        self.pool_size = Gauge(
            "chat_api_db_pool_size", "Open connections in the pool.", registry=self.registry
        )
        self.pool_in_use = Gauge(
            "chat_api_db_pool_in_use", "Pool connections lent out.", registry=self.registry
        )
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, *, method: str, route: str, status: int, seconds: float) -> None:
        # Looking a labelled child up takes a lock and builds a key; ours are kept at hand.
        label = method if method in METHODS else "other"
        key = (label, route, status)
        children = self._children.get(key)
        if children is None:
            children = (
                self.requests.labels(label, route, str(status)),
                self.latency.labels(label, route),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def render(self, pool: asyncpg.Pool | None) -> bytes:
        if pool is not None:
            size = pool.get_size()
            self.pool_size.set(size)
            self.pool_in_use.set(size - pool.get_idle_size())
        return bytes(generate_latest(self.registry))
