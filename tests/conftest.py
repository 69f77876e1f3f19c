import os

import pytest

from tests.factories import standings_once

os.environ.setdefault("DJANGO_TESTING", "1")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = True
    settings.SECURE_SSL_REDIRECT = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.cache import cache

    cache.clear()  # throttling counters (password reset) start from zero in every test


@pytest.fixture
def tn_plan(db):
    from tests.factories import make_plan

    return make_plan("tay-ninh-2023")


@pytest.fixture
def dn_plan(db):
    from tests.factories import make_plan

    return make_plan("da-nang-2023")


@pytest.fixture
@standings_once
def people(tn_plan):
    """A small Tây Ninh organization: two departments, a head each, cadres, the Board,
    Standing Committee (Secretary and a deputy), Inspection; plus a stranger in another org."""
    from tests.factories import DepartmentFactory, UserFactory, make_plan

    org = tn_plan.organization
    d1 = DepartmentFactory(organization=org, name="Ban Phong trào")
    d2 = DepartmentFactory(organization=org, name="Văn phòng")
    p = {
        "org": org,
        "plan": tn_plan,
        "d1": d1,
        "d2": d2,
        "cadre": UserFactory(department=d1, full_name="Trần Thị Dung", email="dung@tn.vn", group_code="2.3"),
        "cadre2": UserFactory(department=d1, full_name="Lê Văn Em", email="em@tn.vn", group_code="2.3"),
        "other_cadre": UserFactory(department=d2, full_name="Phạm Đức", email="duc@tn.vn", group_code="2.3"),
        "head": UserFactory(
            department=d1,
            full_name="Võ Minh Hải",
            email="hai@tn.vn",
            position="Trưởng Ban",
            group_code="2.2",
            roles=["cadre", "head"],
        ),
        "head2": UserFactory(
            department=d2,
            full_name="Đặng Thu Hà",
            email="ha@tn.vn",
            position="Chánh Văn phòng",
            group_code="2.2",
            roles=["cadre", "head"],
        ),
        "board": UserFactory(
            department=d2, full_name="Bùi Văn Khoa", email="khoa@tn.vn", group_code="2.3", roles=["cadre", "board"]
        ),
        "secretary": UserFactory(
            department=None,
            organization=org,
            full_name="Nguyễn Thanh Tùng",
            email="tung@tn.vn",
            position="Bí thư",
            group_code="2.1",
            roles=["cadre", "standing", "secretary"],
        ),
        "deputy": UserFactory(
            department=None,
            organization=org,
            full_name="Hồ Thị Lan",
            email="lan@tn.vn",
            position="Phó Bí thư",
            group_code="2.1",
            roles=["cadre", "standing"],
        ),
        "inspector": UserFactory(
            department=d2, full_name="Mai Văn Phúc", email="phuc@tn.vn", group_code="2.3", roles=["cadre", "inspection"]
        ),
    }
    other_plan = make_plan("tay-ninh-2023", org_code="khac")
    od = DepartmentFactory(organization=other_plan.organization, name="Ban Phong trào")
    p["other_plan"] = other_plan
    p["stranger"] = UserFactory(
        department=od, full_name="Cao Văn Lạ", email="la@khac.vn", roles=["cadre", "board", "head", "standing"]
    )
    return p
