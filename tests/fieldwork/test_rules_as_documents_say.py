"""docs/rules.md “The rules as the documents say them”: the rules as the seeds' documents say them (docs/domain.md §2, §5, §6, §7.6, §7.9).

a. Đà Nẵng "không thực hiện 02 đợt liên tiếp": at least one clear day between immersion trips.
b. Deadlines keep the document's wording: "trước ngày 15/02/2023" makes 15/02 late.
c. A deadline the plan does not name does not exist (Đà Nẵng: no mẫu 2, no mẫu 3 deadline).
d. Who owes fieldwork is one definition, whatever the roles (accounts.owing).
e. Duty exemptions are "either": by position, or granted to a named person; each template has "khác".
f. No OUTSIDE_FOCUS on `any_group` categories (1.3).
"""

from datetime import date, datetime
from decimal import Decimal
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import rules
from accounts.models import UserRole
from accounts.owing import owes_fieldwork
from fieldwork import cycles
from fieldwork.models import Exemption, QuarterReport
from fieldwork.quota import engine
from fieldwork.reminders import deadlines as dl
from fieldwork.reminders.selectors import due_on
from fieldwork.selectors import rules_for, standing_for, standings
from fieldwork.services import department_plans, quarter_reports
from fieldwork.services import exemptions as exemption_services
from fieldwork.services.plans import load_plan, plan_to_dict, read_plan_source
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = date


def _imm(key, start, end, days=7, cat="1.3"):
    return engine.TripFact(key, cat, start, end, Decimal(days), immersion=True, status="done")


# a. Đà Nẵng: one clear day between two immersion trips ------------------------------------------------
def test_da_nang_gap_is_one_clear_day_not_30_days(dn_plan):
    assert dn_plan.immersion_min_gap_days == 2
    assert read_plan_source("da-nang-2023")["immersion_min_gap_days"] == 2
    r = rules_for(dn_plan)
    cadre = engine.Cadre(key=1, group_code="2.3")

    def qualifying(*trips):
        s = engine.compute_standing(r, cadre, trips, D(2023, 12, 31))
        return s.immersion_done, [v.code for v in s.violations]

    # The case: two 7-day topic trips 1–7/3 and 20–26/3 both qualify.
    assert qualifying(_imm(1, D(2023, 3, 1), D(2023, 3, 7)), _imm(2, D(2023, 3, 20), D(2023, 3, 26))) == (2, [])
    # One clear day (8/3) between them is enough …
    assert qualifying(_imm(1, D(2023, 3, 1), D(2023, 3, 7)), _imm(2, D(2023, 3, 9), D(2023, 3, 15))) == (2, [])
    # … the day right after is "liên tiếp": the second still counts its days but not as a trip.
    n, codes = qualifying(_imm(1, D(2023, 3, 1), D(2023, 3, 7)), _imm(2, D(2023, 3, 8), D(2023, 3, 14)))
    assert (n, codes) == (1, ["IMMERSION_BACK_TO_BACK"])


def test_plan_page_says_the_gap_rule_in_words(client, dn_plan):
    board = UserFactory(department=DepartmentFactory(organization=dn_plan.organization), roles=["board"])
    client.force_login(board)
    body = client.get(reverse("fieldwork:plan_detail", args=[dn_plan.pk])).content.decode()
    gap = body.split('data-testid="plan-gap">')[1].split("</dd>")[0]
    assert "Không thực hiện 02 đợt “cùng ăn, cùng ở, cùng làm” liên tiếp" in gap
    assert "ít nhất 1 ngày" in gap and "30" not in gap
    assert cycles.immersion_gap_words(dn_plan) in body


# b. deadlines as the document words them --------------------------------------------------------------
def test_before_and_by_wording(tn_plan):
    deadline = cycles.registration_deadline(tn_plan, cycles.WHOLE_YEAR)
    assert (deadline, tn_plan.deadline_wording) == (D(2023, 2, 15), "before")
    assert cycles.deadline_words(tn_plan, deadline) == "trước ngày 15/02/2023"
    assert cycles.last_day_on_time(tn_plan, deadline) == D(2023, 2, 14)
    assert not cycles.is_late(tn_plan, deadline, D(2023, 2, 14))
    assert cycles.is_late(tn_plan, deadline, D(2023, 2, 15))
    tn_plan.deadline_wording = "by"
    assert cycles.deadline_words(tn_plan, deadline) == "chậm nhất ngày 15/02/2023"
    assert not cycles.is_late(tn_plan, deadline, D(2023, 2, 15)) and cycles.is_late(tn_plan, deadline, D(2023, 2, 16))


def test_deadline_wording_is_plan_data():
    data = read_plan_source("tay-ninh-2023")
    data["organization"] = {**data["organization"], "code": "tn-by"}
    data["deadline_wording"] = "by"
    plan, _ = load_plan(data)
    assert plan.deadline_wording == "by" and plan_to_dict(plan)["deadline_wording"] == "by"
    data["deadline_wording"] = "sau ngày"
    with pytest.raises(ValidationError, match="deadline_wording"):
        load_plan(data)
    del data["deadline_wording"]  # absent: the seeds' "trước ngày"
    plan, _ = load_plan(data)
    assert plan.deadline_wording == "before"


def test_pages_say_the_deadline_the_documents_way(client, people):
    plan, cadre = people["plan"], people["cadre"]
    client.force_login(cadre)
    html = client.get("/dang-ky/?year=2023").content.decode()
    row = html.split('data-testid="quarter-0"')[1].split("</tr>")[0]
    assert "trước ngày 15/02/2023" in row
    client.force_login(people["board"])
    body = client.get(reverse("fieldwork:plan_detail", args=[plan.pk])).content.decode()
    q = body.split('data-testid="plan-quarter-report">')[1].split("</dd>")[0]
    assert "Quý 1: trước ngày 27/03/2023" in q


def test_a_registration_sent_on_the_day_is_late(people):
    plan, cadre = people["plan"], people["cadre"]
    from fieldwork.models import Registration

    reg = Registration.objects.create(
        plan=plan, person=cadre, quarter=0, status="submitted", submitted_at=datetime(2023, 2, 15, 9, tzinfo=TZ)
    )
    ov = department_plans.overview(plan, people["d1"], 0, today=D(2023, 3, 1))
    row = next(m for m in ov.members if m.person == cadre)
    assert row.late and reg.pk == row.registration.pk
    assert ov.deadline_words == "trước ngày 15/02/2023" and ov.consolidation_words == "trước ngày 20/02/2023"


# c. a deadline the plan does not name does not exist ---------------------------------------------------
@pytest.fixture
def da_nang(dn_plan):
    org = dn_plan.organization
    dept = DepartmentFactory(organization=org, name="Ban Tổ chức")
    return {
        "plan": dn_plan,
        "dept": dept,
        # imported with the role `head` alone (docs/rules.md “The rules as the documents say them”): owes fieldwork, reminded too
        "head": UserFactory(
            department=dept, email="truong@dn.vn", position="Trưởng Ban", group_code="2.2", roles=["head"]
        ),
        "cadre": UserFactory(department=dept, email="cv@dn.vn", group_code="2.3"),
        "board": UserFactory(department=dept, email="bTC@dn.vn", group_code="", roles=["board"]),
    }


def test_da_nang_names_no_mau2_or_mau3_deadline(da_nang):
    plan = da_nang["plan"]
    assert plan.quarter_report_day is None and "quarter_report_day" not in read_plan_source("da-nang-2023")["deadlines"]
    forms = {d.form for d in dl.plan_deadlines(plan)}
    assert forms == {dl.REGISTRATION}
    kinds = set()
    days = [D(2023, 1, d) for d in range(1, 21)] + [
        D(2023, m, d) for m in (3, 6, 9, 12) for d in range(20, 32) if d <= 30
    ]
    for day in days + [D(2024, 1, 2), D(2024, 1, 5)]:
        kinds |= {d.kind for d in due_on(plan.organization_id, day)}
    assert not {k for k in kinds if k.startswith(("consolidation_", "quarter_report_"))}
    assert "registration_due" in kinds  # the one deadline it names: day 10 of each quarter


def test_da_nang_mau3_is_never_late(da_nang):
    plan, head = da_nang["plan"], da_nang["head"]
    r = quarter_reports.save_quarter_report(
        actor=head,
        plan=plan,
        department=da_nang["dept"],
        quarter=1,
        summary="",
        submit=True,
        now=datetime(2023, 12, 30, 9, tzinfo=TZ),
    )
    assert r.late is False
    assert "LATE_REPORT" not in {v.code for v in standing_for(plan, head, D(2023, 12, 31)).violations}
    from reports.compliance import mau3_state

    assert mau3_state(plan, None, quarter_reports.quarter_deadline(plan, 2), D(2023, 12, 31)) == ("Chưa gửi", False)


def test_da_nang_mau3_page_says_no_deadline(client, da_nang):
    head = da_nang["head"]
    client.force_login(head)
    url = reverse("fieldwork:quarter_report", args=[da_nang["dept"].pk, 1]) + "?year=2023"
    html = client.get(url).content.decode()
    box = html.split('data-testid="deadline">')[1].split("</div>")[0]
    assert "Kế hoạch không quy định hạn gửi báo cáo kết quả (mẫu 3)." in box
    assert "Quá hạn" not in box


def test_a_quarterly_plan_without_named_dates_has_no_mau2_deadline(dn_plan):
    assert [cycles.consolidation_deadline(dn_plan, q) for q in (1, 2, 3, 4)] == [None] * 4
    assert [p.consolidation_words for p in cycles.schedule(dn_plan)] == [""] * 4
    assert cycles.schedule(dn_plan)[0].registration_words == "chậm nhất ngày 10/01/2023"


# d. who owes fieldwork: one definition, whatever the roles ---------------------------------------------
ROLES = ("cadre", "head", "board", "standing", "inspection")


def test_who_owes_fieldwork_agrees_everywhere_for_every_combination_of_roles(tn_plan):
    from reports.builders import gather
    from reports.params import Params

    org = tn_plan.organization
    dept = DepartmentFactory(organization=org, name="Ban Phong trào")
    people = {}
    for n in range(len(ROLES) + 1):
        for combo in combinations(ROLES, n):
            for group in ("2.2", ""):
                key = (combo, group)
                tag = "-".join(combo) or "none"
                people[key] = UserFactory(
                    department=dept,
                    email=f"{tag}{group.replace('.', '')}@tn.vn",
                    full_name=f"Người {tag} {group or 'không'}",
                    group_code=group,
                    roles=list(combo) or None,
                )
                if not combo:  # a person with no role at all
                    UserRole.objects.filter(user=people[key]).delete()
                    people[key]._role_cache = None
    expected = {p.pk for (combo, group), p in people.items() if group}
    # quota
    quota = {r.person.pk for r in standings(tn_plan, D(2023, 2, 8))}
    assert quota == expected
    # the one function
    assert {p.pk for p in people.values() if owes_fieldwork(p, None, D(2023, 2, 8))} == expected
    # pages: may record their own fieldwork as someone subject to the rule; the mẫu 2 page's members
    assert {p.pk for p in people.values() if rules.is_subject_cadre(p)} == expected
    ov = department_plans.overview(tn_plan, dept, 0, today=D(2023, 2, 8))
    assert {m.person.pk for m in ov.members} == expected
    # reminders: mẫu 1 due 7 days before "trước ngày 15/02/2023"
    reminded = {d.person.pk for d in due_on(org.pk, D(2023, 2, 8)) if d.kind == "registration_due"}
    assert reminded == expected
    # forms: the compliance report's per-cadre table
    doc = gather("compliance", Params(organization=org, plan=tn_plan, year=2023, quarter=1), D(2023, 2, 8))
    assert {c.email for c in doc.cadres} == {p.email for p in people.values() if p.pk in expected}
    # the head imported with the role `head` only is among them, and is reminded
    head_only = people[(("head",), "2.2")]
    assert head_only.pk in reminded and head_only.role_codes == {"head"}


def test_an_exempt_person_does_not_owe(people):
    plan = people["plan"]
    people["cadre"].position = "Kế toán"
    people["cadre"].save()
    row = next(r for r in standings(plan, D(2023, 2, 8)) if r.person == people["cadre"])
    assert row.status == "exempt" and not owes_fieldwork(row.person, row.status, D(2023, 2, 8))
    reminded = {d.person.pk for d in due_on(plan.organization_id, D(2023, 2, 8))}
    assert people["cadre"].pk not in reminded and people["cadre2"].pk in reminded


# e. duty exemptions: by position or granted to a named person; "khác" ---------------------------------
def test_each_template_has_a_khac_reason_and_duty_reasons_are_either(tn_plan, dn_plan):
    for plan in (tn_plan, dn_plan):
        assert plan.exemption_reasons.filter(code="khac", scope="individual").exists()
    assert tn_plan.exemption_reasons.get(code="thi-dua").scope == "either"
    assert set(dn_plan.exemption_reasons.filter(scope="either").values_list("code", flat=True)) == {
        "quan-tri",
        "cong-tac-dang",
    }


def test_a_duty_reason_is_matched_by_position_and_granted_to_a_named_person(people):
    plan = people["plan"]
    holder = UserFactory(department=people["d1"], email="td@tn.vn", position="Thi đua khen thưởng")
    specialist = people["cadre"]  # "Chuyên viên" who carries the emulation work
    reason = plan.exemption_reasons.get(code="thi-dua")
    ex = exemption_services.propose(
        actor=people["board"],
        data=exemption_services.ExemptionInput(
            person=specialist, reason=reason, start=D(2023, 1, 1), end=D(2023, 10, 25), note="Phụ trách thi đua"
        ),
    )
    exemption_services.approve(actor=people["deputy"], exemption=ex)
    assert Exemption.objects.get(pk=ex.pk).status == Exemption.Status.APPROVED
    for person in (holder, specialist):
        s = standing_for(plan, person, D(2023, 5, 1))
        assert (s.status, s.exemption) == ("exempt", "thi-dua")
    from fieldwork.forms.exemptions import ExemptionProposeForm

    assert reason in ExemptionProposeForm(plan=plan).fields["reason"].queryset


def test_a_position_only_reason_still_cannot_be_granted(people):
    plan = people["plan"]
    with pytest.raises(ValidationError, match="theo chức danh"):
        exemption_services.propose(
            actor=people["board"],
            data=exemption_services.ExemptionInput(
                person=people["cadre"],
                reason=plan.exemption_reasons.get(code="ke-toan"),
                start=D(2023, 1, 1),
                end=D(2023, 10, 25),
            ),
        )


# f. no OUTSIDE_FOCUS on any_group categories ----------------------------------------------------------
def test_no_outside_focus_on_topic_trips(tn_plan, dn_plan):
    for plan in (tn_plan, dn_plan):
        assert list(plan.categories.filter(any_group=True).values_list("code", flat=True)) == ["1.3"]
    r = rules_for(tn_plan)
    cadre = engine.Cadre(key=1, group_code="2.3")  # focus 1.1, 1.5
    topic = engine.TripFact(1, "1.3", D(2023, 3, 1), D(2023, 3, 10), Decimal(10), status="done")
    inspection = engine.TripFact(2, "1.2", D(2023, 4, 1), D(2023, 4, 2), Decimal(2), status="done")
    s = engine.compute_standing(r, cadre, [topic, inspection], D(2023, 10, 25))
    assert [(v.code, v.trip_key) for v in s.violations] == [("OUTSIDE_FOCUS", 2)]
    assert plan_to_dict(tn_plan)["categories"][2] == {**plan_to_dict(tn_plan)["categories"][2], "any_group": True}


def test_any_group_must_be_a_boolean():
    data = read_plan_source("tay-ninh-2023")
    data["categories"][2]["any_group"] = "có"
    with pytest.raises(ValidationError, match="any_group"):
        load_plan(data)


def test_existing_template_plans_are_migrated(dn_plan):
    """The data migration's rules, applied to a plan still carrying the old template's values."""
    from importlib import import_module

    from django.apps import apps

    from fieldwork.models import Category

    dn_plan.immersion_min_gap_days, dn_plan.quarter_report_day, dn_plan.deadline_wording = 30, 27, "before"
    dn_plan.save()
    Category.objects.filter(plan=dn_plan, code="1.3").update(any_group=False)
    dn_plan.exemption_reasons.filter(code="quan-tri").update(scope="position")
    migration = import_module("fieldwork.migrations.0016_plans_from_templates_as_the_seeds_say")
    migration.forward(apps, None)
    dn_plan.refresh_from_db()
    assert (dn_plan.immersion_min_gap_days, dn_plan.quarter_report_day, dn_plan.deadline_wording) == (2, None, "by")
    assert dn_plan.categories.get(code="1.3").any_group
    assert dn_plan.exemption_reasons.get(code="quan-tri").scope == "either"
    assert QuarterReport.objects.count() == 0


def test_an_exempt_member_is_not_listed_as_not_registered_on_mau2(people):
    """docs/domain.md §2: the mẫu 2 page (and the printed mẫu 2) lists who owes a mẫu 1 and has
    not sent it — never an exempt member."""
    plan = people["plan"]
    people["cadre2"].position = "Kế toán"
    people["cadre2"].save()
    ov = department_plans.overview(plan, people["d1"], 0, today=D(2023, 3, 1))
    assert people["cadre2"] not in ov.not_registered and people["cadre2"] not in ov.late
    assert people["cadre"] in ov.not_registered and people["cadre"] in ov.late
    row = next(m for m in ov.members if m.person == people["cadre2"])
    assert (row.owes, row.status_label) == (False, "Không thuộc diện phải đi cơ sở")
