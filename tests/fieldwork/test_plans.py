"""The year's plan pages (docs/domain.md §5–§7): list, detail, create, edit (validated as load_plan), affected."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Organization
from fieldwork.models import Exemption, ExemptionReason, Group, HistoryEntry, Plan
from fieldwork.services.plans import plan_to_dict
from tests.access import assert_access
from tests.factories import UserFactory, make_trip


def edit_post(plan, mutate=None) -> dict:
    """The edit form's POST as the page would send it unchanged; `mutate(data)` edits the description first."""
    d = plan_to_dict(plan)
    if mutate:
        mutate(d)
    dl = d.get("deadlines") or {}
    post = {
        "title": d["title"],
        "period_start": d["period"]["start"],
        "period_end": d["period"]["end"],
        "min_days": d["min_days"],
        "exemption_policy": d["exemption_policy"],
        "immersion_min_gap_days": d["immersion_min_gap_days"] if d["immersion_min_gap_days"] is not None else "",
        "registration_deadline": dl.get("registration", ""),
        "consolidation_deadline": dl.get("consolidation", ""),
        "quarter_report_day": dl.get("quarter_report_day", ""),
        "registration_cycle": d.get("registration_cycle", "quarterly"),
        "registration_quarter_day": dl.get("registration_quarter_day", 10),
        "immersion_categories": ", ".join(d.get("immersion_categories") or []),
        "document_number": (d.get("document") or {}).get("number") or "",
        "document_date": (d.get("document") or {}).get("date") or "",
    }
    initial = plan_to_dict(plan)
    for prefix, key in (("groups", "groups"), ("categories", "categories"), ("reasons", "exemption_reasons")):
        items = d[key]
        post[f"{prefix}-TOTAL_FORMS"] = len(items) + 1  # the blank row the page adds, as a browser sends it
        post[f"{prefix}-INITIAL_FORMS"] = min(len(items), len(initial[key]))
        post[f"{prefix}-MIN_NUM_FORMS"] = 0
        post[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for i, item in enumerate(items):
            for k, v in item.items():
                if isinstance(v, list):
                    v = ("\n" if k == "topics" else ", ").join(v)  # topics: one a line (they hold commas)
                if isinstance(v, bool):
                    if v:
                        post[f"{prefix}-{i}-{k}"] = "on"
                    continue
                post[f"{prefix}-{i}-{k}"] = "" if v is None else str(v).replace(".", ",") if k.endswith("_days") else v
            if item.get("DELETE"):
                post[f"{prefix}-{i}-DELETE"] = "on"
        blank = {
            "groups": {"immersion_trips": "0"},
            "categories": {"counts": "on"},
            "reasons": {"scope": "individual"},
        }[prefix]
        post.update({f"{prefix}-{len(items)}-{k}": v for k, v in blank.items()})
    return post


def test_access(client, people):
    plan = people["plan"]
    for url in (
        reverse("fieldwork:plans"),
        reverse("fieldwork:plan_detail", args=[plan.pk]),
        reverse("fieldwork:plan_affected", args=[plan.pk]),
    ):
        assert_access(
            client,
            url,
            allowed=[people["board"], people["deputy"], people["inspector"]],
            forbidden=[people["cadre"], people["head"]],
        )
    for url in (reverse("fieldwork:plan_detail", args=[plan.pk]), reverse("fieldwork:plan_edit", args=[plan.pk])):
        assert_access(
            client, url, allowed=[people["board"]], not_found=[people["stranger"]], forbidden=[people["cadre"]]
        )
    assert_access(
        client,
        reverse("fieldwork:plan_edit", args=[plan.pk]),
        allowed=[people["board"]],
        forbidden=[people["inspector"], people["deputy"], people["head"]],
    )
    assert_access(
        client,
        reverse("fieldwork:plan_create"),
        allowed=[people["board"]],
        forbidden=[people["inspector"], people["cadre"]],
    )
    client.force_login(people["inspector"])
    assert client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), edit_post(plan)).status_code == 403


def test_detail_shows_the_parameters(client, people):
    client.force_login(people["board"])
    body = client.get(reverse("fieldwork:plan_detail", args=[people["plan"].pk])).content.decode()
    assert "01/01/2023 – 25/10/2023" in body and "Dự hoạt động do được mời" in body and "từ 30 ngày" in body


def test_edit_saves_changes(client, people):
    plan = people["plan"]
    client.force_login(people["board"])

    def mutate(d):
        d["min_days"] = 45
        d["period"]["end"] = "2023-12-31"
        d["groups"][2]["immersion_min_days"] = 5.5
        d["groups"][2]["immersion_max_days"] = 7
        d["categories"].append({"code": "1.6", "name": "Khảo sát địa bàn", "counts": True})
        d["exemption_reasons"].append(
            {"code": "benh-nang", "name": "Bệnh nặng", "scope": "individual", "positions": []}
        )

    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), edit_post(plan, mutate))
    assert resp.status_code == 302, resp.context and (resp.context["rule_errors"], resp.context["editor"].groups.errors)
    plan.refresh_from_db()
    assert (plan.min_days, plan.period_end) == (45, date(2023, 12, 31))
    g = Group.objects.get(plan=plan, code="2.3")
    assert (g.immersion_min_days, g.immersion_max_days) == (Decimal("5.5"), Decimal("7"))
    assert plan.categories.filter(code="1.6", counts=True).exists()
    assert plan.exemption_reasons.filter(code="benh-nang", scope="individual").exists()
    assert plan.organization.code == "tay-ninh" and Organization.objects.count() == 2
    assert HistoryEntry.objects.filter(object_type="plan", object_id=plan.pk, action="edited").exists()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["period"].update(end="2022-12-31"),
            "Thời gian kế hoạch: “Đến ngày” phải bằng hoặc sau “Từ ngày”.",
        ),
        (lambda d: d["period"].update(end="2024-01-31"), "Thời gian kế hoạch phải nằm trong năm 2023."),
        (
            lambda d: d["groups"][0].update(focus=["1.2", "9.9"]),
            "Đối tượng 2.1: nội dung trọng tâm không có trong danh mục: 9.9.",
        ),
        (lambda d: d["categories"][1].update(code="1.1"), "Nội dung: mã bị trùng: 1.1."),
    ],
)
def test_edit_rule_errors_keep_what_was_typed(client, people, mutate, message):
    plan = people["plan"]
    client.force_login(people["board"])

    def both(d):
        d["title"] = "Kế hoạch đã sửa tên"
        mutate(d)

    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), edit_post(plan, both))
    assert resp.status_code == 200
    assert message in resp.context["rule_errors"]
    body = resp.content.decode()
    assert message in body and 'value="Kế hoạch đã sửa tên"' in body
    plan.refresh_from_db()
    assert plan.title != "Kế hoạch đã sửa tên" and plan.period_end == date(2023, 10, 25)


def test_edit_field_errors(client, people):
    plan = people["plan"]
    client.force_login(people["board"])

    def mutate(d):
        d["groups"][2]["immersion_min_days"] = 30
        d["groups"][2]["immersion_max_days"] = 7

    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), edit_post(plan, mutate))
    errors = resp.context["editor"].groups.forms[2].errors
    assert "Số ngày tối đa phải lớn hơn hoặc bằng số ngày tối thiểu." in errors["immersion_max_days"]
    post = edit_post(plan)
    post["groups-0-immersion_min_days"] = "2,3"
    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), post)
    assert "bước nửa ngày" in resp.context["editor"].groups.forms[0].errors["immersion_min_days"][0]
    assert 'value="2,3"' in resp.content.decode()


def test_removing_what_is_in_use_is_refused(client, people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], category="1.3", start=date(2023, 3, 1))
    client.force_login(people["board"])

    def mutate(d):
        d["groups"][2]["DELETE"] = True  # 2.3 still has cadres
        d["categories"][2]["DELETE"] = True  # 1.3 has a trip

    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), edit_post(plan, mutate))
    errors = resp.context["rule_errors"]
    assert any("Không thể bỏ đối tượng 2.3: còn 5 cán bộ" in e for e in errors)
    assert any("Không thể bỏ nội dung 1.3: đã có 1 đợt" in e for e in errors)
    assert plan.groups.filter(code="2.3").exists()
    # An unused category can go, once no group has it as a focus (the same check as load_plan).
    resp = client.post(
        reverse("fieldwork:plan_edit", args=[plan.pk]),
        edit_post(plan, lambda d: d["categories"][3].update(DELETE=True)),
    )
    assert "Đối tượng 2.2: nội dung trọng tâm không có trong danh mục: 1.4." in resp.context["rule_errors"]

    def drop_14(d):
        d["categories"][3]["DELETE"] = True
        d["groups"][1]["focus"] = ["1.2", "1.5"]

    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), edit_post(plan, drop_14))
    assert resp.status_code == 302 and not plan.categories.filter(code="1.4").exists()


def test_shrinking_the_period_warns_about_trips_outside(client, people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], start=date(2023, 10, 1), end=date(2023, 10, 5), days="5")
    client.force_login(people["board"])
    resp = client.post(
        reverse("fieldwork:plan_edit", args=[plan.pk]),
        edit_post(plan, lambda d: d["period"].update(end="2023-09-30")),
        follow=True,
    )
    assert "1 đợt đi cơ sở đã ghi nhận nằm ngoài thời gian mới" in resp.content.decode()


def test_create_from_last_year_and_from_a_template(client, people):
    client.force_login(people["board"])
    url = reverse("fieldwork:plan_create")
    resp = client.post(url, {"year": 2024, "source": f"plan:{people['plan'].pk}"})
    new = Plan.objects.get(organization=people["org"], year=2024)
    assert resp.status_code == 302 and resp["Location"] == reverse("fieldwork:plan_edit", args=[new.pk])
    assert (new.period_start, new.period_end, new.registration_deadline) == (
        date(2024, 1, 1),
        date(2024, 10, 25),
        date(2024, 2, 15),
    )
    assert new.groups.count() == 3 and new.title.endswith("2024")
    # Same year again: refused, with the reason.
    resp = client.post(url, {"year": 2024, "source": "template:da-nang-2023"})
    assert "Đã có kế hoạch năm 2024" in resp.content.decode()
    # From a template, for the user's own organization (the template's organization is not created).
    resp = client.post(url, {"year": 2025, "source": "template:da-nang-2023"})
    p = Plan.objects.get(organization=people["org"], year=2025)
    assert (p.period_end, p.immersion_min_gap_days, p.template_code) == (date(2025, 12, 31), 2, "da-nang-2023")
    assert not Organization.objects.filter(code="da-nang").exists()


def test_create_cannot_copy_another_organizations_plan(client, people):
    client.force_login(people["board"])
    resp = client.post(reverse("fieldwork:plan_create"), {"year": 2024, "source": f"plan:{people['other_plan'].pk}"})
    assert resp.status_code == 200 and "source" in resp.context["form"].errors
    assert not Plan.objects.filter(year=2024).exists()


def test_affected(client, people):
    plan = people["plan"]
    UserFactory(department=people["d2"], full_name="Lý Thị Kế", email="ke@tn.vn", position="Kế toán")
    UserFactory(
        department=people["d2"], full_name="Tô Thị Thư", email="thu@tn.vn", position="Văn thư lưu trữ", group_code="2.3"
    )
    mai = UserFactory(department=people["d1"], full_name="Ngô Thị Mai", email="mai@tn.vn")
    Exemption.objects.create(
        person=mai,
        reason=ExemptionReason.objects.get(plan=plan, code="thai-san"),
        start=date(2023, 5, 1),
        end=date(2023, 10, 31),
        status="approved",
    )
    Exemption.objects.create(
        person=people["cadre"],
        reason=ExemptionReason.objects.get(plan=plan, code="hoc-tap"),
        start=date(2023, 5, 1),
        end=date(2023, 10, 31),
        status="proposed",
    )
    client.force_login(people["board"])
    resp = client.get(reverse("fieldwork:plan_affected", args=[plan.pk]))
    a = resp.context["a"]
    groups = {g.code: [p.full_name for p in members] for g, members in a.groups}
    assert groups["2.1"] == ["Hồ Thị Lan", "Nguyễn Thanh Tùng"]
    assert groups["2.2"] == ["Đặng Thu Hà", "Võ Minh Hải"]
    assert "Trần Thị Dung" in groups["2.3"] and "Cao Văn Lạ" not in groups["2.3"]
    positions = {r.code: [p.full_name for p in holders] for r, holders in a.position_reasons}
    assert positions == {"van-thu": ["Tô Thị Thư"], "ke-toan": ["Lý Thị Kế"], "thi-dua": []}
    individual = {r.code: [ex.person.full_name for ex in items] for r, items in a.individual_reasons}
    # only approved decisions; "thi-dua" is a duty ("either", docs/domain.md §6): also grantable
    assert individual == {"hoc-tap": [], "thai-san": ["Ngô Thị Mai"], "thi-dua": [], "khac": []}
    assert "Ngô Thị Mai" in resp.content.decode()
