"""User feed cursors (migration 0016): which events a client already has, named by database
snapshots rather than by positions, because events of different chats commit in another
order than their positions were taken.

A cursor says: every event whose transaction was visible in snapshot `base` is delivered,
and so is every event visible in `target` (not in `base`) up to position `after`; `target`
None means that set is finished. `base_at` is when `base` was taken, for expiry. Encoded as
base64url text, opaque to clients."""

import base64
import binascii
import re
import time
from dataclasses import dataclass

# xmin:xmax:xip,xip,... as pg_snapshot prints it; bounded (a snapshot lists the transactions
# in progress, at most max_connections of them, and a header is no place for more).
_SNAPSHOT = re.compile(r"\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20}){0,9999})?")
MAX_CURSOR_CHARS = 8_000  # and aiohttp refuses header lines past 8,190 bytes


class CursorError(ValueError):
    """Not a cursor this service gave out."""


@dataclass(frozen=True, slots=True)
class FeedCursor:
    base: str
    target: str | None
    after: int
    base_at: float

    @classmethod
    def starting_at(cls, snapshot: str) -> "FeedCursor":
        return cls(base=snapshot, target=None, after=0, base_at=time.time())

    def encode(self) -> str:
        text = f"{self.base}|{self.target or ''}|{self.after}|{round(self.base_at * 1000)}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, raw: str) -> "FeedCursor":
        if len(raw) > MAX_CURSOR_CHARS:
            raise CursorError("too long")
        try:
            text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
            base, target, after, base_at_ms = text.split("|")
            cursor = cls(base, target or None, int(after), int(base_at_ms) / 1000)
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise CursorError(str(exc)) from exc
        snapshots = [cursor.base] if cursor.target is None else [cursor.base, cursor.target]
        if not all(_SNAPSHOT.fullmatch(snapshot) for snapshot in snapshots):
            raise CursorError("not a snapshot")
        if not 0 <= cursor.after < 2**63 or cursor.base_at < 0:
            raise CursorError("out of range")
        return cursor

    def age_seconds(self) -> float:
        return time.time() - self.base_at
