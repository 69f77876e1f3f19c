"""Loading and copying plans (docs/domain.md §5, §10 `load_plan`)."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.vietnamese import nfc
from fieldwork.models import Category, ExemptionReason, Group, Plan
from fieldwork.stored.changes import batched

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
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(_("Tệp kế hoạch không phải JSON hợp lệ: %(err)s") % {"err": exc}) from exc
    if path.parent == TEMPLATES_DIR and isinstance(data, dict):
        data.setdefault("template_code", path.stem)  # a plan made from a shipped template remembers it
    return data


def _date(value, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("%(where)s: ngày “%(value)s” không hợp lệ (định dạng YYYY-MM-DD).") % {"where": where, "value": value}
        ) from exc


def _opt_days(value, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(
            _("%(where)s: “%(value)s” không phải số ngày.") % {"where": where, "value": value}
        ) from exc
    if d < 0 or (d * 2) % 1 != 0:
        raise ValidationError(_("%(where)s: số ngày phải là bội của 0,5.") % {"where": where})
    return d


@dataclass
class PlanSpec:
    """A validated plan description (the JSON of docs/domain.md §10, or the edit form)."""

    data: dict

    def validate(self) -> None:
        """Every error of the description at once, in the order of its keys; a date that cannot be
        read stops at once."""
        d = self.data
        missing = _missing_keys(d)
        if missing:
            raise ValidationError(missing)
        errors: list[str] = []
        for step in (
            _period_errors,
            _code_errors,
            _topic_errors,
            _group_errors,
            _exemption_reason_errors,
            _cycle_errors,
            _immersion_category_errors,
            _document_errors,
            _deadline_errors,
        ):
            errors += step(d)
        if errors:
            raise ValidationError(errors)


REQUIRED_KEYS = (
    "organization",
    "year",
    "period",
    "min_days",
    "exemption_policy",
    "groups",
    "categories",
    "exemption_reasons",
)


def _missing_keys(d: dict) -> list[str]:
    return [_("Thiếu khóa bắt buộc “%(key)s”.") % {"key": key} for key in REQUIRED_KEYS if key not in d]


def _period_errors(d: dict) -> list[str]:
    """The period inside the year, the minimum, the exemption policy, the gap between immersion trips."""
    errors = []
    year = int(d["year"])
    start = _date(d["period"].get("start"), "period.start")
    end = _date(d["period"].get("end"), "period.end")
    if start > end:
        errors.append(_("Thời gian kế hoạch: “Đến ngày” phải bằng hoặc sau “Từ ngày”."))
    if start.year != year or end.year != year:
        errors.append(_("Thời gian kế hoạch phải nằm trong năm %(year)s.") % {"year": year})
    if int(d["min_days"]) <= 0:
        errors.append(_("Số ngày tối thiểu phải lớn hơn 0."))
    if d["exemption_policy"] not in Plan.ExemptionPolicy.values:
        errors.append(_("Chế độ miễn phải là “full” hoặc “prorate”."))
    gap = d.get("immersion_min_gap_days")
    if gap is not None and int(gap) < 0:
        errors.append(_("Khoảng cách giữa hai đợt không được âm."))
    return errors


def _code_errors(d: dict) -> list[str]:
    """Every group, category and exemption reason has a code, none twice."""
    errors = []
    labels = {"groups": _("Đối tượng"), "categories": _("Nội dung"), "exemption_reasons": _("Lý do miễn")}
    for key, label in labels.items():
        codes = [str(i.get("code", "")).strip() for i in d[key]]
        if any(not c for c in codes):
            errors.append(_("%(what)s: có mục thiếu mã.") % {"what": label})
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            errors.append(_("%(what)s: mã bị trùng: %(codes)s.") % {"what": label, "codes": ", ".join(dup)})
    return errors


def _topic_errors(d: dict) -> list[str]:
    return [e for c in d["categories"] for e in topics_errors(c)]


def _group_errors(d: dict) -> list[str]:
    """Each group's immersion bounds, focus categories and number of immersion trips."""
    errors = []
    category_codes = {str(c.get("code")) for c in d["categories"]}
    for g in d["groups"]:
        lo = _opt_days(g.get("immersion_min_days"), f"groups[{g.get('code')}].immersion_min_days")
        hi = _opt_days(g.get("immersion_max_days"), f"groups[{g.get('code')}].immersion_max_days")
        if lo is not None and hi is not None and lo > hi:
            errors.append(_("Đối tượng %(code)s: số ngày tối thiểu lớn hơn tối đa.") % {"code": g.get("code")})
        unknown = [f for f in g.get("focus", []) if f not in category_codes]
        if unknown:
            errors.append(
                _("Đối tượng %(code)s: nội dung trọng tâm không có trong danh mục: %(codes)s.")
                % {"code": g.get("code"), "codes": ", ".join(unknown)}
            )
        if int(g.get("immersion_trips", 0)) < 0:
            errors.append(_("Đối tượng %(code)s: số đợt không được âm.") % {"code": g.get("code")})
    return errors


def _exemption_reason_errors(d: dict) -> list[str]:
    """Each exemption reason's scope, sensitivity and minimum length (individual reasons only)."""
    errors = []
    for r in d["exemption_reasons"]:
        if r.get("scope") not in ExemptionReason.Scope.values:
            errors.append(
                _("Lý do miễn %(code)s: phạm vi phải là “position”, “individual” hoặc “either”.")
                % {"code": r.get("code")}
            )
        if not isinstance(r.get("sensitive", False), bool):
            errors.append(_("Lý do miễn %(code)s: “sensitive” phải là true hoặc false.") % {"code": r.get("code")})
        months = r.get("min_months")
        if months not in (None, ""):
            if not _is_int(months) or int(months) < 1:
                errors.append(
                    _("Lý do miễn %(code)s: thời gian tối thiểu phải là số tháng nguyên dương.")
                    % {"code": r.get("code")}
                )
            elif r.get("scope") not in ExemptionReason.GRANTABLE:
                errors.append(
                    _("Lý do miễn %(code)s: chỉ lý do cá nhân mới có thời gian tối thiểu (min_months).")
                    % {"code": r.get("code")}
                )
    return errors


def _cycle_errors(d: dict) -> list[str]:
    """Optional keys of docs/rules.md “The seeds' cycle and rules” (docs/domain.md §10); absent, they
    keep older files valid: the deadline wording, the categories' any_group, the registration cycle."""
    errors = []
    if d.get("deadline_wording", Plan.DeadlineWording.BEFORE) not in Plan.DeadlineWording.values:
        errors.append(
            _("Cách ghi hạn (deadline_wording) phải là “before” (trước ngày …) hoặc “by” (chậm nhất ngày …).")
        )
    for c in d["categories"]:
        if not isinstance(c.get("any_group", False), bool):
            errors.append(_("Nội dung %(code)s: “any_group” phải là true hoặc false.") % {"code": c.get("code")})
    cycle = d.get("registration_cycle", Plan.RegistrationCycle.QUARTERLY)
    if cycle not in Plan.RegistrationCycle.values:
        errors.append(_("Chu kỳ đăng ký (registration_cycle) phải là “annual” hoặc “quarterly”."))
    return errors


def _immersion_category_errors(d: dict) -> list[str]:
    """The categories an immersion trip may be: a list of counting categories."""
    imm = d.get("immersion_categories") or []
    if not isinstance(imm, list):
        return [_('immersion_categories phải là một danh sách mã nội dung, ví dụ ["1.3"].')]
    counting = {str(c.get("code")) for c in d["categories"] if c.get("counts", True)}
    bad = [str(c) for c in imm if str(c) not in counting]
    if not bad:
        return []
    return [
        _(
            "Nội dung của đợt “cùng ăn, cùng ở, cùng làm” phải là nội dung được tính ngày trong danh mục: "
            "%(codes)s không hợp lệ."
        )
        % {"codes": ", ".join(bad)}
    ]


def _document_errors(d: dict) -> list[str]:
    """The plan's own document: its number and date."""
    doc = d.get("document") or {}
    if not isinstance(doc, dict):
        return [_('document phải có dạng {"number": …, "date": "YYYY-MM-DD"}.')]
    errors = []
    if len(str(doc.get("number") or "")) > 100:
        errors.append(_("Số văn bản kế hoạch dài quá 100 ký tự."))
    if doc.get("date"):
        _date(doc["date"], "document.date")
    return errors


def _deadline_errors(d: dict) -> list[str]:
    """The registration and consolidation deadlines in order, the days of the month of the quarterly ones."""
    errors = []
    dl = d.get("deadlines") or {}
    for key in ("registration", "consolidation"):
        if dl.get(key):
            _date(dl[key], f"deadlines.{key}")
    if (
        dl.get("registration")
        and dl.get("consolidation")
        and _date(dl["consolidation"], "deadlines.consolidation") < _date(dl["registration"], "x")
    ):
        errors.append(_("Hạn tổng hợp (mẫu 2) không được trước hạn đăng ký (mẫu 1)."))
    qd = dl.get("quarter_report_day")
    if qd is not None and not (1 <= int(qd) <= 31):
        errors.append(_("Ngày hạn báo cáo quý phải từ 1 đến 31."))
    rqd = dl.get("registration_quarter_day")
    if rqd is not None and not (_is_int(rqd) and 1 <= int(rqd) <= 31):
        errors.append(_("Ngày hạn đăng ký trong tháng đầu quý (registration_quarter_day) phải từ 1 đến 31."))
    return errors


MAX_TOPIC = 500


def clean_topics(topics) -> list[str]:
    """A category's topics (docs/domain.md §10 `"topics"`): NFC, spaces collapsed, blanks and
    repeats dropped, in the plan's order."""
    out: list[str] = []
    for t in topics or []:
        text = " ".join(nfc(str(t)).split())
        if text and text not in out:
            out.append(text)
    return out


def topics_errors(category: dict) -> list[str]:
    topics = category.get("topics")
    if topics is None:
        return []
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        return [
            _('Nội dung %(code)s: topics phải là một danh sách chuyên đề, ví dụ ["Củng cố các cơ sở Đoàn yếu, kém"].')
            % {"code": category.get("code")}
        ]
    long = [t for t in clean_topics(topics) if len(t) > MAX_TOPIC]
    if long:
        return [
            _("Nội dung %(code)s: chuyên đề dài quá %(n)s ký tự: “%(t)s…”.")
            % {"code": category.get("code"), "n": MAX_TOPIC, "t": long[0][:60]}
        ]
    return []


def _is_int(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and value.strip().isdigit()


def cycle_change_error(plan: Plan, data: dict) -> str:
    """docs/rules.md “The seeds' cycle and rules”: the cycle decides which registrations the pages show (fieldwork.cycles); switching
    it while registrations or mẫu 2 of the current cycle exist would hide them, so it is refused."""
    from fieldwork.models import DepartmentPlan, Registration

    cycle = data.get("registration_cycle") or Plan.RegistrationCycle.QUARTERLY
    if cycle == plan.registration_cycle:
        return ""
    current = {"quarter": 0} if plan.registration_cycle == Plan.RegistrationCycle.ANNUAL else {"quarter__gte": 1}
    n = Registration.objects.filter(plan=plan, **current).count()
    n += DepartmentPlan.objects.filter(plan=plan, **current).count()
    if not n:
        return ""
    return _(
        "Không thể đổi chu kỳ đăng ký: đã có %(n)s bản đăng ký (mẫu 1, mẫu 2) theo chu kỳ hiện tại. "
        "Chu kỳ chỉ đổi được trước khi cán bộ bắt đầu đăng ký."
    ) % {"n": n}


@transaction.atomic
@batched  # docs/rules.md “Stored standings”: the plan's stored standings refreshed once, in this transaction
def load_plan(data: dict) -> tuple[Plan, bool]:
    """Create or update (idempotent) the organization and its plan for the year."""
    PlanSpec(data).validate()
    existing = Plan.objects.filter(organization__code=data["organization"]["code"], year=int(data["year"])).first()
    if existing is not None:
        cycle_error = cycle_change_error(existing, data)
        if cycle_error:
            raise ValidationError(cycle_error)
    o = data["organization"]
    org, _created = Organization.objects.update_or_create(
        code=o["code"],
        defaults={
            "name": o["name"],
            "place": o.get("place", ""),
            **({"superior_body": o["superior_body"]} if o.get("superior_body") else {}),
            **({"level": o["level"]} if o.get("level") else {}),
            **parent_defaults(o),
        },
    )
    dl = data.get("deadlines") or {}
    doc = data.get("document") or {}
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
            # Optional keys (docs/domain.md §10), each with the default that keeps older files valid.
            "registration_cycle": data.get("registration_cycle") or Plan.RegistrationCycle.QUARTERLY,
            "deadline_wording": data.get("deadline_wording") or Plan.DeadlineWording.BEFORE,
            "registration_quarter_day": int(dl.get("registration_quarter_day") or 10),
            "immersion_categories": [str(c) for c in data.get("immersion_categories") or []],
            "document_number": str(doc.get("number") or "").strip(),
            "document_date": date.fromisoformat(doc["date"]) if doc.get("date") else None,
        },
    )
    _sync(
        plan,
        Group,
        data["groups"],
        lambda g: {
            "name": g["name"],
            "focus": list(g.get("focus", [])),
            "immersion_trips": int(g.get("immersion_trips", 0)),
            "immersion_min_days": _opt_days(g.get("immersion_min_days"), "min"),
            "immersion_max_days": _opt_days(g.get("immersion_max_days"), "max"),
        },
    )
    _sync(
        plan,
        Category,
        data["categories"],
        lambda c, i: {
            "name": c["name"],
            "counts": bool(c.get("counts", True)),
            "order": i,
            "topics": clean_topics(c.get("topics")),
            "any_group": c.get("any_group") is True,
        },
        with_index=True,
    )
    _sync(
        plan,
        ExemptionReason,
        data["exemption_reasons"],
        lambda r: {
            "name": r["name"],
            "scope": r["scope"],
            "positions": list(r.get("positions", [])),
            "min_months": int(r["min_months"]) if r.get("min_months") not in (None, "") else None,
            "sensitive": r.get("sensitive") is True,
        },
    )
    return plan, created


def parent_defaults(o: dict) -> dict:
    """docs/domain.md §10: `"parent": "code"` attaches the organization under an existing one;
    `null` detaches it; an absent key keeps the stored parent (files older than the key, and
    plan copies, never move an organization). The cycle check is Organization.save()'s."""
    if "parent" not in o:
        return {}
    code = o["parent"]
    if code in (None, ""):
        return {"parent": None}
    if str(code) == str(o["code"]):
        raise ValidationError(_("Tổ chức không thể là cấp trên của chính nó."))
    parent = Organization.objects.filter(code=code).first()
    if parent is None:
        raise ValidationError(
            _("Chưa có tổ chức cấp trên mã “%(code)s”: hãy nạp kế hoạch của tổ chức cấp trên trước.") % {"code": code}
        )
    return {"parent": parent}


def _sync(plan, model, items, defaults, with_index=False):
    keep = []
    for i, item in enumerate(items):
        values = defaults(item, i) if with_index else defaults(item)
        obj, _ = model.objects.update_or_create(plan=plan, code=str(item["code"]).strip(), defaults=values)
        keep.append(obj.pk)
    # Remove rows no longer in the description, unless something still refers to them.
    from django.db.models import ProtectedError

    for obj in model.objects.filter(plan=plan).exclude(pk__in=keep):
        with contextlib.suppress(ProtectedError):
            obj.delete()


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
            {
                "code": g.code,
                "name": g.name,
                "focus": g.focus,
                "immersion_trips": g.immersion_trips,
                "immersion_min_days": num(g.immersion_min_days),
                "immersion_max_days": num(g.immersion_max_days),
            }
            for g in plan.groups.all()
        ],
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "counts": c.counts,
                **({"topics": list(c.topics)} if c.topics else {}),
                **({"any_group": True} if c.any_group else {}),
            }
            for c in plan.categories.all()
        ],
        "exemption_reasons": [
            {
                "code": r.code,
                "name": r.name,
                "scope": r.scope,
                "positions": r.positions,
                **({"min_months": r.min_months} if r.min_months else {}),
                **({"sensitive": True} if r.sensitive else {}),
            }
            for r in plan.exemption_reasons.all()
        ],
        "registration_cycle": plan.registration_cycle,
        "deadline_wording": plan.deadline_wording,
        "immersion_categories": list(plan.immersion_categories or []),
        "document": {
            "number": plan.document_number,
            "date": plan.document_date.isoformat() if plan.document_date else None,
        },
        "deadlines": {
            k: v
            for k, v in {
                "registration": plan.registration_deadline.isoformat() if plan.registration_deadline else None,
                "consolidation": plan.consolidation_deadline.isoformat() if plan.consolidation_deadline else None,
                "quarter_report_day": plan.quarter_report_day,
                "registration_quarter_day": plan.registration_quarter_day,
            }.items()
            if v is not None
        },
    }


def shift_to_year(data: dict, year: int) -> dict:
    """The same plan description moved to another year: period and deadlines shifted."""
    from_year = int(data["year"])
    data = {**data, "period": dict(data["period"]), "deadlines": dict(data.get("deadlines") or {})}

    def shift(iso):
        d = date.fromisoformat(iso)
        try:
            return d.replace(year=d.year + (year - from_year)).isoformat()
        except ValueError:  # 29 February
            return d.replace(day=28, year=d.year + (year - from_year)).isoformat()

    data["year"] = year
    data["title"] = str(data.get("title") or "").replace(str(from_year), str(year))
    data["period"] = {k: shift(v) for k, v in data["period"].items()}
    for k in ("registration", "consolidation"):
        if data["deadlines"].get(k):
            data["deadlines"][k] = shift(data["deadlines"][k])
    # The plan document is the given year's (a new year has its own): blank in the copy.
    if year != from_year:
        data["document"] = {"number": "", "date": None}
    return data


def copy_plan_to_year(plan: Plan, year: int) -> Plan:
    """A new plan from last year's: same rules, dates shifted to the new year."""
    new_plan, _created = load_plan(shift_to_year(plan_to_dict(plan), year))
    return new_plan


# The Board's pages (docs/domain.md §5–§7): create a year's plan, edit it ---------------------------------------
def organization_dict(org: Organization) -> dict:
    return {"code": org.code, "name": org.name, "place": org.place, "superior_body": org.superior_body}


@transaction.atomic
@batched  # docs/rules.md “Stored standings”: the plan's stored standings refreshed once, in this transaction
def create_plan(
    *, actor, organization: Organization, year: int, template: str | None = None, source_plan: Plan | None = None
) -> Plan:
    """A plan for `year` from a shipped template or from another plan of the organization
    (copy_plan_to_year). The template's organization is replaced by the actor's."""
    from accounts import rules
    from fieldwork.services.history import record

    if not (rules.can_manage_plan(actor) and rules.same_org(actor, organization.pk)) or rules.is_read_only(actor):
        raise PermissionDenied
    if Plan.objects.filter(organization=organization, year=year).exists():
        raise ValidationError(_("Đã có kế hoạch năm %(year)s: hãy mở và sửa kế hoạch đó.") % {"year": year})
    if source_plan is not None:
        if source_plan.organization_id != organization.pk:
            raise PermissionDenied
        plan = copy_plan_to_year(source_plan, year)
        comment = _("Sao chép từ kế hoạch năm %(y)s") % {"y": source_plan.year}
    else:
        if template not in template_names():
            raise ValidationError(_("Không có mẫu kế hoạch “%(name)s”.") % {"name": template})
        data = shift_to_year(read_plan_source(template), year)
        data["organization"] = organization_dict(organization)
        data["template_code"] = template
        plan, _created = load_plan(data)
        comment = _("Tạo từ mẫu %(t)s") % {"t": template}
    record(plan, actor=actor, action="created", to_state=str(year), comment=comment, organization_id=organization.pk)
    return plan


def _in_use_errors(plan: Plan, data: dict) -> list[str]:
    """A group, category or reason that is removed (or whose code changes) while something still
    refers to it is refused: people would silently lose their rule, trips their category."""
    from django.db.models import Count

    from accounts.models import User

    errors = []
    keep = {str(g["code"]).strip() for g in data["groups"]}
    held = (
        User.objects.filter(organization_id=plan.organization_id, is_active=True)
        .exclude(group_code__in=keep)
        .exclude(group_code="")
        .filter(group_code__in=plan.groups.values("code"))
        .values("group_code")
        .annotate(n=Count("pk"))
        .order_by("group_code")
    )
    for row in held:
        errors.append(
            _(
                "Không thể bỏ đối tượng %(code)s: còn %(n)s cán bộ thuộc đối tượng này. "
                "Hãy chuyển họ sang đối tượng khác trước."
            )
            % {"code": row["group_code"], "n": row["n"]}
        )
    keep = {str(c["code"]).strip() for c in data["categories"]}
    for c in plan.categories.exclude(code__in=keep).annotate(n=Count("trips")).filter(n__gt=0):
        errors.append(
            _("Không thể bỏ nội dung %(code)s: đã có %(n)s đợt đi cơ sở thuộc nội dung này.")
            % {"code": c.code, "n": c.n}
        )
    cycle_error = cycle_change_error(plan, data)
    if cycle_error:
        errors.append(cycle_error)
    keep = {str(r["code"]).strip() for r in data["exemption_reasons"]}
    for r in plan.exemption_reasons.exclude(code__in=keep).annotate(n=Count("exemptions")).filter(n__gt=0):
        errors.append(
            _("Không thể bỏ lý do miễn “%(name)s”: đã có %(n)s quyết định miễn theo lý do này.")
            % {"name": r.name, "n": r.n}
        )
    return errors


@transaction.atomic
@batched  # docs/rules.md “Stored standings”: the plan's stored standings refreshed once, in this transaction
def save_plan(*, actor, plan: Plan, data: dict) -> list[str]:
    """Save the edit form's description of `plan` (same validation as load_plan: PlanSpec).
    The year and the organization never change here. Existing trips are not touched: every
    figure is recomputed from the new rules; returns notes on what the change affects."""
    from accounts import rules
    from fieldwork.models import Trip
    from fieldwork.services.history import record

    if not (rules.can_manage_plan(actor) and rules.same_org(actor, plan.organization_id)) or rules.is_read_only(actor):
        raise PermissionDenied
    data = {
        **data,
        "year": plan.year,
        "organization": organization_dict(plan.organization),
        "template_code": plan.template_code,
    }
    PlanSpec(data).validate()
    errors = _in_use_errors(plan, data)
    if errors:
        raise ValidationError(errors)
    old_period = (plan.period_start, plan.period_end)
    load_plan(data)
    plan.refresh_from_db()
    notes = []
    if (plan.period_start, plan.period_end) != old_period:
        outside = (
            Trip.objects.filter(plan=plan)
            .exclude(status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED])
            .exclude(start__gte=plan.period_start, end__lte=plan.period_end)
            .count()
        )
        if outside:
            notes.append(
                _(
                    "%(n)s đợt đi cơ sở đã ghi nhận nằm ngoài thời gian mới của kế hoạch: các đợt này không còn "
                    "được tính và mang vi phạm OUTSIDE_PERIOD."
                )
                % {"n": outside}
            )
    record(plan, actor=actor, action="edited", comment="; ".join(notes), organization_id=plan.organization_id)
    return notes
