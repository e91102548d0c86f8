"""pg_auto_failover's pieces for tests/support/formation.py: the shortened timeouts, the
PostgreSQL binaries the extension is installed for, and one node (the monitor is one too)."""

import contextlib
import glob
import os
import signal
import subprocess
from pathlib import Path

from tests.support.external import program
from tests.support.live import free_port

DATABASE = "chat"
# The monitor checks every node each second and calls one unhealthy after 3 s without an
# answer; a primary that cannot reach the monitor demotes itself after 2 s. (Defaults: 5 s,
# 20 s and 30 s.) These are what docs/deployment.md's "High availability" tunes.
MONITOR_SETTINGS = {
    "pgautofailover.health_check_period": "1000",
    "pgautofailover.health_check_timeout": "1000",
    "pgautofailover.health_check_max_retries": "1",
    "pgautofailover.health_check_retry_delay": "500",
    "pgautofailover.node_considered_unhealthy_timeout": "3000",
    "pgautofailover.primary_demote_timeout": "2000",
    "pgautofailover.startup_grace_period": "2000",
}
# The standby retries reading WAL every 0.5 s (default 5 s), which shortens the promotion.
NODE_SETTINGS = {"wal_retrieve_retry_interval": "500ms"}


def bin_path(name: str) -> str:
    """From the PostgreSQL version the pg_auto_failover extension is installed for (not a
    wrapper on PATH: pg_autoctl finds pg_controldata and friends beside pg_ctl)."""
    for control in sorted(glob.glob("/usr/share/postgresql/*/extension/pgautofailover.control")):
        path = Path("/usr/lib/postgresql") / Path(control).parts[-3] / "bin" / name
        if path.exists():
            return str(path)
    # Not installed: the test skips, or fails on CI (.ci/run installs it).
    return program("pgautofailover.control")


class Node:
    def __init__(self, root: Path, name: str) -> None:
        self.name, self.pgdata, self.port = name, root / name, free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.pgdata / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None


def kill_pid(pid: int) -> None:
    """SIGKILL to a postmaster (its backends exit when they see it gone)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
