"""Delegation of approval (docs/rules.md “Reminders, digests and delegation of approval”): the deputy sees and acts only within the range and the
delegator's scope, never on their own line; the history says who acted for whom."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import rules
from accounts.models import Delegation
from fieldwork.models import DepartmentPlan, HistoryEntry, Registration
from fieldwork.services import delegations
from fieldwork.services import department_plans as dp_service
from fieldwork.services import registrations as reg_service
from fieldwork.services.approvers import approvers_of
from fieldwork.services.history import last_decision, signer_lines
from tests.access import assert_access
from tests.fieldwork.registration_helpers import line, submitted

from .conftest import at_noon

pytestmark = pytest.mark.django_db

D = date
BEFORE, DURING, AFTER = D(2023, 3, 9), D(2023, 3, 15), D(2023, 3, 21)


@pytest.fixture
def setup(people):
    """Hải (head of Ban Phong trào) is away 10–20/03: Em, the department's Phó Trưởng ban (a leader
    without the head role), is his deputy. Dung's, Em's own and Đức's (another department)
    registrations are waiting. The plan is on the quarterly cycle (quarter I and II registrations)."""
    p = people
    p["plan"].registration_cycle = p["plan"].RegistrationCycle.QUARTERLY
    p["plan"].save(update_fields=["registration_cycle"])
    p["cadre2"].position = "Phó Trưởng ban"
    p["cadre2"].save(update_fields=["position"])
    p["reg_dung"] = submitted(p["plan"], p["cadre"])
    p["reg_em"] = submitted(p["plan"], p["cadre2"])
    p["reg_duc"] = submitted(p["plan"], p["other_cadre"])
    p["reg_hai"] = submitted(p["plan"], p["head"])  # a head's goes to the Standing Committee
    with time_machine.travel(at_noon(D(2023, 3, 1)), tick=False):
        p["delegation"] = delegations.create_delegation(
            actor=p["head"], deputy=p["cadre2"], start=D(2023, 3, 10), end=D(2023, 3, 20), note="Nghỉ phép"
        )
    return p


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_deputy_acts_only_within_the_range(setup, client):
    p = setup
    review = reverse("fieldwork:registration_review", args=[p["reg_dung"].pk])
    for day, allowed in ((BEFORE, False), (DURING, True), (AFTER, False)):
        with time_machine.travel(at_noon(day), tick=False):
            em = fresh(p["cadre2"])
            assert rules.can_approve_for(em, p["cadre"]) is allowed, day
            assert rules.is_approver(em) is allowed
            client.force_login(em)
            assert client.get(review).status_code == (200 if allowed else 403)
            assert client.get(reverse("fieldwork:approvals")).status_code == (200 if allowed else 403)
            assert (em in approvers_of(p["cadre"])) is allowed


def test_deputy_scope_and_never_own_line(setup, client):
    p = setup
    with time_machine.travel(at_noon(DURING), tick=False):
        em = fresh(p["cadre2"])
        client.force_login(em)
        inbox = client.get(reverse("fieldwork:approvals"))
        listed = {r.pk for r in inbox.context["page"]}
        # Dung's only: not Em's own, not another department's, not the delegator's own.
        assert listed == {p["reg_dung"].pk}
        assert not rules.can_approve_for(em, em)
        assert not rules.can_approve_for(em, p["other_cadre"])
        assert not rules.can_approve_for(em, p["head"])
        assert approvers_of(em) == [p["head"]]  # Em's own line still waits for the head
        for reg in (p["reg_em"], p["reg_duc"], p["reg_hai"]):
            url = reverse("fieldwork:registration_approve", args=[reg.pk])
            assert client.post(url, {"version": reg.version, "comment": ""}).status_code in (403, 302)
            reg.refresh_from_db()
            assert reg.status == Registration.Status.SUBMITTED
        with pytest.raises(PermissionDenied):
            reg_service.approve(actor=em, registration=p["reg_em"], version=p["reg_em"].version)


def test_history_records_who_acted_for_whom(setup, client):
    p = setup
    reg = p["reg_dung"]
    with time_machine.travel(at_noon(DURING), tick=False):
        client.force_login(fresh(p["cadre2"]))
        resp = client.post(
            reverse("fieldwork:registration_approve", args=[reg.pk]), {"version": reg.version, "comment": "Đồng ý"}
        )
        assert resp.status_code == 302
    reg.refresh_from_db()
    assert reg.status == Registration.Status.APPROVED and reg.decided_by == p["cadre2"]
    entry = HistoryEntry.objects.get(object_type="registration", object_id=reg.pk, action="approved")
    assert entry.actor == p["cadre2"] and entry.on_behalf_of == p["head"]
    assert entry.actor_display == "Phó Trưởng ban Lê Văn Em thay Trưởng Ban Võ Minh Hải"
    # What the forms read (reports/): the latest approval, its actor and for whom ("KT.").
    decision = last_decision(reg, "registration")
    assert decision.actor == p["cadre2"] and decision.on_behalf_of == p["head"]
    assert signer_lines(decision) == (["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"], "Lê Văn Em")
    # The head approving in his own right is recorded without "thay".
    reg2 = submitted(p["plan"], p["cadre"], quarter=2, lines=[line(p["plan"], start=D(2023, 5, 2))])
    reg_service.approve(actor=fresh(p["head"]), registration=reg2, version=reg2.version)
    own = HistoryEntry.objects.get(object_type="registration", object_id=reg2.pk, action="approved")
    assert own.on_behalf_of is None and own.actor_display == "Võ Minh Hải"
    assert signer_lines(last_decision(reg2, "registration")) == (["TRƯỞNG BAN"], "Võ Minh Hải")
    # The review page shows it.
    with time_machine.travel(at_noon(AFTER), tick=False):
        client.force_login(fresh(p["head"]))
        page = client.get(reverse("fieldwork:registration_review", args=[reg.pk])).content.decode()
    assert "Phó Trưởng ban Lê Văn Em thay Trưởng Ban Võ Minh Hải" in page


def test_standing_deputy_decides_other_departments_plans_only(people):
    """Lan (Phó Bí thư) names Hà (head of Văn phòng) deputy: Hà decides Ban Phong trào's mẫu 2 and
    approves Hải's registration (a head's), never Văn phòng's own mẫu 2 nor her own registration."""
    p = people
    d1_plan = DepartmentPlan.objects.create(
        plan=p["plan"], department=p["d1"], quarter=1, status=DepartmentPlan.Status.SUBMITTED, submitted_by=p["head"]
    )
    d2_plan = DepartmentPlan.objects.create(
        plan=p["plan"], department=p["d2"], quarter=1, status=DepartmentPlan.Status.SUBMITTED, submitted_by=p["head2"]
    )
    with time_machine.travel(at_noon(D(2023, 4, 2)), tick=False):
        delegations.create_delegation(actor=p["deputy"], deputy=p["head2"], start=D(2023, 4, 2), end=D(2023, 4, 30))
        ha = fresh(p["head2"])
        assert rules.can_decide_department_plan(ha, d1_plan)
        assert not rules.can_decide_department_plan(ha, d2_plan)
        assert rules.can_approve_for(ha, p["head"]) and not rules.can_approve_for(ha, ha)
        dp_service.decide(actor=ha, department_plan=d1_plan, version=d1_plan.version, approve=True)
        with pytest.raises(PermissionDenied):
            dp_service.decide(actor=ha, department_plan=d2_plan, version=d2_plan.version, approve=True)
    entry = HistoryEntry.objects.get(object_type="departmentplan", object_id=d1_plan.pk, action="approved")
    assert entry.on_behalf_of == p["deputy"] and entry.actor == p["head2"]


def test_ended_early_and_validation(setup):
    p = setup
    with time_machine.travel(at_noon(DURING), tick=False):
        delegations.end_delegation(actor=fresh(p["head"]), delegation=p["delegation"])
        assert not rules.can_approve_for(fresh(p["cadre2"]), p["cadre"])
        head = fresh(p["head"])
        with pytest.raises(ValidationError) as exc:
            delegations.create_delegation(actor=head, deputy=p["stranger"], start=DURING, end=DURING)
        assert "deputy" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            delegations.create_delegation(actor=head, deputy=p["cadre"], start=DURING, end=D(2023, 3, 1))
        assert "end" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:  # a specialist of the department approves nothing
            delegations.create_delegation(actor=head, deputy=p["cadre"], start=DURING, end=DURING)
        assert "không phải là người có thể phê duyệt thay bạn" in exc.value.message_dict["deputy"][0]
        delegations.create_delegation(actor=head, deputy=p["deputy"], start=DURING, end=D(2023, 3, 18))
        with pytest.raises(ValidationError) as exc:
            delegations.create_delegation(actor=head, deputy=p["cadre2"], start=D(2023, 3, 18), end=D(2023, 3, 19))
        assert "start" in exc.value.message_dict
        with pytest.raises(PermissionDenied):  # a cadre who approves nobody has nothing to delegate
            delegations.create_delegation(actor=fresh(p["cadre"]), deputy=p["cadre2"], start=DURING, end=DURING)


def test_delegations_page_access_and_board_view(setup, client):
    p = setup
    url = reverse("fieldwork:delegations")
    with time_machine.travel(at_noon(DURING), tick=False):
        assert_access(client, url, allowed=[p["cadre"], p["head"], p["board"], p["stranger"]])
        client.force_login(fresh(p["board"]))
        resp = client.get(url)
        assert [d.pk for d in resp.context["current"]] == [p["delegation"].pk]
        assert "Lê Văn Em" in resp.content.decode()
        client.force_login(fresh(p["cadre"]))
        assert client.get(url).context["current"] is None  # a cadre sees only their own
        # A cadre cannot delegate (403); a head's bad range keeps what was typed, with the error.
        assert (
            client.post(url, {"deputy": p["cadre2"].pk, "start": "2023-03-16", "end": "2023-03-17"}).status_code == 403
        )
        client.force_login(fresh(p["head2"]))
        resp = client.post(
            url, {"deputy": p["deputy"].pk, "start": "2023-03-20", "end": "2023-03-16", "note": "Đi học"}
        )
        assert resp.status_code == 200 and "“Đến ngày” phải bằng hoặc sau “Từ ngày”." in resp.content.decode()
        assert resp.context["form"]["note"].value() == "Đi học"
        # A specialist of the office is not offered, and refused if posted anyway.
        resp = client.post(url, {"deputy": p["other_cadre"].pk, "start": "2023-03-16", "end": "2023-03-20"})
        assert resp.status_code == 200 and "Hãy chọn một người trong danh sách" in resp.content.decode()
        resp = client.post(url, {"deputy": p["deputy"].pk, "start": "2023-03-16", "end": "2023-03-20"})
        assert resp.status_code == 302
        assert Delegation.objects.filter(delegator=p["head2"], deputy=p["deputy"]).exists()
        # Ending: another organization's is a 404; a cadre not party to it 403; the Board may.
        end_url = reverse("fieldwork:delegation_end", args=[p["delegation"].pk])
        assert_access(
            client,
            end_url,
            method="post",
            forbidden=[p["cadre"]],
            not_found=[p["stranger"]],
            allowed=[p["board"]],
            ok_codes=(302,),
        )
    p["delegation"].refresh_from_db()
    assert p["delegation"].ended_at is not None


def test_deputy_confirms_results_in_the_range_with_history(setup, client):
    from fieldwork.services import results
    from tests.factories import make_trip

    p = setup
    trip = make_trip(p["plan"], p["cadre"], start=D(2023, 3, 1), end=D(2023, 3, 2), days="2", status="reported")
    own = make_trip(p["plan"], p["cadre2"], start=D(2023, 3, 3), end=D(2023, 3, 3), days="1", status="reported")
    with time_machine.travel(at_noon(DURING), tick=False):
        em = fresh(p["cadre2"])
        client.force_login(em)
        listed = [t.pk for t in client.get(reverse("fieldwork:trips_to_confirm")).context["page"]]
        assert listed == [trip.pk]  # never Em's own
        results.confirm_trip(actor=em, trip=trip)
        with pytest.raises(PermissionDenied):
            results.confirm_trip(actor=em, trip=own)
    entry = HistoryEntry.objects.get(object_type="trip", object_id=trip.pk, action="confirmed")
    assert entry.actor == p["cadre2"] and entry.on_behalf_of == p["head"]
    with time_machine.travel(at_noon(AFTER), tick=False):
        client.force_login(fresh(p["cadre2"]))
        assert client.get(reverse("fieldwork:trips_to_confirm")).status_code == 403


def test_menu_shows_delegations_to_whom_they_concern(setup, client):
    p = setup
    url = reverse("fieldwork:delegations")
    with time_machine.travel(at_noon(DURING), tick=False):
        for user, shown in ((p["cadre"], False), (p["cadre2"], True), (p["head"], True), (p["board"], True)):
            client.force_login(fresh(user))
            page = client.get(reverse("fieldwork:my_standing") + "?year=2023").content.decode()
            assert (f'href="{url}"' in page) is shown, user.email


def test_only_those_who_may_approve_are_offered_grouped(people):
    """docs/rules.md "A year in the life": a head is offered the Standing Committee and the leaders
    of their department (a Phó Trưởng ban), grouped; never the department's specialists, the
    accountant or the IT officer; a Standing member the other Standing members and the heads.
    The form and the service ask the same rule (accounts.rules.can_be_deputy)."""
    from accounts.models import User
    from fieldwork.reminders.forms import DelegationForm
    from tests.factories import UserFactory

    p = people
    vice = UserFactory(department=p["d1"], full_name="Ngô Phó Ban", email="pho@tn.vn", position="Phó Trưởng ban")
    UserFactory(department=p["d1"], full_name="Kế Toán Viên", email="ketoan@tn.vn", position="Kế toán")
    UserFactory(
        department=p["d2"],
        full_name="Trần Tin Học",
        email="it@tn.vn",
        position="Chuyên viên công nghệ thông tin",
        roles=["cadre", "admin"],
    )
    form = DelegationForm(user=p["head"])
    groups = {label: [name for _pk, name in options] for label, options in form.fields["deputy"].choices[1:]}
    assert list(groups) == ["Thường trực", "Ban Phong trào"]
    assert groups["Thường trực"] == ["Hồ Thị Lan — Phó Bí thư", "Nguyễn Thanh Tùng — Bí thư"]
    assert groups["Ban Phong trào"] == ["Ngô Phó Ban — Phó Trưởng ban"]
    everyone = User.objects.filter(organization=p["org"]).exclude(pk=p["head"].pk)
    offered = {u.pk for u in everyone if rules.can_be_deputy(u, p["head"])}
    assert set(form.candidates) == offered == {vice.pk, p["deputy"].pk, p["secretary"].pk}
    standing = DelegationForm(user=p["deputy"])
    groups = {label: [name for _pk, name in options] for label, options in standing.fields["deputy"].choices[1:]}
    assert list(groups) == ["Thường trực", "Ban Phong trào", "Văn phòng"]
    assert groups["Ban Phong trào"] == ["Võ Minh Hải — Trưởng Ban"] and groups["Văn phòng"] == [
        "Đặng Thu Hà — Chánh Văn phòng"
    ]
    # The inspection-only member and other organizations are never offered.
    assert not rules.can_be_deputy(p["stranger"], p["head"])
