"""Roll-up pages (docs/rules.md “Organizations in a tree and the roll-up”): the parent's tree of descendants with their figures, drill-down into
a descendant's SUBMITTED reports, the roll-up report downloads; and the child's page for sending
its quarterly figures to the parent.

Every descendant lookup is scoped to the user's subtree before the get (accounts.tree): another
branch's organization or submission is a 404, never a 403 that confirms it exists. Nothing here
reads a descendant's people, trips or live pages: only the figures it sent (or, for one that sent
nothing, the aggregate figures of its live standings, marked so).
"""

from __future__ import annotations

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
from accounts.models import Organization
from accounts.tree import descendant_or_none
from accounts.vietnamese import strip_diacritics
from fieldwork import uploads
from fieldwork.models import Plan
from fieldwork.quarters import quarter_bounds, quarter_of

from . import rollup_services
from .files import file_of
from .models import ReportJob, RollupSubmission
from .rollup import organization_figures, rollup_tree

PAGE_SIZE = 50
# The page computes live figures of the descendants that sent nothing only when they are few;
# above, it shows them as not sent and the downloadable report (a background job) computes them.
LIVE_ON_PAGE = 40


def _year_quarter(request) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    default_q = quarter_of(today) if year == today.year else 4
    try:
        quarter = int(request.GET.get("quarter") or default_q)
    except ValueError:
        quarter = default_q
    if quarter not in (1, 2, 3, 4):
        quarter = default_q
    return year, quarter


def _fold(text: str) -> str:
    return " ".join(strip_diacritics(text or "").casefold().split())


def _rollup_page(request, node: Organization, *, is_root: bool):
    if not rules.can_view_rollup(request.user):
        raise PermissionDenied
    year, quarter = _year_quarter(request)
    today = timezone.localdate()
    started = quarter_bounds(year, quarter)[0] <= today
    r = rollup_tree(node, year, quarter, today, live_limit=LIVE_ON_PAGE)
    q = (request.GET.get("q") or "").strip()
    status = request.GET.get("status") or ""
    if q or status:
        rows = r.nodes
        if q:
            folded = _fold(q)
            rows = [n for n in rows if folded in _fold(n.org.name)]
        if status == "submitted":
            rows = [n for n in rows if n.submitted]
        elif status == "missing":
            rows = [n for n in rows if not n.submitted]
        elif status == "late":
            rows = [n for n in rows if n.late]
    else:
        rows = r.top
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    own_submissions = []
    if not is_root:
        own_submissions = list(
            RollupSubmission.objects.filter(organization=node, year=year)
            .select_related("submitted_by")
            .order_by("-quarter", "-version")
        )
    ancestors = []
    if not is_root:
        # Breadcrumbs from the user's organization down to the node (ids on the path, one query).
        ids = [int(x) for x in node.path.strip("/").split("/") if x]
        root_index = ids.index(request.user.organization_id)
        chain = {o.pk: o for o in Organization.objects.filter(pk__in=ids[root_index + 1 : -1])}
        ancestors = [chain[i] for i in ids[root_index + 1 : -1] if i in chain]
    jobs = []
    if is_root:
        jobs = list(
            ReportJob.objects.filter(
                organization_id=request.user.organization_id,
                kind=ReportJob.Kind.ROLLUP,
                params__year=year,
                params__quarter=quarter,
            ).order_by("-created_at")[:10]
        )
    return render(
        request,
        "reports/rollup.html",
        {
            "node": node,
            "is_root": is_root,
            "ancestors": ancestors,
            "r": r,
            "page": page,
            "filtering": bool(q or status),
            "q": q,
            "status": status,
            "year": year,
            "quarter": quarter,
            "years": range(today.year + 1, today.year - 6, -1),
            "started": started,
            "own_submissions": own_submissions,
            "jobs": jobs,
            "can_download": is_root and started,
        },
    )


@login_required
@require_GET
def rollup(request):
    org = request.user.organization
    if org is None:
        raise PermissionDenied
    return _rollup_page(request, org, is_root=True)


@login_required
@require_GET
def rollup_node(request, pk):
    if request.user.organization is None:
        raise Http404
    node = descendant_or_none(request.user.organization, pk)
    if node is None:
        raise Http404
    return _rollup_page(request, node, is_root=False)


@login_required
@require_POST
def rollup_request(request):
    """XLSX or PDF of the roll-up of the user's organization: a ReportJob (kind rollup)."""
    if not rules.can_view_rollup(request.user):
        raise PermissionDenied
    try:
        year, quarter = int(request.POST.get("year", "")), int(request.POST.get("quarter", ""))
    except ValueError:
        messages.error(request, _("Năm hoặc quý không hợp lệ."))
        return redirect("reports:rollup")
    try:
        job = rollup_services.request_rollup(
            user=request.user, fmt=request.POST.get("format", ""), year=year, quarter=quarter
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("reports:rollup") + f"?year={year}&quarter={quarter}")
    # The job's page shows one state and downloads the file by itself once ready (?tai=1).
    return redirect(reverse("reports:job_detail", args=[job.pk]) + "?tai=1")


# Drill-down into a submission --------------------------------------------------------------------
def _visible_submissions(user):
    """Submissions of the user's organization and of its descendants (the subtree by path)."""
    org = user.organization
    if org is None or not org.path:
        return RollupSubmission.objects.none()
    return RollupSubmission.objects.filter(
        Q(organization_id=org.pk) | Q(organization__path__startswith=org.path)
    ).select_related("organization", "submitted_by", "pdf_job", "xlsx_job")


def _submission(request, pk) -> RollupSubmission:
    if not rules.sees_whole_organization(request.user):
        raise PermissionDenied
    s = get_object_or_404(_visible_submissions(request.user), pk=pk)
    if not rules.can_view_submission(request.user, s):
        raise PermissionDenied
    return s


@login_required
@require_GET
def submission_detail(request, pk):
    s = _submission(request, pk)
    versions = list(
        RollupSubmission.objects.filter(organization_id=s.organization_id, year=s.year, quarter=s.quarter)
        .select_related("submitted_by")
        .order_by("-version")
    )
    own = s.organization_id == request.user.organization_id
    return render(
        request,
        "reports/rollup_submission.html",
        {"s": s, "versions": versions, "own": own, "figures": figure_rows(s.figures), **_signed(s)},
    )


def _signed(s: RollupSubmission) -> dict:
    """docs/signing.md: whether the submission's PDF was signed by the child, and the verification of the
    file as it is stored now (one file: the cost of one check)."""
    from .signing.service import document_of
    from .verification import verify_bytes

    job = s.pdf_job
    path = file_of(job) if job is not None else None
    document = document_of(job) if path is not None else None
    if document is None:
        return {}
    return {"pdf_signed": document.signatures.exists(), "pdf_verdict": verify_bytes(path.read_bytes())}


def figure_rows(f: dict) -> list[tuple[str, object]]:
    from accounts.vietnamese import format_days

    def days(k):
        try:
            return format_days(f.get(k) or 0)
        except Exception:  # noqa: BLE001 (stored JSON: show what is there)
            return f.get(k)

    return [
        (_("Tổng số cán bộ"), f.get("total")),
        (_("Cán bộ thuộc diện phải đi cơ sở"), f.get("subject")),
        (_("Đã đi cơ sở trong quý"), f.get("went")),
        (_("Hoàn thành (đủ ngày và đủ đợt)"), f.get("met")),
        (_("Đúng tiến độ"), f.get("on_track")),
        (_("Có nguy cơ không đạt"), f.get("at_risk")),
        (_("Không đạt"), f.get("not_met")),
        (_("Miễn thực hiện"), f.get("exempt")),
        (_("Ban, văn phòng gửi mẫu 3 muộn hoặc chưa gửi"), f.get("late_forms")),
        (_("Số ngày đi cơ sở trong quý"), days("quarter_days")),
        (_("Số ngày lũy kế từ đầu năm"), days("done_days")),
    ]


@login_required
@require_GET
def submission_download(request, pk, fmt):
    s = _submission(request, pk)
    job = {"pdf": s.pdf_job, "xlsx": s.xlsx_job}.get(fmt)
    path = file_of(job) if job is not None else None
    if path is None:
        raise Http404(_("Tệp báo cáo chưa sẵn sàng."))
    return uploads.attachment_response(path.open("rb"), filename=job.file_name)


# The child's side: sending the quarter's figures ---------------------------------------------------
@login_required
def submissions(request):
    user = request.user
    if not rules.can_view_own_submissions(user) or user.organization is None:
        raise PermissionDenied
    org = user.organization
    year, quarter = _year_quarter(request)
    today = timezone.localdate()
    plan = Plan.objects.filter(organization=org, year=year).first()
    by_quarter: dict[int, list] = {q: [] for q in range(1, 5)}
    for s in RollupSubmission.objects.filter(organization=org, year=year).select_related("submitted_by"):
        by_quarter[s.quarter].append(s)
    rows = []
    for q in range(1, 5):
        start, end = quarter_bounds(year, q)
        rows.append(
            {
                "quarter": q,
                "start": start,
                "end": end,
                "started": start <= today,
                "deadline": rollup_services.submission_deadline(org, year, q) if org.parent_id else None,
                "versions": sorted(by_quarter[q], key=lambda s: -s.version),
            }
        )
    # What would be sent now for the chosen quarter (one organization: its own live figures).
    preview = None
    if plan is not None and org.parent_id and quarter_bounds(year, quarter)[0] <= today:
        try:
            preview = figure_rows(organization_figures(plan, quarter, today))
        except ValidationError:
            preview = None
    return render(
        request,
        "reports/rollup_submissions.html",
        {
            "preview": preview,
            "quarter": quarter,
            "org": org,
            "parent": org.parent,
            "plan": plan,
            "year": year,
            "years": range(today.year + 1, today.year - 6, -1),
            "rows": rows,
            "can_submit": rules.can_submit_rollup(user) and plan is not None,
            "kept": request.session.pop("rollup_note", None) or {},
        },
    )


@login_required
@require_POST
def submit(request):
    user = request.user
    if not rules.can_submit_rollup(user):
        raise PermissionDenied
    try:
        year, quarter = int(request.POST.get("year", "")), int(request.POST.get("quarter", ""))
    except ValueError:
        messages.error(request, _("Năm hoặc quý không hợp lệ."))
        return redirect("reports:rollup_submissions")
    note = request.POST.get("note", "")
    try:
        s = rollup_services.submit_rollup(actor=user, year=year, quarter=quarter, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        # The typed note is kept: the page re-opens with it (a rejected form loses nothing).
        request.session["rollup_note"] = {"quarter": quarter, "note": note[:2000]}
        return redirect(reverse("reports:rollup_submissions") + f"?year={year}")
    request.session.pop("rollup_note", None)
    messages.success(
        request,
        _("Đã gửi báo cáo quý lên %(parent)s (lần %(n)s).") % {"parent": user.organization.parent.name, "n": s.version},
    )
    return redirect("reports:rollup_submission", pk=s.pk)
