"""The private key at rest (docs/security.md): a Fernet token under SIGNING_KEY_ENCRYPTION_KEY,
which comes from the environment and never from the database, so neither the database, a backup
nor a log holds the key in clear."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils.translation import gettext as _

from . import SigningError


def _fernet() -> Fernet:
    key = getattr(settings, "SIGNING_KEY_ENCRYPTION_KEY", "")
    if not key:
        raise SigningError(
            _(
                "Máy chủ chưa được cấu hình khoá mã hoá chứng thư số (biến môi trường SIGNING_KEY_ENCRYPTION_KEY). "
                "Hãy báo cho quản trị viên hệ thống."
            )
        )
    try:
        return Fernet(key)
    except (ValueError, TypeError) as exc:
        raise SigningError(
            _(
                "Khoá mã hoá chứng thư số (SIGNING_KEY_ENCRYPTION_KEY) không đúng dạng. Hãy báo cho quản trị viên hệ thống."
            )
        ) from exc


def require_key() -> None:
    """SigningError when the server cannot keep a key (checked before anything is installed)."""
    _fernet()


def encrypt_private_key(private_key) -> bytes:
    der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return _fernet().encrypt(der)


def decrypt_private_key(token: bytes):
    try:
        der = _fernet().decrypt(bytes(token))
    except InvalidToken as exc:
        raise SigningError(
            _(
                "Không giải mã được khoá ký của chứng thư số (khoá mã hoá trên máy chủ đã thay đổi). "
                "Hãy cài lại chứng thư số."
            )
        ) from exc
    # The key was checked against its certificate at install and Fernet's HMAC proves it unchanged
    # since: the RSA consistency check (≈ 200 ms a signature) is not repeated.
    return serialization.load_der_private_key(der, password=None, unsafe_skip_rsa_key_validation=True)
