"""How a standing is named and shown, and as of which date (docs/rules.md “Stored standings”): the ONE module that owns
the status labels and badges, the percentages and progress bars, the days still needed, and the
choice of `as_of` for pages, stored standings and reports. Nothing here computes done days: the
engine (fieldwork.quota.engine) does, through fieldwork.selectors.

The statuses are the engine's (docs/domain.md §7.8): met, on_track, at_risk, not_met, exempt.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.vietnamese import format_percent

ZERO = Decimal(0)

# Worst first: the order of counts, filters and sorting by status.
STATUS_ORDER = ("at_risk", "not_met", "on_track", "met", "exempt")
STATUS_LABELS = {
    "met": gettext_lazy("Đã đạt"),
    "on_track": gettext_lazy("Đúng tiến độ"),
    "at_risk": gettext_lazy("Có nguy cơ không đạt"),
    "not_met": gettext_lazy("Không đạt"),
    "exempt": gettext_lazy("Miễn thực hiện"),
}
# The `quota --format table` column (docs/domain.md §10): a narrow terminal column.
STATUS_SHORT_LABELS = {
    "exempt": gettext_lazy("Miễn"),
    "met": gettext_lazy("Đã đạt"),
    "on_track": gettext_lazy("Đúng tiến độ"),
    "at_risk": gettext_lazy("Có nguy cơ"),
    "not_met": gettext_lazy("Không đạt"),
}
STATUS_BADGES = {
    "met": "success",
    "on_track": "primary",
    "at_risk": "warning",
    "not_met": "danger",
    "exempt": "secondary",
}


# One meaning of "đạt" (docs/rules.md “The rules as the documents say them”). Two figures, each computed by ONE function and named in
# the same words on pages, reports and forms:
# - "đạt số ngày phải đi" ("đạt 60 ngày"): the days only, against the cadre's OWN requirement
#   (60, or fewer where prorated) — the seeds' year-end sentence ("100% đạt 60 ngày");
# - "hoàn thành (đủ ngày và đủ đợt)": days AND immersion trips — the engine's status `met`.
MET_DAYS = "Đạt số ngày phải đi"
COMPLETED = "Hoàn thành (đủ ngày và đủ đợt)"
# The counts of statuses as figures (dashboard cards, "Theo ban"): `met` is the days-and-trips figure.
STATUS_COUNT_LABELS = {**STATUS_LABELS, "met": gettext_lazy("Hoàn thành (đủ ngày và đủ đợt)")}


def meets_days(standing) -> bool:
    """Đạt số ngày phải đi: a cadre who owes fieldwork (not exempt) whose done days reach their own
    required days. Immersion trips play no part (that is `completed`)."""
    return standing.status != "exempt" and Decimal(standing.done_days) >= standing.required_days


def completed(standing) -> bool:
    """Hoàn thành (đủ ngày và đủ đợt): days and immersion trips both met (the status `met`)."""
    return standing.status == "met"


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "secondary")


def status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


# Figures of a standing ------------------------------------------------------------------------
def percent(part, whole) -> str:
    """'100%', '70,8%' (comma decimal mark); '—' when there is nothing to divide."""
    return format_percent(part, whole)


def progress_pct(done, required) -> int:
    """0–100, for the .w-pct-N progress classes (CSP: no inline width)."""
    if not required:
        return 100
    return max(0, min(100, int(Decimal(done) * 100 / Decimal(required))))


def remaining(standing) -> Decimal:
    """Days still needed: required − done, never below zero."""
    return max(ZERO, Decimal(standing.required_days) - Decimal(standing.done_days))


# as_of ------------------------------------------------------------------------------------------
def default_as_of(plan, today: date | None = None) -> date:
    """Today, or the period's end once the plan's period is over: what every page shows by
    default, and the date the stored standings are computed at (fieldwork.stored.standings)."""
    today = today or timezone.localdate()
    return plan.period_end if today > plan.period_end else today


def pick_as_of(plan, raw: str | None, today: date | None = None) -> date:
    """?as_of=dd/mm/yyyy or YYYY-MM-DD, kept inside the plan's year; anything unreadable gives
    the default."""
    from accounts.vietnamese import parse_date

    d = parse_date(raw)
    if d is None:
        return default_as_of(plan, today)
    return min(max(d, date(plan.year, 1, 1)), date(plan.year, 12, 31))


def within_period(plan, day: date) -> date:
    """`day` moved into the plan's period (a registration's "with this plan" preview)."""
    return min(max(day, plan.period_start), plan.period_end)


def quarter_as_of(year: int, quarter: int, today: date) -> date:
    """A quarter's report: its last day, or today while it runs (docs/domain.md §10)."""
    from fieldwork.quarters import quarter_bounds, quarter_name

    start, end = quarter_bounds(year, quarter)
    if today < start:
        raise ValidationError(
            _("Quý %(q)s năm %(y)s chưa bắt đầu: chưa có số liệu để báo cáo.") % {"q": quarter_name(quarter), "y": year}
        )
    return min(end, today)


def year_as_of(plan, today: date) -> date:
    """The year's report: the period's end or today, whichever is earlier (docs/domain.md §10)."""
    if today < plan.period_start:
        raise ValidationError(_("Kế hoạch năm %(y)s chưa bắt đầu: chưa có số liệu để báo cáo.") % {"y": plan.year})
    return min(plan.period_end, today)


def year_as_of_or_start(plan, today: date | None = None) -> date:
    """`year_as_of`, or the period's first day before it starts (pages that show the year)."""
    today = today or timezone.localdate()
    try:
        return year_as_of(plan, today)
    except ValidationError:
        return plan.period_start


# How an immersion trip is marked on the forms (docs/domain.md §8): every line of mẫu 1, 2 and 3
# says so in its content cell, and the XLSX carries a column of that name that import_trips reads.
IMMERSION_MARK = "(đợt “cùng ăn, cùng ở, cùng làm”)"
IMMERSION_COLUMN = "Cùng ăn, cùng ở, cùng làm"


# Why a status (docs/rules.md “A year in the life”) -------------------------------------------------------------------
def status_reason(standing, period_days: int | None = None) -> str:
    """The reason of a standing's status in words, for every table and the person's page: what is
    missing (days not yet registered, an immersion trip missing, a past trip not reported) and,
    when the days to go were prorated (docs/domain.md §6), how. "" when there is nothing to say."""
    from accounts.vietnamese import format_number
    from fieldwork.violations import IMMERSION

    status = getattr(standing, "status", "")
    if status == "exempt" or not standing:
        return ""
    parts = []
    required = Decimal(standing.required_days)
    done = Decimal(standing.done_days)
    planned = Decimal(standing.planned_days)
    imm_req, imm_done = standing.immersion_required, standing.immersion_done
    imm_planned = getattr(standing, "immersion_planned", 0)
    if status == "not_met":
        if done < required:
            parts.append(_("thiếu %(n)s ngày") % {"n": format_number(required - done)})
        if imm_done < imm_req:
            parts.append(_("thiếu %(n)s đợt %(imm)s") % {"n": imm_req - imm_done, "imm": IMMERSION})
    elif status == "at_risk":
        if done + planned < required:
            parts.append(
                _("còn %(n)s ngày phải đi chưa có đợt đăng ký") % {"n": format_number(required - done - planned)}
            )
        elif required - done > standing.days_left:
            parts.append(
                _("số ngày còn phải đi (%(n)s) nhiều hơn số ngày còn lại của năm (%(d)s)")
                % {"n": format_number(required - done), "d": standing.days_left}
            )
        if imm_done + imm_planned < imm_req:
            n = imm_req - imm_done - imm_planned
            if done >= required:
                parts.append(_("đã đủ số ngày nhưng còn thiếu %(n)s đợt %(imm)s") % {"n": n, "imm": IMMERSION})
            else:
                parts.append(_("thiếu %(n)s đợt %(imm)s chưa đăng ký") % {"n": n, "imm": IMMERSION})
        if not parts:
            parts.append(_("có đợt đã đăng ký đã qua ngày kết thúc nhưng chưa báo cáo kết quả"))
    codes = set(getattr(standing, "violation_codes", ()) or ())
    if status in ("at_risk", "not_met") and "IMMERSION_BACK_TO_BACK" in codes:
        parts.append(_("có đợt %(imm)s liền kề đợt trước nên không được tính là một đợt") % {"imm": IMMERSION})
    if status in ("at_risk", "not_met") and codes & {"IMMERSION_TOO_SHORT", "IMMERSION_TOO_LONG"}:
        parts.append(_("có đợt %(imm)s không đúng số ngày quy định") % {"imm": IMMERSION})
    available = getattr(standing, "available_days", 0)
    if period_days and available and available < period_days:
        parts.append(
            _("số ngày phải đi %(r)s được tính giảm theo %(a)s/%(p)s ngày phải thực hiện trong năm")
            % {"r": standing.required_days, "a": available, "p": period_days}
        )
    text = "; ".join(str(p) for p in parts)
    return text[:1].upper() + text[1:] + "." if text else ""
