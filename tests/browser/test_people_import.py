"""The Board uploads a list of people, sees the preview, confirms, and finds them in
Vietnamese order (by given name, Đ after D) in the people list."""

from io import BytesIO

import pytest
from openpyxl import Workbook

from accounts.models import User
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, DepartmentFactory, UserFactory


def workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["DANH SÁCH CÁN BỘ CHUYÊN TRÁCH NĂM 2023"])
    ws.append([])
    ws.append(["STT", "Họ và tên", "Email", "Ban", "Chức vụ", "Đối tượng", "Vai trò"])
    ws.append([1, "Trần Văn Em", "em.tran@tn.vn", "Ban Tuyên giáo", "Chuyên viên", "2.3", ""])
    ws.append([2, "Đặng Văn Đức", "duc.dang@tn.vn", "Ban Tuyên giáo", "Trưởng Ban", "2.2", "Lãnh đạo ban, Cán bộ"])
    ws.append([3, "Lê Thị Dung", "dung.le@tn.vn", "Văn phòng", "Chuyên viên", "2.3", "cadre"])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_board_imports_people(page, tn_plan):
    office = DepartmentFactory(organization=tn_plan.organization, name="Văn phòng")
    UserFactory(department=office, full_name="Bùi Văn Khoa", email="khoa@tn.vn", roles=["cadre", "board"])
    login(page, "khoa@tn.vn", PASSWORD)

    page.goto(page.base_url + "/can-bo/nhap-excel/")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "danh-sach-can-bo.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": workbook(),
            }
        ],
    )
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=new-people]")
    assert "3 người mới" in page.inner_text("[data-testid=import-summary]")
    assert page.inner_text("[data-testid=new-departments]").strip() == "Ban Tuyên giáo"
    shot(page, "people-import-preview")
    assert not User.objects.filter(email="em.tran@tn.vn").exists()

    page.click("[data-testid=confirm-import]")
    page.wait_for_selector("[data-testid=people-table]")
    assert "Đã nhập danh sách cán bộ" in page.inner_text("main")
    names = [n.strip() for n in page.locator("[data-testid=people-table] td.person-name").all_inner_texts()]
    # Vietnamese order: by given name (Dung, Đức, Em, Khoa) — not byte order of the full names
    assert names == ["Lê Thị Dung", "Đặng Văn Đức", "Trần Văn Em", "Bùi Văn Khoa"]
    assert sorted(names) != names
    shot(page, "people-list-after-import")
    shot(page, "people-list-phone", width=390)
    assert User.objects.get(email="duc.dang@tn.vn").role_codes == {"cadre", "head"}
