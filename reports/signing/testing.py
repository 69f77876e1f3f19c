"""The test provider: signs with a key and certificate handed to it in memory (tests, a demo, a
development machine). Nothing is read from the database; nothing is kept."""

from __future__ import annotations

from . import SignerMeta
from .pades import level_for, sign_pades


def pyhanko_signer(private_key, certificate, chain=()):
    """A pyHanko signer from `cryptography` objects."""
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der_key = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cert = x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    others = [x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain]
    return signers.SimpleSigner(
        signing_cert=cert,
        signing_key=keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs([cert, *others]),
    )


class TestProvider:
    name = "test"
    __test__ = False  # not a pytest test class

    def __init__(self, private_key, certificate, chain=(), timestamp_url: str = ""):
        self._signer = pyhanko_signer(private_key, certificate, chain)
        self.timestamp_url = timestamp_url

    @property
    def level(self) -> str:
        return level_for(self.timestamp_url)

    def sign(self, pdf_bytes: bytes, meta: SignerMeta) -> bytes:
        meta.timestamp_url = self.timestamp_url
        return sign_pades(pdf_bytes, meta, self._signer)
