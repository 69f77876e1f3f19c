"""docs/rules.md “Nobody certifies their own days”: nobody changes their own department, position, group or dates of service
(a position can make one exempt, a group decides what one owes), by the form, an import or the
admin; every change of these by anyone, and every creation, invitation and change of roles, is in
the history with who and why; the Standing Committee's monthly digest names new department heads."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import services as people_services
from accounts.models import User
from fieldwork.models import HistoryEntry
from fieldwork.reminders.models import SentReminder
from fieldwork.selectors import standing_for
from tests.factories import UserFactory
from tests.fieldwork.test_import_cadres import row, workbook
from tests.reminders.conftest import at_noon, run_days
from tests.security.test_account_takeover import edit_data, edit_url

pytestmark = pytest.mark.django_db
IMPORT = reverse("fieldwork:people_import")
CONFIRM = reverse("fieldwork:people_import_confirm")


def person_history(person):
    return list(
        HistoryEntry.objects.filter(object_type="user", object_id=person.pk).values_list(
            "actor_id", "action", "comment"
        )
    )


def test_a_board_member_cannot_make_themself_exempt_through_their_own_record(client, people):
    board, plan = people["board"], people["plan"]
    assert standing_for(plan, board, date(2023, 12, 31)).required_days == 60
    client.force_login(board)
    # The position "Kế toán" is exempt (60 → 0 days); clearing the group owes nothing at all.
    for over in ({"position": "Kế toán"}, {"group_code": ""}, {"department": ""}, {"active_to": "31/01/2023"}):
        client.post(edit_url(board), edit_data(board, **over))
        board.refresh_from_db()
        assert (board.position, board.group_code, board.department_id, board.active_to) == (
            "Chuyên viên",
            "2.3",
            people["d2"].pk,
            None,
        ), over
    assert standing_for(plan, board, date(2023, 12, 31)).required_days == 60
    # The form shows these fields locked, with why.
    html = client.get(edit_url(board)).content.decode()
    assert "Chỉ người quản lý cán bộ khác mới sửa được thông tin này của bạn." in html
    # The service refuses it whoever calls it.
    data = people_services.PersonData(
        full_name=board.full_name, email=board.email, department=board.department, position="Kế toán", group_code="2.3"
    )
    with pytest.raises(ValidationError, match="Bạn không thể tự đổi Chức vụ của chính mình"):
        people_services.update_person(actor=board, person=board, data=data, reason="Điều động")


def test_nor_through_an_import_of_their_own_row(client, people):
    board = people["board"]
    own = row(
        **{
            "Họ và tên": "Bùi Văn Khoa",
            "Email": "khoa@tn.vn",
            "Ban": "Văn phòng",
            "Chức vụ": "Kế toán",
            "Đối tượng": "2.3",
            "Vai trò": "cadre, board",
            "Lý do miễn": None,
            "Miễn từ ngày": None,
            "Miễn đến ngày": None,
        }
    )
    client.force_login(board)
    resp = client.post(IMPORT, {"file": SimpleUploadedFile("p.xlsx", workbook([own])), "plan": people["plan"].pk})
    assert "Bạn không thể tự đổi Chức vụ của chính mình" in resp.content.decode()
    assert not resp.context["token"]
    board.refresh_from_db()
    assert board.position == "Chuyên viên"


def test_nor_in_the_admin(client, people):
    admin = UserFactory(
        department=people["d2"], email="qt@tn.vn", roles=["cadre", "admin"], is_staff=True, group_code="2.3"
    )
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[admin.pk])
    html = client.get(url).content.decode()
    assert 'name="position"' not in html and 'name="group_code"' not in html  # read-only on one's own record


def test_a_change_by_someone_else_needs_a_reason_and_is_in_the_history(client, people):
    cadre, board = people["cadre"], people["board"]
    client.force_login(board)
    resp = client.post(edit_url(cadre), edit_data(cadre, position="Kế toán"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Hãy ghi lý do thay đổi ban, chức vụ, đối tượng hoặc thời gian công tác." in html
    assert 'value="Kế toán"' in html  # what was typed is kept
    cadre.refresh_from_db()
    assert cadre.position == "Chuyên viên"
    resp = client.post(edit_url(cadre), edit_data(cadre, position="Kế toán", reason="Quyết định số 12-QĐ/TĐTN"))
    assert resp.status_code == 302
    assert person_history(cadre) == [
        (board.pk, "person_changed", "Chức vụ: Chuyên viên → Kế toán. Lý do: Quyết định số 12-QĐ/TĐTN")
    ]
    html = client.get(edit_url(cadre)).content.decode()
    assert "Sửa thông tin công tác: Chức vụ: Chuyên viên → Kế toán. Lý do: Quyết định số 12-QĐ/TĐTN" in html
    assert "Bùi Văn Khoa" in html


def test_an_admin_change_is_in_the_history_with_its_reason(client, people):
    admin = UserFactory(department=people["d2"], email="qt@tn.vn", roles=["cadre", "admin"], is_staff=True)
    cadre = people["cadre"]
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[cadre.pk])
    form = client.get(url).context["adminform"].form
    data = {
        k: v for k, v in form.initial.items() if v is not None and k not in ("password", "last_login", "date_joined")
    }
    data.update(
        {
            "department": cadre.department_id,
            "organization": cadre.organization_id,
            "position": "Kế toán",
            "is_active": "on",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        }
    )
    data.pop("groups", None), data.pop("user_permissions", None)
    resp = client.post(url, data)
    assert resp.status_code == 200 and "Hãy ghi lý do thay đổi" in resp.content.decode()
    data["change_reason"] = "Điều động"
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    assert person_history(cadre) == [
        (admin.pk, "person_changed", "Chức vụ: Chuyên viên → Kế toán. Lý do: Điều động (trang quản trị)")
    ]


def test_creating_inviting_and_changing_roles_is_in_the_history(client, people):
    board = people["board"]
    client.force_login(board)
    resp = client.post(
        reverse("fieldwork:person_create"),
        {
            "full_name": "Ngô Văn Rối",
            "email": "roi@tn.vn",
            "department": people["d2"].pk,
            "position": "Phó Chánh Văn phòng",
            "group_code": "2.2",
            "roles": ["cadre", "head"],
        },
    )
    assert resp.status_code == 302
    puppet = User.objects.get(email="roi@tn.vn")
    client.post(reverse("accounts:person_invite", args=[puppet.pk]))
    cadre = people["cadre"]
    client.post(edit_url(cadre), edit_data(cadre, roles=["cadre", "inspection"]))
    assert [(a, act) for a, act, _c in person_history(puppet)] == [(board.pk, "person_created"), (board.pk, "invited")]
    assert "Lãnh đạo ban" in person_history(puppet)[0][2]
    assert person_history(cadre) == [(board.pk, "roles_changed", "Vai trò: Cán bộ → Cán bộ, Ủy ban kiểm tra.")]


def test_the_standing_committee_sees_new_heads_in_its_digest(client, people):
    board = people["board"]
    client.force_login(board)
    with time_machine.travel(at_noon(date(2023, 3, 14)), tick=False):
        client.post(
            reverse("fieldwork:person_create"),
            {
                "full_name": "Ngô Văn Rối",
                "email": "roi@tn.vn",
                "department": people["d2"].pk,
                "position": "Phó Chánh Văn phòng",
                "group_code": "2.2",
                "roles": ["cadre", "head"],
            },
        )
    run_days(people["org"].pk, date(2023, 4, 1), date(2023, 4, 1))
    digest = SentReminder.objects.get(person=people["secretary"], kind="new_heads", key="2023-04")
    assert "- Ngô Văn Rối (Văn phòng), ngày 14/03/2023, do Bùi Văn Khoa giao" in digest.body
    assert SentReminder.objects.filter(person=people["deputy"], kind="new_heads").exists()
    assert not SentReminder.objects.filter(person=board, kind="new_heads").exists()
    # A month with no new head sends nothing.
    run_days(people["org"].pk, date(2023, 5, 1), date(2023, 5, 1))
    assert not SentReminder.objects.filter(kind="new_heads", key="2023-05").exists()
