"""What can be checked of the container set-up without a Docker engine: the compose files
parse and wire the services in the right order, and the image installs as docs/deployment.md
says."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.paths import ROOT

# Runs docker-compose and hadolint on the deployment files.
pytestmark = pytest.mark.component

COMPOSE_ENV = {**os.environ, "POSTGRES_PASSWORD": "test-only"}


def docker_compose() -> str:
    compose = shutil.which("docker-compose")
    if compose is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install docker-compose (.ci/run does)")
        pytest.skip("docker-compose is not installed on this machine (CI installs it)")
    return compose


def load(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / name).read_text()))


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.prod.yml"])
def test_compose_files_pass_docker_compose_config(name: str) -> None:
    compose = docker_compose()
    result = subprocess.run(
        [compose, "-f", ROOT / name, "config", "-q"], env=COMPOSE_ENV, capture_output=True
    )
    assert result.returncode == 0, result.stderr.decode()


def test_prod_compose_refuses_to_start_without_a_database_password() -> None:
    compose = docker_compose()
    env = {key: value for key, value in os.environ.items() if key != "POSTGRES_PASSWORD"}
    result = subprocess.run(
        [compose, "-f", ROOT / "docker-compose.prod.yml", "config", "-q"],
        env=env,
        capture_output=True,
    )
    assert result.returncode != 0
    assert b"POSTGRES_PASSWORD" in result.stderr


def test_dev_compose_migrates_with_yoyo_before_the_api_starts() -> None:
    services = load("docker-compose.yml")["services"]
    assert set(services) == {"postgres", "migrate", "api"}
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:15")
    assert "healthcheck" in postgres
    assert any(volume.startswith("postgres_data:") for volume in postgres["volumes"])
    assert "postgres_data" in load("docker-compose.yml")["volumes"]

    migrate = services["migrate"]
    assert migrate["command"][:3] == ["yoyo", "apply", "--batch"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"

    api = services["api"]
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert any(str(port).endswith(":8000") for port in api["ports"])


def test_prod_compose_runs_replicas_behind_nginx_with_a_private_database() -> None:
    services = load("docker-compose.prod.yml")["services"]
    assert "ports" not in services["postgres"], "the database is not published"
    api = services["api"]
    assert "ports" not in api
    assert api["environment"]["LOG_FORMAT"] == "json"
    assert "api_key" in api["environment"]["AUTH_MODE"]
    assert api["environment"]["RATE_LIMIT_STORAGE"] == "redis://redis:6379"
    assert "redis" in services
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    replicas = re.search(r"(\d+)", str(api["deploy"]["replicas"]))
    assert replicas is not None
    assert int(replicas.group(1)) >= 2
    nginx = services["nginx"]
    assert "api" in nginx["depends_on"]
    assert any("nginx.conf" in volume for volume in nginx["volumes"])

    config = (ROOT / "nginx.conf").read_text()
    assert re.search(r"upstream chat_api \{\s*server api:8000;", config)
    assert "proxy_pass http://chat_api;" in config
    assert "escape=json" in config
    assert "limit_req zone=per_address" in config
    assert "$request_uri" not in config, "the query (and any access_token) stays out of the log"


def test_dockerfile_is_multistage_slim_non_root_with_healthcheck() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert len(bases) == 2
    assert all(base.endswith("-slim") for base in bases)
    final_stage = dockerfile.split("\nFROM ")[-1]
    assert re.search(r"^USER (?!root)\w+", final_stage, re.MULTILINE)
    assert "HEALTHCHECK" in final_stage
    assert "/health" in final_stage
    assert re.search(r'^CMD \["chat-api", "serve"', final_stage, re.MULTILINE)
    assert "gcc" not in final_stage
    assert "build-essential" not in final_stage


def test_dockerfile_installs_the_project_as_the_docs_say() -> None:
    [install] = re.findall(
        r"^RUN (pip install .+)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE
    )
    assert install in (ROOT / "docs" / "deployment.md").read_text()


def test_dockerfile_passes_hadolint() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run([hadolint, "--no-color", ROOT / "Dockerfile"], capture_output=True)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
