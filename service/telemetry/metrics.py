"""Prometheus metrics, one registry per app (no process-global state)."""

import bisect
import itertools
from collections.abc import Iterator

import asyncpg
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric

# Methods outside this set are counted as "other": the method is the client's to choose, and
# every new label value would be a new time series kept for the life of the process.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _Sample:
    __slots__ = ("buckets", "count", "seconds")

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.buckets = [0] * (len(LATENCY_BUCKETS) + 1)  # per bucket, not cumulative; +Inf last


class RequestSamples:
    """Requests by method, route template and status, and their durations, kept as plain
    numbers and exported as a counter and a histogram when scraped. prometheus_client's own
    Counter and Histogram take a lock for every sample; a worker's event loop needs none,
    and this runs on every request."""

    def __init__(self) -> None:
        self._samples: dict[tuple[str, str, int], _Sample] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        sample = self._samples.get(key)
        if sample is None:
            sample = self._samples[key] = _Sample()
        sample.count += 1
        sample.seconds += seconds
        sample.buckets[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "chat_api_http_requests",
            "HTTP requests by method, route template and status.",
            labels=["method", "route", "status"],
        )
        by_route: dict[tuple[str, str], _Sample] = {}
        for (method, route, status), sample in self._samples.items():
            requests.add_metric([method, route, str(status)], sample.count)
            merged = by_route.setdefault((method, route), _Sample())
            merged.seconds += sample.seconds
            merged.buckets = [a + b for a, b in zip(merged.buckets, sample.buckets, strict=True)]
        latency = HistogramMetricFamily(
            "chat_api_http_request_duration_seconds",
            "Time from receiving a request to its response, by method and route template.",
            labels=["method", "route"],
        )
        bounds = [*(repr(float(bound)) for bound in LATENCY_BUCKETS), "+Inf"]  # Prometheus' form
        for (method, route), merged in by_route.items():
            cumulative = itertools.accumulate(merged.buckets)
            latency.add_metric(
                [method, route],
                buckets=list(zip(bounds, cumulative, strict=True)),
                sum_value=merged.seconds,
            )
        yield requests
        yield latency


class WebhookMetrics:
    """Deliveries by outcome, how long attempts take, and how far each webhook is behind."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.deliveries = Counter(
            "chat_api_webhook_deliveries",
            "Webhook attempts by outcome: delivered, retrying (failed, tried again later) or "
            "failed (the last attempt failed).",
            labelnames=["outcome"],
            registry=registry,
        )
        self.attempt_seconds = Histogram(
            "chat_api_webhook_attempt_duration_seconds",
            "How long webhook attempts took, to a status or an error.",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.oldest_pending = Gauge(
            "chat_api_webhook_oldest_pending_seconds",
            "Per webhook: the age of its oldest undelivered event (0 when none waits).",
            labelnames=["webhook_id"],
            registry=registry,
        )

    def show_backlog(self, oldest: dict[int, float | None]) -> None:
        self.oldest_pending.clear()
        for webhook_id, seconds in oldest.items():
            self.oldest_pending.labels(str(webhook_id)).set(seconds or 0.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.webhooks = WebhookMetrics(self.registry)
        self._requests = RequestSamples()
        self.registry.register(self._requests)
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
        self.event_bus_errors = Counter(
            "chat_api_event_bus_errors",
            "Wake-ups, typing or presence the event bus (Redis) did not take: live events are "
            "late by a re-check, not lost.",
            registry=self.registry,
        )
        self.pool_size = Gauge(
            "chat_api_db_pool_size", "Open connections in the pool.", registry=self.registry
        )
        self.pool_in_use = Gauge(
            "chat_api_db_pool_in_use", "Pool connections lent out.", registry=self.registry
        )

    def observe(self, *, method: str, route: str, status: int, seconds: float) -> None:
        self._requests.observe(method if method in METHODS else "other", route, status, seconds)

    def render(self, pool: asyncpg.Pool | None) -> bytes:
        if pool is not None:
            size = pool.get_size()
            self.pool_size.set(size)
            self.pool_in_use.set(size - pool.get_idle_size())
        return bytes(generate_latest(self.registry))
