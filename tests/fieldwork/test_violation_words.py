"""docs/rules.md “A year in the life”: a violation code never reaches a person (one module of words,
fieldwork/violations.py), and a status carries its reason in words (standing_terms.status_reason)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from fieldwork.quota.engine import VIOLATION_CODES, Standing, Violation
from fieldwork.standing_terms import status_reason
from fieldwork.violations import violation_label, violation_labels, violation_message
from tests.factories import make_trip

CODES = ("NOT_COUNTED_CATEGORY", "IMMERSION_TOO_SHORT", "IMMERSION_BACK_TO_BACK", "OVERLAP", "LATE_REPORT")


def _standing(**kw) -> Standing:
    base = {
        "key": 1,
        "status": "at_risk",
        "required_days": 60,
        "done_days": Decimal(0),
        "planned_days": Decimal(0),
        "immersion_required": 2,
        "immersion_done": 0,
        "immersion_planned": 0,
        "exemption": None,
        "violations": (),
        "days_left": 100,
        "available_days": 365,
    }
    base.update(kw)
    return Standing(**base)


@pytest.mark.parametrize("code", VIOLATION_CODES)
def test_every_code_has_its_sentence_and_short_words(code):
    for text in (violation_message(code), violation_label(code)):
        assert text and code not in text and "_" not in text


def test_an_unknown_code_never_shows_itself():
    assert "WHATEVER" not in violation_message("WHATEVER") and "WHATEVER" not in violation_label("WHATEVER")


def test_labels_join_and_drop_information_for_a_fault_note():
    assert violation_labels("IMMERSION_TOO_SHORT, OVERLAP") == (
        "đợt “cùng ăn, cùng ở, cùng làm” chưa đủ số ngày; trùng thời gian"
    )
    assert violation_labels(["NOT_COUNTED_CATEGORY", "OVERLAP"], faults_only=True) == "trùng thời gian"
    assert violation_labels([Violation("OVERLAP", 1, "")]) == "trùng thời gian"


def test_reason_days_covered_but_an_immersion_trip_missing():
    s = _standing(done_days=Decimal(44), planned_days=Decimal(20), immersion_done=1)
    assert status_reason(s, 365) == "Thiếu 1 đợt “cùng ăn, cùng ở, cùng làm” chưa đăng ký."
    s = _standing(done_days=Decimal(60), immersion_done=1)
    assert status_reason(s, 365) == "Đã đủ số ngày nhưng còn thiếu 1 đợt “cùng ăn, cùng ở, cùng làm”."


def test_reason_prorated_target_is_explained():
    s = _standing(
        required_days=31,
        available_days=190,
        done_days=Decimal(10),
        planned_days=Decimal(5),
        immersion_required=1,
        immersion_planned=1,
    )
    assert status_reason(s, 365) == (
        "Còn 16 ngày phải đi chưa có đợt đăng ký; "
        "số ngày phải đi 31 được tính giảm theo 190/365 ngày phải thực hiện trong năm."
    )
    assert status_reason(replace(s, status="met", done_days=Decimal(31), immersion_done=1), 365).startswith(
        "Số ngày phải đi 31 được tính giảm"
    )


def test_reason_not_met_and_past_trips_unreported():
    s = _standing(status="not_met", done_days=Decimal(50), immersion_done=2, days_left=0)
    assert status_reason(s, 365) == "Thiếu 10 ngày."
    s = _standing(done_days=Decimal(40), planned_days=Decimal(20), immersion_done=2)
    assert status_reason(s, 365) == "Có đợt đã đăng ký đã qua ngày kết thúc nhưng chưa báo cáo kết quả."
    assert status_reason(_standing(status="exempt"), 365) == ""


def test_pages_show_words_not_codes(client, people):
    plan = people["plan"]
    make_trip(plan, people["cadre"], category="moi", start=date(2023, 5, 2), days="1", location="Huyện Gò Dầu")
    make_trip(plan, people["cadre"], start=date(2023, 5, 10), end=date(2023, 5, 11), days="2", immersion=True)
    for user, url, params in (
        (people["board"], reverse("fieldwork:standings"), {"as_of": "2023-06-30"}),
        (people["cadre"], reverse("fieldwork:my_standing"), {"as_of": "2023-06-30"}),
        (people["cadre"], reverse("fieldwork:cadre_dashboard"), {"as_of": "2023-06-30"}),
        (people["head"], reverse("fieldwork:department_home"), {"as_of": "2023-06-30"}),
        (people["board"], reverse("fieldwork:organization_dashboard"), {"as_of": "2023-06-30"}),
    ):
        client.force_login(user)
        body = client.get(url, params).content.decode()
        for code in CODES:
            assert code not in body, (url, code)
    client.force_login(people["board"])
    body = client.get(reverse("fieldwork:standings"), {"as_of": "2023-06-30"}).content.decode()
    assert "nội dung không tính ngày" in body and "chưa đủ số ngày" in body
    assert "Thiếu 2 đợt “cùng ăn, cùng ở, cùng làm” chưa đăng ký" in body or "chưa có đợt đăng ký" in body


def test_no_pace_per_month_when_less_than_two_months_remain(tn_plan):
    """docs/rules.md “A year in the life”: "Trung bình khoảng 16 ngày mỗi tháng còn lại" with 25 days left."""
    from fieldwork.templatetags.standing_extras import panel_info

    s = _standing(done_days=Decimal(44), planned_days=Decimal(0), days_left=25)
    assert panel_info(s, tn_plan, date(2023, 9, 30)).per_month is None
    s = _standing(done_days=Decimal(44), planned_days=Decimal(0), days_left=90)
    assert panel_info(s, tn_plan, date(2023, 7, 27)).per_month == Decimal("5.5")
