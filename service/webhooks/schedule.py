"""When a failed delivery is tried again: exponential backoff with jitter, then give up."""

import random

# After the 1st, 2nd, ... failed attempt (seconds): about 5 s, 5 min, 30 min, 2 h, 5 h,
# 10 h, 10 h; an 8th failure is final (about 28 hours after the first attempt).
RETRY_DELAYS = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
# Each delay is stretched or shrunk by up to this share, so receivers that failed together
# are not all retried in the same second.
JITTER = 0.2


def retry_in(failed_attempt: int, *, scale: float = 1.0) -> float | None:
    """Seconds until the next attempt after attempt number `failed_attempt` (1-based) failed;
    None when it was the last. `scale` shortens the whole schedule (WEBHOOK_RETRY_SCALE)."""
    if failed_attempt > len(RETRY_DELAYS):
        return None
    # Spread, not secrecy: a pseudo-random number will do.
    jitter = random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311  # nosec B311
    return RETRY_DELAYS[failed_attempt - 1] * scale * jitter
