"""The roll-up tests (docs/rules.md “Organizations in a tree and the roll-up”): a small tree of organizations.

Trung ương Đoàn (tw, no plan)
├── Tỉnh đoàn Tây Ninh (tay-ninh: the `people` / `report_data` organization)
│   ├── Đoàn Khối các cơ quan tỉnh (khoi-cq): two cadres, one trip in quarter I
│   │   └── Chi đoàn Sở Y tế (so-y-te): one cadre
│   └── Đoàn Khối doanh nghiệp (khoi-dn): one cadre
└── Tỉnh đoàn khác (khac: the stranger's organization)
"""

from datetime import date

import pytest

from accounts.models import Organization
from tests.factories import DepartmentFactory, UserFactory, make_plan, make_trip, standings_once


def child(code: str, name: str, parent: Organization):
    plan = make_plan("tay-ninh-2023", org_code=code)
    org = plan.organization
    org.name, org.parent = name, parent
    org.save()
    return plan


@pytest.fixture
@standings_once
def tree(report_data):
    p = report_data
    tn = p["org"]
    tw = Organization.objects.create(code="tw", name="Trung ương Đoàn", place="Hà Nội", level="central")
    tn.parent = tw
    tn.save()
    other = p["other_plan"].organization
    other.parent = tw
    other.save()
    khoi_plan = child("khoi-cq", "Đoàn Khối các cơ quan tỉnh", tn)
    khoi = khoi_plan.organization
    kd = DepartmentFactory(organization=khoi, name="Văn phòng")
    khoi_board = UserFactory(department=kd, full_name="Lý Thị Bảng", email="bang@khoi.vn", roles=["cadre", "board"])
    khoi_standing = UserFactory(
        department=None,
        organization=khoi,
        full_name="Tạ Văn Bí",
        email="bi@khoi.vn",
        position="Bí thư",
        group_code="2.1",
        roles=["cadre", "standing"],
    )
    khoi_cadre = UserFactory(department=kd, full_name="Đinh Văn Cường", email="cuong@khoi.vn")
    make_trip(khoi_plan, khoi_cadre, start=date(2023, 2, 1), end=date(2023, 2, 5), days="5")
    yte_plan = child("so-y-te", "Chi đoàn Sở Y tế", khoi)
    yd = DepartmentFactory(organization=yte_plan.organization, name="Văn phòng")
    yte_board = UserFactory(department=yd, full_name="Mạc Thị Yến", email="yen@yte.vn", roles=["cadre", "board"])
    dn_plan = child("khoi-dn", "Đoàn Khối doanh nghiệp", tn)
    dd = DepartmentFactory(organization=dn_plan.organization, name="Văn phòng")
    dn_board = UserFactory(department=dd, full_name="Kiều Văn Dũng", email="dung@dn.vn", roles=["cadre", "board"])
    tw_board = UserFactory(
        department=DepartmentFactory(organization=tw, name="Ban Tổ chức"),
        full_name="Phan Văn Trung",
        email="trung@tw.vn",
        roles=["cadre", "board"],
    )
    return {
        **p,
        "tw": tw,
        "tn": tn,
        "other": other,
        "khoi": khoi,
        "khoi_plan": khoi_plan,
        "khoi_board": khoi_board,
        "khoi_standing": khoi_standing,
        "khoi_cadre": khoi_cadre,
        "yte": yte_plan.organization,
        "yte_plan": yte_plan,
        "yte_board": yte_board,
        "dn": dn_plan.organization,
        "dn_plan": dn_plan,
        "dn_board": dn_board,
        "tw_board": tw_board,
    }
