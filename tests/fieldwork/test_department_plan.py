"""The department's consolidated plan (mẫu 2): overview, deadline, submit to and decision of the Standing Committee."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import Notification
from fieldwork.models import DepartmentPlan, HistoryEntry, Registration
from fieldwork.services import department_plans as service
from fieldwork.services import registrations
from tests.access import assert_access

from .registration_helpers import fast_passwords, line, quarterly_people, registered, submitted  # noqa: F401

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _url(people, quarter=1, suffix=""):
    return reverse(f"fieldwork:department_plan{suffix}", args=[people["d1"].pk, quarter]) + "?year=2023"


def _approved(people, person, **kwargs):
    reg = submitted(people["plan"], person, **kwargs)
    approver = (
        people["head"] if person.department_id == people["d1"].pk and not person.has_role("head") else people["deputy"]
    )
    return registrations.approve(actor=approver, registration=reg, version=reg.version)


def test_registration_deadline(people):
    # docs/rules.md “The seeds' cycle and rules” (docs/domain.md §5): quarterly, day `registration_quarter_day` (10) of the quarter's
    # first month, every quarter; the plan's 15/02 is the annual cycle's (fieldwork.cycles).
    plan = people["plan"]
    assert service.registration_deadline(plan, 1) == date(2023, 1, 10)
    assert service.registration_deadline(plan, 2) == date(2023, 4, 10)
    plan.registration_cycle = plan.RegistrationCycle.ANNUAL
    assert service.registration_deadline(plan, 0) == date(2023, 2, 15)  # Tây Ninh: 15/02


def test_is_late(people):
    """docs/domain.md §5: "trước ngày 15/02" (the default wording) makes 15/02 late; "chậm nhất
    ngày 15/02" ("by") keeps 15/02 on time. Days are Vietnamese days."""
    plan = people["plan"]
    deadline = date(2023, 2, 15)
    reg = Registration(submitted_at=datetime(2023, 2, 14, 23, 30, tzinfo=TZ))
    assert not service.is_late(plan, reg, deadline, date(2023, 3, 1))  # the day before, Vietnamese time
    reg.submitted_at = datetime(2023, 2, 15, 8, 0, tzinfo=TZ)
    assert service.is_late(plan, reg, deadline, date(2023, 3, 1))
    assert not service.is_late(plan, None, deadline, date(2023, 2, 14))
    assert service.is_late(plan, None, deadline, date(2023, 2, 15))
    plan.deadline_wording = "by"
    assert not service.is_late(plan, reg, deadline, date(2023, 3, 1))
    assert not service.is_late(plan, None, deadline, date(2023, 2, 15))
    assert service.is_late(plan, None, deadline, date(2023, 2, 16))
    assert not service.is_late(plan, None, None, date(2023, 12, 31))  # no deadline: never late


def test_overview_lists_status_not_registered_late_and_mau2_lines(people):
    plan = people["plan"]
    _approved(
        people, people["cadre"], lines=[line(plan), line(plan, start=date(2023, 3, 6), content="Kiểm tra chi đoàn")]
    )
    registered(plan, people["cadre2"])  # draft only: not registered yet
    Registration.objects.filter(person=people["cadre"]).update(submitted_at=datetime(2023, 1, 9, 9, 0, tzinfo=TZ))
    ov = service.overview(plan, people["d1"], 1, today=date(2023, 3, 1))
    by_name = {r.person.full_name: r for r in ov.members}
    assert set(by_name) == {"Trần Thị Dung", "Lê Văn Em", "Võ Minh Hải"}
    assert by_name["Trần Thị Dung"].status_label == "Đã phê duyệt" and by_name["Trần Thị Dung"].lines == 2
    assert by_name["Lê Văn Em"].status_label == "Nháp"
    assert by_name["Võ Minh Hải"].status_label == "Chưa đăng ký"
    assert {p.full_name for p in ov.not_registered} == {"Lê Văn Em", "Võ Minh Hải"}
    assert {p.full_name for p in ov.late} == {"Lê Văn Em", "Võ Minh Hải"}  # 01/03 is after 10/01
    assert [(t.person.full_name, t.start) for t in ov.lines] == [
        ("Trần Thị Dung", date(2023, 2, 1)),
        ("Trần Thị Dung", date(2023, 3, 6)),
    ]


def test_page_access_and_query_budget(client, people, django_assert_max_num_queries):
    plan = people["plan"]
    _approved(people, people["cadre"])
    url = _url(people)
    assert_access(
        client,
        url,
        allowed=[people["head"], people["board"], people["deputy"], people["inspector"]],
        forbidden=[people["cadre"], people["head2"]],
        not_found=[people["stranger"]],
    )
    client.force_login(people["head"])
    with django_assert_max_num_queries(25):
        resp = client.get(url)
    html = resp.content.decode()
    assert "Tổng hợp đăng ký đi cơ sở của Ban Phong trào – quý I/2023 (mẫu 2)" in html
    for col in ("STT", "Nội dung đi cơ sở", "Thời gian cụ thể", "Địa điểm"):
        assert f">{col}</th>" in html
    # Lines collapsed by person (name, position, count and days in the summary); actions on top.
    person = html.split('data-testid="mau2-person"')[1].split("</summary>")[0]
    assert "Trần Thị Dung" in person and "Chuyên viên" in person and "1 đợt, 3 ngày" in person
    assert html.count('data-testid="mau2-row"') == 1
    assert html.index('data-testid="submit-department-plan"') < html.index('data-testid="members"')
    assert "Từ ngày 01/2/2023 đến ngày 03/2/2023" in html and "Xã Tân Đông, Tỉnh Tây Ninh" in html
    assert 'data-testid="submit-department-plan"' in html
    assert client.get(reverse("fieldwork:department_plan", args=[people["d1"].pk, 1]) + "?year=1999").status_code == 404
    del plan


def test_landing_page(client, people):
    client.force_login(people["head"])
    resp = client.get("/ke-hoach-ban/?year=2023")
    assert resp.status_code == 302 and f"/ke-hoach-ban/{people['d1'].pk}/quy-" in resp["Location"]
    assert_access(
        client, "/ke-hoach-ban/?year=2023", allowed=[people["board"], people["deputy"]], forbidden=[people["cadre"]]
    )


def test_submit_rules(client, people):
    plan = people["plan"]
    client.force_login(people["head"])
    resp = client.post(_url(people, suffix="_submit"), {"version": 0}, follow=True)
    assert "Chưa có đợt nào được phê duyệt" in resp.content.decode()
    _approved(people, people["cadre"])
    submitted(plan, people["cadre2"])  # waiting for the head
    resp = client.post(_url(people, suffix="_submit"), {"version": 0}, follow=True)
    assert "Còn bản đăng ký chờ bạn phê duyệt: Lê Văn Em" in resp.content.decode()
    assert not DepartmentPlan.objects.filter(status=DepartmentPlan.Status.SUBMITTED).exists()
    reg = Registration.objects.get(person=people["cadre2"])
    registrations.return_registration(actor=people["head"], registration=reg, version=reg.version, comment="Sửa")
    resp = client.post(_url(people, suffix="_submit"), {"version": 0}, follow=True)
    assert "Đã gửi kế hoạch của ban" in resp.content.decode()
    dp = DepartmentPlan.objects.get()
    assert dp.status == DepartmentPlan.Status.SUBMITTED and dp.submitted_by == people["head"]
    notified = set(Notification.objects.filter(text__contains="mẫu 2").values_list("user__email", flat=True))
    assert notified == {"tung@tn.vn", "lan@tn.vn"}  # the Standing Committee
    # submitting twice, another department's head, a cadre: refused
    resp = client.post(_url(people, suffix="_submit"), {"version": dp.version}, follow=True)
    assert "đã được gửi" in resp.content.decode()
    assert_access(
        client,
        _url(people, suffix="_submit"),
        method="post",
        data={"version": dp.version},
        forbidden=[people["head2"], people["cadre"], people["deputy"]],
        not_found=[people["stranger"]],
    )


def test_standing_returns_with_comment_then_approves(client, people):
    _approved(people, people["cadre"])
    head, deputy = people["head"], people["deputy"]
    dp = service.submit(actor=head, plan=people["plan"], department=people["d1"], quarter=1, version=0)
    decide = _url(people, suffix="_decide")
    assert_access(
        client,
        decide,
        method="post",
        data={"action": "approve", "version": dp.version},
        forbidden=[head, people["head2"], people["board"], people["cadre"], people["inspector"]],
        not_found=[people["stranger"]],
    )
    client.force_login(deputy)
    html = client.get(INBOX := "/phe-duyet/").content.decode()
    assert 'data-testid="open-department-plan"' in html and "Ban Phong trào" in html
    resp = client.post(decide, {"action": "return", "version": dp.version, "comment": ""})
    assert resp.status_code == 400 and "Hãy ghi lý do trả lại" in resp.content.decode()
    resp = client.post(decide, {"action": "return", "version": dp.version, "comment": "Bổ sung địa điểm cụ thể"})
    assert resp.status_code == 302
    dp.refresh_from_db()
    assert dp.status == DepartmentPlan.Status.RETURNED and dp.comment == "Bổ sung địa điểm cụ thể"
    assert Notification.objects.filter(user=head, text__contains="Bổ sung địa điểm cụ thể").exists()
    client.force_login(head)
    html = client.get(_url(people)).content.decode()
    assert "Bổ sung địa điểm cụ thể" in html and "Gửi lại Thường trực" in html
    client.post(_url(people, suffix="_submit"), {"version": dp.version})
    dp.refresh_from_db()
    assert dp.status == DepartmentPlan.Status.SUBMITTED
    client.force_login(deputy)
    assert client.post(decide, {"action": "approve", "version": dp.version}).status_code == 302
    dp.refresh_from_db()
    assert dp.status == DepartmentPlan.Status.APPROVED and dp.decided_by == deputy
    actions = list(
        HistoryEntry.objects.filter(object_type="departmentplan", object_id=dp.pk).values_list("action", flat=True)
    )
    assert actions == ["submitted", "returned", "submitted", "approved"]
    html = client.get(_url(people)).content.decode()
    history = html.split('data-testid="history"')[1]
    assert history.count("Gửi phê duyệt") == 2 and "Bổ sung địa điểm cụ thể" in history and "Hồ Thị Lan" in history
    assert INBOX


def test_two_standing_members_at_once(client, people):
    _approved(people, people["cadre"])
    dp = service.submit(actor=people["head"], plan=people["plan"], department=people["d1"], quarter=1, version=0)
    seen = dp.version
    client.force_login(people["deputy"])
    assert client.post(_url(people, suffix="_decide"), {"action": "approve", "version": seen}).status_code == 302
    client.force_login(people["secretary"])
    resp = client.post(
        _url(people, suffix="_decide"), {"action": "return", "version": seen, "comment": "Xem lại quý I"}
    )
    assert resp.status_code == 409
    html = resp.content.decode()
    assert "đã được người khác xử lý" in html and "Xem lại quý I" in html
    dp.refresh_from_db()
    assert dp.status == DepartmentPlan.Status.APPROVED and dp.decided_by == people["deputy"]


def test_members_table_a_page_at_a_time_counts_over_everyone(client, people, monkeypatch):
    """A department of hundreds: the members' table shows MEMBERS_PAGE_SIZE rows a page, every
    member on some page exactly once, and the "chưa gửi đăng ký" count is over the whole department."""
    from fieldwork.views import registration_department

    client.force_login(people["head"])
    url = _url(people)
    whole = client.get(url).content.decode()
    everyone = whole.count('data-testid="member-row"')
    assert everyone >= 2
    badge = whole.split("người chưa gửi đăng ký")[0].rsplit(">", 1)[-1].strip()
    monkeypatch.setattr(registration_department, "MEMBERS_PAGE_SIZE", 1)
    names = []
    for page in range(1, everyone + 1):
        html = client.get(url + f"&page={page}").content.decode()
        rows = html.split('data-testid="member-row"')[1:]
        assert len(rows) == 1
        names.append(rows[0].split('class="fw-semibold">')[1].split("<")[0])
        assert html.split("người chưa gửi đăng ký")[0].rsplit(">", 1)[-1].strip() == badge
        assert f"Trang {page}/{everyone}" in html
    assert len(set(names)) == everyone
