"""A private PostgreSQL the tests may stop and start (the shared server is never touched).
It comes from the pgserver wheel (the dev extra, Python 3.11 and 3.12)."""

from pathlib import Path

from yarl import URL

from service.db.localdb import pg_ctl, start_local_server


class PrivatePostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        # Stopped by its fixture, not by pgserver's exit hook (which would find it stopped).
        self.url = start_local_server(data_dir, keep_running=True)
        self._socket_dir = URL(self.url).query["host"]

    def stop(self) -> None:
        """Fast shutdown: open connections are terminated, new ones refused."""
        pg_ctl(self.data_dir, "-m", "fast", "stop")

    def start(self) -> None:
        log = self.data_dir / "restart.log"
        pg_ctl(self.data_dir, "-o", f"-h '' -k {self._socket_dir}", "-l", str(log), "start")
