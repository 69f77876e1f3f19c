"""Topics of a category (docs/domain.md §10 `"topics"`): the plan key, its checks, the plan pages,
and trips that name one (counted on the year-end report: tests/reports/test_seed_year_end.py)."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fieldwork.models import Category, Trip
from fieldwork.services import registrations as service
from fieldwork.services.plans import load_plan, plan_to_dict, read_plan_source
from tests.fieldwork.registration_helpers import line

from .test_plans import edit_post

pytestmark = pytest.mark.django_db


def test_the_tay_ninh_template_lists_seed_002s_nine_topics_under_1_3(tn_plan):
    topics = Category.objects.get(plan=tn_plan, code="1.3").topics
    assert len(topics) == 9
    assert topics[0].startswith("Khảo sát tình hình thực hiện hồ sơ đoàn vụ của cấp cơ sở")
    assert "Tham gia đồng hành cùng cơ sở trong Tháng Thanh niên và Chiến dịch thanh niên tình nguyện hè" in topics
    assert all(not c.topics for c in Category.objects.filter(plan=tn_plan).exclude(code="1.3"))
    out = json.loads(json.dumps(plan_to_dict(tn_plan)))
    assert next(c for c in out["categories"] if c["code"] == "1.3")["topics"] == topics
    assert "topics" not in next(c for c in out["categories"] if c["code"] == "1.1")  # absent: none
    _plan, created = load_plan(out)
    assert not created and Category.objects.get(plan=tn_plan, code="1.3").topics == topics


@pytest.mark.parametrize(
    ("topics", "message"),
    [
        ("Củng cố cơ sở yếu", "topics phải là một danh sách chuyên đề"),
        ([1, 2], "topics phải là một danh sách chuyên đề"),
        (["x" * 501], "chuyên đề dài quá 500 ký tự"),
    ],
)
def test_bad_topics_are_refused_with_a_clear_message(db, topics, message):
    data = read_plan_source("da-nang-2023")
    data["categories"][0]["topics"] = topics
    with pytest.raises(ValidationError, match=message):
        load_plan(data)


def test_topics_are_cleaned(db):
    data = read_plan_source("da-nang-2023")
    data["categories"][0]["topics"] = ["  Củng cố   cơ sở yếu ", "", "Củng cố cơ sở yếu", "Khảo sát"]
    plan, _ = load_plan(data)
    assert Category.objects.get(plan=plan, code=data["categories"][0]["code"]).topics == [
        "Củng cố cơ sở yếu",
        "Khảo sát",
    ]


def test_the_plan_pages_show_and_edit_the_topics(people, client):
    plan = people["plan"]
    client.force_login(people["board"])
    page = client.get(reverse("fieldwork:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="topics-1.3"' in page and "9 chuyên đề" in page and "Củng cố các cơ sở Đoàn yếu, kém" in page

    def mutate(d):
        c = next(c for c in d["categories"] if c["code"] == "1.3")
        c["topics"] = ["Củng cố các cơ sở Đoàn yếu, kém", "Khảo sát mô hình “3 chủ động”"]

    resp = client.post(reverse("fieldwork:plan_edit", args=[plan.pk]), edit_post(plan, mutate))
    assert resp.status_code == 302
    assert Category.objects.get(plan=plan, code="1.3").topics == [
        "Củng cố các cơ sở Đoàn yếu, kém",
        "Khảo sát mô hình “3 chủ động”",
    ]


def test_a_trip_names_one_of_its_categorys_topics(people, client):
    plan, cadre = people["plan"], people["cadre"]
    reg = service.registration_for(person=cadre, plan=plan, quarter=0)
    data = line(plan, category="1.3", start=date(2023, 6, 5))
    data.topic = "Củng cố các cơ sở Đoàn yếu, kém"
    trip, _warnings = service.add_line(actor=cadre, registration=reg, data=data)
    assert Trip.objects.get(pk=trip.pk).topic == "Củng cố các cơ sở Đoàn yếu, kém"
    other = line(plan, category="1.1", start=date(2023, 7, 3))
    other.topic = "Củng cố các cơ sở Đoàn yếu, kém"  # a 1.3 topic on a 1.1 trip
    with pytest.raises(ValidationError) as exc:
        service.add_line(actor=cadre, registration=reg, data=other)
    assert "không thuộc nội dung 1.1" in exc.value.message_dict["topic"][0]
    # The line form offers the plan's topics, grouped by category.
    client.force_login(cadre)
    page = client.get(reverse("fieldwork:registration_detail", args=[0]) + "?year=2023").content.decode()
    assert 'name="topic"' in page and '<optgroup label="1.3 Theo chuyên đề">' in page
