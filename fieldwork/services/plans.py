"""Loading and copying plans (DOMAIN.md §5, §10 `load_plan`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organization
from fieldwork.models import Category, ExemptionReason, Group, Plan

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "plan_templates"


def template_names() -> list[str]:
    return sorted(p.stem for p in TEMPLATES_DIR.glob("*.json"))


def read_plan_source(source: str) -> dict:
    """A path to a JSON file, or the name of a shipped template."""
    path = Path(source)
    if not path.exists():
        candidate = TEMPLATES_DIR / f"{source}.json"
        if not candidate.exists():
            raise ValidationError(
                _("Không tìm thấy tệp hoặc mẫu kế hoạch “%(name)s”. Các mẫu có sẵn: %(names)s.")
                % {"name": source, "names": ", ".join(template_names())}
            )
        path = candidate
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(_("Tệp kế hoạch không phải JSON hợp lệ: %(err)s") % {"err": exc}) from exc


def _date(value, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("%(where)s: ngày “%(value)s” không hợp lệ (định dạng YYYY-MM-DD).") % {"where": where, "value": value}) from exc


def _opt_days(value, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(_("%(where)s: “%(value)s” không phải số ngày.") % {"where": where, "value": value}) from exc
    if d < 0 or (d * 2) % 1 != 0:
        raise ValidationError(_("%(where)s: số ngày phải là bội của 0,5.") % {"where": where})
    return d


@dataclass
class PlanSpec:
    """A validated plan description (the JSON of DOMAIN.md §10, or the edit form)."""

    data: dict

    def validate(self) -> None:
        d = self.data
        errors: list[str] = []
        for key in ("organization", "year", "period", "min_days", "exemption_policy", "groups", "categories", "exemption_reasons"):
            if key not in d:
                errors.append(_("Thiếu khóa bắt buộc “%(key)s”.") % {"key": key})
        if errors:
            raise ValidationError(errors)
        year = int(d["year"])
        start = _date(d["period"].get("start"), "period.start")
        end = _date(d["period"].get("end"), "period.end")
        if start > end:
            errors.append(_("Thời gian kế hoạch: ngày bắt đầu sau ngày kết thúc."))
        if start.year != year or end.year != year:
            errors.append(_("Thời gian kế hoạch phải nằm trong năm %(year)s.") % {"year": year})
        if int(d["min_days"]) <= 0:
            errors.append(_("Số ngày tối thiểu phải lớn hơn 0."))
        if d["exemption_policy"] not in Plan.ExemptionPolicy.values:
            errors.append(_("Chế độ miễn phải là “full” hoặc “prorate”."))
        gap = d.get("immersion_min_gap_days")
        if gap is not None and int(gap) < 0:
            errors.append(_("Khoảng cách giữa hai đợt không được âm."))
        for label, items in (("groups", d["groups"]), ("categories", d["categories"]), ("exemption_reasons", d["exemption_reasons"])):
            codes = [str(i.get("code", "")).strip() for i in items]
            if any(not c for c in codes):
                errors.append(_("%(what)s: có mục thiếu mã.") % {"what": label})
            dup = sorted({c for c in codes if codes.count(c) > 1})
            if dup:
                errors.append(_("%(what)s: mã bị trùng: %(codes)s.") % {"what": label, "codes": ", ".join(dup)})
        category_codes = {str(c.get("code")) for c in d["categories"]}
        for g in d["groups"]:
            lo = _opt_days(g.get("immersion_min_days"), f"groups[{g.get('code')}].immersion_min_days")
            hi = _opt_days(g.get("immersion_max_days"), f"groups[{g.get('code')}].immersion_max_days")
            if lo is not None and hi is not None and lo > hi:
                errors.append(_("Đối tượng %(code)s: số ngày tối thiểu lớn hơn tối đa.") % {"code": g.get("code")})
            unknown = [f for f in g.get("focus", []) if f not in category_codes]
            if unknown:
                errors.append(_("Đối tượng %(code)s: nội dung trọng tâm không có trong danh mục: %(codes)s.") % {"code": g.get("code"), "codes": ", ".join(unknown)})
            if int(g.get("immersion_trips", 0)) < 0:
                errors.append(_("Đối tượng %(code)s: số đợt không được âm.") % {"code": g.get("code")})
        for r in d["exemption_reasons"]:
            if r.get("scope") not in ExemptionReason.Scope.values:
                errors.append(_("Lý do miễn %(code)s: phạm vi phải là “position” hoặc “individual”.") % {"code": r.get("code")})
        dl = d.get("deadlines") or {}
        for key in ("registration", "consolidation"):
            if dl.get(key):
                _date(dl[key], f"deadlines.{key}")
        qd = dl.get("quarter_report_day")
        if qd is not None and not (1 <= int(qd) <= 31):
            errors.append(_("Ngày hạn báo cáo quý phải từ 1 đến 31."))
        if errors:
            raise ValidationError(errors)


@transaction.atomic
def load_plan(data: dict) -> tuple[Plan, bool]:
    """Create or update (idempotent) the organization and its plan for the year."""
    PlanSpec(data).validate()
    o = data["organization"]
    org, _created = Organization.objects.update_or_create(
        code=o["code"],
        defaults={
            "name": o["name"],
            "place": o.get("place", ""),
            **({"superior_body": o["superior_body"]} if o.get("superior_body") else {}),
            **({"level": o["level"]} if o.get("level") else {}),
        },
    )
    dl = data.get("deadlines") or {}
    plan, created = Plan.objects.update_or_create(
        organization=org,
        year=int(data["year"]),
        defaults={
            "title": data.get("title", ""),
            "template_code": data.get("template_code", ""),
            "period_start": date.fromisoformat(data["period"]["start"]),
            "period_end": date.fromisoformat(data["period"]["end"]),
            "min_days": int(data["min_days"]),
            "exemption_policy": data["exemption_policy"],
            "immersion_min_gap_days": data.get("immersion_min_gap_days"),
            "registration_deadline": date.fromisoformat(dl["registration"]) if dl.get("registration") else None,
            "consolidation_deadline": date.fromisoformat(dl["consolidation"]) if dl.get("consolidation") else None,
            "quarter_report_day": dl.get("quarter_report_day"),
        },
    )
    _sync(plan, Group, data["groups"], lambda g: {
        "name": g["name"],
        "focus": list(g.get("focus", [])),
        "immersion_trips": int(g.get("immersion_trips", 0)),
        "immersion_min_days": _opt_days(g.get("immersion_min_days"), "min"),
        "immersion_max_days": _opt_days(g.get("immersion_max_days"), "max"),
    })
    _sync(plan, Category, data["categories"], lambda c, i: {"name": c["name"], "counts": bool(c.get("counts", True)), "order": i}, with_index=True)
    _sync(plan, ExemptionReason, data["exemption_reasons"], lambda r: {
        "name": r["name"], "scope": r["scope"], "positions": list(r.get("positions", [])),
    })
    return plan, created


def _sync(plan, model, items, defaults, with_index=False):
    keep = []
    for i, item in enumerate(items):
        values = defaults(item, i) if with_index else defaults(item)
        obj, _ = model.objects.update_or_create(plan=plan, code=str(item["code"]).strip(), defaults=values)
        keep.append(obj.pk)
    # Remove rows no longer in the description, unless something still refers to them.
    from django.db.models import ProtectedError

    for obj in model.objects.filter(plan=plan).exclude(pk__in=keep):
        try:
            obj.delete()
        except ProtectedError:
            pass


def plan_to_dict(plan: Plan) -> dict:
    """The inverse of load_plan: used to copy a plan to another year and to export it."""
    org = plan.organization

    def num(v):
        if v is None:
            return None
        return int(v) if v == v.to_integral_value() else float(v)  # JSON has no Decimal; halves are exact in binary

    return {
        "organization": {"code": org.code, "name": org.name, "place": org.place, "superior_body": org.superior_body},
        "year": plan.year,
        "title": plan.title,
        "period": {"start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()},
        "min_days": plan.min_days,
        "exemption_policy": plan.exemption_policy,
        "immersion_min_gap_days": plan.immersion_min_gap_days,
        "groups": [
            {"code": g.code, "name": g.name, "focus": g.focus, "immersion_trips": g.immersion_trips,
             "immersion_min_days": num(g.immersion_min_days), "immersion_max_days": num(g.immersion_max_days)}
            for g in plan.groups.all()
        ],
        "categories": [{"code": c.code, "name": c.name, "counts": c.counts} for c in plan.categories.all()],
        "exemption_reasons": [
            {"code": r.code, "name": r.name, "scope": r.scope, "positions": r.positions} for r in plan.exemption_reasons.all()
        ],
        "deadlines": {
            k: v for k, v in {
                "registration": plan.registration_deadline.isoformat() if plan.registration_deadline else None,
                "consolidation": plan.consolidation_deadline.isoformat() if plan.consolidation_deadline else None,
                "quarter_report_day": plan.quarter_report_day,
            }.items() if v is not None
        },
    }


def copy_plan_to_year(plan: Plan, year: int) -> Plan:
    """A new plan from last year's: same rules, dates shifted to the new year."""
    data = plan_to_dict(plan)

    def shift(iso):
        d = date.fromisoformat(iso)
        try:
            return d.replace(year=d.year + (year - plan.year)).isoformat()
        except ValueError:  # 29 February
            return d.replace(day=28, year=d.year + (year - plan.year)).isoformat()

    data["year"] = year
    data["title"] = data["title"].replace(str(plan.year), str(year))
    data["period"] = {k: shift(v) for k, v in data["period"].items()}
    for k in ("registration", "consolidation"):
        if k in data["deadlines"]:
            data["deadlines"][k] = shift(data["deadlines"][k])
    new_plan, _ = load_plan(data)
    return new_plan
