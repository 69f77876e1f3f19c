"""A server-rendered SVG bar chart for the compliance PDF: one stacked bar per department,
cadres by status. Presentation attributes only (no CSS), the report's own font."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLORS = {"met": "#2e7d32", "on_track": "#1565c0", "at_risk": "#ef8f00", "not_met": "#c62828", "exempt": "#9e9e9e"}
ORDER = ("met", "on_track", "at_risk", "not_met", "exempt")


def status_chart(doc, width: int = 900, bar_h: int = 18, label_w: int = 260) -> SafeString:
    depts = doc.departments
    labels = {code: label for code, label, _ in doc.status_counts}
    top, gap, legend_h = 8, 8, 30
    height = top + len(depts) * (bar_h + gap) + legend_h + 10
    plot_w = width - label_w - 50
    most = max((d.total for d in depts), default=1) or 1
    font = 'font-family="Liberation Serif, serif"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" {font} font-size="13">',
        f"<title>{escape('Tình trạng thực hiện theo ban, văn phòng')}</title>",
    ]
    y = top
    for d in depts:
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end">{escape(d.name[:40])}</text>')
        x = label_w
        for code in ORDER:
            n = d.counts.get(code, 0)
            if not n:
                continue
            w = plot_w * n / most
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLORS[code]}"/>')
            if w >= 16:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + bar_h - 4}" text-anchor="middle" fill="#fff" font-size="11">{n}</text>'
                )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + bar_h - 4}" font-size="11">{d.total}</text>')
        y += bar_h + gap
    x = label_w
    y += 6
    for code in ORDER:
        label = escape(labels.get(code, code))
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{COLORS[code]}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 11}" font-size="12">{label}</text>')
        x += 24 + 7 * len(str(label))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
