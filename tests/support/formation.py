"""A real pg_auto_failover formation on loopback ports (Debian: postgresql-15-auto-failover,
pg-auto-failover-cli): a monitor and two PostgreSQL nodes with synchronous replication (the
default), each run by its own `pg_autoctl`, with the monitor's health checks shortened so that a
failover takes seconds rather than the default 20-50 s; and a watch for a node's promotion."""

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from tests.support.autoctl import (
    DATABASE,
    MONITOR_SETTINGS,
    NODE_SETTINGS,
    Node,
    bin_path,
    kill_pid,
)
from tests.support.external import program, run_as, shared_dir


class Formation:
    """`start()` brings up the monitor, then node1 (the first primary), then node2."""

    def __init__(self) -> None:
        self.root = shared_dir("chat-api-formation-")
        self.monitor = Node(self.root, "monitor")
        self.nodes = [Node(self.root, "node1"), Node(self.root, "node2")]
        self._autoctl = program("pg_autoctl", "/usr/bin")
        for folder in ("config", "share", "run"):
            (self.root / folder).mkdir()
        self._env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "XDG_DATA_HOME": str(self.root / "share"),
            "XDG_RUNTIME_DIR": str(self.root / "run"),
            "PG_AUTOCTL_DEBUG": "",
        }
        self._chown(self.root)

    def _chown(self, path: Path) -> None:
        user = run_as()
        if user is not None:
            subprocess.run(["chown", "-R", user, str(path)], check=True)

    @property
    def monitor_url(self) -> str:
        return f"postgresql://autoctl_node@127.0.0.1:{self.monitor.port}/pg_auto_failover"

    def autoctl(self, *args: str, timeout: float = 120) -> str:
        result = subprocess.run(
            [self._autoctl, *args],
            user=run_as(),
            env=self._env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"pg_autoctl {args[:2]} failed:\n{result.stderr[-3000:]}"
        return result.stdout

    def _run(self, node: Node) -> None:
        with (self.root / f"{node.name}.log").open("ab") as log:
            node.process = subprocess.Popen(
                [self._autoctl, "run", "--pgdata", str(node.pgdata)],
                user=run_as(),
                env=self._env,
                stdout=log,
                stderr=log,  # the child keeps its own copy of the descriptor
                start_new_session=True,  # its own process group: killed as one machine
            )

    def _common(self, node: Node) -> list[str]:
        return [
            "--pgdata",
            str(node.pgdata),
            "--pgport",
            str(node.port),
            "--pgctl",
            bin_path("pg_ctl"),
            "--hostname",
            "127.0.0.1",
            "--listen",
            "127.0.0.1",
            "--auth",
            "trust",
            "--no-ssl",
        ]

    def start(self) -> None:
        self.autoctl("create", "monitor", *self._common(self.monitor))
        self._run(self.monitor)
        self._wait(lambda: self._monitor_answers(), "the monitor to answer")
        for name, value in MONITOR_SETTINGS.items():
            self._monitor_sql(f"ALTER SYSTEM SET {name} = '{value}'")
        self._monitor_sql("SELECT pg_reload_conf()")
        for number, node in enumerate(self.nodes):
            self.autoctl(
                "create",
                "postgres",
                *self._common(node),
                "--monitor",
                self.monitor_url,
                "--dbname",
                DATABASE,
                "--name",
                node.name,
            )
            with (node.pgdata / "postgresql.auto.conf").open("a") as conf:
                conf.writelines(f"{name} = '{value}'\n" for name, value in NODE_SETTINGS.items())
            self._run(node)
            if number == 0:
                self.wait_for_state(node, "single")  # a primary once it has a standby
        self.wait_for_state(self.nodes[0], "primary")
        self.wait_for_state(self.nodes[1], "secondary")

    def _monitor_sql(self, sql: str) -> str:
        result = subprocess.run(
            [
                bin_path("psql"),
                *("-h", "127.0.0.1", "-p", str(self.monitor.port), "-U", "postgres"),
                *("-d", "pg_auto_failover", "-Atc", sql),
            ],
            user=run_as(),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def _monitor_answers(self) -> bool:
        try:
            self._monitor_sql("SELECT 1")
        except AssertionError:
            return False
        return True

    def uri(self) -> str:
        """The formation's multi-host URL (with the user it lacks: libpq would use the OS's)."""
        uri = self.autoctl(
            "show", "uri", "--formation", "default", "--monitor", self.monitor_url
        ).strip()
        return uri.replace("postgres://", "postgresql://postgres@", 1)

    def states(self) -> dict[str, tuple[str, str]]:
        """Each node's (reported state, goal state), as the monitor sees them."""
        rows: list[dict[str, Any]] = json.loads(
            self.autoctl("show", "state", "--json", "--monitor", self.monitor_url)
        )
        return {
            row["nodename"]: (row["current_group_state"], row["assigned_group_state"])
            for row in rows
        }

    def primary(self) -> Node:
        states = self.states()
        return next(node for node in self.nodes if states[node.name][0] == "primary")

    def wait_for_state(self, node: Node, state: str, timeout: float = 90) -> None:
        def reached() -> bool:
            try:
                return self.states().get(node.name) == (state, state)
            except AssertionError:
                return False

        self._wait(reached, f"{node.name} to be {state}", timeout)

    def _wait(self, done: Any, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, f"waited {timeout} s for {what}:\n{self.logs()}"
            time.sleep(0.2)

    def kill(self, node: Node) -> None:
        """The machine dies: its pg_autoctl and its PostgreSQL, at once, without a goodbye.
        (Killing PostgreSQL alone is not a failover: pg_autoctl restarts it within a second.)"""
        assert node.process is not None
        postmaster = node.postmaster_pid()
        os.killpg(node.process.pid, signal.SIGKILL)
        if postmaster is not None:
            kill_pid(postmaster)
        node.process.wait()

    def kill_postgres(self, node: Node) -> None:
        """PostgreSQL alone dies (SIGKILL of the postmaster); its pg_autoctl restarts it."""
        postmaster = node.postmaster_pid()
        assert postmaster is not None, f"{node.name} runs no PostgreSQL"
        kill_pid(postmaster)

    def restart(self, node: Node) -> None:
        """The machine comes back: pg_autoctl starts PostgreSQL and rejoins the formation."""
        self._run(node)

    def switchover(self) -> None:
        self.autoctl("perform", "switchover", "--monitor", self.monitor_url, timeout=120)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}"
            for log in sorted(self.root.glob("*.log"))
        )

    def destroy(self) -> None:
        for node in [*self.nodes, self.monitor]:
            if node.process is not None and node.process.poll() is None:
                os.killpg(node.process.pid, signal.SIGKILL)
                node.process.wait()
            postmaster = node.postmaster_pid()
            if postmaster is not None:
                kill_pid(postmaster)
        subprocess.run(["rm", "-rf", str(self.root)], check=False)


class PromotionWatch:
    """Polls the monitor (on a thread: pg_autoctl is a subprocess) for when `node` becomes the
    primary that takes writes (wait_primary: its standby is gone; primary: it has one)."""

    def __init__(self, formation: Formation, node: Node) -> None:
        self.promoted_at: float | None = None
        self._formation, self._node = formation, node
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                state = self._formation.states()[self._node.name][0]
            except AssertionError:
                state = ""
            if state in ("wait_primary", "primary"):
                self.promoted_at = time.monotonic()
                return
            time.sleep(0.1)

    def join(self) -> float:
        self._thread.join()
        assert self.promoted_at is not None, self._formation.logs()
        return self.promoted_at
