"""Configuration from environment variables, optionally read from a `.env` file."""

import ipaddress
from typing import Annotated, Literal, Self

import limits
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from service.db.dsn import asyncpg_dsn, split_urls

# Asymmetric algorithms only: "none" verifies nothing, and an HMAC algorithm would let a token
# signed with the (public) verification key pass.
ALLOWED_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)

PositiveInt = Annotated[int, Field(ge=1)]


class Settings(BaseSettings):
    """Every variable is documented in `.env.example` and docs/configuration.md."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    app_name: str = "Chat API"
    debug: bool = False
    database_url: str = Field(min_length=1)
    # The one LISTEN connection per process needs a real session: straight to PostgreSQL (or a
    # session-mode pooler) when DATABASE_URL goes through a transaction-mode pooler.
    database_listen_url: str | None = None
    database_replica_urls: Annotated[list[str], NoDecode] = []
    database_replica_max_lag: float = Field(default=5.0, gt=0)
    # "transaction" for a transaction-mode pooler (PgBouncer's pool_mode = transaction): no
    # named prepared statements, and every database turn in a transaction of its own.
    database_pool_mode: Literal["session", "transaction"] = "session"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    log_file: str | None = None
    log_file_max_bytes: PositiveInt = 10 * 1024 * 1024
    log_file_backup_count: int = Field(default=5, ge=0)
    access_log: bool = True

    default_messages_limit: PositiveInt = 20
    max_messages_limit: PositiveInt = 100

    db_pool_min_size: int = Field(default=2, ge=0)
    db_pool_max_size: PositiveInt = 10
    db_connect_timeout: float = Field(default=5.0, gt=0)
    db_command_timeout: float = Field(default=10.0, gt=0)
    db_statement_timeout: float = Field(default=5.0, gt=0)
    db_acquire_timeout: float = Field(default=2.0, gt=0)
    # Deleting a chat removes all its messages (ON DELETE CASCADE): its own, longer timeout.
    db_delete_timeout: float = Field(default=600.0, gt=0)
    health_db_timeout: float = Field(default=2.0, gt=0)

    # How long the event log keeps events (chat-api prune-events): a user feed cursor older
    # than that is answered 410 cursor_expired.
    event_log_retention_hours: int = Field(default=168, ge=1)
    # How processes hear of each other's changes (docs/configuration.md): LISTEN/NOTIFY, or
    # Redis pub/sub at REDIS_URL with no NOTIFY in any write's transaction.
    event_bus: Literal["postgres", "redis"] = "postgres"
    redis_url: str | None = None

    # Webhooks (docs/webhooks.md): whether this process delivers, what a URL may be, how long
    # an attempt may take, and the retry schedule (times WEBHOOK_RETRY_SCALE: shorter in tests).
    webhook_deliver: bool = True
    webhook_allow_http: bool = False
    webhook_allow_private: bool = False
    webhook_timeout: float = Field(default=10.0, gt=0, le=60)
    webhook_retry_scale: float = Field(default=1.0, gt=0, le=1)
    webhook_disable_after_seconds: float = Field(default=5 * 24 * 3600.0, gt=0)
    webhook_concurrency: PositiveInt = 32

    body_limit: PositiveInt = 1024 * 1024
    shutdown_timeout: float = Field(default=30.0, ge=0)
    workers: PositiveInt = 1
    cors_origins: Annotated[list[str], NoDecode] = []

    # Who may call (docs/security.md): none, API keys in PostgreSQL, or an identity
    # provider's JWTs.
    auth_mode: Literal["none", "api_key", "jwt"] = "none"
    jwt_public_key_file: str | None = None
    jwt_jwks_file: str | None = None
    jwt_jwks_url: str | None = None
    jwt_algorithms: Annotated[list[str], NoDecode] = ["RS256", "ES256"]
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_leeway: float = Field(default=30.0, ge=0, le=300)
    # Budgets per credential (or client address when AUTH_MODE=none), e.g. "600/minute";
    # unset: no limit.
    rate_limit_read: str | None = None
    rate_limit_write: str | None = None
    rate_limit_storage: str = "memory://"
    trusted_proxies: Annotated[list[str], NoDecode] = []

    @field_validator("cors_origins", "jwt_algorithms", "trusted_proxies", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        # Comma-separated lists: CORS_ORIGINS="https://a.example,https://b.example".
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator(
        "jwt_public_key_file",
        "jwt_jwks_file",
        "jwt_jwks_url",
        "jwt_issuer",
        "jwt_audience",
        "rate_limit_read",
        "rate_limit_write",
        "redis_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("jwt_algorithms")
    @classmethod
    def _asymmetric_only(cls, value: list[str]) -> list[str]:
        refused = [name for name in value if name not in ALLOWED_ALGORITHMS]
        if refused or not value:
            allowed = ", ".join(sorted(ALLOWED_ALGORITHMS))
            raise ValueError(f"{', '.join(refused) or 'nothing'} not allowed; use {allowed}")
        return value

    @field_validator("rate_limit_read", "rate_limit_write")
    @classmethod
    def _rate(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                limits.parse(value)
            except ValueError:
                raise ValueError("must look like 600/minute") from None
        return value

    @field_validator("rate_limit_storage")
    @classmethod
    def _storage(cls, value: str) -> str:
        if not value.startswith(("memory://", "redis://", "rediss://")):
            raise ValueError("must be memory:// or a redis:// URL")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("event_bus", mode="before")
    @classmethod
    def _bus_name(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            ipaddress.ip_network(network, strict=False)  # ValueError names the bad one
        return value

    @field_validator("database_replica_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        # Comma-separated; each URL may itself name several hosts (h1:5432,h2:5432).
        return split_urls(value) if isinstance(value, str) else value

    @field_validator("database_listen_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # DATABASE_LISTEN_URL= (as compose files pass an unset variable) means "not set".
        return None if value == "" else value

    @field_validator("database_url", "database_listen_url", "database_replica_urls")
    @classmethod
    def _postgresql_urls(cls, value: str | list[str] | None) -> str | list[str] | None:
        for url in [value] if isinstance(value, str) else value or []:
            asyncpg_dsn(url)  # raises ValueError("must start with postgresql://")
        return value

    @property
    def listen_url(self) -> str:
        return self.database_listen_url or self.database_url

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _limits_are_consistent(self) -> Self:
        if self.default_messages_limit > self.max_messages_limit:
            raise ValueError("DEFAULT_MESSAGES_LIMIT must not exceed MAX_MESSAGES_LIMIT")
        if self.db_pool_min_size > self.db_pool_max_size:
            raise ValueError("DB_POOL_MIN_SIZE must not exceed DB_POOL_MAX_SIZE")
        if self.event_bus == "redis" and self.redis_url is None:
            raise ValueError("EVENT_BUS=redis needs REDIS_URL")
        keys = [self.jwt_public_key_file, self.jwt_jwks_file, self.jwt_jwks_url]
        if self.auth_mode == "jwt" and sum(key is not None for key in keys) != 1:
            raise ValueError(
                "AUTH_MODE=jwt needs exactly one of JWT_PUBLIC_KEY_FILE, JWT_JWKS_FILE, "
                "JWT_JWKS_URL"
            )
        return self


class SettingsError(Exception):
    """A configuration value is missing or invalid; the message is one line naming it."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_settings_error(exc)) from None


def describe_settings_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    variable = "_".join(str(part) for part in first["loc"]).upper()
    message = first["msg"]
    if first["type"] == "missing":
        return f"{variable} is not set"
    if variable:
        return f"{variable}: {message}"
    return message.removeprefix("Value error, ")
