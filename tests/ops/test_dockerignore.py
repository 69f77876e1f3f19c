"""docs/security.md: `COPY . .` bakes nothing secret or private into the image. .dockerignore is read
with Docker's rules (patterns from the context's root, `**` for any folders, a folder's pattern
excludes what is in it, `!` includes again, the last matching line wins)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def rules():
    out = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        rx = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                rx += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                rx += ".*"
                i += 2
            elif pattern[i] == "*":
                rx += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                rx += "[^/]"
                i += 1
            else:
                rx += re.escape(pattern[i])
                i += 1
        out.append((re.compile(rx + "$"), keep))
    return out


def excluded(path: str) -> bool:
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    state = False
    for rx, keep in rules():
        if any(rx.match(c) for c in candidates):
            state = not keep
    return state


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.production",
        "config/.env",
        "media/trips/1/7/a1b2.jpg",
        "backups/fieldwork-2026-12-06.sql.gz",
        ".git/config",
        ".venv/bin/python",
        "db.sqlite3",
        "config/__pycache__/settings.cpython-311.pyc",
        "staticfiles/css/app.css",
    ],
)
def test_secrets_data_and_history_stay_out_of_the_image(path):
    assert excluded(path), path


@pytest.mark.parametrize(
    "path",
    [
        "manage.py",
        "requirements.txt",
        "config/settings.py",
        "static/css/app.css",
        "templates/base.html",
        "locale/vi/LC_MESSAGES/django.po",
        ".env.example",
        "fieldwork/uploads.py",
    ],
)
def test_what_the_image_needs_is_kept(path):
    assert not excluded(path), path
