"""PAdES signing with pyHanko, shared by the providers: the provider supplies a pyHanko signer
(a key it holds, or one that calls a remote service); this module writes the signature field in
the form's signature block, the visible appearance (name, title, time) in the bundled Liberation
Serif (Vietnamese glyphs) and the signature itself as an incremental update."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from django.utils.translation import gettext as _

from . import SignerMeta, SigningError

FONT = Path(__file__).resolve().parent.parent / "fonts" / "LiberationSerif-Regular.ttf"
FIELD = "ChuKySo"


def stamp_font() -> str:
    """The visible signature's font: Liberation Serif's Latin and Vietnamese glyphs, scaled to 1000
    units per em (pyHanko writes a TrueType font's widths in its own units, which PDF reads as
    thousandths: Liberation's 2048 would space the letters twice too wide). Made once per server
    into the temporary folder."""
    import os
    import tempfile
    import uuid

    stat = FONT.stat()
    target = Path(tempfile.gettempdir()) / f"fieldwork-stamp-font-{int(stat.st_mtime)}-{stat.st_size}.ttf"
    if target.is_file():
        return str(target)
    from fontTools import subset, ttLib
    from fontTools.ttLib.scaleUpem import scale_upem

    font = ttLib.TTFont(str(FONT))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's timestamps: nothing to subset
    subsetter = subset.Subsetter(options)
    ranges = [(0x20, 0x250), (0x300, 0x370), (0x1EA0, 0x1F00), (0x2000, 0x2070)]
    subsetter.populate(unicodes=[u for a, b in ranges for u in range(a, b)])
    subsetter.subset(font)
    scale_upem(font, 1000)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    font.save(str(tmp))
    os.replace(tmp, target)
    return str(target)


def level_for(timestamp_url: str) -> str:
    return "B-T" if timestamp_url else "B-B"


def stamp_text(meta: SignerMeta) -> str:
    lines = [_("Ký số bởi: %(name)s") % {"name": meta.name or "%(signer)s"}]
    if meta.title:
        lines.append(meta.title)
    lines.append(_("Thời gian: %(t)s") % {"t": meta.time_text})
    lines.append(_("Mã văn bản: %(code)s") % {"code": meta.code})
    # pyHanko fills %(...)s from its own parameters: a literal % in a name must not be read as one.
    return "\n".join(line.replace("%", "%%") if "%(signer)s" not in line else line for line in lines)


def sign_pades(pdf_bytes: bytes, meta: SignerMeta, signer) -> bytes:
    """`signer`: a pyhanko.sign.signers.Signer. Returns the signed file (the original bytes plus
    an incremental update)."""
    from pyhanko import stamp
    from pyhanko.pdf_utils import text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.sign import fields, signers, timestamps

    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    except (PdfReadError, ValueError) as exc:
        raise SigningError(_("Tệp không phải PDF hợp lệ nên không ký được.")) from exc
    box = meta.box
    spec = fields.SigFieldSpec(sig_field_name=FIELD, on_page=meta.page if box else 0, box=box)
    signature_meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=_("Mã văn bản: %(code)s") % {"code": meta.code},
        location=meta.location or None,
        name=meta.name or None,
    )
    timestamper = timestamps.HTTPTimeStamper(meta.timestamp_url) if meta.timestamp_url else None
    style = stamp.TextStampStyle(
        stamp_text=stamp_text(meta),
        text_box_style=text.TextBoxStyle(font=GlyphAccumulatorFactory(stamp_font(), font_size=9)),
        border_width=1,
    )
    pdf_signer = signers.PdfSigner(
        signature_meta, signer=signer, timestamper=timestamper, stamp_style=style, new_field_spec=spec
    )
    out = pdf_signer.sign_pdf(writer)
    return out.getvalue()
