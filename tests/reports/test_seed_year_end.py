"""The year-end report as seed 000 writes it (docs/domain.md §8): the number in the first sentence and
in every department's line is who went; "tính đến ngày" the Board picks; the Standing Committee first;
the exempt by reason; what was done well; counts per topic; the issue sent up. Read back from the
files, with someone who did nothing. And the year-end pages with nobody to list."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from fieldwork.models import Category, Exemption, ExemptionReason, Trip
from fieldwork.selectors import cadre_people, standing_inputs, standings
from fieldwork.selectors.departments import period_standings
from reports import services, yearend_services
from reports.models import ReportJob
from reports.params import Params
from reports.yearend import chosen_as_of, year_end
from tests.factories import DepartmentFactory, UserFactory, make_plan, make_trip
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db
DAY = date(2023, 12, 1)


def params(p, **kw):
    return Params(organization=p["org"], plan=p["plan"], year=2023, **kw)


def values(path) -> list[str]:
    return [" ".join(str(c.value).split()) for row in load_workbook(path).active.iter_rows() for c in row if c.value]


def test_the_first_sentence_and_every_line_count_who_went(report_data, build):
    """Dung and Em went; the head, both Standing members and the Văn phòng did nothing."""
    p = report_data
    doc = year_end(params(p), DAY)
    first = doc.general[0]
    went = sum(d.went for d in doc.departments)
    assert went == 2 and f"có {went} cán bộ chuyên trách cơ quan Tỉnh đoàn thực hiện đi cơ sở" in first
    assert "tính đến ngày 25/10/2023 là: 2/9 đồng chí" in doc.general[1]
    for d in doc.departments:  # each line's number is the table's "Đã đi cơ sở"
        line = next(x for x in first.split("; ") if d.name in x)
        assert (f"{d.name} {d.went:02d} đồng chí:" in line) if d.went else ("chưa có đồng chí nào đi cơ sở" in line)
    for path in (build("yearend", "pdf", today=DAY),):
        text = pdf_text(path)
        assert "có 2 cán bộ chuyên trách cơ quan Tỉnh đoàn thực hiện đi cơ sở" in text and "2/9 đồng chí" in text
    xs = values(build("yearend", "xlsx", today=DAY))
    assert any("có 2 cán bộ chuyên trách" in v and "Ban Phong trào 02 đồng chí" in v for v in xs)


def test_nobody_went(report_data):
    p = report_data
    Trip.objects.filter(plan=p["plan"]).update(status=Trip.Status.APPROVED)
    doc = year_end(params(p), DAY)
    assert "chưa có cán bộ chuyên trách cơ quan Tỉnh đoàn nào thực hiện đi cơ sở" in doc.general[0]
    assert "là: 0/9 đồng chí" in doc.general[1] and "có 0 cán bộ" not in doc.general[0]


def test_the_standing_committee_first_and_the_exempt_by_reason(report_data, build):
    p = report_data
    reason = ExemptionReason.objects.get(plan=p["plan"], code="thai-san")
    Exemption.objects.create(
        person=p["other_cadre"],
        reason=reason,
        start=date(2023, 3, 1),
        end=date(2023, 9, 1),
        status=Exemption.Status.APPROVED,
    )
    doc = year_end(params(p, viewer=p["board"]), DAY)  # the Board reads the reason in full (§6)
    assert [d.name for d in doc.departments][0] == "Thường trực Tỉnh đoàn"
    assert doc.general[0].index("Thường trực Tỉnh đoàn") < doc.general[0].index("Ban Phong trào")
    assert doc.not_subject == ["Kế toán: 01 đồng chí (Ngô Thị Quỳnh)", "Nghỉ thai sản: 01 đồng chí (Phạm Đức)"]
    assert "không áp dụng chủ trương đi cơ sở đối với 02 đồng chí gồm: 01 kế toán, 01 nghỉ thai sản" in doc.general[0]
    text = pdf_text(build("yearend", "pdf", today=DAY))
    assert "3. Cán bộ không thuộc diện phải đi cơ sở - Kế toán: 01 đồng chí (Ngô Thị Quỳnh)." in text
    assert text.index("1. Theo ban, văn phòng STT") < text.index("Thường trực Tỉnh đoàn 2/2")


def test_the_board_writes_what_was_done_well(report_data, build, client):
    p = report_data
    client.force_login(p["board"])
    resp = client.post(
        reverse("reports:year_end"),
        {
            "year": 2023,
            "strengths": "Các ban bám sát cơ sở.",
            "limitations": "Báo cáo chậm.",
            "proposals": "Tăng kinh phí.",
        },
    )
    assert resp.status_code == 302
    text = pdf_text(build("yearend", "pdf", today=DAY))
    assert "IV. ĐÁNH GIÁ CHUNG 1. Mặt được Các ban bám sát cơ sở." in text and "2. Hạn chế Báo cáo chậm." in text
    xs = values(build("yearend", "xlsx", today=DAY))
    assert xs.index("1. Mặt được") + 1 == xs.index("Các ban bám sát cơ sở.")
    page = client.get(reverse("reports:year_end") + "?year=2023").content.decode()
    assert "Các ban bám sát cơ sở." in page


def test_counts_per_topic_of_1_3(report_data, build):
    p = report_data
    plan = p["plan"]
    topics = Category.objects.get(plan=plan, code="1.3").topics
    assert len(topics) == 9 and topics[-1] == "Củng cố các cơ sở Đoàn yếu, kém"
    make_trip(
        plan, p["cadre2"], category="1.3", start=date(2023, 6, 5), end=date(2023, 6, 9), days="5", topic=topics[-1]
    )
    make_trip(plan, p["head"], category="1.3", start=date(2023, 6, 5), end=date(2023, 6, 6), days="2", topic=topics[-1])
    make_trip(plan, p["head"], category="1.3", start=date(2023, 7, 3), days="1")  # names no topic
    doc = year_end(params(p), DAY)
    c13 = next(c for c in doc.categories if c.name.startswith("1.3"))
    by_topic = {t.name: (t.trips, t.days, t.cadres) for t in c13.topics}
    assert by_topic["Củng cố các cơ sở Đoàn yếu, kém"] == (2, 7, 2)
    assert by_topic["(Không ghi chuyên đề)"] == (1, 1, 1)
    assert by_topic[topics[0]] == (0, 0, 0) and (c13.trips, c13.days) == (3, 8)
    text = pdf_text(build("yearend", "pdf", today=DAY))
    assert "Theo chuyên đề: 1.3 Theo chuyên đề" in text and "Củng cố các cơ sở Đoàn yếu, kém 2 7 2" in text
    xs = values(build("yearend", "xlsx", today=DAY))
    assert "Theo chuyên đề: 1.3 Theo chuyên đề" in xs and "Củng cố các cơ sở Đoàn yếu, kém" in xs


def test_the_as_of_date_the_board_picks(report_data, client, run_jobs, tmp_path):
    p = report_data
    plan = p["plan"]
    doc = year_end(params(p, as_of=date(2023, 1, 31)), DAY)  # Dung's 30 days ended 07/02: not yet done
    assert doc.as_of == date(2023, 1, 31) and "tính đến ngày 31/01/2023" not in doc.general[1]
    assert "tính đến ngày 31/1/2023 là: 0/9 đồng chí" in doc.general[1]
    assert chosen_as_of(plan, None, DAY) == date(2023, 10, 25)
    for bad, message in (
        (date(2022, 12, 31), "từ ngày bắt đầu kế hoạch"),
        (date(2024, 1, 2), "trong năm 2023"),
        (date(2023, 12, 2), "không được sau hôm nay"),
    ):
        with pytest.raises(ValidationError, match=message):
            chosen_as_of(plan, bad, DAY)
    # The page: the Board picks the day, the buttons carry it, the job uses it.
    client.force_login(p["board"])
    page = client.get(reverse("reports:year_end") + "?year=2023&as_of=2023-06-30").content.decode()
    assert "Số liệu tính đến ngày 30/06/2023" in page and 'name="as_of" value="2023-06-30"' in page
    page = client.get(reverse("reports:year_end") + "?year=2023&as_of=2031-01-01").content.decode()
    assert "Ngày tính số liệu phải trong năm 2023" in page  # refused, said why; typed value kept in its box
    assert 'type="hidden" name="as_of" value="2031' not in page  # never sent to a job
    with run_jobs():
        resp = client.post(
            reverse("reports:request"), {"kind": "yearend", "format": "pdf", "year": 2023, "as_of": "2023-06-30"}
        )
    job = ReportJob.objects.get(kind="yearend")
    assert resp.status_code == 302 and job.params["as_of"] == "2023-06-30" and job.status == "done"
    assert "Số liệu tính đến ngày 30/6/2023" in pdf_text(services.file_of(job))
    with pytest.raises(ValidationError, match="Chỉ báo cáo và bảng đánh giá cuối năm"):
        services.request_report(user=p["board"], kind="compliance", fmt="pdf", year=2023, as_of=date(2023, 6, 30))
    # The command.
    out = tmp_path / "sheet.xlsx"
    call_command(
        "report", "yearsheet", "--org", "tay-ninh", "--year", "2023", "--as-of", "2023-03-31",
        "--format", "xlsx", "--output", str(out), "--today", "2023-12-01",
    )  # fmt: skip
    assert "(Số liệu tính đến ngày 31/3/2023)" in values(out)


def test_the_issue_sent_up(report_data, tmp_path):
    p = report_data
    yearend_services.save_year_end_text(user=p["board"], plan=p["plan"], strengths="Tốt.", limitations="", proposals="")
    out = tmp_path / "len.pdf"
    call_command(
        "report", "yearend", "--org", "tay-ninh", "--year", "2023", "--issue", "upward",
        "--format", "pdf", "--output", str(out), "--today", "2023-12-01",
    )  # fmt: skip
    text = pdf_text(out)
    assert text.startswith("BCH ĐOÀN TỈNH TÂY NINH *** Số: …-BC/TĐTN-TCKT ĐOÀN TNCS HỒ CHÍ MINH")
    tail = text[text.rindex("Nơi nhận:") :]
    assert "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN BÍ THƯ Nguyễn Thanh Tùng" in tail and "Ban Tổ chức TWĐ" in tail
    # Sent up, it names nobody: neither the exempt nor who did not meet the rule.
    for name in ("Ngô Thị Quỳnh", "Trần Thị Dung", "Lê Văn Em", "Phạm Đức"):
        assert name not in text.replace("Nguyễn Thanh Tùng", ""), name
    assert "Kế toán: 01 đồng chí." in text and "Số cán bộ chưa đạt yêu cầu tính đến ngày 25/10/2023: 9/9" in text
    out = tmp_path / "len.xlsx"
    call_command(
        "report", "yearend", "--org", "tay-ninh", "--year", "2023", "--issue", "upward",
        "--format", "xlsx", "--output", str(out), "--today", "2023-12-01",
    )  # fmt: skip
    xs = values(out)
    assert xs[:2] == ["BCH ĐOÀN TỈNH TÂY NINH", "ĐOÀN TNCS HỒ CHÍ MINH"] and "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN" in xs
    assert "Trần Thị Dung" not in xs
    with pytest.raises(CommandError, match="chỉ cho báo cáo cuối năm"):
        call_command(
            "report", "compliance", "--org", "tay-ninh", "--year", "2023", "--issue", "upward",
            "--format", "pdf", "--output", str(tmp_path / "x.pdf"),
        )  # fmt: skip


def test_a_personal_reason_sent_up_is_a_decision_not_a_reason(report_data):
    p = report_data
    reason = ExemptionReason.objects.get(plan=p["plan"], code="thai-san")
    Exemption.objects.create(
        person=p["other_cadre"], reason=reason, start=date(2023, 3, 1), end=date(2023, 9, 1), status="approved"
    )
    doc = year_end(params(p, issue="upward"), DAY)
    assert doc.not_subject == ["Kế toán: 01 đồng chí", "Miễn theo quyết định của Ban Thường vụ: 01 đồng chí"]
    assert "thai sản" not in " ".join(doc.general) and doc.not_met == []


# Nobody to list ------------------------------------------------------------------------------------
def test_the_remarks_page_with_nobody_to_remark_on(db, client):
    """A Secretary with no other Standing member, and a Board member who heads nobody: the page lists
    nobody and answers 200 (was: 500, EmptyResultSet from an empty id list)."""
    plan = make_plan("tay-ninh-2023", org_code="rieng")
    org = plan.organization
    secretary = UserFactory(
        department=None,
        organization=org,
        full_name="Một Mình Bí Thư",
        position="Bí thư",
        group_code="2.1",
        roles=["cadre", "standing", "secretary"],
    )
    client.force_login(secretary)
    resp = client.get(reverse("reports:remarks") + "?year=2023")
    assert resp.status_code == 200 and "Không có cán bộ nào do bạn phê duyệt." in resp.content.decode()
    board_head = UserFactory(
        department=DepartmentFactory(organization=org, name="Ban Tổ chức – Kiểm tra"),
        full_name="Trưởng Không Ai",
        position="Trưởng Ban",
        roles=["cadre", "head", "board"],
    )
    for user in (board_head,):
        client.force_login(user)
        resp = client.get(reverse("reports:remarks") + "?year=2023")
        assert resp.status_code == 200 and "Không có cán bộ nào do bạn phê duyệt." in resp.content.decode()


@pytest.mark.parametrize("reader", ["standing_inputs", "standings", "period_standings"])
def test_every_list_taking_selector_is_safe_on_an_empty_list(tn_plan, reader):
    nobody = cadre_people(tn_plan).filter(pk__in=[])
    if reader == "standing_inputs":
        _rules, people, inputs = standing_inputs(tn_plan, people=nobody)
        assert people == [] and inputs == []
    elif reader == "standings":
        assert standings(tn_plan, date(2023, 6, 1), people=nobody) == []
    else:
        assert period_standings(tn_plan, date(2023, 6, 1), 2, people=nobody).rows == []


def test_the_year_sheet_of_a_department_with_nobody(report_data, build):
    p = report_data
    empty = type(p["d1"]).objects.create(organization=p["org"], name="Ban Mới")
    xs = values(build("yearsheet", "xlsx", today=DAY, department=empty))
    assert "Không có cán bộ." in xs


def test_the_sheets_note_says_who_remarks(report_data, build):
    xs = values(build("yearsheet", "xlsx", today=DAY))
    note = next(v for v in xs if v.startswith("“Số ngày phải đi”"))
    assert "người phê duyệt đăng ký đi cơ sở của cán bộ" in note and "lãnh đạo trực tiếp phê duyệt của" not in note
