"""docs/rules.md “The seeds' cycle and rules” (docs/domain.md §10): the optional keys of the plan JSON —
registration_cycle, deadlines.registration_quarter_day, immersion_categories, min_months on a
reason, document {number, date} — read and written by load_plan, round trip with and without
them, edited on the plan page with validation; the minimum length of an individual exemption is
checked wherever an exemption is granted or imported."""

import copy
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fieldwork.models import Exemption, ExemptionReason, Plan
from fieldwork.services import exemptions as exemption_service
from fieldwork.services.plans import load_plan, plan_to_dict, read_plan_source, shift_to_year

from .test_plans import edit_post

pytestmark = pytest.mark.django_db
NEW_KEYS = ("registration_cycle", "immersion_categories", "document")


def _strip_new_keys(data: dict) -> dict:
    old = copy.deepcopy(data)
    for k in NEW_KEYS:
        old.pop(k, None)
    old["deadlines"].pop("registration_quarter_day", None)
    for r in old["exemption_reasons"]:
        r.pop("min_months", None)
    return old


def test_an_old_file_without_the_keys_is_still_valid_and_quarterly(db):
    old = _strip_new_keys(read_plan_source("tay-ninh-2023"))
    plan, _ = load_plan(old)
    assert (plan.registration_cycle, plan.registration_quarter_day, plan.immersion_categories) == ("quarterly", 10, [])
    assert (plan.document_number, plan.document_date) == ("", None)
    assert plan.exemption_reasons.get(code="hoc-tap").min_months is None
    # round trip: what plan_to_dict writes loads back to the same plan
    again = json.loads(json.dumps(plan_to_dict(plan)))
    assert again["registration_cycle"] == "quarterly" and again["deadlines"]["registration_quarter_day"] == 10
    load_plan(again)
    assert plan_to_dict(Plan.objects.get(pk=plan.pk)) == again


def test_round_trip_with_the_keys(db):
    data = read_plan_source("da-nang-2023")
    plan, created = load_plan(data)
    assert created
    assert plan.registration_cycle == "quarterly" and plan.immersion_categories == ["1.3"]
    assert (plan.document_number, plan.document_date) == ("20-HD/TĐTN-TCKT", date(2023, 4, 6))
    out = json.loads(json.dumps(plan_to_dict(plan)))
    assert out["document"] == {"number": "20-HD/TĐTN-TCKT", "date": "2023-04-06"}
    assert out["immersion_categories"] == ["1.3"] and out["deadlines"]["registration_quarter_day"] == 10
    for key in ("registration_cycle", "immersion_categories", "document", "period", "groups", "deadlines"):
        assert out[key] == data[key], key
    tn, _ = load_plan(read_plan_source("tay-ninh-2023"))
    out = plan_to_dict(tn)
    assert out["registration_cycle"] == "annual"
    assert [g["immersion_trips"] for g in out["groups"]] == [2, 2, 2]  # seed 002 I.2: every cadre
    assert next(r for r in out["exemption_reasons"] if r["code"] == "hoc-tap")["min_months"] == 6
    _, created = load_plan(out)  # idempotent
    assert not created and plan_to_dict(Plan.objects.get(pk=tn.pk)) == out


def test_copy_to_another_year_blanks_the_document(db):
    data = shift_to_year(read_plan_source("da-nang-2023"), 2024)
    assert data["document"] == {"number": "", "date": None}
    assert data["registration_cycle"] == "quarterly" and data["immersion_categories"] == ["1.3"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(registration_cycle="monthly"), "registration_cycle"),
        (lambda d: d.update(immersion_categories=["moi"]), "moi không hợp lệ"),
        (lambda d: d.update(immersion_categories=["9.9"]), "9.9 không hợp lệ"),
        (lambda d: d["deadlines"].update(registration_quarter_day=0), "registration_quarter_day"),
        (lambda d: d.update(document={"number": "1", "date": "06/4/2023"}), "document.date"),
        (lambda d: d["exemption_reasons"][0].update(min_months=0), "số tháng nguyên dương"),
        (lambda d: d["exemption_reasons"][0].update(min_months="sáu"), "số tháng nguyên dương"),
        (
            lambda d: next(r for r in d["exemption_reasons"] if r["scope"] == "position").update(min_months=6),
            "chỉ lý do cá nhân",
        ),
        (lambda d: d["deadlines"].update(consolidation="2023-02-10"), "không được trước hạn đăng ký"),
    ],
)
def test_load_plan_refuses_bad_values_with_a_clear_error(db, mutate, message):
    data = read_plan_source("tay-ninh-2023")
    mutate(data)
    with pytest.raises(ValidationError) as exc:
        load_plan(data)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert not Plan.objects.exists()


def test_the_plan_edit_page_edits_the_keys(client, people):
    plan = people["plan"]
    client.force_login(people["board"])

    def mutate(d):
        d["registration_cycle"] = "quarterly"
        d["deadlines"]["registration_quarter_day"] = 5
        d["immersion_categories"] = ["1.3"]
        d["document"] = {"number": "45-KH/TĐTN-TCKT", "date": "2023-01-10"}
        next(r for r in d["exemption_reasons"] if r["code"] == "thai-san")["min_months"] = 3

    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), edit_post(plan, mutate))
    assert resp.status_code == 302, resp.context and resp.context["rule_errors"]
    plan.refresh_from_db()
    assert (plan.registration_cycle, plan.registration_quarter_day, plan.immersion_categories) == (
        "quarterly",
        5,
        ["1.3"],
    )
    assert (plan.document_number, plan.document_date) == ("45-KH/TĐTN-TCKT", date(2023, 1, 10))
    assert plan.exemption_reasons.get(code="thai-san").min_months == 3
    body = client.get(reverse("fieldwork:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="plan-document">Số 45-KH/TĐTN-TCKT, ngày 10/01/2023<' in body
    assert 'data-testid="plan-deadline-2">trước ngày 05/04/2023' in body


def test_the_plan_edit_page_refuses_bad_values_and_keeps_what_was_typed(client, people):
    plan = people["plan"]
    client.force_login(people["board"])
    post = edit_post(plan)
    post["immersion_categories"] = "1.3, moi"
    post["document_number"] = "45-KH/TĐTN-TCKT"
    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), post)
    assert resp.status_code == 200
    assert any("moi không hợp lệ" in e for e in resp.context["rule_errors"])
    assert 'value="45-KH/TĐTN-TCKT"' in resp.content.decode()
    post = edit_post(plan)
    post["registration_quarter_day"] = "40"
    post["consolidation_deadline"] = "2023-02-01"
    post["document_date"] = "2023-01-10"
    post["reasons-1-min_months"] = "6"  # ke-toan (reasons by code) is a position reason
    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), post)
    form = resp.context["editor"].form
    assert "registration_quarter_day" in form.errors and "consolidation_deadline" in form.errors
    assert "Hãy ghi số văn bản kế hoạch cùng với ngày ban hành." in form.errors["document_number"]
    assert (
        "Chỉ lý do cá nhân mới có thời gian tối thiểu." in resp.context["editor"].reasons.forms[1].errors["min_months"]
    )
    plan.refresh_from_db()
    assert plan.document_number == "" and plan.registration_quarter_day == 10


# ---------------------------------------------------------------- §6 min_months


def test_min_length_rule():
    study = ExemptionReason(name="Được cử đi học tập dài hạn từ 06 tháng trở lên", min_months=6)
    assert exemption_service.min_length_error(study, date(2023, 3, 1), date(2023, 8, 31)) is None
    msg = exemption_service.min_length_error(study, date(2023, 3, 1), date(2023, 8, 30))
    assert msg == (
        "Lý do “Được cử đi học tập dài hạn từ 06 tháng trở lên” chỉ áp dụng khi thời gian miễn từ 6 tháng trở lên: "
        "từ 01/03/2023 phải kéo dài ít nhất đến ngày 31/08/2023 (hiện đến 30/08/2023)."
    )
    # from 31/08/2023: six months later is 29/02/2024 (clamped to February's end), so up to 28/02
    assert exemption_service.min_length_error(study, date(2023, 8, 31), date(2024, 2, 28)) is None
    assert exemption_service.min_length_error(study, date(2023, 8, 31), date(2024, 2, 27)) is not None
    assert exemption_service.min_length_error(ExemptionReason(name="x"), date(2023, 1, 1), date(2023, 1, 1)) is None


def test_a_short_study_exemption_is_refused_when_proposed_and_when_approved(people):
    plan = people["plan"]
    study = ExemptionReason.objects.get(plan=plan, code="hoc-tap")
    data = exemption_service.ExemptionInput(
        person=people["cadre"], reason=study, start=date(2023, 3, 1), end=date(2023, 7, 31), note="QĐ cử đi học"
    )
    with pytest.raises(ValidationError) as exc:
        exemption_service.propose(actor=people["board"], data=data)
    assert "từ 6 tháng trở lên" in exc.value.message_dict["end"][0]
    assert not Exemption.objects.exists()
    # proposed when the reason had no minimum, the minimum set since: refused at the decision
    ExemptionReason.objects.filter(pk=study.pk).update(min_months=None)
    data.reason = ExemptionReason.objects.get(pk=study.pk)
    ex = exemption_service.propose(actor=people["board"], data=data)
    ExemptionReason.objects.filter(pk=study.pk).update(min_months=6)
    with pytest.raises(ValidationError, match="từ 6 tháng trở lên"):
        exemption_service.approve(actor=people["deputy"], exemption=ex)
    ex.refresh_from_db()
    assert ex.status == Exemption.Status.PROPOSED


def test_the_proposal_form_shows_the_error_and_keeps_what_was_typed(client, people):
    from .test_exemptions import propose_post, reason

    client.force_login(people["board"])
    post = propose_post(people, reason=reason(people["plan"], "hoc-tap").pk, start="2023-03-01", end="2023-05-31")
    resp = client.post(reverse("fieldwork:exemption_propose"), post)
    body = resp.content.decode()
    assert resp.status_code == 200 and "từ 6 tháng trở lên" in body and 'value="2023-05-31"' in body


def test_import_cadres_refuses_a_short_study_exemption(tmp_path, people):
    from .test_import_cadres import fails, row, run, workbook

    short = row(
        **{"Email": "hoc@tn.vn", "Lý do miễn": "hoc-tap", "Miễn từ ngày": "01/3/2023", "Miễn đến ngày": "31/5/2023"}
    )
    err = fails(tmp_path, workbook([short]))
    assert err.strip().startswith(
        "Danh sách, dòng 4, cột Miễn đến ngày: Lý do “Được cử đi học tập dài hạn từ 06 tháng trở lên” chỉ áp dụng "
        "khi thời gian miễn từ 6 tháng trở lên: từ 01/03/2023 phải kéo dài ít nhất đến ngày 31/08/2023"
    )
    assert not Exemption.objects.exists()
    long = row(
        **{"Email": "hoc@tn.vn", "Lý do miễn": "hoc-tap", "Miễn từ ngày": "01/3/2023", "Miễn đến ngày": "31/8/2023"}
    )
    run(tmp_path, workbook([long]))
    assert Exemption.objects.get(person__email="hoc@tn.vn").end == date(2023, 8, 31)


def test_registering_an_immersion_trip_of_another_category_warns(people, dn_plan):
    from fieldwork.services.trips import validate_trip
    from tests.factories import DepartmentFactory, UserFactory

    from .registration_helpers import line

    person = UserFactory(department=DepartmentFactory(organization=dn_plan.organization), email="a@dn.vn")
    warnings = validate_trip(dn_plan, person, line(dn_plan, category="1.1", immersion=True))
    assert any("chỉ tính đợt “cùng ăn, cùng ở, cùng làm” thuộc nội dung 1.3" in w for w in warnings)
    assert not any("1.3" in w for w in validate_trip(dn_plan, person, line(dn_plan, category="1.3", immersion=True)))


def test_the_cycle_cannot_change_once_registrations_exist(client, people):
    from fieldwork.models import Registration

    plan = people["plan"]  # annual
    client.force_login(people["board"])
    Registration.objects.create(plan=plan, person=people["cadre"], quarter=0)

    def quarterly(d):
        d["registration_cycle"] = "quarterly"

    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), edit_post(plan, quarterly))
    assert resp.status_code == 200
    assert any("Không thể đổi chu kỳ đăng ký: đã có 1 bản đăng ký" in e for e in resp.context["rule_errors"])
    plan.refresh_from_db()
    assert plan.registration_cycle == "annual"
    Registration.objects.all().delete()
    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), edit_post(plan, quarterly))
    assert resp.status_code == 302
    plan.refresh_from_db()
    assert plan.registration_cycle == "quarterly"


def test_load_plan_refuses_to_switch_the_cycle_of_a_plan_with_registrations(people):
    from fieldwork.models import Registration

    plan = people["plan"]  # annual, loaded from the template
    Registration.objects.create(plan=plan, person=people["cadre"], quarter=0)
    data = read_plan_source("tay-ninh-2023")
    load_plan(data)  # same cycle: idempotent
    data.pop("registration_cycle")  # an older file: quarterly
    with pytest.raises(ValidationError, match="Không thể đổi chu kỳ đăng ký"):
        load_plan(data)
    plan.refresh_from_db()
    assert plan.registration_cycle == "annual"
