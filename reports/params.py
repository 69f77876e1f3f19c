"""A report job's parameters (docs/domain.md §8, §10): the kinds, the checks a request passes, and
the job's JSON resolved to objects of one organization for the builders (reports/builders.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Department, Organization, User
from fieldwork.models import Plan

KINDS = ("mau1", "mau2", "mau3", "compliance", "yearend", "yearsheet", "rollup")
# docs/domain.md §10: without a quarter mẫu 1 and mẫu 2 cover the year, compliance reports the year.
NEEDS_QUARTER = ("mau3", "rollup")
ISSUES = ("internal", "upward")  # the year-end report: the Board's own, or the organization's sent up


@dataclass
class Params:
    """A job's parameters, resolved to objects of one organization."""

    organization: Organization
    plan: Plan | None
    year: int
    quarter: int | None = None
    department: Department | None = None
    cadre: User | None = None
    # Who the file is for (fieldwork.privacy): the requester, or an Audience. It decides only what a
    # sensitive exemption reason reads; None reads "Miễn theo quyết định" (minimum by default).
    viewer: object = None
    # A roll-up submission's copy (docs/domain.md §6, §10): figures per organization and department,
    # never a person.
    figures_only: bool = False

    as_of: date | None = None  # the year-end report and sheet: "tính đến ngày" the Board picks
    issue: str = "internal"  # the year-end report: "internal" (Ban TCKT) or "upward" (BCH …)


def resolve(organization: Organization, params: dict, *, require_plan: bool = True) -> Params:
    """A job's JSON params -> objects, every lookup scoped to the organization. The roll-up
    (require_plan=False) reads the descendants' figures: its organization may have no plan."""
    year = int(params["year"])
    plan = Plan.objects.filter(organization=organization, year=year).select_related("organization").first()
    if plan is None and require_plan:
        raise ValidationError(_("Tổ chức chưa có kế hoạch năm %(year)s.") % {"year": year})
    dept = cadre = None
    if params.get("department_id"):
        dept = Department.objects.filter(organization=organization, pk=params["department_id"]).first()
        if dept is None:
            raise ValidationError(_("Không tìm thấy ban trong tổ chức."))
    if params.get("cadre_id"):
        cadre = (
            User.objects.filter(organization=organization, pk=params["cadre_id"]).select_related("department").first()
        )
        if cadre is None:
            raise ValidationError(_("Không tìm thấy cán bộ trong tổ chức."))
    quarter = params.get("quarter")
    return Params(
        organization=organization,
        plan=plan,
        year=year,
        quarter=int(quarter) if quarter else None,
        department=dept,
        cadre=cadre,
        as_of=date.fromisoformat(params["as_of"]) if params.get("as_of") else None,
        issue=params.get("issue") or "internal",
    )


AS_OF_KINDS = ("yearend", "yearsheet")


def check_params(kind: str, *, quarter, department, cadre, as_of=None, issue=None) -> None:
    if kind not in KINDS:
        raise ValidationError(_("Loại báo cáo không hợp lệ."))
    if kind in NEEDS_QUARTER and not quarter:
        raise ValidationError(_("Cần chọn quý cho báo cáo này."))
    if quarter is not None and quarter != "" and int(quarter) not in (1, 2, 3, 4):
        raise ValidationError(_("Quý phải là 1, 2, 3 hoặc 4."))
    if kind == "mau1" and cadre is None:
        raise ValidationError(_("Cần chọn cán bộ cho mẫu 1."))
    if as_of is not None and kind not in AS_OF_KINDS:
        raise ValidationError(_("Chỉ báo cáo và bảng đánh giá cuối năm có ngày tính số liệu."))
    if issue not in (None, "") and (kind != "yearend" or issue not in ISSUES):
        raise ValidationError(
            _("Bản báo cáo phải là “internal” (nội bộ) hoặc “upward” (gửi cấp trên), chỉ cho báo cáo cuối năm.")
        )
