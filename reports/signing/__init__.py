"""Digital signing of issued documents (docs/signing.md, docs/domain.md §10).

One small interface: a provider turns the bytes of an issued PDF into the bytes of the same PDF
signed (PAdES baseline B-B, B-T when a timestamp authority is configured), given what the visible
signature shows and where. Shipped: the PKCS#12 provider (the organization's certificate installed
with `signing install`, key encrypted at rest) and the test provider (a key and certificate handed
to it in memory). A remote signing service — what the Vietnamese CAs offer — is another provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

# asn1crypto.tsp registers the timestamp token's content type ("tst_info"); imported before any
# CMS object is built so that the name is known everywhere (B-T signatures and their validation).
import asn1crypto.tsp  # noqa: F401, E402


class SigningError(Exception):
    """A refusal with a message for the user (Vietnamese)."""


@dataclass
class SignerMeta:
    """What the signature says and shows: the signer's name and title (the form's signature
    block), the document's code (the signature's reason), where the visible signature goes
    (page index from 0 and box in PDF points, None: invisible) and the time printed in it."""

    name: str
    title: str
    code: str
    time_text: str
    location: str = ""
    page: int = 0
    box: tuple[float, float, float, float] | None = None
    timestamp_url: str = ""
    extra: dict = field(default_factory=dict)


class Provider(Protocol):
    name: str

    def sign(self, pdf_bytes: bytes, meta: SignerMeta) -> bytes: ...

    @property
    def level(self) -> str: ...
