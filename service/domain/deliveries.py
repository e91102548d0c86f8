"""What the delivering worker passes between the queue and the sender."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A delivery this process holds the lease of (sql/deliveries/claim_deliveries.sql)."""

    id: int
    webhook_id: int
    attempt: int
    event_id: str
    event: str
    body: str
    url: str
    secrets: list[str]


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    """What one attempt came to: a 2xx (delivered), another status, or an error before one."""

    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def delivered(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class Attempted:
    """An attempt to record: the delivery, what came of it, and when the next one is due
    (seconds; None: no retry left, or none needed)."""

    delivery: ClaimedDelivery
    outcome: AttemptOutcome
    retry_in: float | None


@dataclass(frozen=True, slots=True)
class Backlog:
    """One webhook's queue, for metrics and `chat-api webhooks list`."""

    id: int
    url: str
    enabled: bool
    pending: int
    oldest_seconds: float | None
    failing_since: datetime | None
    disabled_reason: str | None
