"""A private Redis (the real redis-server) on a free port, which a test may stop and start
again on the same port, as a restart in production would."""

import subprocess
import time
from pathlib import Path

from tests.support.external import program
from tests.support.live import free_port, stop


class RedisServer:
    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [program("redis-server"), "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while self.cli("ping") != "PONG":
            assert self.process.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def restart(self) -> None:
        """Killed (its subscribers and everything in flight are gone), then started again."""
        self.stop()
        self.start()

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [program("redis-cli"), "-p", str(self.port), *args],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip()
