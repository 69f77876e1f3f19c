"""docs/security.md “Accounts”: nobody raises their own roles or makes themself Secretary through the free-text
position; whoever proposes an exemption never decides it; exemptions in import_cadres arrive as
proposals unless an administrator imports them, and never for the importer themself."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import rules
from fieldwork.models import Exemption, ExemptionReason
from fieldwork.services import exemptions as exemption_service
from tests.factories import UserFactory
from tests.fieldwork.test_import_cadres import row, run, workbook
from tests.security.test_account_takeover import edit_data, edit_url

pytestmark = pytest.mark.django_db
IMPORT = reverse("fieldwork:people_import")
CONFIRM = reverse("fieldwork:people_import_confirm")


def test_board_cannot_raise_own_roles(client, people):
    board = people["board"]
    client.force_login(board)
    for extra in (["standing"], ["standing", "secretary"], ["head"], ["inspection"]):
        resp = client.post(edit_url(board), edit_data(board, roles=["cadre", "board", *extra]))
        assert resp.status_code == 200  # the form again, with the error
        assert "Bạn không thể tự cấp cho mình vai trò" in resp.content.decode()
        board.refresh_from_db()
        board._role_cache = None
        assert board.role_codes == {"cadre", "board"}


def test_board_cannot_make_someone_standing_or_secretary(client, people):
    cadre = people["cadre"]
    client.force_login(people["board"])
    resp = client.post(edit_url(cadre), edit_data(cadre, roles=["cadre", "standing", "secretary"]))
    assert "Chỉ Thường trực hoặc quản trị viên mới được cấp vai trò Thường trực hoặc Bí thư." in resp.content.decode()
    cadre._role_cache = None
    assert cadre.role_codes == {"cadre"}


def test_the_position_text_does_not_make_a_secretary(client, people):
    """An administrator writes "Bí thư" as a Standing member's position (nobody changes their own
    position any more, docs/rules.md “Nobody certifies their own days”: tests/security/test_own_record.py)."""
    deputy = people["deputy"]
    client.force_login(UserFactory(department=people["d2"], email="qt@tn.vn", roles=["cadre", "admin"], is_staff=True))
    resp = client.post(edit_url(deputy), edit_data(deputy, position="Bí thư", reason="Thử"))
    assert resp.status_code == 302
    deputy.refresh_from_db()
    assert deputy.position == "Bí thư"
    assert not deputy.is_secretary
    assert rules.approver_kind(deputy) == "secretary"  # still approved by the real Secretary
    assert people["secretary"].is_secretary


def test_whoever_proposes_an_exemption_never_decides_it(client, people):
    deputy = people["deputy"]
    deputy.roles.create(code="board")
    deputy._role_cache = None
    ex = exemption_service.propose(
        actor=deputy,
        data=exemption_service.ExemptionInput(
            person=people["cadre"],
            reason=ExemptionReason.objects.get(plan=people["plan"], code="thai-san"),
            start=date(2023, 5, 1),
            end=date(2023, 10, 31),
        ),
    )
    client.force_login(deputy)
    assert client.post(reverse("fieldwork:exemption_approve", args=[ex.pk]), {"comment": "ok"}).status_code == 403
    ex.refresh_from_db()
    assert ex.status == "proposed"
    client.force_login(people["secretary"])
    assert client.post(reverse("fieldwork:exemption_approve", args=[ex.pk])).status_code == 302
    ex.refresh_from_db()
    assert (ex.status, ex.decided_by) == ("approved", people["secretary"])


def _import(client, user, data, plan):
    client.force_login(user)
    resp = client.post(IMPORT, {"file": SimpleUploadedFile("people.xlsx", data), "plan": plan.pk})
    token = resp.context["token"]
    if token:
        client.post(CONFIRM, {"token": token, "plan": plan.pk})
    return resp


def test_board_import_brings_exemptions_as_proposals(client, people):
    resp = _import(client, people["board"], workbook(), people["plan"])
    assert resp.context["token"]
    ex = Exemption.objects.get(person__email="binh@tn.vn")
    assert (ex.status, ex.proposed_by, ex.decided_by) == ("proposed", people["board"], None)
    # The Standing Committee hears of it and decides.
    assert people["secretary"].notifications.filter(url=reverse("fieldwork:exemption_detail", args=[ex.pk])).exists()


def test_administrator_import_records_decisions(client, people):
    admin = UserFactory(department=people["d2"], email="qt@tn.vn", roles=["cadre", "admin"], is_staff=True)
    _import(client, admin, workbook(), people["plan"])
    ex = Exemption.objects.get(person__email="binh@tn.vn")
    assert (ex.status, ex.decided_by) == ("approved", admin)


def test_command_line_import_records_decisions(people, tmp_path):
    run(tmp_path, workbook())
    assert Exemption.objects.get(person__email="binh@tn.vn").status == "approved"


def test_nobody_imports_their_own_exemption(client, people):
    own = row(
        **{
            "Họ và tên": "Bùi Văn Khoa",
            "Email": "khoa@tn.vn",
            "Ban": "Văn phòng",
            "Vai trò": "cadre, board",
            "Lý do miễn": "thai-san",
            "Miễn từ ngày": "01/3/2023",
            "Miễn đến ngày": "31/8/2023",
        }
    )
    resp = _import(client, people["board"], workbook([own]), people["plan"])
    assert "Bạn không thể tự nhập quyết định miễn cho chính mình" in resp.content.decode()
    assert not resp.context["token"]
    assert not Exemption.objects.filter(person=people["board"]).exists()


def test_board_import_cannot_touch_the_standing_committee(client, people):
    rows = [row(**{"Họ và tên": "Nguyễn Thanh Tùng", "Email": "tung@tn.vn", "Ban": "", "Vai trò": "cadre"})]
    resp = _import(client, people["board"], workbook(rows), people["plan"])
    assert "có nhiều quyền hơn bạn" in resp.content.decode()
    people["secretary"]._role_cache = None
    assert people["secretary"].role_codes == {"cadre", "standing", "secretary"}


def test_an_administrator_cannot_grant_themself_a_role_in_the_admin(client, people):
    admin = UserFactory(department=people["d2"], email="qt@tn.vn", roles=["cadre", "admin"], is_staff=True)
    client.force_login(admin)
    client.post(
        reverse("admin:accounts_user_change", args=[admin.pk]),
        {
            "email": admin.email,
            "full_name": admin.full_name,
            "organization": people["org"].pk,
            "department": people["d2"].pk,
            "position": "",
            "group_code": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-code": "standing",
        },
    )
    admin._role_cache = None
    assert admin.role_codes == {"cadre", "admin"}
    # The same administrator grants a role to someone else.
    cadre = people["cadre"]
    resp = client.post(
        reverse("admin:accounts_user_change", args=[cadre.pk]),
        {
            "email": cadre.email,
            "full_name": cadre.full_name,
            "organization": people["org"].pk,
            "department": people["d1"].pk,
            "position": cadre.position,
            "group_code": "2.3",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-code": "inspection",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    cadre._role_cache = None
    assert "inspection" in cadre.role_codes
