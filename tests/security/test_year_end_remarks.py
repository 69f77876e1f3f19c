"""docs/security.md: a peer who may also approve a cadre (a deputy who holds the head role in the
same department) does not overwrite the head's year-end remark; only its writer, or the writer's
deputy on a date the delegation is in force, changes it (docs/rules.md)."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from fieldwork.services import delegations
from reports import yearend_services
from reports.models import CadreRemark
from tests.factories import UserFactory
from tests.reminders.conftest import at_noon

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer(people):
    """A Phó Trưởng ban of the same department who also holds the head role."""
    return UserFactory(
        department=people["d1"],
        full_name="Lý Văn Phó",
        email="pho@tn.vn",
        position="Phó Trưởng ban",
        group_code="2.2",
        roles=["cadre", "head"],
    )


def test_a_peer_deputy_does_not_overwrite_the_heads_remark(client, people, peer):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    yearend_services.save_remark(user=head, plan=plan, person=cadre, text="Tích cực, hoàn thành tốt.")
    with pytest.raises(PermissionDenied):
        yearend_services.save_remark(user=peer, plan=plan, person=cadre, text="Chưa tích cực.")
    client.force_login(peer)
    resp = client.post(
        reverse("reports:remark_save", args=[cadre.pk]), {f"p{cadre.pk}-text": "Chưa tích cực.", "year": 2023}
    )
    assert resp.status_code == 403
    assert CadreRemark.objects.get(person=cadre).text == "Tích cực, hoàn thành tốt."
    # The page shows the head's remark to the peer, without a form to overwrite it.
    html = client.get(reverse("reports:remarks") + "?year=2023").content.decode()
    assert f'data-testid="remark-readonly-{cadre.pk}"' in html and "Tích cực, hoàn thành tốt." in html
    assert reverse("reports:remark_save", args=[cadre.pk]) not in html
    # The head changes their own remark; a cadre nobody has remarked on is the peer's to write.
    yearend_services.save_remark(user=head, plan=plan, person=cadre, text="Tích cực.")
    yearend_services.save_remark(user=peer, plan=plan, person=people["cadre2"], text="Cần cố gắng.")


def test_the_heads_deputy_changes_it_only_while_the_delegation_is_in_force(people, peer):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    deputy = UserFactory(department=people["d1"], email="pho2@tn.vn", position="Phó Trưởng ban", group_code="2.2")
    yearend_services.save_remark(user=head, plan=plan, person=cadre, text="Tích cực.")
    with time_machine.travel(at_noon(date(2026, 12, 14)), tick=False):
        delegations.create_delegation(actor=head, deputy=deputy, start=date(2026, 12, 15), end=date(2026, 12, 20))
    with time_machine.travel(at_noon(date(2026, 12, 16)), tick=False):
        deputy._delegators_cache = None
        yearend_services.save_remark(user=deputy, plan=plan, person=cadre, text="Tích cực (thay Trưởng ban).")
        with pytest.raises(PermissionDenied):  # a peer still does not, even then
            yearend_services.save_remark(user=peer, plan=plan, person=cadre, text="x")
        # The head changes what their deputy wrote for them.
        yearend_services.save_remark(user=head, plan=plan, person=cadre, text="Tích cực, hoàn thành tốt.")
    with time_machine.travel(at_noon(date(2026, 12, 22)), tick=False):
        deputy._delegators_cache = None
        with pytest.raises(PermissionDenied):  # the delegation is over
            yearend_services.save_remark(user=deputy, plan=plan, person=cadre, text="y")
    assert CadreRemark.objects.get(person=cadre).text == "Tích cực, hoàn thành tốt."


def test_once_the_writer_no_longer_approves_the_cadre_another_approver_writes(people, peer):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    yearend_services.save_remark(user=head, plan=plan, person=cadre, text="Tích cực.")
    head.department = people["d2"]  # moved to another department
    head.save(update_fields=["department"])
    yearend_services.save_remark(user=peer, plan=plan, person=cadre, text="Tích cực, đã bàn giao.")
    assert CadreRemark.objects.get(person=cadre).written_by == peer
