"""Server-rendered SVG charts: printable, no JavaScript, no CDN.

The CSP forbids inline styles, so everything is drawn with SVG presentation attributes
(fill, stroke, font-size …), which are attributes, not CSS.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.vietnamese import format_days

BLUE = "#0d6efd"
GREY = "#6c757d"
GREEN = "#198754"
GRID = "#dee2e6"


@dataclass
class Line:
    label: str
    values: list  # Decimal | None per x point (None: no value yet)
    color: str = BLUE
    dashed: bool = False


def _nice_max(value: Decimal) -> Decimal:
    """A round upper bound for the y axis (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^n): the target
    line ends near the top instead of half-way up."""
    value = max(Decimal(value), Decimal(1))
    step = Decimal(1)
    while True:
        for m in ("1", "1.5", "2", "2.5", "3", "4", "5", "6", "8"):
            if Decimal(m) * step >= value:
                return Decimal(m) * step
        step *= 10


def line_chart(
    *, x_labels: list[str], lines: list[Line], title: str, unit: str = "ngày", width: int = 720, height: int = 300
) -> SafeString:
    """A line chart of cumulative values; x_labels are the points (months)."""
    left, right, top, bottom = 48, 16, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    all_values = [v for ln in lines for v in ln.values if v is not None]
    y_max = _nice_max(max(all_values, default=Decimal(1)))
    n = max(len(x_labels), 2)

    def x(i: int) -> float:
        return left + plot_w * i / (n - 1)

    def y(v) -> float:
        return top + plot_h - float(Decimal(v) / y_max) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="w-100" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):  # horizontal grid and y labels
        v = y_max * k / 4
        yy = y(v)
        parts.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" font-size="13" fill="{GREY}">{escape(format_days(v.normalize()))}</text>'
        )
    for i, label in enumerate(x_labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="13" fill="{GREY}">{escape(label)}</text>'
        )
    for ln in lines:
        pts = [(x(i), y(v)) for i, v in enumerate(ln.values) if v is not None]
        if not pts:
            continue
        dash = ' stroke-dasharray="6 4"' if ln.dashed else ""
        coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{ln.color}" stroke-width="2.5"{dash}/>')
        if not ln.dashed:
            for (px, py), v in zip(pts, [v for v in ln.values if v is not None], strict=True):
                parts.append(
                    f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{ln.color}"><title>{escape(format_days(v))} {escape(unit)}</title></circle>'
                )
            last_x, last_y = pts[-1]
            last_v = [v for v in ln.values if v is not None][-1]
            parts.append(
                f'<text x="{last_x:.1f}" y="{last_y - 8:.1f}" text-anchor="middle" font-size="14" font-weight="bold" fill="{ln.color}">{escape(format_days(last_v))}</text>'
            )
    ly = height - 18
    lx = left
    for ln in lines:  # legend
        dash = ' stroke-dasharray="6 4"' if ln.dashed else ""
        parts.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{ln.color}" stroke-width="2.5"{dash}/>'
        )
        parts.append(f'<text x="{lx + 30}" y="{ly + 4}" font-size="14" fill="#212529">{escape(ln.label)}</text>')
        lx += 40 + 8 * len(ln.label)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def bar_chart(
    *, items: list[tuple[str, int]], title: str, color: str = BLUE, width: int = 720, bar_h: int = 22
) -> SafeString:
    """Horizontal bars: (label, count)."""
    left, right, gap = 230, 40, 8  # room for ~26 characters of a department name at 14 px
    height = max(1, len(items)) * (bar_h + gap) + gap
    top_value = max([Decimal(c) for _l, c in items] + [Decimal(1)])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="w-100" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, count) in enumerate(items):
        yy = gap + i * (bar_h + gap)
        w = float((width - left - right) * Decimal(count) / top_value)
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{yy + bar_h * 0.7:.1f}" text-anchor="end" font-size="14" fill="#212529">{escape(short)}<title>{escape(label)}</title></text>'
        )
        parts.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar_h}" fill="{color}" rx="2"/>')
        parts.append(
            f'<text x="{left + w + 4:.1f}" y="{yy + bar_h * 0.7:.1f}" font-size="14" fill="#212529">{escape(format_days(count))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308
