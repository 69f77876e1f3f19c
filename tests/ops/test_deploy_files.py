"""The compose file and the Dockerfile agree with the operations code (docs/operations.md)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_pg_dump_in_the_image_matches_the_postgres_service():
    image = compose()["services"]["postgres"]["image"]
    major = re.search(r"postgres:(\d+)", image).group(1)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"ARG PG_MAJOR={major}" in dockerfile and "postgresql-client-${PG_MAJOR}" in dockerfile


def test_web_is_healthy_when_ready_and_backups_have_a_volume():
    c = compose()
    web = c["services"]["web"]
    assert "/readyz" in " ".join(web["healthcheck"]["test"])
    assert "--config python:config.gunicorn_conf" in web["command"]
    assert "backups" in c["volumes"]
    for name in ("web", "worker", "beat"):
        assert "backups:/app/backups" in c["services"][name]["volumes"]
