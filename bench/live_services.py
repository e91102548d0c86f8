"""What the live phase (bench/live.py) starts: JWTs for any user, a private redis-server, the
live clients' process (bench/followers.py), and the service on either event bus."""

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jwt
import psutil
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from bench.config import Config
from bench.contest import SERVICE, command
from bench.harness import free_port, ready_module, server_env, serving
from bench.tools import require


class Tokens:
    """JWTs for any user (AUTH_MODE=jwt), signed by a key made for this run."""

    def __init__(self, folder: Path) -> None:
        self._key = ec.generate_private_key(ec.SECP256R1())
        self.public_key_file = folder / "jwt.pem"
        self.public_key_file.write_bytes(
            self._key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def __call__(self, user: str) -> str:
        claims = {"sub": user, "scope": "read write", "exp": int(time.time()) + 86_400}
        return jwt.encode(claims, self._key, algorithm="ES256")


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A private redis-server for EVENT_BUS=redis."""
    port = free_port()
    process = subprocess.Popen(
        [require("redis-server"), "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("bench: redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def followers(base: str, *args: str) -> contextlib.AbstractContextManager[subprocess.Popen[str]]:
    """bench/followers.py with these streams open, in a process of its own."""
    return ready_module(
        "bench.followers", base, *args, failure="the live clients did not all connect"
    )


@dataclass(frozen=True)
class Heard:
    """What the live clients heard: message frames, and how long after each message's
    creation (p50, p99)."""

    frames: int
    p50_ms: float
    p99_ms: float


def stop_and_hear(clients: subprocess.Popen[str]) -> Heard:
    """Stops bench/followers.py and reads what it heard."""
    clients.terminate()
    said, _ = clients.communicate(timeout=30)
    line = next(line for line in said.splitlines() if line.startswith("heard "))
    _, frames, p50, p99 = line.split()
    return Heard(int(frames), float(p50), float(p99))


class Services:
    """How the service is started here: on a bus, with or without JWTs."""

    def __init__(self, database_url: str, config: Config, redis_url: str, tokens: Tokens) -> None:
        self._database_url, self._config = database_url, config
        self._redis_url, self._tokens = redis_url, tokens

    def serve(
        self, port: int, bus: str, *, jwt_auth: bool
    ) -> contextlib.AbstractContextManager[psutil.Process]:
        env = {**server_env(self._database_url, port), "EVENT_BUS": bus}
        if bus == "redis":
            env["REDIS_URL"] = self._redis_url
        if jwt_auth:
            env |= {
                "AUTH_MODE": "jwt",
                "JWT_PUBLIC_KEY_FILE": str(self._tokens.public_key_file),
                "JWT_ALGORITHMS": "ES256",
            }
        return serving(command(SERVICE, self._config.workers, port), env, port)
