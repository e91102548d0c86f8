"""Private PostgreSQL servers from the system's binaries (Debian: /usr/lib/postgresql/<v>/bin),
on loopback ports: a primary, and streaming standbys made with `pg_basebackup -R`."""

import glob
import shutil
import subprocess
from pathlib import Path

from tests.support.external import program, run_as, shared_dir
from tests.support.live import free_port


def _bin(name: str) -> str:
    return program(name, *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))


class Cluster:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port

    @classmethod
    def primary(cls) -> "Cluster":
        cluster = cls(shared_dir("chat-api-primary-") / "data", free_port())
        _run(
            _bin("initdb"),
            "-D",
            str(cluster.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        cluster.configure("listen_addresses = '127.0.0.1'", "wal_level = replica")
        cluster.start()
        return cluster

    def standby(self) -> "Cluster":
        """A streaming replica of this server (hot standby, read-only)."""
        standby = Cluster(shared_dir("chat-api-standby-") / "data", free_port())
        _run(
            _bin("pg_basebackup"),
            "-D",
            str(standby.data_dir),
            "-R",
            "--checkpoint=fast",  # else it waits for the next scheduled checkpoint
            "-X",
            "stream",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
        )
        standby.start()
        return standby

    def configure(self, *lines: str) -> None:
        with (self.data_dir / "postgresql.auto.conf").open("a") as conf:
            conf.write("".join(f"{line}\n" for line in lines))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        log = self.data_dir.parent / "server.log"
        _run(
            _bin("pg_ctl"),
            "-D",
            str(self.data_dir),
            "-w",
            "-l",
            str(log),
            "-o",
            f"-p {self.port} -k ''",
            "start",
        )

    def stop(self) -> None:
        _run(_bin("pg_ctl"), "-D", str(self.data_dir), "-w", "-m", "fast", "stop")

    def reload(self) -> None:
        _run(_bin("pg_ctl"), "-D", str(self.data_dir), "reload")

    def destroy(self) -> None:
        subprocess.run(
            [_bin("pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"],
            user=run_as(),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _run(*command: str) -> None:
    result = subprocess.run(command, user=run_as(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout}\n{result.stderr}"
