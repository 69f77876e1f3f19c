"""A child's plan created from its parent's plan of the year (docs/rules.md “Organizations in a tree and the roll-up”): service and page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Organization
from fieldwork.models import HistoryEntry, Plan
from fieldwork.services.plan_from_parent import create_plan_from_parent
from tests.access import assert_access
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(people):
    tn_plan = people["plan"]
    tn_plan.registration_cycle = "annual"
    tn_plan.immersion_categories = ["1.3"]
    tn_plan.document_number = "45-KH/TĐTN-TCKT"
    tn_plan.save()
    khoi = Organization.objects.create(code="khoi", name="Đoàn Khối", place="Tây Ninh", parent=people["org"])
    d = DepartmentFactory(organization=khoi, name="Văn phòng")
    board = UserFactory(department=d, full_name="Lý Thị Bảng", email="bang@khoi.vn", roles=["cadre", "board"])
    inspector = UserFactory(department=d, full_name="Lý Văn Soát", email="soat@khoi.vn", roles=["cadre", "inspection"])
    cadre = UserFactory(department=d, full_name="Lý Văn Cán", email="can@khoi.vn")
    return {**people, "khoi": khoi, "khoi_board": board, "khoi_inspector": inspector, "khoi_cadre": cadre}


def test_service_copies_the_parents_rules_then_the_copy_is_its_own(family):
    parent_plan, khoi, board = family["plan"], family["khoi"], family["khoi_board"]
    plan = create_plan_from_parent(actor=board, organization=khoi, year=2023)
    assert plan.organization == khoi and plan.year == 2023
    assert (plan.period_start, plan.period_end, plan.min_days, plan.quarter_report_day) == (
        parent_plan.period_start,
        parent_plan.period_end,
        parent_plan.min_days,
        parent_plan.quarter_report_day,
    )
    assert (plan.registration_cycle, plan.immersion_categories) == ("annual", ["1.3"])
    assert plan.document_number == ""  # the parent's document is not the child's
    assert sorted(plan.groups.values_list("code", flat=True)) == sorted(
        parent_plan.groups.values_list("code", flat=True)
    )
    assert plan.categories.count() == parent_plan.categories.count()
    assert plan.exemption_reasons.count() == parent_plan.exemption_reasons.count()
    entry = HistoryEntry.objects.get(object_type="plan", object_id=plan.pk)
    assert entry.organization_id == khoi.pk and family["org"].name in entry.comment
    # Editing the copy leaves the parent's plan alone; the organization stays attached.
    plan.groups.filter(code="2.3").update(immersion_min_days=5)
    assert parent_plan.groups.get(code="2.3").immersion_min_days == 30
    khoi.refresh_from_db()
    assert khoi.parent == family["org"]
    with pytest.raises(ValidationError, match="Đã có kế hoạch năm 2023"):
        create_plan_from_parent(actor=board, organization=khoi, year=2023)


def test_service_refusals(family):
    khoi, board = family["khoi"], family["khoi_board"]
    with pytest.raises(ValidationError, match="chưa có kế hoạch năm 2031"):
        create_plan_from_parent(actor=board, organization=khoi, year=2031)
    with pytest.raises(PermissionDenied):
        create_plan_from_parent(actor=family["khoi_inspector"], organization=khoi, year=2023)
    with pytest.raises(PermissionDenied):  # another organization's Board
        create_plan_from_parent(actor=family["board"], organization=khoi, year=2023)
    with pytest.raises(ValidationError, match="chưa thuộc tổ chức cấp trên"):
        create_plan_from_parent(actor=family["board"], organization=family["org"], year=2023)
    assert not Plan.objects.filter(organization=khoi).exists()


def test_page(client, family):
    url = reverse("fieldwork:plan_from_parent")
    assert_access(
        client,
        url,
        allowed=[family["khoi_board"], family["board"]],
        forbidden=[family["khoi_inspector"], family["khoi_cadre"], family["cadre"]],
    )
    client.force_login(family["khoi_board"])
    page = client.get(url).content.decode()
    assert '<option value="2023"' in page and family["org"].name in page
    # The plans list offers it to an attached Union only.
    assert url in client.get(reverse("fieldwork:plans")).content.decode()
    resp = client.post(url, {"year": "abc"})
    assert resp.status_code == 400 and "Hãy chọn năm" in resp.content.decode()
    resp = client.post(url, {"year": "2023"})
    plan = Plan.objects.get(organization=family["khoi"], year=2023)
    assert resp.status_code == 302 and resp["Location"] == reverse("fieldwork:plan_edit", args=[plan.pk])
    resp = client.post(url, {"year": "2023"})
    assert resp.status_code == 400 and "Đã có kế hoạch năm 2023" in resp.content.decode()
    client.force_login(family["board"])  # Tây Ninh has no parent: nothing to copy
    assert "chưa thuộc tổ chức cấp trên" in client.get(url).content.decode()
    assert url not in client.get(reverse("fieldwork:plans")).content.decode()
