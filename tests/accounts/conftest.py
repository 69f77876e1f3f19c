import pytest


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """PBKDF2 makes a 60-person fixture slow; the hasher is not what these tests check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
