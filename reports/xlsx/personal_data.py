"""“Dữ liệu của tôi” as XLSX (docs/privacy.md): reports.privacy.personal_data, one sheet per section,
a trip's attachments on their own sheet; every value through the one way a value reaches a cell."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from .common import plain_value

SECTIONS = [
    ("profile", _("Hồ sơ")),
    ("roles", _("Vai trò")),
    ("standings", _("Tình hình thực hiện")),
    ("trips", _("Đợt đi cơ sở")),
    ("attachments", _("Tệp đính kèm")),
    ("registrations", _("Đăng ký")),
    ("exemptions", _("Miễn thực hiện")),
    ("remarks", _("Nhận xét cuối năm")),
    ("history", _("Lịch sử")),
    ("notifications", _("Thông báo")),
    ("consents", _("Xác nhận, đồng ý")),
    ("correction_requests", _("Yêu cầu điều chỉnh")),
    ("viewed_by", _("Người đã xem dữ liệu")),
]


def sheet_rows(data: dict, key: str) -> list[dict]:
    """The section as rows of one level (a trip's attachments on their own sheet)."""
    if key == "profile":
        return [
            {"field": k, "value": v}
            for k, v in {**data["profile"], "group": (data["group"] or {}).get("code", "")}.items()
        ]
    if key == "attachments":
        return [{"trip_id": t["id"], **a} for t in data["trips"] for a in t["attachments"]]
    if key == "trips":
        return [
            {k: v for k, v in t.items() if k not in ("attachments", "change_requests")}
            | {"change_requests": len(t["change_requests"])}
            for t in data["trips"]
        ]
    return list(data.get(key) or [])


def build_workbook(data: dict, path) -> None:
    wb = Workbook(write_only=True)
    for key, title in SECTIONS:
        ws = wb.create_sheet(str(title)[:31])
        rows = sheet_rows(data, key)
        columns = list(rows[0]) if rows else ["—"]
        ws.append(columns)
        for row in rows:
            ws.append([plain_value(ws, _cell(row.get(c))) for c in columns])
    wb.save(path)


def _cell(value):
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, (dict, list)):
        return str(value)
    return value
