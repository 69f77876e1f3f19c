"""XLSX builders (openpyxl, write-only)."""

from __future__ import annotations


def build_xlsx(doc, path, progress=lambda pct: None) -> None:
    if doc.kind == "compliance":
        from .compliance import build_compliance

        return build_compliance(doc, path, progress)
    if doc.kind == "yearend":
        from .yearend import build_year_end

        return build_year_end(doc, path, progress)
    if doc.kind == "rollup":
        from .rollup import build_rollup

        return build_rollup(doc, path, progress)
    from .forms import build_form

    return build_form(doc, path, progress)
