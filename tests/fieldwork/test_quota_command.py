"""manage.py quota (docs/domain.md §10): JSON compared with hand-computed values on known data sets."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fieldwork.models import Exemption, ExemptionReason, Trip
from tests.factories import DepartmentFactory, UserFactory, make_trip

KEYS = [
    "email",
    "name",
    "department",
    "group",
    "status",
    "required_days",
    "done_days",
    "planned_days",
    "immersion_required",
    "immersion_done",
    "exemption",
    "violations",
]


def run(*args) -> str:
    out = StringIO()
    call_command("quota", *args, stdout=out)
    return out.getvalue()


def quota_json(org, year, as_of):
    return json.loads(run("--org", org, "--year", str(year), "--as-of", as_of, "--format", "json"))


@pytest.fixture
def tay_ninh(people):
    """Tây Ninh 2023 (period 01/01–25/10, 60 days, 2.3 needs 2 immersion trips ≥ 30 days)."""
    plan = people["plan"]
    cadre, cadre2, other = people["cadre"], people["cadre2"], people["other_cadre"]
    # Dung (2.3): 30 + 30 immersion days, plus invited attendance (not counted) and a 1.2 trip (outside focus).
    make_trip(plan, cadre, start=date(2023, 2, 1), end=date(2023, 3, 2), days="30", immersion=True)
    make_trip(plan, cadre, start=date(2023, 4, 1), end=date(2023, 4, 30), days="30", immersion=True)
    make_trip(plan, cadre, category="moi", start=date(2023, 5, 2), days="1")
    make_trip(plan, cadre, category="1.2", start=date(2023, 5, 10), days="1")
    # Em (2.3): 10 done, 3 declared on a 2-day span (counts 2), 2 approved in July (planned).
    make_trip(plan, cadre2, start=date(2023, 5, 2), end=date(2023, 5, 11), days="10")
    make_trip(plan, cadre2, category="1.5", start=date(2023, 6, 1), end=date(2023, 6, 2), days="3")
    make_trip(plan, cadre2, start=date(2023, 7, 3), end=date(2023, 7, 4), days="2", status=Trip.Status.APPROVED)
    # Đức (2.3): half a day, then 3 + 1 days overlapping inside 3 calendar days (counts 3).
    make_trip(plan, other, category="1.5", start=date(2023, 3, 15), days="0.5")
    make_trip(plan, other, start=date(2023, 3, 20), end=date(2023, 3, 22), days="3")
    make_trip(plan, other, start=date(2023, 3, 21), days="1")
    # Hải (2.2, head): 60 days of 1.2.
    make_trip(plan, people["head"], category="1.2", start=date(2023, 1, 2), end=date(2023, 3, 2), days="60")
    # An accountant (position) and a cadre on maternity leave (individual, approved): exempt for the year.
    UserFactory(department=people["d2"], full_name="Lý Thị Kế", email="ke@tn.vn", position="Kế toán")
    mai = UserFactory(department=people["d1"], full_name="Ngô Thị Mai", email="mai@tn.vn")
    Exemption.objects.create(
        person=mai,
        reason=ExemptionReason.objects.get(plan=plan, code="thai-san"),
        start=date(2023, 5, 1),
        end=date(2023, 10, 31),
        status=Exemption.Status.APPROVED,
    )
    return people


def test_json_tay_ninh(tay_ninh):
    rows = quota_json("tay-ninh", 2023, "2023-06-30")
    assert all(list(r) == KEYS for r in rows)
    assert [r["name"] for r in rows] == [
        "Trần Thị Dung",
        "Phạm Đức",
        "Lê Văn Em",
        "Đặng Thu Hà",
        "Võ Minh Hải",
        "Lý Thị Kế",
        "Bùi Văn Khoa",
        "Hồ Thị Lan",
        "Ngô Thị Mai",
        "Mai Văn Phúc",
        "Nguyễn Thanh Tùng",
    ]
    by = {r["email"]: r for r in rows}
    assert by["dung@tn.vn"] == {
        "email": "dung@tn.vn",
        "name": "Trần Thị Dung",
        "department": "Ban Phong trào",
        "group": "2.3",
        "status": "met",
        "required_days": 60,
        "done_days": 61,
        "planned_days": 0,
        "immersion_required": 2,
        "immersion_done": 2,
        "exemption": None,
        "violations": ["NOT_COUNTED_CATEGORY", "OUTSIDE_FOCUS"],
    }
    assert by["em@tn.vn"] == {
        "email": "em@tn.vn",
        "name": "Lê Văn Em",
        "department": "Ban Phong trào",
        "group": "2.3",
        "status": "at_risk",
        "required_days": 60,
        "done_days": 12,
        "planned_days": 2,
        "immersion_required": 2,
        "immersion_done": 0,
        "exemption": None,
        "violations": ["DAYS_EXCEED_SPAN"],
    }
    assert (by["duc@tn.vn"]["done_days"], by["duc@tn.vn"]["violations"]) == (3.5, ["OVERLAP"])
    assert isinstance(by["duc@tn.vn"]["done_days"], float) and isinstance(by["dung@tn.vn"]["done_days"], int)
    # docs/rules.md “The seeds' cycle and rules” (seed 002 I.2): every Tây Ninh cadre, heads too, needs 2 immersion trips: 60 days are not enough.
    assert (by["hai@tn.vn"]["status"], by["hai@tn.vn"]["done_days"], by["hai@tn.vn"]["immersion_required"]) == (
        "at_risk",
        60,
        2,
    )
    for email, reason in (("ke@tn.vn", "ke-toan"), ("mai@tn.vn", "thai-san")):
        assert {k: by[email][k] for k in ("status", "required_days", "immersion_required", "exemption")} == {
            "status": "exempt",
            "required_days": 0,
            "immersion_required": 0,
            "exemption": reason,
        }
    assert by["tung@tn.vn"]["immersion_required"] == 2 and by["khoa@tn.vn"]["immersion_required"] == 2
    assert by["lan@tn.vn"]["department"] is None
    assert "la@khac.vn" not in by  # another organization


def test_after_the_period_unmet_is_not_met(tay_ninh):
    by = {r["email"]: r for r in quota_json("tay-ninh", 2023, "2023-10-25")}
    assert by["em@tn.vn"]["status"] == "not_met"
    assert (by["em@tn.vn"]["done_days"], by["em@tn.vn"]["planned_days"]) == (
        12,
        2,
    )  # July trip never reported: still planned, never done
    assert by["dung@tn.vn"]["status"] == "met"


@pytest.fixture
def da_nang(dn_plan):
    """Đà Nẵng 2023 with the prorate policy: 365 days, immersion 5–7 days, never back to back."""
    dn_plan.exemption_policy = "prorate"
    dn_plan.save()
    org = dn_plan.organization
    d = DepartmentFactory(organization=org, name="Ban Tuyên giáo")
    ill = UserFactory(department=d, full_name="Trương Văn An", email="an@dn.vn")
    Exemption.objects.create(
        person=ill,
        reason=ExemptionReason.objects.get(plan=dn_plan, code="benh-nang"),
        start=date(2023, 7, 1),
        end=date(2023, 12, 31),
        status=Exemption.Status.APPROVED,
    )
    # Đà Nẵng's immersion trips are topic trips, category 1.3 (plan.immersion_categories, docs/rules.md “The seeds' cycle and rules”).
    make_trip(dn_plan, ill, category="1.3", start=date(2023, 2, 1), end=date(2023, 2, 5), days="5", immersion=True)
    make_trip(  # the day after the first: "liên tiếp" (docs/rules.md “The rules as the documents say them”: at least one clear day between them)
        dn_plan, ill, category="1.3", start=date(2023, 2, 6), end=date(2023, 2, 10), days="5", immersion=True
    )  # 15 days after
    make_trip(dn_plan, ill, start=date(2023, 3, 1), end=date(2023, 3, 20), days="20")
    new = UserFactory(department=d, full_name="Huỳnh Thị Bích", email="bich@dn.vn", active_from=date(2023, 7, 1))
    make_trip(dn_plan, new, category="1.3", start=date(2023, 7, 10), end=date(2023, 7, 16), days="7", immersion=True)
    make_trip(dn_plan, new, start=date(2023, 8, 1), end=date(2023, 8, 10), days="10", status=Trip.Status.APPROVED)
    make_trip(
        dn_plan,
        new,
        category="1.3",
        start=date(2023, 9, 1),
        end=date(2023, 9, 8),
        days="8",
        immersion=True,
        status=Trip.Status.APPROVED,
    )
    UserFactory(department=d, full_name="Lê Thị Cúc", email="cuc@dn.vn", position="Thủ quỹ")
    return dn_plan


def test_json_da_nang_prorate(da_nang):
    by = {r["email"]: r for r in quota_json("da-nang", 2023, "2023-07-31")}
    assert [r["name"] for r in quota_json("da-nang", 2023, "2023-07-31")] == [
        "Trương Văn An",
        "Huỳnh Thị Bích",
        "Lê Thị Cúc",
    ]
    # Ill from 01/07: 181 of 365 days available → ceil(60 × 181 / 365) = 30 days, floor(2 × 181 / 365) = 0 trips.
    assert by["an@dn.vn"] == {
        "email": "an@dn.vn",
        "name": "Trương Văn An",
        "department": "Ban Tuyên giáo",
        "group": "2.3",
        "status": "met",
        "required_days": 30,
        "done_days": 30,
        "planned_days": 0,
        "immersion_required": 0,
        "immersion_done": 1,
        "exemption": "benh-nang",
        "violations": ["IMMERSION_BACK_TO_BACK"],
    }
    # Joined 01/07: 184 days → ceil(60 × 184 / 365) = 31 days, floor(2 × 184 / 365) = 1 trip.
    assert {k: by["bich@dn.vn"][k] for k in KEYS if k not in ("email", "name", "department", "group")} == {
        "status": "at_risk",
        "required_days": 31,
        "done_days": 7,
        "planned_days": 18,
        "immersion_required": 1,
        "immersion_done": 1,
        "exemption": None,
        "violations": ["IMMERSION_TOO_LONG"],
    }
    # A treasurer (position) is exempt for the whole period, even under prorate.
    assert {k: by["cuc@dn.vn"][k] for k in ("status", "required_days", "immersion_required", "exemption")} == {
        "status": "exempt",
        "required_days": 0,
        "immersion_required": 0,
        "exemption": "thu-quy",
    }


def test_table_format_has_vietnamese_headers(tay_ninh):
    out = run("--org", "tay-ninh", "--year", "2023", "--as-of", "2023-06-30")
    lines = out.splitlines()
    assert "tính đến ngày 30/06/2023" in lines[0]
    assert lines[1].split()[:3] == ["Họ", "và", "tên"] and "Đã đi" in lines[1] and "Vi phạm" in lines[1]
    duc = next(line for line in lines if "Phạm Đức" in line)
    assert "3,5" in duc and "OVERLAP" in duc and "Có nguy cơ" in duc
    assert lines[-1] == "Tổng: 11 cán bộ."


def test_errors(tay_ninh):
    with pytest.raises(CommandError, match="Không có tổ chức"):
        run("--org", "khong-co", "--year", "2023")
    with pytest.raises(CommandError, match="chưa có kế hoạch năm 2031"):
        run("--org", "tay-ninh", "--year", "2031")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--org", "tay-ninh", "--year", "2023", "--as-of", "30/06/2023")
