"""The department's consolidated plan for a quarter (mẫu 2) and its approval (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”).

    DRAFT|RETURNED ──submit (head)──▶ SUBMITTED ──approve (Standing)──▶ APPROVED
                                     SUBMITTED ──return (Standing, comment required)──▶ RETURNED

The period is the plan's registration period (fieldwork.cycles, docs/rules.md “The seeds' cycle and rules”): the whole year
(quarter 0) under the annual cycle, a quarter under the quarterly one; deadlines come from
fieldwork.cycles. A registration is late when it was first submitted after the deadline's day,
or is still not submitted once the deadline has passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import Department, Role, User
from accounts.owing import owes_fieldwork
from fieldwork import cycles
from fieldwork.cycles import period_label
from fieldwork.models import DepartmentPlan, Plan, Registration, Trip
from fieldwork.selectors import cadre_people, standings
from fieldwork.services.history import notify, record
from fieldwork.services.transitions import check_version, update_versioned

# Lines that appear in mẫu 2: registered trips once approved, whatever happened next
# (docs/domain.md §8: "registered (planned) trips of the quarter, not imported results").
PLANNED_STATUSES = (Trip.Status.APPROVED, Trip.Status.REPORTED, Trip.Status.RETURNED, Trip.Status.CONFIRMED)


def registration_deadline(plan: Plan, quarter: int) -> date | None:
    """The period's mẫu 1 deadline, or None (fieldwork.cycles.registration_deadline)."""
    return cycles.registration_deadline(plan, quarter)


def is_late(plan: Plan, registration: Registration | None, deadline: date | None, today: date) -> bool:
    """Sent (or still missing on `today`) late, as the plan's document words the deadline
    (fieldwork.cycles.is_late: "trước ngày 15/02" makes 15/02 late)."""
    if registration is not None and registration.submitted_at is not None:
        return cycles.is_late(plan, deadline, timezone.localtime(registration.submitted_at).date())
    return cycles.is_late(plan, deadline, today)


@dataclass
class MemberRow:
    person: User
    registration: Registration | None
    late: bool
    lines: int = 0
    owes: bool = True  # accounts.owing.owes_fieldwork: an exempt or departed member owes no mẫu 1

    @property
    def status_label(self) -> str:
        if self.registration is None or (self.registration.status == Registration.Status.DRAFT and not self.lines):
            return _("Chưa đăng ký") if self.owes else _("Không thuộc diện phải đi cơ sở")
        if self.registration.self_certified and self.registration.status == Registration.Status.APPROVED:
            return _("Tự xác nhận")
        return self.registration.get_status_display()

    @property
    def registered(self) -> bool:
        return self.registration is not None and self.registration.submitted_at is not None


@dataclass
class Overview:
    plan: Plan
    department: Department
    quarter: int
    deadline: date | None
    consolidation_deadline: date | None
    members: list[MemberRow]
    lines: list[Trip]
    department_plan: DepartmentPlan | None
    not_registered: list[User] = field(default_factory=list)
    late: list[User] = field(default_factory=list)

    @property
    def deadline_words(self) -> str:
        """ "trước ngày 15/02/2023" (docs/domain.md §5), "" when the plan names no mẫu 1 deadline."""
        return cycles.deadline_words(self.plan, self.deadline)

    @property
    def consolidation_words(self) -> str:
        return cycles.deadline_words(self.plan, self.consolidation_deadline)


def planned_lines(plan: Plan, department: Department, quarter: int):
    """Mẫu 2 rows: the department's approved registration lines of the quarter, people in
    Vietnamese order, then by date."""
    return (
        Trip.objects.filter(
            plan=plan,
            person__department=department,
            registration__quarter=quarter,
            registration__plan=plan,
            status__in=PLANNED_STATUSES,
            category__counts=True,  # docs/domain.md §8: attending because invited is not a field trip
        )
        .select_related("person", "category")
        .order_by("person__sort_key", "person__email", "start", "pk")
    )


def overview(plan: Plan, department: Department, quarter: int, today: date | None = None) -> Overview:
    """Everything the department plan page shows, in a constant number of queries."""
    today = today or timezone.localdate()
    deadline = registration_deadline(plan, quarter)
    # The members and their standings (the engine says who is exempt): who owes a mẫu 1 is
    # accounts.owing's one rule (docs/domain.md §2), never the roles.
    on = min(max(today, plan.period_start), plan.period_end)
    standing_rows = standings(plan, on, people=cadre_people(plan).filter(department=department))
    members = [r.person for r in standing_rows]
    status_of = {r.person.pk: r.status for r in standing_rows}
    regs = {
        r.person_id: r
        for r in Registration.objects.filter(plan=plan, quarter=quarter, person__in=[m.pk for m in members])
    }
    counts: dict[int, int] = {}
    for rid in (
        Trip.objects.filter(registration__in=list(regs.values()))
        .exclude(status__in=[Trip.Status.CANCELLED, Trip.Status.REJECTED])
        .values_list("registration_id", flat=True)
    ):
        counts[rid] = counts.get(rid, 0) + 1
    rows = []
    for m in members:
        reg = regs.get(m.pk)
        rows.append(
            MemberRow(
                person=m,
                registration=reg,
                late=is_late(plan, reg, deadline, today),
                lines=counts.get(reg.pk, 0) if reg else 0,
                owes=owes_fieldwork(m, status_of.get(m.pk), None),
            )
        )
    dp = DepartmentPlan.objects.filter(plan=plan, department=department, quarter=quarter).first()
    return Overview(
        plan=plan,
        department=department,
        quarter=quarter,
        deadline=deadline,
        consolidation_deadline=cycles.consolidation_deadline(plan, quarter),
        members=rows,
        lines=list(planned_lines(plan, department, quarter)),
        department_plan=dp,
        not_registered=[r.person for r in rows if r.owes and not r.registered],
        late=[r.person for r in rows if r.owes and r.late],
    )


def department_plan_url(dp: DepartmentPlan) -> str:
    return reverse("fieldwork:department_plan", args=[dp.department_id, dp.quarter]) + f"?year={dp.plan.year}"


def _standing_members(organization_id, exclude=None) -> list[User]:
    qs = User.objects.filter(organization_id=organization_id, is_active=True, roles__code=Role.STANDING).distinct()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)


def submit(*, actor: User, plan: Plan, department: Department, quarter: int, version: int, now=None) -> DepartmentPlan:
    now = now or timezone.now()
    if (
        rules.is_read_only(actor)
        or not rules.can_lead_department(actor, department)
        or plan.organization_id != department.organization_id
    ):
        raise PermissionDenied
    with transaction.atomic():
        dp, _created = DepartmentPlan.objects.get_or_create(plan=plan, department=department, quarter=quarter)
        dp = DepartmentPlan.objects.select_for_update().get(pk=dp.pk)
        check_version(
            dp, version, _("Kế hoạch của ban vừa được xử lý ở nơi khác. Trang đã được tải lại với trạng thái mới nhất.")
        )
        if dp.status not in (DepartmentPlan.Status.DRAFT, DepartmentPlan.Status.RETURNED):
            raise ValidationError(_("Kế hoạch của ban đã được gửi (%(s)s).") % {"s": dp.get_status_display()})
        if not planned_lines(plan, department, quarter).exists():
            raise ValidationError(
                _("Chưa có đợt nào được phê duyệt trong %(p)s để tổng hợp. Hãy phê duyệt bản đăng ký của cán bộ trước.")
                % {"p": period_label(plan.year, quarter)}
            )
        waiting = [
            r.person.full_name
            for r in Registration.objects.filter(
                plan=plan, quarter=quarter, person__department=department, status=Registration.Status.SUBMITTED
            ).select_related("person")
            if rules.can_approve_for(actor, r.person)
        ]
        if waiting:
            raise ValidationError(
                _(
                    "Còn bản đăng ký chờ bạn phê duyệt: %(names)s. Hãy phê duyệt hoặc trả lại trước khi gửi kế hoạch của ban."
                )
                % {"names": ", ".join(waiting)}
            )
        update_versioned(
            dp,
            version=version,
            status=DepartmentPlan.Status.SUBMITTED,
            submitted_by=actor,
            submitted_at=now,
            comment="",
        )
        record(
            dp,
            actor=actor,
            action="submitted",
            from_state=dp.status,
            to_state=DepartmentPlan.Status.SUBMITTED,
            object_type="departmentplan",
            organization_id=department.organization_id,
        )
        notify(
            _standing_members(department.organization_id, exclude=actor),
            _("%(d)s gửi kế hoạch đi cơ sở %(p)s (mẫu 2), chờ Thường trực phê duyệt.")
            % {"d": department.name, "p": period_label(plan.year, quarter)},
            department_plan_url(dp),
        )
    dp.refresh_from_db()
    return dp


def decide(
    *, actor: User, department_plan: DepartmentPlan, version: int, approve: bool, comment: str = "", now=None
) -> DepartmentPlan:
    now = now or timezone.now()
    comment = (comment or "").strip()
    with transaction.atomic():
        dp = (
            DepartmentPlan.objects.select_for_update(of=("self",))
            .select_related("department", "plan")
            .get(pk=department_plan.pk)
        )
        if (
            rules.is_read_only(actor)
            or not rules.can_decide_department_plan(actor, dp)
            or dp.submitted_by_id == actor.pk
        ):
            raise PermissionDenied  # nobody approves their own
        check_version(
            dp,
            version,
            _(
                "Kế hoạch của ban đã được người khác xử lý trong lúc bạn đang xem. Trang đã được tải lại với "
                "trạng thái mới nhất; nội dung bạn đã nhập vẫn được giữ."
            ),
        )
        if dp.status != DepartmentPlan.Status.SUBMITTED:
            raise ValidationError(
                _("Chỉ phê duyệt hoặc trả lại được kế hoạch đang chờ phê duyệt (hiện tại: %(s)s).")
                % {"s": dp.get_status_display()}
            )
        if not approve and not comment:
            raise ValidationError({"comment": [_("Hãy ghi lý do trả lại để ban biết cần sửa gì.")]})
        to_state = DepartmentPlan.Status.APPROVED if approve else DepartmentPlan.Status.RETURNED
        update_versioned(
            dp,
            version=version,
            from_status=DepartmentPlan.Status.SUBMITTED,
            status=to_state,
            decided_by=actor,
            decided_at=now,
            comment=comment,
        )
        record(
            dp,
            actor=actor,
            action="approved" if approve else "returned",
            from_state=dp.status,
            to_state=to_state,
            comment=comment,
            object_type="departmentplan",
            organization_id=dp.department.organization_id,
        )
        text = (
            _("Kế hoạch đi cơ sở %(p)s của %(d)s đã được Thường trực phê duyệt.")
            if approve
            else _("Kế hoạch đi cơ sở %(p)s của %(d)s bị trả lại: %(c)s")
        )
        heads = [dp.submitted_by] if dp.submitted_by_id else []
        notify(
            heads,
            text % {"p": period_label(dp.plan.year, dp.quarter), "d": dp.department.name, "c": comment},
            department_plan_url(dp),
        )
    dp.refresh_from_db()
    return dp


def state_label(department_plan: DepartmentPlan | None) -> str:
    """mẫu 2's state in words, one answer for every page (docs/rules.md “A year in the life”): none yet is "Đang tổng
    hợp", as on its own page, since the head consolidates it from the approved registrations."""
    return department_plan.get_status_display() if department_plan else str(DepartmentPlan.Status.DRAFT.label)
