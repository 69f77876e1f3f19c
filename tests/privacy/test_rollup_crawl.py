"""Nothing personal leaves the organization (docs/domain.md §6, §10): logged in as every role of a
parent organization, fetch every page and file it can open — every route of the URL conf, the
roll-up of its descendants, the child's submission and its frozen PDF and XLSX, the parent's own
roll-up report, and the child's objects by their ids — and look, in the HTML, the PDF's text and
the XLSX's cells, for each child person's name and email, the child's sensitive reason and its note.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from fieldwork.models import Exemption, ExemptionReason, Trip
from reports.models import ReportJob
from reports.rollup_services import request_rollup, submit_rollup
from reports.services import request_report
from tests.browser.site_pages import _arguments, routes
from tests.factories import DepartmentFactory, UserFactory, make_plan, make_trip
from tests.privacy.conftest import PNG, response_text

pytestmark = pytest.mark.django_db
SENT_ON = date(2023, 3, 20)
REASON = "Điều trị dài ngày tại bệnh viện"
NOTE = "Phẫu thuật tim, nằm viện Chợ Rẫy"


@pytest.fixture
def family(people, run_jobs):
    """Tây Ninh (the parent, `people`) ← Đoàn Khối các cơ quan (sends its quarter I) ← Chi đoàn Sở
    Y tế (sends nothing: its live figures are shown)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    parent = people["org"]
    child_plan = make_plan("tay-ninh-2023", org_code="khoi-cq")
    child = child_plan.organization
    child.name, child.parent = "Đoàn Khối các cơ quan tỉnh", parent
    child.save()
    dept = DepartmentFactory(organization=child, name="Văn phòng Đoàn Khối")
    board = UserFactory(department=dept, full_name="Lý Thị Bảng", email="bang@khoi.vn", roles=["cadre", "board"])
    went = UserFactory(department=dept, full_name="Đinh Văn Cường", email="cuong@khoi.vn")
    ill = UserFactory(department=dept, full_name="Hà Thị Thanh Sương", email="suong@khoi.vn")
    make_trip(child_plan, went, start=date(2023, 2, 1), end=date(2023, 2, 5), days="5", content="Dự sinh hoạt")
    reason = ExemptionReason.objects.create(
        plan=child_plan, code="dieu-tri", name=REASON, scope="individual", sensitive=True
    )
    ex = Exemption.objects.create(
        person=ill, reason=reason, start=date(2023, 1, 1), end=date(2023, 12, 31), note=NOTE, status="approved"
    )
    ex.document.save("benh-an.png", SimpleUploadedFile("benh-an.png", PNG), save=True)
    grand_plan = make_plan("tay-ninh-2023", org_code="so-y-te")
    grand = grand_plan.organization
    grand.name, grand.parent = "Chi đoàn Sở Y tế", child
    grand.save()
    gd = DepartmentFactory(organization=grand, name="Văn phòng Sở")
    nurse = UserFactory(department=gd, full_name="Quách Thị Điều Dưỡng", email="duong@yte.vn")
    make_trip(grand_plan, nurse, start=date(2023, 1, 10), end=date(2023, 1, 12), days="3")
    with run_jobs():
        submission = submit_rollup(actor=board, year=2023, quarter=1, today=SENT_ON, note="Số liệu quý I")
        child_job = request_report(user=board, kind="compliance", fmt="pdf", year=2023, quarter=1)
    admin = UserFactory(department=people["d2"], full_name="Trịnh Quản Trị", email="qt@tn.vn", roles=["cadre", "admin"])
    with run_jobs():
        jobs = [
            request_rollup(user=people["board"], fmt=fmt, year=2023, quarter=1)
            for fmt in (ReportJob.Format.XLSX, ReportJob.Format.PDF)
        ]
    child_people = [board, went, ill, nurse]
    return {
        **people,
        "child": child,
        "grand": grand,
        "submission": submission,
        "child_job": child_job,
        "rollup_jobs": jobs,
        "exemption": ex,
        "child_trip": Trip.objects.get(person=went),
        "child_people": child_people,
        "admin": admin,
        "markers": [*(p.full_name for p in child_people), *(p.email for p in child_people), REASON, NOTE],
    }


def parent_urls(f, user) -> list[str]:
    """Every route the URL conf has, with arguments filled from the reader's own organization
    (tests/browser/site_pages.py) and from the child's side; the roll-up on the quarter sent."""
    quarter = "?year=2023&quarter=1"
    urls = []
    arguments = _arguments()
    for name, args in routes():
        if name in ("accounts:logout", "set_language"):
            continue
        if not args:
            urls.append(reverse(name) + (quarter if name.startswith("reports:rollup") else ""))
        elif name in arguments:
            urls += [reverse(name, kwargs=kw) for kw in arguments[name](user)]
    s = f["submission"]
    urls += [reverse("reports:rollup_node", args=[org.pk]) + quarter for org in (f["child"], f["grand"])]
    urls += [reverse("reports:rollup_submission", args=[s.pk])]
    urls += [reverse("reports:rollup_submission_download", args=[s.pk, fmt]) for fmt in ("pdf", "xlsx")]
    for job in f["rollup_jobs"]:
        urls += [reverse(n, args=[job.pk]) for n in ("reports:job_detail", "reports:job_status", "reports:download")]
    # The child's own objects, by their ids: none may be read from the parent.
    urls += [
        reverse("fieldwork:exemption_detail", args=[f["exemption"].pk]),
        reverse("fieldwork:exemption_document", args=[f["exemption"].pk]),
        reverse("fieldwork:trip_detail", args=[f["child_trip"].pk]),
        reverse("fieldwork:person_edit", args=[f["child_people"][1].pk]),
        reverse("fieldwork:cadre_dashboard") + f"?year=2023&person={f['child_people'][2].pk}",
        reverse("reports:download", args=[f["child_job"].pk]),
        reverse("reports:download", args=[s.pdf_job_id]),
    ]
    return urls


@pytest.mark.parametrize("role", ["board", "deputy", "inspector", "admin"])
def test_no_page_or_file_of_a_parent_carries_a_child_person(family, role):
    user = family[role]
    client = Client()
    client.force_login(user)
    read, files = 0, 0
    for url in parent_urls(family, user):
        resp = client.get(url)
        if resp.status_code in (301, 302, 405):
            continue
        text = response_text(resp)
        found = [m for m in family["markers"] if m.casefold() in text.casefold()]
        assert not found, f"{role} {url} ({resp.status_code}) shows {found}"
        read += resp.status_code == 200
        files += resp.status_code == 200 and resp.get("Content-Disposition", "").startswith("attachment")
    # The crawl read the roll-up and its files (a crawl that read nothing proves nothing).
    assert read > 30 and files >= 4, (read, files)


def test_the_figures_are_there_without_the_people(family):
    """What the parent reads is the child's figures: 3 cadres subject, 1 went, 1 exempt."""
    client = Client()
    client.force_login(family["board"])
    s = family["submission"]
    assert (s.figures["total"], s.figures["subject"], s.figures["went"], s.figures["exempt"]) == (3, 2, 1, 1)
    html = client.get(reverse("reports:rollup_submission", args=[s.pk])).content.decode()
    assert "Số liệu quý I" in html and "Lý Thị Bảng" not in html
    pdf = response_text(client.get(reverse("reports:rollup_submission_download", args=[s.pk, "pdf"])))
    xlsx = response_text(client.get(reverse("reports:rollup_submission_download", args=[s.pk, "xlsx"])))
    for text in (pdf, xlsx):
        assert "Văn phòng Đoàn Khối" in text and "2/3" in text and "Bản số liệu gửi cấp trên" in text
        assert "THEO CÁN BỘ" not in text
    # The child's own compliance report still lists its people, for the child.
    child = Client()
    child.force_login(family["child_people"][0])
    own = response_text(child.get(reverse("reports:download", args=[family["child_job"].pk])))
    assert "Đinh Văn Cường" in own and "Miễn theo quyết định" not in own  # the Board reads the reason
    assert REASON in own
