"""import_cadres (docs/domain.md §10): command and web upload, preview, all or nothing."""

from datetime import date, datetime
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Department, User
from fieldwork.models import Exemption, HistoryEntry
from tests.access import assert_access


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


HEADERS = [
    "STT",
    "Họ và tên",
    "Email",
    "Ban",
    "Chức vụ",
    "Đối tượng",
    "Vai trò",
    "Lý do miễn",
    "Miễn từ ngày",
    "Miễn đến ngày",
    "Ngày bắt đầu",
    "Ngày kết thúc",
]

ROWS = [
    [
        1,
        "Nguyễn Văn An",
        "an@tn.vn",
        "Ban Tuyên giáo",
        "Trưởng Ban",
        "2.2",
        "Lãnh đạo ban; cadre",
        None,
        None,
        None,
        None,
        None,
    ],
    [
        2,
        "Lê Thị Bình",
        "Binh@TN.vn",
        "Ban Tuyên giáo",
        "Chuyên viên",
        "Chuyên viên các ban và văn phòng",
        "",
        "thai-san",
        "01/3/2023",
        datetime(2023, 8, 31),
        None,
        None,
    ],
    [3, "Phan Thị Cúc", "cuc@tn.vn", "Văn phòng", "Kế toán", "2.3", "", "Kế toán", None, None, None, None],
    [
        4,
        "Trương Văn Dũng",
        "dungtv@tn.vn",
        "văn phòng",
        "Chuyên viên",
        "2.3",
        "Cán bộ, Ủy ban kiểm tra",
        None,
        None,
        None,
        "01/7/2023",
        None,
    ],
]


def workbook(rows=ROWS, headers=HEADERS, title="Danh sách", preamble=True) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    if preamble:  # a title block above the header, as the Board's files have
        ws.append(["DANH SÁCH CÁN BỘ CHUYÊN TRÁCH"])
        ws.append([])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(tmp_path, data: bytes, *args):
    path = tmp_path / "people.xlsx"
    path.write_bytes(data)
    out, err = StringIO(), StringIO()
    call_command("import_cadres", "--org", "tay-ninh", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(tmp_path, data: bytes) -> str:
    before = User.objects.count()
    err = StringIO()
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_cadres", "--org", "tay-ninh", str(path), stdout=StringIO(), stderr=err)
    assert User.objects.count() == before  # nothing saved
    return err.getvalue()


def row(**over):
    r = dict(zip(HEADERS, ROWS[0], strict=True))
    r.update(over)
    return [r[h] for h in HEADERS]


@pytest.mark.django_db
def test_import_creates_everything(tmp_path, people):
    out, _ = run(tmp_path, workbook())
    assert "4 người mới" in out and "2 ban mới" not in out
    an = User.objects.get(email="an@tn.vn")
    assert an.organization == people["org"] and an.department.name == "Ban Tuyên giáo"
    assert an.role_codes == {"head", "cadre"} and an.group_code == "2.2" and an.position == "Trưởng Ban"
    assert not an.has_usable_password()
    binh = User.objects.get(email="binh@tn.vn")
    assert binh.group_code == "2.3" and binh.role_codes == {"cadre"}  # group by name, empty roles = cadre
    ex = Exemption.objects.get(person=binh)
    assert (ex.reason.code, ex.start, ex.end, ex.status) == (
        "thai-san",
        date(2023, 3, 1),
        date(2023, 8, 31),
        "approved",
    )
    assert HistoryEntry.objects.filter(
        object_type="exemption", object_id=ex.pk, action="imported", to_state="approved"
    ).exists()
    cuc = User.objects.get(email="cuc@tn.vn")
    assert not Exemption.objects.filter(person=cuc).exists()  # a position reason needs nothing more
    dung = User.objects.get(email="dungtv@tn.vn")
    assert dung.department == people["d2"]  # "văn phòng" matched the existing "Văn phòng"
    assert dung.role_codes == {"cadre", "inspection"} and dung.active_from == date(2023, 7, 1)
    assert Department.objects.filter(organization=people["org"], name="Ban Tuyên giáo").count() == 1


@pytest.mark.django_db
def test_reimport_is_idempotent_and_updates_by_email(tmp_path, people):
    run(tmp_path, workbook())
    counts = (User.objects.count(), Department.objects.count(), Exemption.objects.count())
    out, _ = run(tmp_path, workbook())
    assert "Không có thay đổi nào" in out and "0 người mới, 0 người thay đổi, 4 người không đổi" in out
    assert (User.objects.count(), Department.objects.count(), Exemption.objects.count()) == counts
    changed = [row(**{"Chức vụ": "Phó Trưởng Ban", "Ban": "Ban Phong trào"}), *ROWS[1:]]
    out, _ = run(tmp_path, workbook(changed), "--dry-run")
    assert (
        "~ Nguyễn Văn An <an@tn.vn>: Ban: Ban Tuyên giáo → Ban Phong trào; Chức vụ: Trưởng Ban → Phó Trưởng Ban" in out
    )
    assert User.objects.get(email="an@tn.vn").position == "Trưởng Ban"  # dry run saves nothing
    run(tmp_path, workbook(changed))
    an = User.objects.get(email="an@tn.vn")
    assert (an.position, an.department) == ("Phó Trưởng Ban", people["d1"])


@pytest.mark.django_db
def test_existing_person_of_file_updates(tmp_path, people):
    # the fixture's cadre, by email in other case; roles column present and empty -> cadre
    out, _ = run(
        tmp_path,
        workbook(
            [
                row(
                    **{
                        "Họ và tên": "Trần Thị Dung",
                        "Email": "DUNG@tn.vn",
                        "Ban": "Ban Phong trào",
                        "Chức vụ": "Chuyên viên",
                        "Đối tượng": "2.1",
                        "Vai trò": "",
                    }
                )
            ]
        ),
    )
    assert "Đối tượng: 2.3 → 2.1" in out
    assert User.objects.get(email="dung@tn.vn").group_code == "2.1"


def test_malformed_workbook(tmp_path, db, people):
    err = fails(tmp_path, b"this is not a zip file")
    assert "Tệp: Không đọc được tệp: đây không phải tệp Excel .xlsx hợp lệ." in err


@pytest.mark.django_db
def test_missing_column(tmp_path, people):
    headers = [h for h in HEADERS if h != "Đối tượng"]
    rows = [[v for h, v in zip(HEADERS, r, strict=True) if h != "Đối tượng"] for r in ROWS]
    err = fails(tmp_path, workbook(rows, headers))
    assert "Danh sách, dòng 3: Thiếu cột bắt buộc: “Đối tượng”." in err


@pytest.mark.django_db
def test_headers_ignore_case_spaces_diacritics(tmp_path, people):
    headers = [
        "stt",
        "HO VA TEN",
        "email",
        "BAN",
        "chuc vu",
        "Doi Tuong",
        "vai tro",
        "ly do mien",
        "mien tu ngay",
        "Mien den ngay",
        "ngay bat dau",
        "ngay ket thuc",
    ]
    run(tmp_path, workbook(ROWS, headers))
    assert User.objects.filter(email__in=["an@tn.vn", "binh@tn.vn", "cuc@tn.vn", "dungtv@tn.vn"]).count() == 4


@pytest.mark.django_db
def test_row_errors_with_exact_positions(tmp_path, people):
    rows = [
        row(),  # row 4: fine
        row(**{"Họ và tên": "Lê Văn Trùng", "Email": "AN@tn.vn"}),  # row 5: duplicate email
        row(**{"Email": "x1@tn.vn", "Đối tượng": "9.9"}),  # row 6: unknown group
        row(**{"Email": "x2@tn.vn", "Vai trò": "cadre; thủ quỹ"}),  # row 7: unknown role
        row(**{"Email": "x3@tn.vn", "Ngày bắt đầu": "31/02/2023"}),  # row 8: bad date
        row(**{"Email": "x4@tn.vn", "Lý do miễn": "ốm đau"}),  # row 9: unknown reason
        row(**{"Email": "x5@tn.vn", "Lý do miễn": "thai-san"}),  # row 10: individual reason without dates
        row(**{"Email": "khong-phai-email"}),  # row 11: bad email
        row(**{"Email": "x6@tn.vn", "Lý do miễn": "Kế toán", "Chức vụ": "Chuyên viên"}),  # row 12: position mismatch
        row(**{"Email": "x7@tn.vn", "Ban": "", "Vai trò": "head"}),  # row 13: head without department
        row(**{"Email": "la@khac.vn"}),  # row 14: another organization's account
    ]
    err = fails(tmp_path, workbook(rows))
    lines = err.splitlines()
    expected = [
        "Danh sách, dòng 5, cột Email: Email “an@tn.vn” trùng với dòng 4.",
        "Danh sách, dòng 6, cột Đối tượng: Đối tượng “9.9” không có trong kế hoạch năm 2023 (các mã: 2.1, 2.2, 2.3).",
        "Danh sách, dòng 7, cột Vai trò: Vai trò “thủ quỹ” không hợp lệ.",
        "Danh sách, dòng 8, cột Ngày bắt đầu: “31/02/2023” không phải ngày hợp lệ",
        "Danh sách, dòng 9, cột Lý do miễn: Lý do miễn “ốm đau” không có trong kế hoạch năm 2023",
        "Danh sách, dòng 10, cột Miễn từ ngày: Lý do “Nghỉ thai sản” là lý do cá nhân: cần ngày bắt đầu miễn.",
        "Danh sách, dòng 10, cột Miễn đến ngày: Lý do “Nghỉ thai sản” là lý do cá nhân: cần ngày kết thúc miễn.",
        "Danh sách, dòng 11, cột Email: “khong-phai-email” không phải địa chỉ email hợp lệ.",
        "Danh sách, dòng 12, cột Lý do miễn: Lý do “Kế toán” chỉ áp dụng cho chức danh “Kế toán”, nhưng Chức vụ là “Chuyên viên”.",
        "Danh sách, dòng 13, cột Vai trò: Lãnh đạo ban phải có cột Ban",
        "Danh sách, dòng 14, cột Email: Email “la@khac.vn” đã được dùng cho một tài khoản khác.",
    ]
    for exp in expected:
        assert any(line.startswith(exp) for line in lines), f"missing: {exp}\n{err}"
    assert len(lines) == len(expected)
    assert not User.objects.filter(email="an@tn.vn").exists()  # row 4 was fine, still nothing saved
    assert not Department.objects.filter(name="Ban Tuyên giáo").exists()


@pytest.mark.django_db
def test_unknown_org_and_year(tmp_path, people):
    path = tmp_path / "p.xlsx"
    path.write_bytes(workbook())
    with pytest.raises(CommandError, match="Không có tổ chức"):
        call_command("import_cadres", "--org", "khong-co", str(path), stdout=StringIO(), stderr=StringIO())
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_cadres", "--org", "tay-ninh", "--year", "2030", str(path), stdout=StringIO(), stderr=err)
    assert "chưa có kế hoạch năm 2030" in err.getvalue()


# Web upload -------------------------------------------------------------------------------------------
URL = reverse("fieldwork:people_import")
CONFIRM = reverse("fieldwork:people_import_confirm")


def upload(client, data: bytes, plan, name="people.xlsx"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), "plan": plan.pk})


@pytest.mark.django_db
def test_web_access(client, people):
    p = people
    assert_access(client, URL, allowed=[p["board"]], forbidden=[p["cadre"], p["head"], p["secretary"], p["inspector"]])
    assert_access(client, CONFIRM, method="post", data={"token": "0" * 32}, forbidden=[p["inspector"], p["secretary"]])


@pytest.mark.django_db
def test_web_preview_then_confirm(client, people, settings):
    client.force_login(people["board"])
    resp = upload(client, workbook(), people["plan"])
    assert resp.status_code == 200
    html = resp.content.decode()
    result = resp.context["result"]
    assert [line.email for line in result.new] == ["an@tn.vn", "binh@tn.vn", "cuc@tn.vn", "dungtv@tn.vn"]
    assert result.departments == ["Ban Tuyên giáo"]
    assert "Nghỉ thai sản, 01/03/2023 – 31/08/2023" in html
    assert not User.objects.filter(email="an@tn.vn").exists()  # the preview writes nothing
    token = resp.context["token"]
    stored = list((settings.MEDIA_ROOT / "imports" / "tay-ninh").glob("cadres-*.xlsx"))
    assert [p.name for p in stored] == [f"cadres-{token}.xlsx"]
    # another organization's Board cannot confirm this file
    client.force_login(people["stranger"])
    assert client.post(CONFIRM, {"token": token, "plan": people["other_plan"].pk}).status_code == 404
    client.force_login(people["board"])
    assert client.post(CONFIRM, {"token": "../../etc/passwd", "plan": people["plan"].pk}).status_code == 404
    resp = client.post(CONFIRM, {"token": token, "plan": people["plan"].pk})
    assert resp.status_code == 302 and resp["Location"] == reverse("accounts:people")
    assert User.objects.filter(email__in=["an@tn.vn", "binh@tn.vn", "cuc@tn.vn", "dungtv@tn.vn"]).count() == 4
    assert not list((settings.MEDIA_ROOT / "imports" / "tay-ninh").glob("cadres-*.xlsx"))  # removed once used
    # the same file again: the preview says nothing changes
    resp = upload(client, workbook(), people["plan"])
    assert "Không có thay đổi nào: 4 người trong tệp đã đúng như trong hệ thống." in resp.content.decode()
    # changed fields are shown old -> new
    resp = upload(client, workbook([row(**{"Chức vụ": "Phó Trưởng Ban"})]), people["plan"])
    updated = resp.context["result"].updated
    assert [(line.email, line.changes) for line in updated] == [
        ("an@tn.vn", {"Chức vụ": ("Trưởng Ban", "Phó Trưởng Ban")})
    ]


@pytest.mark.django_db
def test_web_errors_listed_and_nothing_kept(client, people, settings):
    client.force_login(people["board"])
    resp = upload(client, workbook([row(), row(**{"Đối tượng": "9.9", "Email": "x@tn.vn"})]), people["plan"])
    html = resp.content.decode()
    assert "Tệp có 1 lỗi nên chưa nhập gì" in html
    assert "Danh sách, dòng 5, cột Đối tượng: Đối tượng “9.9” không có trong kế hoạch năm 2023" in html
    assert "Xác nhận nhập" not in html
    assert not list((settings.MEDIA_ROOT / "imports" / "tay-ninh").glob("*.xlsx"))
    resp = upload(client, b"not excel", people["plan"], name="people.csv")
    assert "Hãy chọn tệp Excel có đuôi .xlsx" in resp.content.decode()


@pytest.mark.django_db
def test_web_board_cannot_strip_own_role_or_grant_admin(client, people):
    client.force_login(people["board"])
    rows = [
        row(**{"Họ và tên": "Bùi Văn Khoa", "Email": "khoa@tn.vn", "Ban": "Văn phòng", "Vai trò": "cadre"}),
        row(**{"Email": "moi@tn.vn", "Vai trò": "Quản trị"}),
    ]
    html = upload(client, workbook(rows), people["plan"]).content.decode()
    assert "dòng 4, cột Vai trò: Bạn không thể tự bỏ vai trò “Ban Tổ chức – Kiểm tra” của mình." in html
    assert "dòng 5, cột Vai trò: Chỉ quản trị viên mới được cấp hoặc thu hồi vai trò Quản trị." in html


@pytest.mark.django_db
def test_overlapping_exemption_is_an_error(tmp_path, people):
    run(tmp_path, workbook())
    rows = [ROWS[1][:8] + ["01/6/2023", "30/9/2023", None, None]]  # Bình again, other maternity dates
    err = fails(tmp_path, workbook(rows))
    assert err.startswith(
        "Danh sách, dòng 4, cột Miễn từ ngày: Trùng thời gian với quyết định miễn đã có (01/03/2023 – 31/08/2023)"
    )
    assert Exemption.objects.filter(person__email="binh@tn.vn").count() == 1


@pytest.mark.django_db
def test_excel_serial_dates_and_dates_without_reason(tmp_path, people):
    rows = [
        row(**{"Ngày bắt đầu": 44927}),  # 01/01/2023 as an Excel serial number
        row(**{"Email": "y@tn.vn", "Miễn từ ngày": "01/02/2023"}),
    ]
    err = fails(tmp_path, workbook(rows))
    assert err.strip() == "Danh sách, dòng 5, cột Miễn từ ngày: Có ngày miễn nhưng thiếu cột Lý do miễn."
    run(tmp_path, workbook(rows[:1]))
    assert User.objects.get(email="an@tn.vn").active_from == date(2023, 1, 1)


@pytest.mark.django_db
def test_a_duty_reason_is_imported_by_position_or_for_a_named_person(tmp_path, people):
    """docs/rules.md “The rules as the documents say them” (docs/domain.md §6 "either"): "thi-dua" exempts the holder of the position with no
    dates, and a "Chuyên viên" who carries the duty as a person, with dates."""
    rows = [
        row(**{"Email": "td@tn.vn", "Chức vụ": "Thi đua khen thưởng", "Lý do miễn": "thi-dua", "Vai trò": ""}),
        row(
            **{
                "Email": "cv@tn.vn",
                "Chức vụ": "Chuyên viên",
                "Vai trò": "",
                "Lý do miễn": "thi-dua",
                "Miễn từ ngày": "01/01/2023",
                "Miễn đến ngày": "25/10/2023",
            }
        ),
    ]
    run(tmp_path, workbook(rows))
    assert not Exemption.objects.filter(person__email="td@tn.vn").exists()  # the position is enough
    ex = Exemption.objects.get(person__email="cv@tn.vn")
    assert (ex.reason.code, ex.start, ex.end, ex.status) == (
        "thi-dua",
        date(2023, 1, 1),
        date(2023, 10, 25),
        "approved",
    )
    from fieldwork.selectors import standing_for

    for email in ("td@tn.vn", "cv@tn.vn"):
        s = standing_for(people["plan"], User.objects.get(email=email), date(2023, 5, 1))
        assert (s.status, s.exemption) == ("exempt", "thi-dua")
    # a "Chuyên viên" with the duty reason and no dates is refused: the position does not match
    err = fails(tmp_path, workbook([row(**{"Email": "x@tn.vn", "Chức vụ": "Chuyên viên", "Lý do miễn": "thi-dua"})]))
    assert "cột Miễn từ ngày: Lý do “Cán bộ phụ trách công tác thi đua khen thưởng”: người giữ chức danh" in err
