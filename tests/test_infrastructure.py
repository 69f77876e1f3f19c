"""The deployment pieces: compose file, deploy checks, health check, error pages."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]


def test_docker_compose_file_is_valid(tmp_path):
    assert shutil.which("docker-compose"), "Debian's docker-compose is installed by `make system-deps`"
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text("SECRET_KEY=x\n")
    proc = subprocess.run(["docker-compose", "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for service in ("postgres:", "redis:", "web:", "worker:", "beat:"):
        assert service in proc.stdout
    assert "healthcheck" in proc.stdout and "celery" in proc.stdout and "gunicorn" in proc.stdout


def test_production_settings_pass_check_deploy():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_TESTING", "DJANGO_DEBUG")}
    env.update(DJANGO_DEBUG="0", SECRET_KEY="k" * 60 + "-Zz9", ALLOWED_HOSTS="example.vn")
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_TESTING", "DJANGO_DEBUG", "SECRET_KEY")}
    env.update(DJANGO_DEBUG="0")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings'); django.setup()",
        ],
        cwd="/",
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "SECRET_KEY is required" in proc.stderr


@pytest.mark.django_db
def test_healthz(client):
    resp = client.get(reverse("healthz"))
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok"}


@pytest.mark.django_db
def test_404_page_is_vietnamese(client, settings):
    settings.DEBUG = False
    resp = client.get("/khong-co-trang-nay/")
    assert resp.status_code == 404
    assert "Không tìm thấy trang" in resp.content.decode()


@pytest.mark.django_db
def test_login_page_is_vietnamese_and_has_csp(client):
    resp = client.get(reverse("accounts:login"))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Đăng nhập" in body and 'lang="vi"' in body
    csp = resp["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_static_assets_are_vendored():
    for rel in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/htmx/htmx.min.js",
    ):
        assert (ROOT / "static" / rel).stat().st_size > 10_000
    base = (ROOT / "templates" / "base.html").read_text()
    assert "http://" not in base and "https://" not in base, "no CDN"
    assert "<script>" not in base and "style=" not in base, "no inline script or style (CSP)"
