"""The roll-up pages (docs/rules.md “Organizations in a tree and the roll-up”): the national view and a node, filters, pagination, a query budget
that does not grow with the tree, and the child's page for sending its figures."""

import re
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Organization
from accounts.tree import rebuild_paths
from reports.models import RollupSubmission
from reports.rollup_services import submit_rollup

pytestmark = pytest.mark.django_db
Q1 = "?year=2023&quarter=1"


def test_national_view_and_drill_down(client, tree, run_jobs):
    with run_jobs():
        s = submit_rollup(actor=tree["khoi_board"], year=2023, quarter=1, today=date(2023, 3, 20))
    client.force_login(tree["tw_board"])
    page = client.get(reverse("reports:rollup") + Q1).content.decode()
    # Direct children only at the top, each with the totals of its subtree.
    assert "Tỉnh đoàn Tây Ninh" in page and "Tỉnh đoàn khac" in page and "Đoàn Khối các cơ quan tỉnh" not in page
    assert "cộng cả 3 đơn vị trực thuộc" in page
    assert "5 đơn vị trực thuộc, 1 đơn vị đã gửi báo cáo quý" in page
    total = re.search(r'data-testid="rollup-total">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="text-end">([^<]*)</td>', total)
    # units (sent) | subject, went, met, at risk, not met, exempt | departments late with mẫu 3
    # (Tây Ninh 2, Khối cơ quan 0 when it sent on 20/03, the three others 1 each at the quarter's end)
    assert cells == ["5 (1)", "15", "3", "0", "15", "0", "1", "5"]
    # Drill down: Tây Ninh's node lists its children; Khối cơ quan's figures link to what it sent.
    page = client.get(reverse("reports:rollup_node", args=[tree["tn"].pk]) + Q1).content.decode()
    assert "Đoàn Khối các cơ quan tỉnh" in page and "Đoàn Khối doanh nghiệp" in page
    assert reverse("reports:rollup_submission", args=[s.pk]) in page
    page = client.get(reverse("reports:rollup_submission", args=[s.pk])).content.decode()
    assert "Đoàn Khối các cơ quan tỉnh" in page and "Đúng hạn" in page and "Lần 1" in page
    # The search looks through every level.
    page = client.get(reverse("reports:rollup") + Q1 + "&q=so y te").content.decode()
    assert "Chi đoàn Sở Y tế" in page and "Tỉnh đoàn khac" not in page and "(cấp 3)" in page
    page = client.get(reverse("reports:rollup") + Q1 + "&status=submitted").content.decode()
    assert "Đoàn Khối các cơ quan tỉnh" in page and "Chi đoàn Sở Y tế" not in page


def big_tree(top, provinces, per_province, year=2023, quarter=1):
    """Organizations with stored submissions only (no people): what the page reads at scale."""
    rows = Organization.objects.bulk_create(
        [Organization(code=f"p{i}", name=f"Tỉnh đoàn {i}", place="X", parent=top) for i in range(provinces)]
    )
    kids = Organization.objects.bulk_create(
        [
            Organization(code=f"p{i}-{j}", name=f"Đoàn trực thuộc {j}", place="X", parent=rows[i])
            for i in range(provinces)
            for j in range(per_province)
        ]
    )
    rebuild_paths()
    figures = {"total": 10, "subject": 9, "went": 5, "met": 1, "on_track": 2, "at_risk": 6, "not_met": 0}
    figures |= {"exempt": 1, "late_forms": 0, "quarter_days": "12.5", "done_days": "20", "as_of": "2023-03-31"}
    RollupSubmission.objects.bulk_create(
        [
            RollupSubmission(
                organization=o,
                parent_id=o.parent_id,
                year=year,
                quarter=quarter,
                figures=figures,
                as_of=date(2023, 3, 31),
                deadline=date(2023, 3, 27),
            )
            for o in [*rows, *kids]
        ]
    )


@pytest.mark.parametrize("size", [(3, 2), (30, 8)])
def test_query_budget_does_not_grow(client, tree, size, django_assert_max_num_queries):
    top = Organization.objects.create(code="top", name="Trung ương", place="Hà Nội")
    big_tree(top, *size)
    tree["tw_board"].organization = top
    tree["tw_board"].save()
    client.force_login(tree["tw_board"])
    with django_assert_max_num_queries(14):
        resp = client.get(reverse("reports:rollup") + Q1)
    page = resp.content.decode()
    n = size[0] * (1 + size[1])
    assert f"{n} đơn vị trực thuộc, {n} đơn vị đã gửi" in page
    assert f'<td class="text-end">{9 * n}</td>' in page  # cadres subject, grand total
    with django_assert_max_num_queries(16):
        client.get(reverse("reports:rollup_node", args=[Organization.objects.get(code="p1").pk]) + Q1)


def test_pagination(client, tree):
    top = Organization.objects.create(code="top", name="Trung ương", place="Hà Nội")
    big_tree(top, 60, 0)
    tree["tw_board"].organization = top
    tree["tw_board"].save()
    client.force_login(tree["tw_board"])
    page = client.get(reverse("reports:rollup") + Q1).content.decode()
    assert page.count('data-testid="rollup-row"') == 50 and "Trang 1/2" in page
    page = client.get(reverse("reports:rollup") + Q1 + "&page=2").content.decode()
    assert page.count('data-testid="rollup-row"') == 10


def test_child_sends_from_its_page(client, tree, run_jobs):
    client.force_login(tree["khoi_board"])
    url = reverse("reports:rollup_submissions") + "?year=2023"
    page = client.get(url).content.decode()
    assert "Tỉnh đoàn Tây Ninh" in page and "27/03/2023" in page and 'data-testid="submit-1"' in page
    page = client.get(url + "&quarter=1").content.decode()
    assert 'data-testid="preview"' in page and "Cán bộ thuộc diện phải đi cơ sở" in page
    with run_jobs():
        resp = client.post(reverse("reports:rollup_submit"), {"year": 2023, "quarter": 1, "note": ""})
    s = RollupSubmission.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("reports:rollup_submission", args=[s.pk])
    # The parent's Board is told.
    assert tree["board"].notifications.filter(text__contains="Đoàn Khối các cơ quan tỉnh đã gửi").exists()
    # A resubmission without a note is refused, and the page keeps nothing lost.
    resp = client.post(reverse("reports:rollup_submit"), {"year": 2023, "quarter": 1, "note": "  "})
    page = client.get(url).content.decode()
    assert "hãy ghi rõ nội dung điều chỉnh" in page and RollupSubmission.objects.count() == 1
    note = "Ghi chú <b>x</b> " + "dài " * 600
    client.post(reverse("reports:rollup_submit"), {"year": 2023, "quarter": 1, "note": note})
    page = client.get(url).content.decode()
    assert "Ghi chú dài quá 2000 ký tự" in page and RollupSubmission.objects.count() == 1
    assert "Ghi chú &lt;b&gt;x&lt;/b&gt; dài dài" in page  # what was typed is kept, escaped


def test_navigation_offers_each_side_its_page(client, tree):
    rollup, up = reverse("reports:rollup"), reverse("reports:rollup_submissions")
    client.force_login(tree["board"])  # Tây Ninh: children and a parent
    page = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{rollup}"' in page and f'href="{up}"' in page
    client.force_login(tree["yte_board"])  # a leaf
    page = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{rollup}"' not in page and f'href="{up}"' in page
    client.force_login(tree["tw_board"])  # the top
    page = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{rollup}"' in page and f'href="{up}"' not in page
    client.force_login(tree["cadre"])
    page = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{rollup}"' not in page and f'href="{up}"' not in page


def test_live_figures_limit_on_the_page(client, tree, monkeypatch):
    from reports import views_rollup

    monkeypatch.setattr(views_rollup, "LIVE_ON_PAGE", 2)  # 5 descendants have sent nothing
    client.force_login(tree["tw_board"])
    page = client.get(reverse("reports:rollup") + Q1).content.decode()
    assert "5 đơn vị chưa gửi: trang này không tính trực tiếp" in page
    assert "Chưa gửi – số liệu trực tiếp" not in page
    monkeypatch.setattr(views_rollup, "LIVE_ON_PAGE", 5)
    page = client.get(reverse("reports:rollup") + Q1).content.decode()
    assert "không tính trực tiếp" not in page and "Chưa gửi – số liệu trực tiếp" in page
