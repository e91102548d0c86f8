"""Logging: text or JSON lines, an optional rotating file, and the request id on every line
written while a request is handled."""

import functools
import inspect
import logging
import logging.handlers
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from pythonjsonlogger.json import JsonFormatter

from service.settings import Settings

# Set by the request-id middleware for the task handling the request.
current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

TEXT_FORMAT = "%(asctime)s - %(name)s - %(levelname)s - %(module)s:%(lineno)d - %(message)s"
TEXT_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
JSON_FIELDS = "{levelname}{name}{message}{module}{funcName}{lineno}{request_id}"
JSON_RENAMES = {"levelname": "level", "name": "logger", "funcName": "function", "lineno": "line"}

P = ParamSpec("P")
R = TypeVar("R")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # A line may bring its own id (the access line is written after the request's context).
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id.get()
        return True


class TextFormatter(logging.Formatter):
    """The classic line; lines written for a request end with its id."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT, TEXT_DATE_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        # Before any traceback, so the id stays on the line it belongs to.
        line = super().formatMessage(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} [request_id={request_id}]" if request_id else line


def _formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            JSON_FIELDS,
            style="{",
            rename_fields=JSON_RENAMES,
            timestamp=True,
            json_ensure_ascii=False,
        )
    return TextFormatter()


def configure_logging(settings: Settings) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if settings.log_file is not None:
        Path(settings.log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                settings.log_file,
                maxBytes=settings.log_file_max_bytes,
                backupCount=settings.log_file_backup_count,
                encoding="utf-8",
            )
        )
    formatter = _formatter(settings.log_format)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in root.handlers:
        old.close()
    root.handlers[:] = handlers
    root.setLevel(settings.log_level)
    # aiohttp's own access log is replaced by the access middleware's line.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # yoyo narrates every step of every migration at INFO; `migrate` reports one line per
    # migration itself, so yoyo's own lines show only when LOG_LEVEL=DEBUG.
    yoyo_level = logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING
    logging.getLogger("yoyo").setLevel(yoyo_level)


def log_execution_time(
    logger: logging.Logger | None = None, level: int = logging.INFO
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Logs how long each call of the decorated function (sync or async) took."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        log = logger or logging.getLogger(function.__module__)
        name = function.__qualname__

        def report(started: float) -> None:
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.log(level, "%s took %.2f ms", name, elapsed_ms, extra={"duration_ms": elapsed_ms})

        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def timed_async(*args: P.args, **kwargs: P.kwargs) -> Any:
                started = time.perf_counter()
                try:
                    return await function(*args, **kwargs)
                finally:
                    report(started)

            return timed_async  # type: ignore[return-value]

        @functools.wraps(function)
        def timed(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                report(started)

        return timed

    return decorate
