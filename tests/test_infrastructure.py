"""The deployment pieces: compose file, deploy checks, health check, error pages."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.deploy
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
def test_healthz_answers_the_compose_health_check_behind_the_proxy_settings(client, settings):
    """The compose health check calls http://127.0.0.1:8000/healthz inside the container: no
    public host name, no X-Forwarded-Proto. Other paths keep the host check and HTTPS redirect."""
    settings.ALLOWED_HOSTS = ["fieldwork.example.vn"]
    settings.SECURE_SSL_REDIRECT = True
    resp = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert resp.status_code == 200 and resp.json() == {"status": "ok"}
    assert client.get("/tai-khoan/dang-nhap/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    resp = client.get("/healthz/x", HTTP_HOST="fieldwork.example.vn")
    assert resp.status_code == 301 and resp["Location"].startswith("https://fieldwork.example.vn/")


def test_production_keeps_database_connections_with_health_checks():
    assert production_setting("settings.DATABASES['default']['CONN_MAX_AGE']") == "60"
    assert production_setting("settings.DATABASES['default']['CONN_HEALTH_CHECKS']") == "True"


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


PRODUCTION_STATIC_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def production_setting(expression: str) -> str:
    """The value of a settings expression as production (DJANGO_DEBUG=0, no test flag) computes it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_TESTING", "DJANGO_DEBUG")}
    env.update(DJANGO_DEBUG="0", SECRET_KEY="k" * 60 + "-Zz9", ALLOWED_HOSTS="example.vn")
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup(); "
        f"from django.conf import settings; print({expression})"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_production_serves_static_files_hashed_and_compressed():
    assert production_setting("settings.STORAGES['staticfiles']['BACKEND']") == PRODUCTION_STATIC_STORAGE
    assert production_setting("settings.WHITENOISE_USE_FINDERS") == "False"


def test_collectstatic_with_the_production_storage(tmp_path, settings):
    """The Dockerfile's `collectstatic` (DJANGO_DEBUG=0): every file a stylesheet or script points
    to must exist — the vendored Bootstrap once pointed to .map files that are not shipped, and
    the manifest storage stopped the build. Compression is limited to CSS to keep this quick;
    the smoke test (make smoke) runs the full command."""
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    extensions = set()
    for finder in get_finders():
        for path, _storage in finder.list([]):
            extensions.add(Path(path).suffix.lstrip(".") or Path(path).name)
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STATIC_STORAGE}}
    settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS = sorted(extensions - {"css"})
    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["vendor/bootstrap/bootstrap.min.css"]
    assert hashed != "vendor/bootstrap/bootstrap.min.css" and hashed.endswith(".css")
    assert (tmp_path / "static" / hashed).read_bytes() == (
        ROOT / "static/vendor/bootstrap/bootstrap.min.css"
    ).read_bytes()
    assert (tmp_path / "static" / (hashed + ".gz")).exists()
    # bootstrap-icons' fonts are rewritten to their hashed names inside the stylesheet.
    icons = (tmp_path / "static" / manifest["vendor/bootstrap-icons/bootstrap-icons.min.css"]).read_text()
    font = manifest["vendor/bootstrap-icons/fonts/bootstrap-icons.woff2"]
    assert Path(font).name in icons


def test_vendored_files_point_to_no_missing_source_map():
    for path in (ROOT / "static").rglob("*"):
        if path.suffix in (".css", ".js"):
            for line in path.read_text(errors="replace").splitlines():
                if "sourceMappingURL=" in line:
                    target = line.split("sourceMappingURL=")[1].split()[0].rstrip("*/")
                    assert (path.parent / target).exists(), f"{path} points to a missing {target}"
