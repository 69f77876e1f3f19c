"""docs/rules.md “Nobody certifies their own days”: nobody certifies their own days through an import of mẫu 3 rows. A row for the
importer, or for anyone the importer may not confirm for, waits (REPORTED) for the person's real
approver, who is told; the preview says so row by row. Rows the importer may confirm (a head's
own department) are recorded as confirmed, by them."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Notification
from fieldwork.models import HistoryEntry, Trip
from fieldwork.selectors import standing_for
from tests.fieldwork.test_import_trips import workbook

pytestmark = pytest.mark.django_db
IMPORT = reverse("fieldwork:trips_import")
CONFIRM = reverse("fieldwork:trips_import_confirm")

SIXTY_DAYS = [
    ["Bùi Văn Khoa", "1.1", "Hè tình nguyện", "30", "01/4/2023 - 30/4/2023", "Xã Tân Đông", "Tốt", ""],
    ["Bùi Văn Khoa", "1.1", "Mùa đông ấm", "30", "01/5/2023 - 30/5/2023", "Xã Tân Hà", "Tốt", ""],
    ["Trần Thị Dung", "1.5", "Sinh hoạt chi đoàn", "2", "01/6/2023 - 02/6/2023", "Xã Suối Đá", "", ""],
]


def upload(client, path, plan):
    with open(path, "rb") as f:
        return client.post(IMPORT, {"file": f, "plan": plan.pk})


def test_a_board_member_importing_their_own_days_does_not_certify_them(client, people, tmp_path):
    board, plan = people["board"], people["plan"]
    before = standing_for(plan, board, date(2023, 12, 31))
    assert before.done_days == 0
    client.force_login(board)
    resp = upload(client, workbook(tmp_path / "m3.xlsx", SIXTY_DAYS), plan)
    body = resp.content.decode()
    # The preview says which rows will wait, and why.
    assert 'data-testid="import-waiting"' in body and "3 đợt sẽ chờ người duyệt" in body
    assert 'data-testid="waits-6"' in body and 'data-testid="waits-8"' in body
    resp = client.post(CONFIRM, {"token": resp.context["token"], "plan": plan.pk})
    assert resp.status_code == 302
    own = Trip.objects.filter(person=board)
    assert own.count() == 2
    assert set(own.values_list("status", "confirmed_by")) == {(Trip.Status.REPORTED, None)}
    after = standing_for(plan, board, date(2023, 12, 31))
    assert after.done_days == Decimal("0")  # not 60: nothing counts until the approver confirms
    # Nor the cadre of another department, whom the Board does not approve.
    dung = Trip.objects.get(person=people["cadre"])
    assert (dung.status, dung.confirmed_by) == (Trip.Status.REPORTED, None)
    assert set(
        HistoryEntry.objects.filter(object_type="trip", action="imported").values_list("to_state", flat=True)
    ) == {Trip.Status.REPORTED}
    # The real approver of the Board member (head of Văn phòng) is told; the Board member is not.
    assert Notification.objects.filter(user=people["head2"], text__contains="Bùi Văn Khoa").exists()
    assert Notification.objects.filter(user=people["head"], text__contains="Trần Thị Dung").exists()
    assert not Notification.objects.filter(user=board, text__contains="chờ xác nhận").exists()
    # …who confirms them in the usual way, and then they count.
    client.force_login(people["head2"])
    for trip in own:
        assert client.post(reverse("fieldwork:trip_confirm", args=[trip.pk])).status_code == 302
    assert standing_for(plan, board, date(2023, 12, 31)).done_days == Decimal("60")
    assert set(Trip.objects.filter(person=board).values_list("confirmed_by", flat=True)) == {people["head2"].pk}


def test_rows_the_importer_may_confirm_are_confirmed_by_them(people, tmp_path):
    """A head who is on the Board imports for their own department: those rows are theirs to
    confirm; their own row still waits for the Standing Committee."""
    from fieldwork.importers.trips import import_trips

    head = people["head"]
    head.roles.create(code="board")
    head._role_cache = None
    rows = [
        ["Trần Thị Dung", "1.1", "Hè tình nguyện", "3", "01/4/2023 - 03/4/2023", "Xã Tân Đông", "", ""],
        ["Võ Minh Hải", "1.1", "Hè tình nguyện", "3", "01/5/2023 - 03/5/2023", "Xã Tân Đông", "", ""],
    ]
    import_trips(workbook(tmp_path / "m3.xlsx", rows), plan=people["plan"], actor=head)
    assert Trip.objects.get(person=people["cadre"]).confirmed_by == head
    own = Trip.objects.get(person=head)
    assert (own.status, own.confirmed_by) == (Trip.Status.REPORTED, None)
    assert Notification.objects.filter(user=people["secretary"], text__contains="Võ Minh Hải").exists()


def test_the_command_line_still_records_confirmed(people, tmp_path):
    from fieldwork.importers.trips import import_trips

    import_trips(workbook(tmp_path / "m3.xlsx", SIXTY_DAYS), plan=people["plan"], actor=None)
    assert set(Trip.objects.values_list("status", flat=True)) == {Trip.Status.CONFIRMED}
