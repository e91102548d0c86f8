"""What the probes answer: liveness, each database's state, the version."""

from typing import Literal

from pydantic import BaseModel, Field

from service.domain.problems import ErrorBody


class HealthStatus(BaseModel):
    status: str = Field(examples=["ok"])


DatabaseState = Literal["ok", "read_only", "lagging", "unavailable"]


class DatabaseHealth(BaseModel):
    name: str = Field(
        description='"primary" (DATABASE_URL), or "replica-N" (DATABASE_REPLICA_URLS).'
    )
    state: DatabaseState = Field(
        description="read_only: the primary refuses writes (a standby); lagging: a replica "
        "more than DATABASE_REPLICA_MAX_LAG seconds behind, not used for reads."
    )
    lag_seconds: float | None = Field(
        default=None, description="Replicas only: how far behind it was at its last check."
    )
    warning: str | None = Field(
        default=None,
        description="A configuration mistake this process met and works around, such as a "
        "transaction-mode pooler while DATABASE_POOL_MODE says session (the process then "
        "switches to transaction mode by itself, until restarted): fix the setting.",
    )


class DatabasesHealthy(HealthStatus):
    databases: list[DatabaseHealth]


class VersionInfo(BaseModel):
    name: str
    version: str


class DatabasesUnhealthy(ErrorBody):
    """503 from /health/db: DATABASE_URL cannot be reached or cannot take writes."""

    databases: list[DatabaseHealth]
