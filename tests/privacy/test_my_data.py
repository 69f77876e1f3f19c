"""“Dữ liệu của tôi” (docs/privacy.md, docs/domain.md §10 `privacy export`): everything kept about me on
one page, as JSON and XLSX, and by the command — one function; a request to correct goes to the
Board as a task with its answer recorded."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import CorrectionRequest, DataAccess, Notification
from accounts.privacy import record_access
from fieldwork.models import Registration, Trip
from reports.models import CadreRemark
from reports.privacy import OTHER_PERSON, personal_data
from reports.xlsx.personal_data import SECTIONS
from tests.access import assert_access
from tests.factories import make_trip
from tests.privacy.conftest import MATERNITY_NOTE

pytestmark = pytest.mark.django_db
KEYS = {
    "exported_at",
    "organization",
    "profile",
    "roles",
    "group",
    "standings",
    "trips",
    "registrations",
    "exemptions",
    "remarks",
    "history",
    "notifications",
    "consents",
    "correction_requests",
    "viewed_by",
}


@pytest.fixture
def dung(people, maternity):
    """Dung's record: a trip approved by her head, a remark, a notification, someone who looked."""
    d = people["cadre"]
    reg = Registration.objects.create(
        plan=people["plan"], person=d, quarter=0, status="approved", decided_by=people["head"], comment="Đồng ý"
    )
    make_trip(
        people["plan"],
        d,
        start=date(2023, 3, 1),
        end=date(2023, 3, 5),
        content="Họp chi đoàn cùng đồng chí Lê Văn Em",  # a colleague named in her own text
        registration=reg,
        confirmed_by=people["head"],
    )
    CadreRemark.objects.create(plan=people["plan"], person=d, text="Hoàn thành tốt", written_by=people["head"])
    Notification.objects.create(user=d, text="Võ Minh Hải đã phê duyệt đăng ký của bạn.")
    record_access(viewer=people["inspector"], person=d, what=DataAccess.What.PROFILE, object_id=d.pk)
    return d


def test_one_page_with_everything(client, people, dung):
    client.force_login(dung)
    html = client.get(reverse("reports:my_data")).content.decode()
    for section in (
        "profile",
        "standings",
        "trips",
        "registrations",
        "exemptions",
        "remarks",
        "viewed-by",
        "consents",
        "corrections",
        "history",
        "notifications",
    ):
        assert f'data-testid="section-{section}"' in html, section
    assert "Nghỉ thai sản" in html and MATERNITY_NOTE in html  # her own reason, in full
    assert "Hoàn thành tốt" in html and "Ủy ban kiểm tra" in html  # who looked: the role
    assert "Mai Văn Phúc" not in html and "Võ Minh Hải" not in html and "Lê Văn Em" not in html


def test_json_and_xlsx_are_the_same_data(client, people, dung):
    client.force_login(dung)
    resp = client.get(reverse("reports:my_data_download", args=["json"]))
    assert resp["Content-Disposition"].startswith("attachment") and resp["Cache-Control"] == "private, no-store"
    data = json.loads(resp.content)
    assert set(data) == KEYS
    assert data["profile"]["email"] == "dung@tn.vn" and data["group"]["code"] == "2.3"
    assert [e["reason"] for e in data["exemptions"]] == ["Nghỉ thai sản"]
    assert data["trips"][0]["confirmed_by"] == "Lãnh đạo ban"
    assert data["trips"][0]["content"] == f"Họp chi đoàn cùng đồng chí {OTHER_PERSON}"
    assert data["notifications"][0]["text"] == f"{OTHER_PERSON} đã phê duyệt đăng ký của bạn."
    assert data["viewed_by"][0]["by"] == "Ủy ban kiểm tra" and data["viewed_by"][0]["what"] == "profile"
    resp = client.get(reverse("reports:my_data_download", args=["xlsx"]))
    wb = load_workbook(io.BytesIO(resp.content), read_only=True)
    assert wb.sheetnames == [str(title) for _key, title in SECTIONS]
    trips = list(wb["Đợt đi cơ sở"].iter_rows(values_only=True))
    assert "content" in trips[0] and trips[1][trips[0].index("content")] == data["trips"][0]["content"]
    assert client.get(reverse("reports:my_data_download", args=["csv"])).status_code == 403


def test_the_command_is_the_same_code(people, dung, tmp_path):
    out = tmp_path / "dung.json"
    call_command("privacy", "export", "--org", people["org"].code, "--email", "DUNG@tn.vn", "--output", str(out))
    from_command = json.loads(out.read_text(encoding="utf-8"))
    from_page = json.loads(json.dumps(personal_data(dung)))
    del from_command["exported_at"], from_page["exported_at"]
    assert from_command == from_page
    with pytest.raises(CommandError, match="không phải email của một người thuộc tổ chức"):
        call_command("privacy", "export", "--org", people["org"].code, "--email", "ai@dau.vn", "--output", str(out))
    with pytest.raises(CommandError, match="không phải email"):  # a person of another organization
        call_command("privacy", "export", "--org", people["org"].code, "--email", "la@khac.vn", "--output", str(out))
    with pytest.raises(CommandError, match="Không có tổ chức"):
        call_command("privacy", "export", "--org", "khong-co", "--email", "dung@tn.vn", "--output", str(out))


def test_a_correction_request_is_the_boards_task_with_its_answer(client, people, dung):
    client.force_login(dung)
    resp = client.post(reverse("reports:correction_request"), {"text": ""})
    assert resp.status_code == 400 and "Hãy ghi rõ" in resp.content.decode()
    client.post(
        reverse("reports:correction_request"), {"text": "Chức vụ của tôi là Phó Trưởng Ban, không phải Chuyên viên."}
    )
    c = CorrectionRequest.objects.get(person=dung)
    assert c.status == "open"
    assert Notification.objects.filter(user=people["board"], url=reverse("fieldwork:corrections")).exists()
    client.force_login(people["board"])
    html = client.get(reverse("fieldwork:corrections")).content.decode()
    assert "Phó Trưởng Ban, không phải Chuyên viên" in html and 'data-testid="open-count">1<' in html
    url = reverse("fieldwork:correction_answer", args=[c.pk])
    resp = client.post(url, {f"c{c.pk}-answer": ""})
    assert resp.status_code == 400
    client.post(url, {f"c{c.pk}-answer": "Đã sửa chức vụ thành Phó Trưởng Ban."})
    c.refresh_from_db()
    assert (c.status, c.answer, c.answered_by) == ("answered", "Đã sửa chức vụ thành Phó Trưởng Ban.", people["board"])
    assert Notification.objects.filter(user=dung, url=reverse("reports:my_data")).exists()
    assert client.post(url, {f"c{c.pk}-answer": "lần hai"}).status_code == 400  # answered once
    client.force_login(dung)
    assert "Đã sửa chức vụ thành Phó Trưởng Ban." in client.get(reverse("reports:my_data")).content.decode()


def test_access_to_the_pages(client, people, dung):
    assert_access(
        client, reverse("reports:my_data"), allowed=[people["cadre"], people["stranger"], people["inspector"]]
    )
    c = CorrectionRequest.objects.create(organization=people["org"], person=dung, text="Sửa email")
    assert_access(
        client,
        reverse("fieldwork:corrections"),
        allowed=[people["board"]],
        forbidden=[people["cadre"], people["head"], people["inspector"], people["deputy"]],
    )
    assert_access(
        client,
        reverse("fieldwork:correction_answer", args=[c.pk]),
        method="post",
        data={f"c{c.pk}-answer": "Đã sửa"},
        allowed=[people["board"]],
        forbidden=[people["cadre"], people["inspector"], people["head"]],
        not_found=[people["stranger"]],
        ok_codes=(302,),
    )
    # Nobody answers their own request (a Board member asking about themself).
    own = CorrectionRequest.objects.create(organization=people["org"], person=people["board"], text="Sửa tên")
    client.force_login(people["board"])
    assert (
        client.post(reverse("fieldwork:correction_answer", args=[own.pk]), {f"c{own.pk}-answer": "x"}).status_code
        == 403
    )


def test_a_trip_of_another_person_never_appears(people, dung):
    make_trip(people["plan"], people["cadre2"], start=date(2023, 4, 1), location="Ấp Bàu Vừng")
    data = personal_data(dung)
    assert all(t["location"] != "Ấp Bàu Vừng" for t in data["trips"])
    assert Trip.objects.filter(person=people["cadre2"]).exists()


def _queries(client, url, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_cost_does_not_grow_with_the_record(client, people, dung, django_assert_max_num_queries):
    client.force_login(dung)
    url = reverse("reports:my_data")
    client.get(url)  # the session's first write, cached lookups
    few = _queries(client, url, django_assert_max_num_queries)
    for i in range(25):
        t = make_trip(people["plan"], dung, start=date(2023, 6, 1 + i), location=f"Ấp {i}")
        from fieldwork.models import TripAttachment

        TripAttachment.objects.create(
            trip=t, file=f"x/{i}.png", original_name=f"{i}.png", content_type="image/png", size=1
        )
        Notification.objects.create(user=dung, text=f"Thông báo {i}")
        record_access(viewer=people["board"], person=dung, what=DataAccess.What.PROFILE)
    assert _queries(client, url, django_assert_max_num_queries) <= few <= 30
    for i in range(30):
        CorrectionRequest.objects.create(organization=people["org"], person=dung, text=f"Sửa {i}")
    client.force_login(people["board"])
    with django_assert_max_num_queries(20):
        html = client.get(reverse("fieldwork:corrections")).content.decode()
    assert html.count('data-testid="correction"') == 25
