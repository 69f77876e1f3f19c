"""The dispatcher (docs/domain.md §8, §10): a report kind → the builder that gathers its document.

Only this module imports every builder; the builders import the shared pieces
(reports/document_parts.py, reports/params.py), never this module. reports/services.py calls
gather inside the Celery task; the document is then written by reports/xlsx/ or reports/pdf/.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .compliance import compliance
from .mau_forms import mau1, mau2, mau3
from .params import Params
from .rollup_document import rollup_document
from .yearend import year_end, year_sheet

BUILDERS = {
    "mau1": mau1,
    "mau2": mau2,
    "mau3": mau3,
    "compliance": compliance,
    "yearend": year_end,
    "yearsheet": year_sheet,
    "rollup": rollup_document,
}


def gather(kind: str, p: Params, today: date | None = None):
    """The document of `kind` for the job's parameters, dated `today` (the local date by default)."""
    today = today or timezone.localdate()
    return BUILDERS[kind](p, today)
