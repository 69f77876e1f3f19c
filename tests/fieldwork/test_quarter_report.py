"""Mẫu 3 — the quarterly results report, its deadline and LATE_REPORT (docs/rules.md “Results and mẫu 3”)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Notification
from fieldwork.models import QuarterReport, Trip
from fieldwork.selectors import quarter_reports as reads
from fieldwork.selectors import standing_for
from fieldwork.services import quarter_reports as qr
from tests.access import assert_access
from tests.factories import make_trip


def at(y, m, d, h=10):
    # 10:00 in Hồ Chí Minh City = 03:00 UTC
    return datetime(y, m, d, h - 7, 0, tzinfo=UTC)


def test_deadline_is_the_plan_day_of_the_quarters_last_month(tn_plan):
    assert [qr.quarter_deadline(tn_plan, q) for q in (1, 2, 3, 4)] == [
        date(2023, 3, 27),
        date(2023, 6, 27),
        date(2023, 9, 27),
        date(2023, 12, 27),
    ]


def test_deadline_without_a_day_does_not_exist_and_day_is_clamped(tn_plan):
    # docs/rules.md “The rules as the documents say them” (docs/domain.md §5): a deadline the plan does not name does not exist
    tn_plan.quarter_report_day = None
    assert [qr.quarter_deadline(tn_plan, q) for q in (1, 2, 3, 4)] == [None] * 4
    tn_plan.quarter_report_day = 31
    assert qr.quarter_deadline(tn_plan, 2) == date(2023, 6, 30)


def test_plan_quarters_follow_the_period(tn_plan):
    assert qr.plan_quarters(tn_plan) == [1, 2, 3, 4]  # Tây Ninh ends 25/10: Q4 has 25 days
    tn_plan.period_end = date(2023, 9, 30)
    assert qr.plan_quarters(tn_plan) == [1, 2, 3]


@pytest.fixture
def q1_trips(people):
    plan = people["plan"]
    a = make_trip(
        plan,
        people["cadre"],
        start=date(2023, 2, 1),
        end=date(2023, 2, 3),
        days="2.5",
        content="Đại hội chi đoàn",
        results="Tốt",
        shortcomings="Thiếu kinh phí",
        proposals="Hỗ trợ thêm",
    )
    b = make_trip(plan, people["head"], start=date(2023, 3, 30), end=date(2023, 4, 2), days="4")  # starts in Q1
    # Not in mẫu 3: invited attendance, not confirmed, another quarter, another department.
    make_trip(plan, people["cadre"], category="moi", start=date(2023, 2, 10), days="1")
    make_trip(plan, people["cadre2"], start=date(2023, 2, 12), days="1", status=Trip.Status.REPORTED)
    make_trip(plan, people["cadre2"], start=date(2023, 4, 5), days="1")
    make_trip(plan, people["other_cadre"], start=date(2023, 2, 5), days="1")
    return a, b


def test_mau3_lists_confirmed_counting_trips_by_start_quarter(people, q1_trips):
    m = reads.mau3(people["plan"], people["d1"], 1)
    # Vietnamese order: Dung (Trần Thị Dung) before Hải (Võ Minh Hải).
    assert [t.pk for t in m.trips] == [q1_trips[0].pk, q1_trips[1].pk]
    assert m.total_days == Decimal("6.5")
    assert m.deadline == date(2023, 3, 27)


def test_mau3_page_layout(client, people, q1_trips):
    client.force_login(people["head"])
    resp = client.get(reverse("fieldwork:quarter_report", args=[people["d1"].pk, 1]) + "?year=2023")
    html = resp.content.decode()
    for header in (
        "STT",
        "Họ và tên",
        "Nội dung",
        "Cụ thể nội dung đi cơ sở",
        "Số ngày đi",
        "Thời gian cụ thể",
        "Địa điểm",
        "Nêu khái quát những kết quả chủ yếu (mặt được, hạn chế của từng nội dung); đề xuất, kiến nghị (nếu có)",
    ):
        assert f"<th>{header}</th>" in html
    assert "Từ ngày 01/2/2023 đến ngày 03/2/2023" in html
    assert 'data-testid="mau3-total">6,5<' in html
    assert "Gửi Ban Tổ chức – Kiểm tra trước ngày 27/03/2023." in html
    assert "Thiếu kinh phí" in html and "Hỗ trợ thêm" in html


def test_submission_on_time_and_late(people, q1_trips, django_capture_on_commit_callbacks):
    plan, head = people["plan"], people["head"]
    r = qr.save_quarter_report(
        actor=head,
        plan=plan,
        department=people["d1"],
        quarter=1,
        summary="Ban hoàn thành",
        submit=True,
        now=at(2023, 3, 26),  # "trước ngày 27 của tháng cuối quý": 26/3 is the last day on time
    )
    assert (r.status, r.late, r.submitted_by) == (QuarterReport.Status.SUBMITTED, False, head)
    assert Notification.objects.filter(user=people["board"], text__contains="quý I/2023").exists()
    r2 = qr.save_quarter_report(
        actor=people["head2"],
        plan=plan,
        department=people["d2"],
        quarter=1,
        summary="",
        submit=True,
        now=at(2023, 3, 27),  # on the 27th itself: late, as the seed words it
    )
    assert r2.late is True
    # A later correction keeps the first submission's flag.
    r = qr.save_quarter_report(
        actor=head, plan=plan, department=people["d1"], quarter=1, summary="Sửa", submit=True, now=at(2023, 5, 1)
    )
    assert (r.late, r.summary, r.submitted_at) == (False, "Sửa", at(2023, 3, 26))


def test_late_report_is_on_the_heads_standing_not_the_members(people, q1_trips):
    """docs/domain.md §7.9 (docs/rules.md “The rules as the documents say them”): LATE_REPORT is the department's — the head's duty."""
    plan = people["plan"]
    as_of = date(2023, 10, 25)

    def codes(who):
        return {v.code for v in standing_for(plan, people[who], as_of).violations}

    assert "LATE_REPORT" not in codes("head")
    qr.save_quarter_report(
        actor=people["head"], plan=plan, department=people["d1"], quarter=1, summary="", submit=True, now=at(2023, 4, 2)
    )
    assert "LATE_REPORT" in codes("head")
    late = [v for v in standing_for(plan, people["head"], as_of).violations if v.code == "LATE_REPORT"]
    assert [(v.trip_key, v.detail) for v in late] == [(None, "quarter 1")]
    assert "LATE_REPORT" not in codes("cadre") | codes("cadre2") | codes("other_cadre") | codes("head2")


def test_draft_save_and_quarter_checks(people):
    plan, head = people["plan"], people["head"]
    r = qr.save_quarter_report(
        actor=head, plan=plan, department=people["d1"], quarter=2, summary="nháp", submit=False, now=at(2023, 5, 1)
    )
    assert (r.status, r.late, r.submitted_at) == (QuarterReport.Status.DRAFT, False, None)
    with pytest.raises(ValidationError):  # the quarter has not begun
        qr.save_quarter_report(
            actor=head, plan=plan, department=people["d1"], quarter=3, summary="", submit=True, now=at(2023, 5, 1)
        )
    plan.period_end = date(2023, 9, 30)
    with pytest.raises(ValidationError):
        qr.save_quarter_report(
            actor=head, plan=plan, department=people["d1"], quarter=4, summary="", submit=True, now=at(2023, 12, 1)
        )


@pytest.mark.parametrize("who", ["head2", "board", "deputy", "inspector", "cadre", "stranger"])
def test_only_the_departments_head_submits(people, who):
    with pytest.raises(PermissionDenied):
        qr.save_quarter_report(
            actor=people[who],
            plan=people["plan"],
            department=people["d1"],
            quarter=1,
            summary="",
            submit=True,
            now=at(2023, 3, 1),
        )


def test_quarter_report_page_access(client, people, q1_trips):
    url = reverse("fieldwork:quarter_report", args=[people["d1"].pk, 1]) + "?year=2023"
    assert_access(
        client,
        url,
        allowed=[people["head"], people["board"], people["deputy"], people["inspector"]],
        forbidden=[people["cadre"], people["head2"]],
        not_found=[people["stranger"]],
    )
    # Writing: the head only; Inspection and Board 403, another organization 404.
    assert_access(
        client,
        url,
        method="post",
        data={"summary": "x", "submit": "1"},
        allowed=[people["head"]],
        ok_codes=(302,),
        forbidden=[people["inspector"], people["board"], people["head2"]],
        not_found=[people["stranger"]],
    )
    r = QuarterReport.objects.get(plan=people["plan"], department=people["d1"], quarter=1)
    assert r.status == QuarterReport.Status.SUBMITTED and r.late is True  # submitted today, long after 27/03/2023


def test_unknown_quarter_is_404(client, people):
    client.force_login(people["head"])
    assert client.get(reverse("fieldwork:quarter_report", args=[people["d1"].pk, 5]) + "?year=2023").status_code == 404


def test_board_overview_shows_who_submitted_late_or_not(client, people):
    plan = people["plan"]
    qr.save_quarter_report(
        actor=people["head"],
        plan=plan,
        department=people["d1"],
        quarter=1,
        summary="",
        submit=True,
        now=at(2023, 3, 20),
    )
    qr.save_quarter_report(
        actor=people["head2"],
        plan=plan,
        department=people["d2"],
        quarter=1,
        summary="",
        submit=True,
        now=at(2023, 3, 29),
    )
    rows = {d.name: [c.status for c in cells] for d, cells in reads.overview(plan, date(2023, 7, 1))}
    assert rows == {
        "Ban Phong trào": ["on_time", "overdue", "pending", "pending"],
        "Văn phòng": ["late", "overdue", "pending", "pending"],
    }
    url = reverse("fieldwork:quarter_reports_overview") + "?year=2023"
    assert_access(
        client,
        url,
        allowed=[people["board"], people["deputy"], people["inspector"], people["head"]],
        forbidden=[people["cadre"]],
    )
    client.force_login(people["board"])
    html = client.get(url).content.decode()
    assert "Đúng hạn" in html and "Sau hạn" in html and '<th scope="row">Văn phòng</th>' in html
    client.force_login(people["inspector"])
    assert client.post(url).status_code == 403
    # A head sees their own department's row only (the mẫu 3 page's rule), and links to its mẫu 3.
    client.force_login(people["head"])
    html = client.get(url).content.decode()
    assert "của Ban Phong trào — năm 2023" in html and "Văn phòng" not in html.split('data-testid="overview"')[1]
    assert f'data-testid="cell-{people["d1"].pk}-1"' in html and f"cell-{people['d2'].pk}-1" not in html
    assert html.count("Đúng hạn") == 1 and "Sau hạn" not in html


def test_mau3_page_shows_its_history(client, people, q1_trips):
    qr.save_quarter_report(
        actor=people["head2"],
        plan=people["plan"],
        department=people["d2"],
        quarter=1,
        summary="",
        submit=True,
        now=at(2023, 3, 28),
    )
    client.force_login(people["board"])
    html = client.get(reverse("fieldwork:quarter_report", args=[people["d2"].pk, 1]) + "?year=2023").content.decode()
    history = html[html.index('data-testid="history"') :]
    assert "Gửi phê duyệt" in history and "Đặng Thu Hà" in history
    assert "Đang soạn → Đã gửi Ban Tổ chức – Kiểm tra" in history.replace("</span>", "").replace("(", "").replace(
        ")", ""
    )
    assert "Gửi muộn: hạn trước ngày 27/03/2023" in history


def test_mau3_page_shows_a_large_quarter_a_page_at_a_time_numbered_on(client, people, q1_trips, monkeypatch):
    """A department of hundreds of cadres: the page lists MAU3_PAGE_SIZE rows at a time, the STT
    goes on from the page before, the "Tổng" is the whole quarter's on every page."""
    from fieldwork.views import results

    monkeypatch.setattr(results, "MAU3_PAGE_SIZE", 1)
    client.force_login(people["head"])
    url = reverse("fieldwork:quarter_report", args=[people["d1"].pk, 1])
    first = client.get(url + "?year=2023").content.decode()
    second = client.get(url + "?year=2023&page=2").content.decode()
    rows = []
    for html in (first, second):
        body = html.split('data-testid="mau3"')[1].split("</table>")[0].split("<tbody>")[1]
        trs = [tr for tr in body.split("</tr>") if tr.strip().startswith("<tr>")]
        assert len(trs) == 1
        cells = trs[0].split("</td>")
        rows.append((cells[0].rsplit(">", 1)[-1], cells[1].rsplit(">", 1)[-1]))
        total = html.split('data-testid="mau3-total">')[1].split("<")[0]
        assert total == "6,5"
        assert "Dòng " in html and "trên 2 dòng" in html
        assert "page=" in html.split('data-testid="mau3-pages"')[1]
    assert [stt for stt, _ in rows] == ["1", "2"]
    assert rows[0][1] != rows[1][1]  # two different people: Dung, then Hải
