import pytest
from cryptography.fernet import Fernet

from .ca import PASSWORD, TestCA


@pytest.fixture(autouse=True)
def _signing_settings(settings):
    settings.SIGNING_KEY_ENCRYPTION_KEY = Fernet.generate_key().decode()
    settings.SIGNING_TSA_URL = ""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def ca():
    return TestCA()


@pytest.fixture(scope="session")
def good_p12(ca):
    key, cert = ca.issue()
    return ca.pkcs12(key, cert)


@pytest.fixture
def board_head(report_data, people):
    """The Board's department (Ban Tổ chức – Kiểm tra) with its head: the signer of the Board's reports."""
    from tests.factories import DepartmentFactory, UserFactory

    dept = DepartmentFactory(organization=people["org"], name="Ban Tổ chức – Kiểm tra")
    return UserFactory(
        department=dept,
        full_name="Lý Thị Thu",
        email="thu@tn.vn",
        position="Trưởng Ban",
        group_code="2.2",
        roles=["cadre", "head", "board"],
    )


@pytest.fixture
def installed(people, good_p12):
    from reports.signing.pkcs12 import install

    return install(organization=people["org"], data=good_p12, password=PASSWORD)
