"""Small files that declare huge pictures (docs/security.md), made without ever holding the picture in
memory: a PNG streamed through zlib, and a JPEG, WebP and GIF whose headers are patched."""

from __future__ import annotations

import io
import re
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int, height: int, *, alpha: bool = False) -> bytes:
    """A valid PNG of `width` × `height` black pixels (RGB, or RGBA), a few hundred KB."""
    bands = 4 if alpha else 3
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    z = zlib.compressobj(9)
    row = b"\x00" * (1 + width * bands)
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def jpeg_bomb(width: int, height: int) -> bytes:
    """A small baseline JPEG whose frame header declares `width` × `height`."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(out, "JPEG", quality=50)
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def webp_bomb(width: int, height: int) -> bytes:
    """A small lossless WebP whose VP8L header declares `width` × `height` (at most 16384)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 0, 0, 255)).save(out, "WEBP", lossless=True)
    data = bytearray(out.getvalue())
    at = data.index(b"VP8L") + 8  # chunk header, then the 0x2f signature
    assert data[at] == 0x2F
    bits = struct.unpack("<I", data[at + 1 : at + 5])[0]
    rest = bits & ~((1 << 28) - 1)
    data[at + 1 : at + 5] = struct.pack("<I", rest | (width - 1) | ((height - 1) << 14))
    return bytes(data)


def gif_bomb(width: int, height: int) -> bytes:
    """A small GIF whose logical screen and first frame declare `width` × `height`."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF")
    data = bytearray(out.getvalue())
    data[6:10] = struct.pack("<HH", width, height)
    frame = re.search(rb"\x2c\x00\x00\x00\x00", bytes(data)).start()
    data[frame + 5 : frame + 9] = struct.pack("<HH", width, height)
    return bytes(data)


def peak_rss_growth(fn) -> int:
    """Bytes the process's resident set grew to, at its peak, while `fn()` ran (Linux: VmHWM is
    reset through /proc/self/clear_refs). Pillow allocates pictures with malloc, out of
    tracemalloc's sight: the resident set is what the container's memory limit counts."""

    def status(key: str) -> int:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
        raise LookupError(key)

    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = status("VmRSS")
    fn()
    return status("VmHWM") - before
