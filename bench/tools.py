"""The programs the benchmark drives beside wrk: finding them, and pgbench on the project's own
sql/ statements (the database ceiling)."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.config import Config
from bench.harness import Target
from service.db.files import sql_dir


def require(tool: str) -> str:
    """Finds a tool on PATH (or in the private PostgreSQL's binaries), installing wrk from
    Debian's packages when running as root; says which it uses."""
    found = shutil.which(tool)
    if found is None and tool == "pgbench":
        import pgserver  # the private server's wheel ships pgbench

        candidate = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pgbench"
        found = str(candidate) if candidate.exists() else None
    if found is None and tool == "wrk" and os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: wrk not found, installing it from Debian's packages", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit(f"bench: {tool} is required (Debian: apt-get install {tool})")
    print(f"bench: using {found}", flush=True)
    return found


def pgbench_script(target: Target, folder: Path) -> tuple[Path, list[str]]:
    """The statement from sql/ with $n turned into pgbench variables (None: NULL)."""
    sql = next(sql_dir().rglob(f"{target.query}.sql")).read_text()
    lines, defines = [], []
    for position, param in enumerate(target.pg_params, 1):
        if isinstance(param, str):
            defines += ["-D", f"p{position}={param}"]
        elif param is not None:
            lines.append(f"\\set p{position} random({param[0]}, {param[1]})")

    def variable(match: re.Match[str]) -> str:
        position = int(match[1])
        return "NULL" if target.pg_params[position - 1] is None else f":p{position}"

    body = re.sub(r"\$(\d+)", variable, sql)
    script = folder / f"{target.query}.pgbench"
    script.write_text("\n".join([*lines, body]) + "\n")
    return script, defines


def run_pgbench(pgbench: str, database_url: str, target: Target, config: Config) -> float:
    with tempfile.TemporaryDirectory() as folder:
        script, defines = pgbench_script(target, Path(folder))
        output = subprocess.run(
            [pgbench, "-n", "-M", "prepared", "-f", script, *defines,
             "-c", str(config.pgbench_clients), "-j", "2", "-T", str(config.duration),
             database_url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    tps = re.search(r"^tps = ([\d.]+)", output, re.MULTILINE)
    if tps is None:
        raise SystemExit(f"bench: cannot read pgbench output:\n{output}")
    return float(tps.group(1))
