"""Year-end pages (docs/rules.md “Year-end report and sheet”): the Board's page of the year-end report (its text, the files) and
the approvers' remarks on their cadres for the year-end sheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import rules
from accounts.models import DataAccess, Role, User
from accounts.privacy import record_accesses
from fieldwork.models import Plan
from fieldwork.selectors import cadre_people, current_plan
from fieldwork.selectors.departments import period_standings
from fieldwork.standing_terms import STATUS_BADGES, STATUS_LABELS, year_as_of_or_start

from . import services, yearend_services
from .forms import RemarkForm, YearEndAsOfForm, YearEndTextForm
from .models import CadreRemark, ReportJob, YearEndText
from .yearend import chosen_as_of

PAGE_SIZE = 25


def _plan(request) -> Plan | None:
    org_id = request.user.organization_id
    year = request.GET.get("year") or request.POST.get("year")
    if year:
        try:
            return Plan.objects.filter(organization_id=org_id, year=int(year)).first()
        except ValueError:
            pass
    return current_plan(org_id)


def _as_of(plan: Plan):
    return year_as_of_or_start(plan)


@login_required
def year_end(request):
    """GET: the page; POST (the Board): save the limitations and proposals."""
    if not rules.can_view_year_end(request.user):
        raise PermissionDenied
    plan = _plan(request)
    can_edit = rules.can_edit_year_end_text(request.user)
    text = YearEndText.objects.filter(plan=plan).first() if plan else None
    status = 200
    if request.method == "POST":
        if not can_edit or plan is None:
            raise PermissionDenied
        form = YearEndTextForm(request.POST)
        if form.is_valid():
            try:
                yearend_services.save_year_end_text(user=request.user, plan=plan, **form.cleaned_data)
            except ValidationError as exc:
                for msg in exc.messages:
                    form.add_error(None, msg)
            else:
                fmt, _sep, issue = (request.POST.get("download") or "").partition("-")
                if fmt in ReportJob.Format.values and issue in ("", "upward"):
                    # "Tải PDF" of the text form: the text just saved is the one the file reports,
                    # counted to the day the Board picked (the form carries it), internal or sent up.
                    as_of_form = YearEndAsOfForm(request.POST if request.POST.get("as_of") else None)
                    as_of = as_of_form.cleaned_data.get("as_of") if as_of_form.is_valid() else None
                    try:
                        job = services.request_report(
                            user=request.user,
                            kind=ReportJob.Kind.YEAREND,
                            fmt=fmt,
                            year=plan.year,
                            as_of=as_of,
                            issue=issue or None,
                        )
                    except ValidationError as exc:  # the text is saved; the file could not be asked for
                        messages.error(request, " ".join(exc.messages))
                        return redirect(reverse("reports:year_end") + f"?year={plan.year}")
                    return redirect(reverse("reports:job_detail", args=[job.pk]) + "?tai=1")
                messages.success(request, _("Đã lưu nội dung báo cáo cuối năm."))
                return redirect(reverse("reports:year_end") + f"?year={plan.year}")
        status = 400
    else:
        form = YearEndTextForm(
            initial={"strengths": text.strengths, "limitations": text.limitations, "proposals": text.proposals}
            if text
            else None
        )
    as_of, as_of_form = _chosen_as_of(request, plan)
    jobs = (
        ReportJob.objects.filter(
            organization_id=request.user.organization_id,
            kind__in=[ReportJob.Kind.YEAREND, ReportJob.Kind.YEARSHEET],
            params__year=plan.year if plan else 0,
        )
        .select_related("requested_by")
        .order_by("-created_at")
    )
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    years = list(Plan.objects.filter(organization_id=request.user.organization_id).values_list("year", flat=True))
    return render(
        request,
        "reports/year_end.html",
        {
            "plan": plan,
            "years": years,
            "form": form,
            "text": text,
            "can_edit": can_edit,
            "page": page,
            "as_of": as_of,
            "as_of_form": as_of_form,
            # Only a date the Board picked goes to the jobs; otherwise each job takes the default.
            "as_of_picked": as_of.isoformat() if as_of and as_of_form.is_bound and not as_of_form.errors else "",
        },
        status=status,
    )


def _chosen_as_of(request, plan):
    """The year-end page's "tính đến ngày": the Board's pick (?as_of=), checked like the report's
    (reports.yearend.chosen_as_of); a date it refuses is shown with the reason, the default kept."""
    form = YearEndAsOfForm(request.GET if "as_of" in request.GET else None)
    if plan is None:
        return None, form
    default = _as_of(plan)
    if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
        try:
            return chosen_as_of(plan, form.cleaned_data["as_of"], timezone.localdate()), form
        except ValidationError as exc:
            form.add_error("as_of", exc.messages[0])
    return default, form


def _remark_people(user, plan: Plan):
    """The people whose year-end remark this user writes: those they approve (docs/domain.md §2):
    a head their department's cadres, a Standing member the heads, the Secretary the Standing members."""
    qs = cadre_people(plan).exclude(pk=user.pk).prefetch_related("roles")
    if rules.is_standing(user):
        qs = qs.filter(Q(roles__code__in=[Role.HEAD, Role.STANDING]) | Q(department_id=user.department_id))
    else:
        qs = qs.filter(department_id=user.department_id)
    return [p for p in qs.distinct().order_by("sort_key", "email") if rules.can_write_remark(user, p)]


@login_required
def remarks(request, typed=None, errors=None, status=200):
    """The approver's list: their cadres' year figures and the remark of each (paginated)."""
    if not rules.is_approver(request.user) or rules.is_read_only(request.user):
        raise PermissionDenied
    plan = _plan(request)
    rows = []
    page = None
    if plan is not None:
        people = _remark_people(request.user, plan)
        page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
        ids = [p.pk for p in page.object_list]
        standings = {
            r.person.pk: r.standing
            for r in period_standings(plan, _as_of(plan), people=cadre_people(plan).filter(pk__in=ids)).rows
        }
        saved_remarks = {
            r.person_id: r
            for r in CadreRemark.objects.filter(plan=plan, person_id__in=ids)
            .select_related("written_by")
            .prefetch_related("written_by__roles")
        }
        saved = {pk: r.text for pk, r in saved_remarks.items()}
        # Who looked (docs/privacy.md): the approver opened these people's year-end remarks.
        record_accesses(viewer=request.user, people=page.object_list, what=DataAccess.What.REMARK)
        typed = typed or {}
        for person in page.object_list:
            text = typed.get(person.pk, saved.get(person.pk, ""))
            s = standings.get(person.pk)
            rows.append(
                {
                    "person": person,
                    "standing": s,
                    "status_label": STATUS_LABELS.get(s.status, "") if s else "",
                    "badge": STATUS_BADGES.get(s.status, "secondary") if s else "secondary",
                    "form": RemarkForm(initial={"text": text}, prefix=f"p{person.pk}"),
                    "error": (errors or {}).get(person.pk, ""),
                    # docs/security.md: a peer's remark is shown, not offered for overwriting.
                    "writer": saved_remarks[person.pk].written_by if person.pk in saved_remarks else None,
                    "can_change": rules.can_change_remark(
                        request.user,
                        person,
                        saved_remarks[person.pk].written_by if person.pk in saved_remarks else None,
                    ),
                }
            )
    return render(
        request,
        "reports/remarks.html",
        {"plan": plan, "rows": rows, "page": page, "as_of": _as_of(plan) if plan else None},
        status=status,
    )


@login_required
@require_POST
def remark_save(request, person_id: int):
    plan = _plan(request)
    if plan is None:
        raise PermissionDenied
    person = get_object_or_404(User, pk=person_id, organization_id=request.user.organization_id)
    if not rules.can_write_remark(request.user, person):
        raise PermissionDenied
    form = RemarkForm(request.POST, prefix=f"p{person.pk}")
    typed = request.POST.get(f"p{person.pk}-text", "")
    if form.is_valid():
        try:
            yearend_services.save_remark(user=request.user, plan=plan, person=person, text=form.cleaned_data["text"])
        except ValidationError as exc:
            return remarks(request, typed={person.pk: typed}, errors={person.pk: " ".join(exc.messages)}, status=400)
        messages.success(request, _("Đã lưu nhận xét của %(name)s.") % {"name": person.full_name})
        url = reverse("reports:remarks") + f"?year={plan.year}"
        if request.POST.get("page"):
            url += f"&page={int(request.POST['page']) if request.POST['page'].isdigit() else 1}"
        return redirect(url)
    return remarks(
        request, typed={person.pk: typed}, errors={person.pk: " ".join(form.errors.get("text", []))}, status=400
    )
