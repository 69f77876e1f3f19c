"""PDF builders: WeasyPrint from templates/reports/pdf/, with a lean print stylesheet of its
own (no Bootstrap) and the bundled Liberation Serif (metric-compatible with Times New Roman,
Vietnamese glyphs) loaded by file:// URL, so the PDF never depends on the system's fonts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string

FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "Liberation Serif"  # @font-face below maps it to the bundled files
FACES = [
    ("Regular", "normal", "normal"),
    ("Bold", "bold", "normal"),
    ("Italic", "normal", "italic"),
    ("BoldItalic", "bold", "italic"),
]


def allowed_dirs() -> tuple[Path, ...]:
    """The only folders a PDF may read from: the bundled fonts and the project's own images."""
    return (FONTS_DIR.resolve(), (Path(settings.BASE_DIR) / "static" / "img").resolve())


def project_files_only():
    """A WeasyPrint url_fetcher that fetches nothing but the project's own fonts and images
    (and inline data: URIs): never the network, never another file of the server (docs/security.md “Login and requests”)."""
    from weasyprint.urls import URLFetcher

    class ProjectFilesOnly(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if path.is_file() and any(path.is_relative_to(d) for d in allowed_dirs()):
                    return super().fetch(url, headers)
            raise ValueError(f"refused by the report's url_fetcher: {url[:100]}")

    return ProjectFilesOnly()


def font_faces() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; src: url("{(FONTS_DIR / f"LiberationSerif-{name}.ttf").as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in FACES
    )


def form_context(doc) -> dict:
    """Column widths in percent, cells with their alignment class, the "Tổng" row's spans. The
    workbook-only columns (the immersion mark import_trips reads) are left out: on paper every
    immersion line already says so in its content cell."""
    shown = [i for i, c in enumerate(doc.columns) if not c.xlsx_only]
    columns = [doc.columns[i] for i in shown]
    total_width = sum(c.width for c in columns) or 1
    widths = [f"{100 * c.width / total_width:.2f}" for c in columns]  # no localized comma in CSS
    classes = ["" if c.align == "left" else c.align for c in columns]

    def cells(row):
        return list(zip([row[i] for i in shown], classes, strict=True))

    parts = [{"heading": s.heading, "rows": [cells(r) for r in s.rows], "empty": s.empty_text} for s in doc.parts()]
    numbering = [doc.numbering[i] for i in shown if i < len(doc.numbering)] if doc.numbering else []
    total = None
    if doc.total_column is not None:
        before = sum(1 for i in shown if i < doc.total_column)
        total = {"before": before, "after": len(columns) - before - 1}
    return {"doc": doc, "columns": columns, "widths": widths, "parts": parts, "numbering": numbering, "total": total}


def build_pdf(doc, path, progress=lambda pct: None) -> None:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from .chart import status_chart

    if doc.kind == "compliance":
        template, context = "reports/pdf/compliance.html", {"doc": doc, "chart": status_chart(doc)}
    elif doc.kind == "yearend":
        from reports.compliance import MET_DAYS
        from reports.yearend import NOT_MET_COLUMNS

        template = "reports/pdf/yearend.html"
        context = {"doc": doc, "met_days_label": MET_DAYS, "not_met_columns": NOT_MET_COLUMNS}
    elif doc.kind == "rollup":
        template, context = "reports/pdf/rollup.html", {"doc": doc}
    else:
        template, context = "reports/pdf/form.html", form_context(doc)
    html = render_to_string(template, context)
    progress(60)
    code = getattr(doc, "register_code", "")
    footer = {"landscape": doc.landscape, "family": FAMILY, "code": code}
    if code:  # docs/signing.md: the document's code and a QR code to the verification page on every page
        from reports.register import qr_data_uri, verify_url

        footer["qr"] = qr_data_uri(verify_url(code))
        footer["verify_url"] = verify_url()
    css_text = font_faces() + "\n" + render_to_string("reports/pdf/print.css", footer)
    font_config = FontConfiguration()
    fetcher = project_files_only()
    css = CSS(string=css_text, font_config=font_config, url_fetcher=fetcher)
    HTML(string=html, base_url=FONTS_DIR.as_uri(), url_fetcher=fetcher).write_pdf(
        path, stylesheets=[css], font_config=font_config
    )
    progress(95)
