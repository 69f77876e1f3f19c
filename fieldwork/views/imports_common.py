"""The upload → preview → confirm flow shared by the Board's imports (docs/domain.md §10): the
uploaded workbook waits under MEDIA_ROOT/imports/<org>/<kind>-<token>.xlsx, with a random
name, until the Board confirms (or for a day); it is never kept in the session."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from fieldwork.importers.base import ImportResult
from fieldwork.models import Plan

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
STALE_SECONDS = 24 * 3600


def import_dir(org) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / org.code


def _clean_stale(folder: Path, kind: str) -> None:
    cutoff = time.time() - STALE_SECONDS
    for old in folder.glob(f"{kind}-*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def store_upload(org, kind: str, upload) -> tuple[str, Path]:
    """Keep the upload for the confirm step (dropping this kind's files older than a day):
    its token and path."""
    folder = import_dir(org)
    folder.mkdir(parents=True, exist_ok=True)
    _clean_stale(folder, kind)
    token = secrets.token_hex(16)
    path = folder / f"{kind}-{token}.xlsx"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token, path


def stored_upload(org, kind: str, token: str) -> Path:
    """The file kept by store_upload for this organization; 404 for any other token."""
    if not TOKEN_RE.match(token or ""):
        raise Http404
    path = import_dir(org) / f"{kind}-{token}.xlsx"
    if not path.exists():
        raise Http404
    return path


def upload_preview(request, form, *, kind: str, read: Callable[[str, Plan], ImportResult], template: str):
    """A valid upload form: store the file, read it (writing nothing) and render the preview.
    The file is kept for the confirm step only when it has no error and something to write."""
    plan = form.cleaned_data["plan"]
    upload = form.cleaned_data["file"]
    token, path = store_upload(request.user.organization, kind, upload)
    result = read(str(path), plan)
    if result.errors or not result.has_changes:
        path.unlink(missing_ok=True)
        token = ""
    return render(request, template, {"result": result, "token": token, "plan": plan, "file_name": upload.name})
