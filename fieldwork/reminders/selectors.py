"""Who owes what on a day (docs/rules.md “Reminders, digests and delegation of approval”): reminders and digests due, a person's next deadlines, the
log of what was sent. Reads only; sending is services.py."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Department, Role, User
from accounts.owing import active_on, owes_fieldwork
from accounts.vietnamese import format_date, format_days
from fieldwork import cycles
from fieldwork.models import ChangeRequest, DepartmentPlan, Plan, QuarterReport, Registration, Trip
from fieldwork.quarters import WHOLE_YEAR, quarter_name
from fieldwork.selectors import standings
from fieldwork.services.approvers import approvers_of

from . import deadlines as dl
from .models import ReminderSchedule, SentReminder

K = SentReminder.Kind
FORM_LABELS = {dl.REGISTRATION: "mẫu 1", dl.CONSOLIDATION: "mẫu 2", dl.QUARTER_REPORT: "mẫu 3"}
DONE_REGISTRATION = (Registration.Status.SUBMITTED, Registration.Status.APPROVED)
DONE_DEPARTMENT_PLAN = (DepartmentPlan.Status.SUBMITTED, DepartmentPlan.Status.APPROVED)
RESULTS_OWED = (Trip.Status.APPROVED, Trip.Status.RETURNED)


@dataclass
class Due:
    """One reminder or digest due to one person."""

    person: User
    kind: str
    key: str
    deadline: date | None
    plan: Plan
    period: int | None
    subject: str
    lines: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def body(self) -> str:
        return "\n".join(self.lines)


def schedule_for(plan: Plan) -> ReminderSchedule:
    """The plan's schedule, or the defaults (unsaved) when the Board set none."""
    try:
        return plan.reminder_schedule
    except ReminderSchedule.DoesNotExist:
        return ReminderSchedule(plan=plan)


def period_label(plan: Plan, period: int) -> str:
    if period == WHOLE_YEAR:
        return _("năm %(y)s") % {"y": plan.year}
    return _("quý %(q)s/%(y)s") % {"q": quarter_name(period), "y": plan.year}


def _active_on(person: User, on: date) -> bool:
    return active_on(person, on)


class _PlanDay:
    """The facts of one plan on one day, read lazily and once (a constant number of queries)."""

    def __init__(self, plan: Plan, as_of: date, people=None):
        self.plan = plan
        self.as_of = as_of
        self.people = people  # a narrower queryset of cadre_people (one person's page)
        self._rows = None

    @property
    def rows(self):
        """Standings at as_of (one engine behind every number: fieldwork/selectors.standings)."""
        if self._rows is None:
            on = min(max(self.as_of, self.plan.period_start), self.plan.period_end)
            people = _people_of(self.plan)
            if self.people is not None:
                people = people.filter(pk__in=self.people)
            self._rows = standings(self.plan, on, people=people)
        return self._rows

    @property
    def owing_cadres(self) -> list[User]:
        """Who owes fieldwork on the day (accounts.owing.owes_fieldwork: a group, active, not
        exempt — whatever the roles: a head with the role `head` alone is reminded too)."""
        return [r.person for r in self.rows if owes_fieldwork(r.person, r.status, self.as_of)]

    @property
    def departments(self) -> list[Department]:
        """Departments with at least one cadre who owes fieldwork: they owe mẫu 2 and mẫu 3."""
        ids = {p.department_id for p in self.owing_cadres if p.department_id}
        return list(Department.objects.filter(pk__in=ids, is_active=True).order_by("name"))

    def heads(self) -> dict[int, list[User]]:
        out = defaultdict(list)
        qs = (
            User.objects.filter(organization_id=self.plan.organization_id, is_active=True, roles__code=Role.HEAD)
            .exclude(department=None)
            .distinct()
            .order_by("sort_key", "email")
        )
        for u in qs:
            out[u.department_id].append(u)
        return out


def _people_of(plan: Plan):
    from fieldwork.selectors import cadre_people

    return cadre_people(plan).prefetch_related("roles")


# Reminders before and after deadlines ---------------------------------------------------------------
def _registration_due(day: _PlanDay, d: dl.Deadline, step: int) -> list[Due]:
    done = set(
        Registration.objects.filter(plan=day.plan, quarter=d.period, status__in=DONE_REGISTRATION).values_list(
            "person_id", flat=True
        )
    )
    url = reverse("fieldwork:registrations") + f"?year={day.plan.year}"
    return [
        _reminder(
            p, day.plan, d, step, url, _("Bản đăng ký đi cơ sở (mẫu 1) %(p)s") % {"p": period_label(day.plan, d.period)}
        )
        for p in day.owing_cadres
        if p.pk not in done
    ]


def _consolidation_due(day: _PlanDay, d: dl.Deadline, step: int) -> list[Due]:
    done = set(
        DepartmentPlan.objects.filter(plan=day.plan, quarter=d.period, status__in=DONE_DEPARTMENT_PLAN).values_list(
            "department_id", flat=True
        )
    )
    heads = day.heads()
    pl = period_label(day.plan, d.period)
    url = reverse("fieldwork:department_plans") + f"?year={day.plan.year}"
    return [
        _reminder(
            h, day.plan, d, step, url, _("Bản tổng hợp đăng ký của %(b)s (mẫu 2) %(p)s") % {"b": dep.name, "p": pl}
        )
        for dep in day.departments
        if dep.pk not in done
        for h in heads.get(dep.pk, [])
    ]


def _quarter_report_due(day: _PlanDay, d: dl.Deadline, step: int) -> list[Due]:
    done = set(
        QuarterReport.objects.filter(
            plan=day.plan, quarter=d.period, status=QuarterReport.Status.SUBMITTED
        ).values_list("department_id", flat=True)
    )
    heads = day.heads()
    out = []
    for dep in day.departments:
        if dep.pk in done:
            continue
        url = reverse("fieldwork:quarter_report", args=[dep.pk, d.period]) + f"?year={day.plan.year}"
        text = _("Báo cáo kết quả đi cơ sở của %(b)s (mẫu 3) %(p)s") % {
            "b": dep.name,
            "p": period_label(day.plan, d.period),
        }
        out.extend(_reminder(h, day.plan, d, step, url, text) for h in heads.get(dep.pk, []))
    return out


def _reminder(person, plan, d: dl.Deadline, step: int, url: str, what: str) -> Due:
    # The deadline as the plan's document words it (docs/domain.md §5): "trước ngày 15/02/2023".
    when = cycles.deadline_words(plan, d.date)
    if step < 0:
        subject = _("Nhắc việc: %(w)s gửi %(d)s") % {"w": what, "d": when}
        first = _("%(w)s cần gửi %(d)s (còn %(n)s ngày).") % {"w": what, "d": when, "n": -step}
    else:
        subject = _("Quá hạn: %(w)s (hạn gửi %(d)s)") % {"w": what, "d": when}
        first = _("%(w)s đã quá hạn (hạn gửi %(d)s) mà chưa hoàn thành.") % {"w": what, "d": when}
    return Due(
        person=person,
        kind=dl.step_kind(d.form, step),
        key=f"{d.date.isoformat()}@{step:+d}",
        deadline=d.date,
        plan=plan,
        period=d.period,
        subject=subject,
        lines=[first],
        url=url,
    )


BY_FORM = {
    dl.REGISTRATION: _registration_due,
    dl.CONSOLIDATION: _consolidation_due,
    dl.QUARTER_REPORT: _quarter_report_due,
}


def _results_due(day: _PlanDay, schedule: ReminderSchedule) -> list[Due]:
    """Trips that ended `results_days` ago and whose results were not reported (or came back)."""
    first_end = day.as_of - timedelta(days=schedule.results_days + dl.GRACE_DAYS - 1)
    last_end = day.as_of - timedelta(days=schedule.results_days)
    trips = Trip.objects.filter(
        plan=day.plan, status__in=RESULTS_OWED, end__gte=first_end, end__lte=last_end
    ).select_related("category")
    trips = list(trips.order_by("end", "start", "pk"))
    if not trips:
        return []
    owing = {p.pk: p for p in day.owing_cadres}
    by_key = defaultdict(list)
    for t in trips:
        if t.person_id in owing:
            by_key[(t.person_id, t.end + timedelta(days=schedule.results_days))].append(t)
    out = []
    for (pid, deadline), trips_ in sorted(by_key.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        lines = [_("Các đợt đi cơ sở sau đã kết thúc nhưng chưa báo cáo kết quả:")]
        lines += [
            f"- {t.location} ({format_date(t.start)} – {format_date(t.end)}, {format_days(t.days)} ngày)"
            for t in trips_
        ]
        out.append(
            Due(
                person=owing[pid],
                kind=K.RESULTS_DUE,
                key=f"{deadline.isoformat()}@+0",
                deadline=deadline,
                plan=day.plan,
                period=None,
                subject=_("Nhắc việc: báo cáo kết quả %(n)s đợt đi cơ sở") % {"n": len(trips_)},
                lines=lines,
                url=reverse("fieldwork:my_trips"),
            )
        )
    return out


# Digests --------------------------------------------------------------------------------------------
def _in_window(day: date, as_of: date) -> bool:
    return 0 <= (as_of - day).days < dl.GRACE_DAYS


def _approvals_waiting(day: _PlanDay, schedule: ReminderSchedule) -> list[Due]:
    """Weekly (from Monday): to each approver, what has waited for them longer than `waiting_days`."""
    as_of = day.as_of
    monday = as_of - timedelta(days=as_of.weekday())
    if not _in_window(monday, as_of):
        return []
    before = as_of - timedelta(days=schedule.waiting_days)
    org = day.plan.organization_id
    waiting = defaultdict(list)  # approver pk -> lines
    people = {}

    def add(approvers, line):
        for a in approvers:
            people[a.pk] = a
            waiting[a.pk].append(line)

    regs = Registration.objects.filter(
        plan=day.plan, status=Registration.Status.SUBMITTED, submitted_at__date__lte=before
    ).select_related("person")
    for r in regs:
        add(approvers_of(r.person), _("- Bản đăng ký của %(n)s") % {"n": r.person.full_name})
    trips = Trip.objects.filter(plan=day.plan, status=Trip.Status.REPORTED, reported_at__date__lte=before)
    for t in trips.select_related("person"):
        add(approvers_of(t.person), _("- Kết quả đợt đi của %(n)s") % {"n": t.person.full_name})
    crs = ChangeRequest.objects.filter(
        trip__plan=day.plan, status=ChangeRequest.Status.PENDING, requested_at__date__lte=before
    ).select_related("trip__person")
    for c in crs:
        add(approvers_of(c.trip.person), _("- Đề nghị thay đổi của %(n)s") % {"n": c.trip.person.full_name})
    dps = DepartmentPlan.objects.filter(
        plan=day.plan, status=DepartmentPlan.Status.SUBMITTED, submitted_at__date__lte=before
    ).select_related("department")
    if dps:
        from accounts import rules

        deciders = list(
            User.objects.filter(organization_id=org, is_active=True).prefetch_related("roles").order_by("sort_key")
        )
        for dp in dps:
            add(
                [u for u in deciders if u.pk != dp.submitted_by_id and rules.can_decide_department_plan(u, dp)],
                _("- Bản tổng hợp (mẫu 2) của %(b)s") % {"b": dp.department.name},
            )
    year, week, _wd = as_of.isocalendar()
    url = reverse("fieldwork:approvals")
    return [
        Due(
            person=people[pk],
            kind=K.APPROVALS_WAITING,
            key=f"{year}-W{week:02d}",
            deadline=None,
            plan=day.plan,
            period=None,
            subject=_("%(n)s việc chờ bạn phê duyệt quá %(d)s ngày") % {"n": len(lines), "d": schedule.waiting_days},
            lines=[_("Các việc sau đang chờ bạn phê duyệt:"), *lines],
            url=url,
        )
        for pk, lines in waiting.items()
    ]


def _monthly(day: _PlanDay) -> bool:
    plan, as_of = day.plan, day.as_of
    first = as_of.replace(day=1)
    return _in_window(first, as_of) and plan.period_start < first <= plan.period_end


def last_quarter_start(plan: Plan) -> date:
    """The first day of the calendar quarter in which the period ends (docs/rules.md “Reminders, digests and delegation of approval”)."""
    end = plan.period_end
    return max(plan.period_start, date(end.year, 3 * ((end.month - 1) // 3) + 1, 1))


def _needs(standing) -> str:
    days = max(0, standing.required_days - standing.done_days - standing.planned_days)
    trips = max(0, standing.immersion_required - standing.immersion_done - standing.immersion_planned)
    parts = []
    if days:
        parts.append(_("còn thiếu %(d)s ngày") % {"d": format_days(days)})
    if trips:
        parts.append(_("%(n)s đợt cùng ăn, cùng ở, cùng làm") % {"n": trips})
    return ", ".join(parts) or _("cần thực hiện đúng kế hoạch đã đăng ký")


def _at_risk_digest(day: _PlanDay) -> list[Due]:
    """Monthly (and so at the start of the period's last quarter, a first of a month): to each
    head, the department's cadres at risk with what each still needs."""
    if not _monthly(day):
        return []
    first = day.as_of.replace(day=1)
    last_quarter = first == last_quarter_start(day.plan)
    by_dep = defaultdict(list)
    for r in day.rows:
        if r.status == "at_risk" and r.person.department_id and _active_on(r.person, day.as_of):
            by_dep[r.person.department_id].append(r)
    out = []
    heads = day.heads() if by_dep else {}
    for dep_id, rows in by_dep.items():
        lines = []
        if last_quarter:
            lines.append(_("Đã bắt đầu quý cuối của kế hoạch năm %(y)s.") % {"y": day.plan.year})
        lines.append(_("Cán bộ của ban có nguy cơ không đạt:"))
        lines += [f"- {r.person.full_name}: {_needs(r.standing)}" for r in rows]
        for h in heads.get(dep_id, []):
            out.append(
                Due(
                    person=h,
                    kind=K.AT_RISK_DIGEST,
                    key=f"{first:%Y-%m}",
                    deadline=None,
                    plan=day.plan,
                    period=None,
                    subject=_("%(n)s cán bộ của ban có nguy cơ không đạt") % {"n": len(rows)},
                    lines=lines,
                    url=reverse("fieldwork:department_home"),
                )
            )
    return out


def late_departments(day: _PlanDay) -> list[str]:
    """Departments with a mẫu 2 or mẫu 3 past its deadline and not submitted, as lines."""
    plan, as_of = day.plan, day.as_of
    deps = day.departments
    out = []
    submitted_dp = set(
        DepartmentPlan.objects.filter(plan=plan, status__in=DONE_DEPARTMENT_PLAN).values_list(
            "department_id", "quarter"
        )
    )
    submitted_qr = set(
        QuarterReport.objects.filter(plan=plan, status=QuarterReport.Status.SUBMITTED).values_list(
            "department_id", "quarter"
        )
    )
    for dep in deps:
        missing = []
        for d in dl.plan_deadlines(plan):
            if d.date >= as_of or d.form == dl.REGISTRATION:
                continue
            done = submitted_dp if d.form == dl.CONSOLIDATION else submitted_qr
            if (dep.pk, d.period) not in done:
                missing.append(f"{FORM_LABELS[d.form]} {period_label(plan, d.period)}")
        if missing:
            out.append(f"- {dep.name}: {', '.join(missing)}")
    return out


def _board_digest(day: _PlanDay) -> list[Due]:
    """Monthly: to each Board member, the organization's figures and the late departments."""
    if not _monthly(day):
        return []
    counts = defaultdict(int)
    for r in day.rows:
        counts[r.status] += 1
    board = User.objects.filter(
        organization_id=day.plan.organization_id, is_active=True, roles__code=Role.BOARD
    ).distinct()
    if not board:
        return []
    lines = [
        _(
            "Tình hình thực hiện đến ngày %(d)s: %(t)s cán bộ; hoàn thành (đủ ngày và đủ đợt) %(m)s, đúng tiến độ "
            "%(o)s, có nguy cơ %(r)s, không đạt %(n)s, miễn %(e)s."
        )
        % {
            "d": format_date(day.as_of),
            "t": len(day.rows),
            "m": counts["met"],
            "o": counts["on_track"],
            "r": counts["at_risk"],
            "n": counts["not_met"],
            "e": counts["exempt"],
        }
    ]
    late = late_departments(day)
    lines += [_("Các ban chậm nộp:"), *late] if late else [_("Không có ban nào chậm nộp.")]
    first = day.as_of.replace(day=1)
    return [
        Due(
            person=u,
            kind=K.BOARD_DIGEST,
            key=f"{first:%Y-%m}",
            deadline=None,
            plan=day.plan,
            period=None,
            subject=_("Tổng hợp tình hình đi cơ sở tháng %(m)s/%(y)s") % {"m": first.month, "y": first.year},
            lines=lines,
            url=reverse("fieldwork:organization_dashboard"),
        )
        for u in board.order_by("sort_key", "email")
    ]


def _new_heads_digest(day: _PlanDay) -> list[Due]:
    """Monthly, to each Standing Committee member: who became a department head since the first
    of the previous month, and who made them one (docs/rules.md “Nobody certifies their own days”: a Board member cannot create a
    puppet head to confirm their own trips unseen). Nothing new, no digest."""
    if not _monthly(day):
        return []
    from accounts.history import NEW_HEAD
    from fieldwork.models import HistoryEntry

    first = day.as_of.replace(day=1)
    since = (first - timedelta(days=1)).replace(day=1)
    entries = list(
        HistoryEntry.objects.filter(
            object_type="user",
            organization_id=day.plan.organization_id,
            to_state=NEW_HEAD,
            at__date__gte=since,
            at__date__lt=first,
        ).select_related("actor")
    )
    if not entries:
        return []
    people = User.objects.in_bulk({e.object_id for e in entries})
    departments = Department.objects.in_bulk({p.department_id for p in people.values() if p.department_id})
    lines = [_("Người được giao vai trò Lãnh đạo ban trong tháng %(m)s/%(y)s:") % {"m": since.month, "y": since.year}]
    for e in entries:
        person = people.get(e.object_id)
        if person is None:
            continue
        dep = departments.get(person.department_id)
        lines.append(
            _("- %(name)s (%(dep)s), ngày %(d)s, do %(actor)s giao")
            % {
                "name": person.full_name,
                "dep": dep.name if dep else "—",
                "d": format_date(e.at.date()),
                "actor": e.actor.full_name if e.actor else _("dòng lệnh"),
            }
        )
    standing = User.objects.filter(
        organization_id=day.plan.organization_id, is_active=True, roles__code=Role.STANDING
    ).distinct()
    return [
        Due(
            person=u,
            kind=K.NEW_HEADS,
            key=f"{first:%Y-%m}",
            deadline=None,
            plan=day.plan,
            period=None,
            subject=_("%(n)s lãnh đạo ban mới trong tháng %(m)s/%(y)s")
            % {"n": len(lines) - 1, "m": since.month, "y": since.year},
            lines=lines,
            url=reverse("accounts:people"),
        )
        for u in standing.order_by("sort_key", "email")
    ]


# Everything due on a day ----------------------------------------------------------------------------
def plans_of(organization_id, as_of: date):
    """This year's plan and last year's (late reminders of its last quarter run into January)."""
    return Plan.objects.filter(organization_id=organization_id, year__in=(as_of.year - 1, as_of.year)).order_by("year")


def due_on(organization_id, as_of: date) -> list[Due]:
    """Every reminder and digest due on `as_of` for one organization, whether sent or not."""
    out: list[Due] = []
    for plan in plans_of(organization_id, as_of):
        schedule = schedule_for(plan)
        if not schedule.enabled:
            continue
        day = _PlanDay(plan, as_of)
        found = []
        for d in dl.plan_deadlines(plan):
            step = dl.current_step(
                d.date,
                as_of,
                before=schedule.days_before,
                after=schedule.days_after,
                first_late=cycles.last_day_on_time(plan, d.date) + timedelta(days=1),
            )
            if step is not None:
                found.extend(BY_FORM[d.form](day, d, step))
        found += [
            *_results_due(day, schedule),
            *_approvals_waiting(day, schedule),
            *_at_risk_digest(day),
            *_board_digest(day),
            *_new_heads_digest(day),
        ]
        if found:
            # docs/domain.md §10: exempt cadres are never reminded, of anything (a head on maternity
            # leave gets no mẫu 2 reminder either: docs/rules.md “Reminders, digests and delegation of approval”).
            exempt = {r.person.pk for r in day.rows if r.status == "exempt"}
            out.extend(d for d in found if d.person.pk not in exempt)
    return out


# A person's next deadlines (their page) ---------------------------------------------------------------
@dataclass
class NextDeadline:
    label: str
    date: date
    url: str
    late: bool
    words: str = ""  # "trước ngày 15/02/2023" (docs/domain.md §5)


def next_deadlines(person: User, today: date, limit: int = 5) -> list[NextDeadline]:
    """What this person still owes and by when: mẫu 1 (a cadre), mẫu 2 and mẫu 3 (a head), from the
    same deadlines as the reminders; past deadlines still owed come first, marked late."""
    if not person.organization_id:
        return []
    out = []
    for plan in plans_of(person.organization_id, today):
        is_head = person.has_role(Role.HEAD) and person.department_id
        # Only the people whose fieldwork this person answers for: themself, a head's department.
        mates = User.objects.filter(department_id=person.department_id) if is_head else User.objects.none()
        day = _PlanDay(plan, today, people=User.objects.filter(Q(pk=person.pk) | Q(pk__in=mates)).values("pk"))
        owing = {p.pk for p in day.owing_cadres}
        dep_owes = is_head and any(p.department_id == person.department_id for p in day.owing_cadres)
        regs = set(
            Registration.objects.filter(plan=plan, person=person, status__in=DONE_REGISTRATION).values_list(
                "quarter", flat=True
            )
        )
        dps = set(
            DepartmentPlan.objects.filter(
                plan=plan, department_id=person.department_id, status__in=DONE_DEPARTMENT_PLAN
            ).values_list("quarter", flat=True)
        )
        qrs = set(
            QuarterReport.objects.filter(
                plan=plan, department_id=person.department_id, status=QuarterReport.Status.SUBMITTED
            ).values_list("quarter", flat=True)
        )
        for d in dl.plan_deadlines(plan):
            if d.date < today - timedelta(days=31):
                continue  # long past: the Board's business, not a "next" deadline
            label = f"{FORM_LABELS[d.form]} {period_label(plan, d.period)}"
            if d.form == dl.REGISTRATION and person.pk in owing and d.period not in regs:
                url = reverse("fieldwork:registrations") + f"?year={plan.year}"
            elif d.form == dl.CONSOLIDATION and dep_owes and d.period not in dps:
                url = reverse("fieldwork:department_plans") + f"?year={plan.year}"
            elif d.form == dl.QUARTER_REPORT and dep_owes and d.period not in qrs:
                url = reverse("fieldwork:quarter_report", args=[person.department_id, d.period]) + f"?year={plan.year}"
            else:
                continue
            out.append(
                NextDeadline(
                    label=label,
                    date=d.date,
                    url=url,
                    late=cycles.is_late(plan, d.date, today),
                    words=cycles.deadline_words(plan, d.date),
                )
            )
        out.extend(_returned_reports(person, plan, today))
    out.sort(key=lambda n: n.date)
    return out[:limit]


def _returned_reports(person: User, plan: Plan, today: date) -> list[NextDeadline]:
    """The person's own trip reports returned for correction (a head's own trips too, docs/rules.md “A year in the life”):
    due by the mẫu 3 deadline of the trip's quarter (docs/domain.md §7.7), or now when that has
    passed or is unknown."""
    returned = list(Trip.objects.filter(plan=plan, person=person, status=Trip.Status.RETURNED).order_by("start", "pk"))
    if not returned:
        return []
    report_due = {d.period: d.date for d in dl.plan_deadlines(plan) if d.form == dl.QUARTER_REPORT}
    out = []
    for t in returned:
        named = report_due.get((t.start.month - 1) // 3 + 1)  # None: the plan names no mẫu 3 deadline
        due = named or today
        out.append(
            NextDeadline(
                label=_("Báo cáo kết quả đợt đi ngày %(d)s bị trả lại: sửa và gửi lại") % {"d": format_date(t.start)},
                date=due,
                url=reverse("fieldwork:trip_report", args=[t.pk]),
                late=cycles.is_late(plan, named, today),
                words=cycles.deadline_words(plan, named),
            )
        )
    return out


# The log (Board) ---------------------------------------------------------------------------------------
def sent_log(organization_id, *, kind: str = "", q: str = "", since: date | None = None, until: date | None = None):
    qs = SentReminder.objects.filter(organization_id=organization_id).select_related("person__department")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(person__full_name__icontains=q) | Q(person__email__icontains=q))
    if since:
        qs = qs.filter(as_of__gte=since)
    if until:
        qs = qs.filter(as_of__lte=until)
    return qs.order_by("-created_at", "-pk")
