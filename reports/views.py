"""Report pages: the user's jobs, requesting one, its live status (htmx), the permission-checked
download, retry, and the Board's quarter page. No view builds a report: services enqueue."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import rules
from fieldwork import cycles, uploads
from fieldwork.cycles import quarter_deadline
from fieldwork.models import Plan
from fieldwork.selectors import current_plan
from fieldwork.services.quarter_reports import quarter_bounds

from . import selectors, services
from .files import file_of
from .forms import JobFilterForm, ReportRequestForm
from .models import ReportJob
from .signing import SigningError
from .signing import service as signing_service

PAGE_SIZE = 25


def _job(request, pk) -> ReportJob:
    """Scoped to the user's organization first (another organization's job: 404), then the
    object rule (a job of one's own organization one may not see: 403)."""
    job = get_object_or_404(
        ReportJob.objects.select_related("requested_by"), pk=pk, organization_id=request.user.organization_id
    )
    if not rules.can_view_report_job(request.user, job):
        raise PermissionDenied
    return job


@login_required
@require_GET
def jobs(request):
    form = JobFilterForm(request.GET or None)
    qs = selectors.visible_jobs(request.user)
    if form.is_valid():
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/jobs.html",
        {
            "page": page,
            "filter_form": form,
            "can_see_quarter": rules.can_request_report(request.user, "compliance"),
        },
    )


@login_required
def request_report(request):
    """GET: the form; POST (this form, or _download_buttons.html from any page): a job."""
    if request.method == "POST":
        form = ReportRequestForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                job = services.request_report(
                    user=request.user,
                    kind=d["kind"],
                    fmt=d["format"],
                    year=d["year"],
                    quarter=d["quarter"],
                    department=d.get("department"),  # not asked of someone who sees no department
                    cadre=d["cadre"],
                    as_of=d.get("as_of"),
                    issue=d.get("issue") or None,
                )
            except ValidationError as exc:
                for msg in exc.messages:
                    form.add_error(None, msg)
            except PermissionDenied:  # the form checked the same rule; a race (a role just removed)
                form.refused = True
                form.add_error(None, _("Bạn không có quyền tạo báo cáo này."))
            else:
                return redirect(reverse("reports:job_detail", args=[job.pk]) + "?tai=1")
        # A refused choice keeps the form and says why (403); a missing or invalid one, 400.
        return render(request, "reports/request.html", {"form": form}, status=403 if form.refused else 400)
    initial = {
        k: v
        for k, v in request.GET.items()
        if k in ("kind", "format", "year", "quarter", "department", "cadre", "as_of", "issue")
    }
    if "cadre" not in initial:
        initial["cadre"] = request.user.pk
    return render(request, "reports/request.html", {"form": ReportRequestForm(initial=initial, user=request.user)})


@login_required
@require_GET
def job_detail(request, pk):
    """The job's page: one state at a time; ?tai=1 (a job just requested): the file downloads by
    itself once ready (static/js/download.js), the link stays as the fallback."""
    job = _job(request, pk)
    return render(
        request,
        "reports/job_detail.html",
        {
            "job": job,
            "auto": request.GET.get("tai") == "1",
            "can_retry": rules.can_retry_report_job(request.user, job),
            **_signing(request.user, job),
        },
    )


@login_required
@require_GET
def job_status(request, pk):
    """The htmx partial, polled every second while the job is queued or running."""
    job = _job(request, pk)
    return render(
        request,
        "reports/_job_status.html",
        {
            "job": job,
            "auto": request.GET.get("tai") == "1",
            "can_retry": rules.can_retry_report_job(request.user, job),
            **_signing(request.user, job),
        },
    )


def _signing(user, job: ReportJob) -> dict:
    """docs/signing.md: the job's entry in the register, its signature, and whether this user may sign it
    ("Ký số" is shown only to the form's signer when the organization has a usable certificate)."""
    if job.status != ReportJob.Status.DONE:
        return {}
    document = signing_service.document_of(job)
    if document is None:
        return {}
    signature = document.signatures.select_related("signed_by").first()
    return {
        "document": document,
        "signature": signature,
        "can_sign": signature is None and signing_service.can_sign(user, document),
    }


@login_required
@require_POST
def sign(request, pk):
    """ "Ký số": the form's signer signs the issued PDF with the organization's certificate."""
    job = _job(request, pk)
    document = signing_service.document_of(job) if job.status == ReportJob.Status.DONE else None
    if document is None or not signing_service.can_sign(request.user, document):
        raise PermissionDenied
    try:
        signing_service.sign_document(document=document, user=request.user)
    except SigningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã ký số văn bản %(code)s.") % {"code": document.code})
    return redirect("reports:job_detail", pk=job.pk)


@login_required
@require_GET
def download(request, pk):
    job = _job(request, pk)
    if not rules.can_download_report_job(request.user, job):
        raise PermissionDenied  # today's permission, not the one of the day it was requested
    path = file_of(job)
    if path is None:
        raise Http404(_("Báo cáo chưa sẵn sàng."))
    return uploads.attachment_response(path.open("rb"), filename=job.file_name)


@login_required
@require_POST
def retry(request, pk):
    job = _job(request, pk)
    try:
        services.retry_job(user=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, _("Đang tạo lại báo cáo."))
    return redirect("reports:job_detail", pk=job.pk)


@login_required
@require_GET
def quarter(request):
    """The Board's page: the organization's compliance reports per quarter, every version."""
    if not rules.can_request_report(request.user, "compliance"):
        raise PermissionDenied
    current = current_plan(request.user.organization_id)
    default_year = current.year if current else timezone.localdate().year
    try:
        year = int(request.GET.get("year") or default_year)
    except ValueError:
        year = default_year
    by_quarter = selectors.quarter_reports(request.user.organization_id, year)
    plan = Plan.objects.filter(organization_id=request.user.organization_id, year=year).first()
    years = list(Plan.objects.filter(organization_id=request.user.organization_id).values_list("year", flat=True))
    today = timezone.localdate()
    rows = []
    for q in range(1, 5):
        start, end = quarter_bounds(year, q)
        deadline = quarter_deadline(plan, q) if plan else None  # None: the plan names no mẫu 3 deadline
        rows.append(
            {
                "quarter": q,
                "start": start,
                "end": end,
                "started": start <= today,
                "ended": end < today,
                "deadline": deadline,
                "due": cycles.is_late(plan, deadline, today),
                **by_quarter[q],
            }
        )
    return render(
        request,
        "reports/quarter.html",
        {
            "year": year,
            "years": years,
            "plan": plan,
            "rows": rows,
            "can_regenerate": not rules.is_read_only(request.user),
            # docs/rules.md “A year in the life”: the page promises automatic reports only where a scheduler makes them
            # (a broker, hence the worker and beat: docs/operations.md); otherwise it says how.
            "automatic": bool(settings.CELERY_BROKER_URL),
        },
    )


@login_required
@require_POST
def regenerate(request):
    if rules.is_read_only(request.user) or not rules.can_request_report(request.user, "compliance"):
        raise PermissionDenied
    try:
        year, quarter_no = int(request.POST.get("year", "")), int(request.POST.get("quarter", ""))
        services.regenerate_compliance(user=request.user, year=year, quarter=quarter_no)
    except ValueError:
        messages.error(request, _("Năm hoặc quý không hợp lệ."))
        return redirect("reports:quarter")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, _("Đang tạo lại báo cáo quý (PDF và XLSX); các bản trước vẫn được giữ."))
    return redirect(reverse("reports:quarter") + f"?year={year}")


@login_required
@require_GET
def cadre_options(request):
    """The cadre select's options for a search (docs/rules.md “Stored standings”): people the user may request a
    mẫu 1 of (accounts.selectors.viewable_people) whose name or email contains the text, the first 50 in Vietnamese name order."""
    from accounts.selectors import may_search_people, viewable_people

    # docs/security.md: only to those who may request a report on others, only the people they may.
    if not may_search_people(request.user):
        raise PermissionDenied
    q = (request.GET.get("q") or "").strip()[:100]
    people = viewable_people(request.user)
    if q:
        people = people.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
    people = people.select_related("department").order_by("sort_key", "email")[:50]
    return render(request, "reports/_cadre_options.html", {"people": people})
