"""Where a report job's file lives: MEDIA_ROOT/reports/<organization>/<job>/ (docs/signing.md).

A low module on purpose: the producer (reports/services.py), the signer (reports/signing/service.py),
the download views and the command line all find a job's file here, so none of them imports another
to do so.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from .models import ReportJob


def job_dir(job: ReportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "reports" / str(job.organization_id) / str(job.pk)


def file_of(job: ReportJob) -> Path | None:
    """The job's file when it is done and really there, inside MEDIA_ROOT/reports/."""
    if job.status != ReportJob.Status.DONE or not job.file_path:
        return None
    root = (Path(settings.MEDIA_ROOT) / "reports").resolve()
    path = (Path(settings.MEDIA_ROOT) / job.file_path).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path
