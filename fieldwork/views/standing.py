"""Standing everywhere (docs/domain.md §5–§7): "my standing" for every cadre, and the table of every
cadre's standing for the Board, Standing and Inspection Committees (a head: own department).

Every figure comes from fieldwork.selectors.standings (the one engine)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts import rules
from accounts.models import Department
from accounts.vietnamese import strip_diacritics
from fieldwork.models import Plan, StoredStanding
from fieldwork.selectors import cadre_people, standing_for, standings
from fieldwork.selectors.dashboards import SORTS
from fieldwork.selectors.stored import ordered, rows_of, stored_as_of
from fieldwork.standing_terms import STATUS_LABELS, pick_as_of, progress_pct

from .common import pick_plan, read_page
from .fresh import fresh_standings

PAGE_SIZE = 50


@login_required
@read_page
def my_standing(request):
    plan = pick_plan(request)
    as_of = pick_as_of(plan, request.GET.get("as_of"))
    person = request.user
    subject = bool(person.group_code)
    standing = standing_for(plan, person, as_of) if subject else None
    years = list(
        Plan.objects.filter(organization_id=plan.organization_id).order_by("-year").values_list("year", flat=True)
    )
    return render(
        request,
        "fieldwork/standing/mine.html",
        {
            "plan": plan,
            "as_of": as_of,
            "standing": standing,
            "person": person,
            "subject": subject,
            "years": years,
        },
    )


def _search_key(text: str) -> str:
    return strip_diacritics(text or "").casefold()


@login_required
@read_page
def standings_table(request):
    user = request.user
    if not rules.can_view_standings(user):
        raise PermissionDenied
    plan = pick_plan(request)
    as_of = pick_as_of(plan, request.GET.get("as_of"))
    whole = rules.sees_whole_organization(user)
    departments = (
        list(Department.objects.filter(organization_id=plan.organization_id).order_by("name"))
        if whole
        else [user.department]
    )
    groups = list(plan.groups.all())
    people = cadre_people(plan)
    dept = request.GET.get("department", "")
    if not whole:
        people = people.filter(department_id=user.department_id)  # a head sees own department only
    elif dept.isdigit():
        people = people.filter(department_id=int(dept))
    group = request.GET.get("group", "")
    if group in {g.code for g in groups}:
        people = people.filter(group_code=group)
    else:
        group = ""
    status = request.GET.get("status", "")
    if status not in STATUS_LABELS:
        status = ""
    q = (request.GET.get("q") or "").strip()
    sort = request.GET.get("sort", "name")
    if sort not in ("done", "status"):
        sort = "name"
    if as_of == stored_as_of(plan):
        # Today's standings: the stored rows, filtered, sorted and paginated in the database
        # (docs/rules.md “Stored standings”); the order and filters are those of the computed path below.
        dept_id = user.department_id if not whole else int(dept) if dept.isdigit() else None
        page, total = _stored_page(request, plan, dept_id, group, status, q, sort, head=not whole)
    else:
        page, total = _computed_page(request, plan, as_of, people, status, q, sort)
    for r in page.object_list:
        r.pct = progress_pct(r.standing.done_days, r.standing.required_days)
    return render(
        request,
        "fieldwork/standing/table.html",
        {
            "plan": plan,
            "as_of": as_of,
            "page": page,
            "total": total,
            "departments": departments,
            "groups": groups,
            "statuses": list(STATUS_LABELS.items()),
            "filters": {"department": dept, "group": group, "status": status, "q": q, "sort": sort},
            "whole": whole,
            "can_import": rules.can_import(user) and not rules.is_read_only(user),
        },
    )


def _stored_page(request, plan, dept_id, group, status, q, sort, *, head):
    fresh_standings(plan)
    qs = StoredStanding.objects.filter(plan=plan)
    if head or dept_id is not None:  # a head without a department sees nobody, as cadre_people would
        qs = qs.filter(department_id=dept_id)
    if group:
        qs = qs.filter(group_code=group)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(search__contains=_search_key(q))
    qs = ordered(qs, sort)
    page = Paginator(qs.select_related("person__department"), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = rows_of(page.object_list)
    return page, page.paginator.count


def _computed_page(request, plan, as_of, people, status, q, sort):
    """Another date than today's: the engine, in memory (a past as_of of the plan's year)."""
    rows = standings(plan, as_of, people=people)
    if status:
        rows = [r for r in rows if r.standing.status == status]
    if q:
        key = _search_key(q)
        rows = [r for r in rows if key in _search_key(r.person.full_name) or key in r.person.email.lower()]
    key = SORTS.get(sort)  # the department home's orders (stored rows: fieldwork.selectors.stored.ordered)
    if key:
        rows = sorted(rows, key=key)  # stable: ties stay in name order
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, len(rows)
