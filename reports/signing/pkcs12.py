"""The PKCS#12 provider: the organization's certificate with its chain, installed from a .p12/.pfx
file (`signing install`, the admin page). Installing checks the file and the certificate and
changes nothing when any check fails; the private key is stored only encrypted (keys.py)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import SignerMeta, SigningError
from .keys import decrypt_private_key, encrypt_private_key
from .pades import level_for, sign_pades

MAX_FILE = 1024 * 1024  # a PKCS#12 file is a few kilobytes


def _is_pkcs12(data: bytes) -> bool:
    """The file's structure is PKCS#12 (so a refusal to open it means a wrong password)."""
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native == "data"
    except Exception:  # noqa: BLE001 - asn1crypto raises many kinds on garbage
        return False


@dataclass
class Loaded:
    key: object
    certificate: x509.Certificate
    chain: list


def describe(name: x509.Name) -> str:
    return name.rfc4514_string()


def load(data: bytes, password: bytes, *, now: datetime | None = None) -> Loaded:
    """Open and check a PKCS#12 file. SigningError with a Vietnamese message on: not PKCS#12,
    wrong password, no key or certificate, key not of the certificate, expired or not yet valid,
    no digital-signature key usage."""
    now = now or timezone.now()
    if not data or len(data) > MAX_FILE or not _is_pkcs12(data):
        raise SigningError(_("Tệp không phải chứng thư số dạng PKCS#12 (.p12 hoặc .pfx)."))
    try:
        p12 = pkcs12.load_pkcs12(data, password or None)
    except (ValueError, TypeError) as exc:
        raise SigningError(_("Mật khẩu của tệp chứng thư số không đúng.")) from exc
    cert = p12.cert.certificate if p12.cert else None
    if p12.key is None or cert is None:
        raise SigningError(_("Tệp PKCS#12 phải có cả chứng thư số và khoá ký (khoá bí mật)."))
    public = p12.key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public != cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise SigningError(_("Khoá ký trong tệp không khớp với chứng thư số."))
    date_format = "%d/%m/%Y"
    if cert.not_valid_after_utc < now:
        raise SigningError(
            _("Chứng thư số đã hết hạn ngày %(d)s.")
            % {"d": timezone.localtime(cert.not_valid_after_utc).strftime(date_format)}
        )
    if cert.not_valid_before_utc > now:
        raise SigningError(
            _("Chứng thư số chưa có hiệu lực (hiệu lực từ ngày %(d)s).")
            % {"d": timezone.localtime(cert.not_valid_before_utc).strftime(date_format)}
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        signs = usage.digital_signature
    except x509.ExtensionNotFound:
        signs = False
    if not signs:
        raise SigningError(
            _("Chứng thư số không có mục đích sử dụng “ký số” (digitalSignature) nên không dùng để ký văn bản được.")
        )
    return Loaded(key=p12.key, certificate=cert, chain=[c.certificate for c in p12.additional_certs])


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def install(*, organization, data: bytes, password: bytes, user=None):
    """Check the file, then, in one transaction, retire the organization's current certificate and
    store this one (key encrypted). Any refusal changes nothing."""
    from reports.models import SigningCertificate

    loaded = load(data, password)
    token = encrypt_private_key(loaded.key)  # refuses when the server has no encryption key
    pem = loaded.certificate.public_bytes(serialization.Encoding.PEM).decode()
    chain = "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in loaded.chain)
    now = timezone.now()
    with transaction.atomic():
        SigningCertificate.objects.filter(organization=organization, retired_at__isnull=True).update(retired_at=now)
        return SigningCertificate.objects.create(
            organization=organization,
            provider=Pkcs12Provider.name,
            subject=describe(loaded.certificate.subject)[:500],
            issuer=describe(loaded.certificate.issuer)[:500],
            serial=format(loaded.certificate.serial_number, "X")[:80],
            fingerprint=fingerprint(loaded.certificate),
            not_before=loaded.certificate.not_valid_before_utc,
            not_after=loaded.certificate.not_valid_after_utc,
            certificate_pem=pem,
            chain_pem=chain,
            encrypted_key=token,
            installed_by=user,
            installed_at=now,
        )


def certificates_of(row) -> tuple[x509.Certificate, list[x509.Certificate]]:
    cert = x509.load_pem_x509_certificate(row.certificate_pem.encode())
    chain = x509.load_pem_x509_certificates(row.chain_pem.encode()) if row.chain_pem.strip() else []
    return cert, chain


class Pkcs12Provider:
    name = "pkcs12"

    def __init__(self, row):
        self.row = row
        self.timestamp_url = getattr(settings, "SIGNING_TSA_URL", "")

    @property
    def level(self) -> str:
        return level_for(self.timestamp_url)

    def sign(self, pdf_bytes: bytes, meta: SignerMeta) -> bytes:
        from .testing import pyhanko_signer

        cert, chain = certificates_of(self.row)
        signer = pyhanko_signer(decrypt_private_key(self.row.encrypted_key), cert, chain)
        meta.timestamp_url = self.timestamp_url
        return sign_pades(pdf_bytes, meta, signer)
