"""Real third-party programs the topology tests start (pgbouncer, nginx, PostgreSQL's own
binaries): where to find them, and an unprivileged user to run them as when tests run as root."""

import os
import pwd
import shutil
import stat
import tempfile
from pathlib import Path

import pytest


def program(name: str, *search: str) -> str:
    """The program's path; CI must have it (.ci/run installs it), elsewhere the test skips."""
    found = shutil.which(name) or next(
        (str(Path(d) / name) for d in search if (Path(d) / name).exists()), None
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {name} (.ci/run does)")
        pytest.skip(f"{name} is not installed on this machine (CI installs it)")
    return found


def run_as() -> str | None:
    """Servers refuse to run as root: an unprivileged user to run them as, None when not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise AssertionError("running as root without a 'postgres' or 'nobody' user")


def shared_dir(prefix: str) -> Path:
    """A temporary folder the unprivileged user can use too (pytest's tmp_path is root-only)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(
        path.stat().st_mode
        | stat.S_IRWXU
        | stat.S_IRGRP
        | stat.S_IXGRP
        | stat.S_IROTH
        | stat.S_IXOTH
    )
    user = run_as()
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path
