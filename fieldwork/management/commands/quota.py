"""python manage.py quota --org CODE --year YYYY [--as-of YYYY-MM-DD] [--format json|table] (docs/domain.md §10).

Prints each cadre's standing, from the same selector and engine as every page
(fieldwork.selectors.standings): nothing here computes a figure.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Organization
from accounts.vietnamese import format_days
from fieldwork.models import Plan
from fieldwork.selectors import standings
from fieldwork.standing_terms import STATUS_SHORT_LABELS

# The public contract: exactly these keys, in this order.
KEYS = (
    "email",
    "name",
    "department",
    "group",
    "status",
    "required_days",
    "done_days",
    "planned_days",
    "immersion_required",
    "immersion_done",
    "exemption",
    "violations",
)


def json_days(value) -> int | float:
    """Days as a JSON number: 60, 35.5 (halves are exact in binary floating point)."""
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() else float(d)


def quota_rows(plan: Plan, as_of: date) -> list[dict]:
    out = []
    for row in standings(plan, as_of):
        p, s = row.person, row.standing
        out.append(
            {
                "email": p.email,
                "name": p.full_name,
                "department": p.department.name if p.department_id else None,
                "group": p.group_code,
                "status": s.status,
                "required_days": json_days(s.required_days),
                "done_days": json_days(s.done_days),
                "planned_days": json_days(s.planned_days),
                "immersion_required": s.immersion_required,
                "immersion_done": s.immersion_done,
                "exemption": s.exemption,
                "violations": list(s.violation_codes),
            }
        )
    return out


def json_lines(rows: list[dict]) -> str:
    """The JSON list, one object per line: json's C encoder does each row (indent=2 would use the
    pure-Python encoder, 0.3 s of the command at 10,000 cadres — bench/quota.py)."""
    if not rows:
        return "[]"
    return "[\n  " + ",\n  ".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]"


def _width(text: str) -> int:
    return len(text)  # NFC Vietnamese letters are one code point each


def render_table(rows: list[dict]) -> str:
    headers = [
        "Họ và tên",
        "Email",
        "Ban",
        "Đối tượng",
        "Tình trạng",
        "Số ngày phải đi",
        "Đã đi",
        "Đã đăng ký, chưa thực hiện xong",
        "Đợt cùng ăn, cùng ở, cùng làm",
        "Lý do miễn",
        "Vi phạm",
    ]
    body = [
        [
            r["name"],
            r["email"],
            r["department"] or "—",
            r["group"] or "—",
            str(STATUS_SHORT_LABELS.get(r["status"], r["status"])),
            format_days(r["required_days"]),
            format_days(r["done_days"]),
            format_days(r["planned_days"]),
            f"{r['immersion_done']}/{r['immersion_required']}",
            r["exemption"] or "",
            ", ".join(r["violations"]),
        ]
        for r in rows
    ]
    numeric = {5, 6, 7, 8}
    widths = [max([_width(h), *(_width(line[i]) for line in body)]) for i, h in enumerate(headers)]

    def fmt(cells):
        return "  ".join(
            (c.rjust(widths[i]) if i in numeric else c.ljust(widths[i])) for i, c in enumerate(cells)
        ).rstrip()

    lines = [fmt(headers), "  ".join("-" * w for w in widths)]
    lines += [fmt(line) for line in body]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "In tình hình thực hiện của từng cán bộ (số ngày đã đi, còn thiếu, vi phạm) theo kế hoạch năm."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="mã tổ chức, ví dụ tay-ninh")
        parser.add_argument("--year", type=int, required=True, help="năm của kế hoạch")
        parser.add_argument("--as-of", dest="as_of", help="tính đến ngày YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--format", dest="fmt", choices=("json", "table"), default="table")

    def handle(self, *args, **opts):
        org = Organization.objects.filter(code=opts["org"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã “{opts['org']}”.")
        plan = Plan.objects.filter(organization=org, year=opts["year"]).first()
        if plan is None:
            raise CommandError(f"{org.name} chưa có kế hoạch năm {opts['year']}.")
        if opts["as_of"]:
            try:
                as_of = date.fromisoformat(opts["as_of"])
            except ValueError as exc:
                raise CommandError(f"--as-of “{opts['as_of']}” không phải ngày dạng YYYY-MM-DD.") from exc
        else:
            as_of = timezone.localdate()
        rows = quota_rows(plan, as_of)
        if opts["fmt"] == "json":
            self.stdout.write(json_lines(rows))
        else:
            self.stdout.write(f"{plan} — {org.name} — tính đến ngày {as_of:%d/%m/%Y}")
            self.stdout.write(render_table(rows))
            self.stdout.write(f"Tổng: {len(rows)} cán bộ.")
