"""A private PostgreSQL the tests may stop and start (the shared server is never touched).
It comes from the pgserver wheel (the dev extra, Python 3.11 and 3.12)."""

import os
import subprocess
from pathlib import Path

from yarl import URL

from service.localdb import start_local_server


class PrivatePostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        # Stopped by its fixture, not by pgserver's exit hook (which would find it stopped).
        self.url = start_local_server(data_dir, keep_running=True)
        self._socket_dir = URL(self.url).query["host"]

    def _pg_ctl(self, *args: str) -> None:
        import pgserver

        pg_ctl = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl"
        # pgserver runs the server as an unprivileged "pgserver" user when started by root.
        user = "pgserver" if os.geteuid() == 0 else None
        subprocess.run(
            [pg_ctl, "-D", self.data_dir, "-w", *args],
            check=True,
            user=user,
            stdout=subprocess.DEVNULL,  # pg_ctl start leaves postgres holding its output
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    def stop(self) -> None:
        """Fast shutdown: open connections are terminated, new ones refused."""
        self._pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        log = self.data_dir / "restart.log"
        self._pg_ctl("-o", f"-h '' -k {self._socket_dir}", "-l", str(log), "start")
