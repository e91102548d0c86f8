"""A real PgBouncer (Debian's 1.18 in CI) in front of the test PostgreSQL, in session or
transaction mode, with a deliberately small server pool so that clients share connections."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

from yarl import URL

from tests.support.external import program, run_as, shared_dir
from tests.support.live import free_port


class PgBouncer:
    def __init__(self, server_url: str, pool_mode: str) -> None:
        self.pool_mode = pool_mode
        self.port = free_port()
        self._dir = shared_dir("chat-api-pgbouncer-")
        server = URL(server_url)
        self._user = server.user or "postgres"
        host = server.query.get("host") or server.host or "127.0.0.1"
        config = self._dir / "pgbouncer.ini"
        (self._dir / "users.txt").write_text(f'"{self._user}" ""\n')
        config.write_text(
            "[databases]\n"
            f"* = host={host} port={server.port or 5432}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {self._dir / 'users.txt'}\n"
            f"pool_mode = {pool_mode}\n"
            "max_client_conn = 500\n"
            # Transaction mode: fewer server connections than the app's pool, so they are
            # shared. Session mode pins one per client connection: room for every process's
            # pool and listener, as docs/deployment.md asks of a deployment.
            f"default_pool_size = {3 if pool_mode == 'transaction' else 40}\n"
            # Transactions go to the server connections in turn, not to the last one used: a
            # statement that must not outlive its transaction lands on another one at once,
            # however slowly the clients run (on a busy machine LIFO reuse hid it) ...
            "server_round_robin = 1\n"
            # ... of which there are always several: on a busy machine the clients alone
            # would never need a second one.
            f"min_pool_size = {3 if pool_mode == 'transaction' else 0}\n"
            # Debian's defaults otherwise; no ignore_startup_parameters: nothing is hidden.
        )
        for path in self._dir.iterdir():
            path.chmod(0o644)
        user = run_as()
        command = [program("pgbouncer", "/usr/sbin"), *(["-u", user] if user else []), str(config)]
        self.log = self._dir / "pgbouncer.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self._wait_listening()

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"pgbouncer did not listen:\n{self.log.read_text()}")

    def url(self, database: str) -> str:
        return f"postgresql://{self._user}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self._dir, ignore_errors=True)


def database_name(url: str) -> str:
    return Path(URL(url).path).name
