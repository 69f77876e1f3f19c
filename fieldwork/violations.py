"""The words of every violation code of the quota engine (docs/domain.md §7.9): the ONE place a
code becomes Vietnamese. The engine keeps its codes (they are data: the `quota` command's JSON,
the tests); nothing a person reads shows one — not the standings table, the dashboards, the
import preview, the quarterly XLSX nor its PDF.

`violation_message` is the sentence (forms, the person's page); `violation_label` the short words
for a table cell or a "Ghi chú" column.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fieldwork.quota.engine import VIOLATION_CODES

IMMERSION = "“cùng ăn, cùng ở, cùng làm”"

VIOLATION_MESSAGES = {
    "DAYS_EXCEED_SPAN": gettext_lazy(
        "Số ngày đi lớn hơn số ngày của khoảng thời gian (tính cả ngày đầu và ngày cuối). Hãy giảm số ngày hoặc kéo dài khoảng thời gian."
    ),
    "OVERLAP": gettext_lazy(
        "Trùng thời gian với đợt khác của bạn: tổng số ngày của các đợt trùng nhau vượt quá số ngày lịch. Một người không thể ở hai nơi cùng lúc."
    ),
    "OUTSIDE_PERIOD": gettext_lazy(
        "Đợt đi nằm ngoài (hoặc một phần ngoài) thời gian của kế hoạch năm nên không được tính."
    ),
    "NOT_COUNTED_CATEGORY": gettext_lazy(
        "Nội dung này (ví dụ dự hoạt động do được mời) không được tính vào số ngày đi cơ sở."
    ),
    "IMMERSION_TOO_SHORT": gettext_lazy(
        "Đợt “cùng ăn, cùng ở, cùng làm” ngắn hơn số ngày tối thiểu của đối tượng nên chưa được tính là một đợt."
    ),
    "IMMERSION_TOO_LONG": gettext_lazy(
        "Đợt “cùng ăn, cùng ở, cùng làm” dài hơn số ngày tối đa của đối tượng nên chưa được tính là một đợt."
    ),
    "IMMERSION_BACK_TO_BACK": gettext_lazy(
        "Hai đợt “cùng ăn, cùng ở, cùng làm” liên tiếp nhau (khoảng cách ngắn hơn quy định): đợt sau vẫn tính ngày nhưng không tính là một đợt."
    ),
    "OUTSIDE_FOCUS": gettext_lazy(
        "Nội dung này không thuộc nội dung trọng tâm của đối tượng bạn (chỉ là lưu ý, vẫn được tính)."
    ),
    "LATE_REPORT": gettext_lazy("Báo cáo kết quả quý (mẫu 3) được gửi sau hạn."),
}

VIOLATION_LABELS = {
    "DAYS_EXCEED_SPAN": gettext_lazy("số ngày vượt khoảng thời gian"),
    "OVERLAP": gettext_lazy("trùng thời gian"),
    "OUTSIDE_PERIOD": gettext_lazy("ngoài thời gian kế hoạch"),
    "NOT_COUNTED_CATEGORY": gettext_lazy("nội dung không tính ngày"),
    "IMMERSION_TOO_SHORT": gettext_lazy("đợt “cùng ăn, cùng ở, cùng làm” chưa đủ số ngày"),
    "IMMERSION_TOO_LONG": gettext_lazy("đợt “cùng ăn, cùng ở, cùng làm” quá số ngày"),
    "IMMERSION_BACK_TO_BACK": gettext_lazy("đợt “cùng ăn, cùng ở, cùng làm” liền kề đợt trước"),
    "OUTSIDE_FOCUS": gettext_lazy("ngoài nội dung trọng tâm"),
    "LATE_REPORT": gettext_lazy("báo cáo quý muộn"),
}

# Information, not faults (they cost no day): left out of a report's "Vi phạm" note.
NOT_FAULTS = frozenset({"NOT_COUNTED_CATEGORY", "OUTSIDE_FOCUS"})

assert set(VIOLATION_MESSAGES) == set(VIOLATION_CODES) == set(VIOLATION_LABELS)


def violation_message(code: str) -> str:
    """The sentence; an unknown code reads as a generic note, never as the code itself."""
    msg = VIOLATION_MESSAGES.get(code)
    return str(msg) if msg is not None else _("Đợt đi có điểm chưa đúng quy định.")


def violation_label(code: str) -> str:
    """The short words (a table cell, a "Ghi chú" column)."""
    label = VIOLATION_LABELS.get(code)
    return str(label) if label is not None else _("điểm chưa đúng quy định")


def violation_labels(codes, *, faults_only: bool = False) -> str:
    """Codes (an iterable, or "A, B" as stored) as short words joined by "; "."""
    if isinstance(codes, str):
        codes = [c.strip() for c in codes.split(",") if c.strip()]
    seen = []
    for code in codes:
        code = getattr(code, "code", code)
        if faults_only and code in NOT_FAULTS:
            continue
        if code not in seen:
            seen.append(code)
    return "; ".join(violation_label(c) for c in seen)
