"""Draw the app's icons (docs/rules.md “Phones, photos, offline, NFC”: installable on a phone) into static/icons/.

    .venv/bin/python scripts/make_icons.py

Drawn with Pillow and the bundled Liberation Serif Bold (reports/fonts/), so they are made here
and never downloaded. The colour is Bootstrap's primary blue, the navbar's and the manifest's
theme colour. "Maskable" icons keep their mark inside the central 80 % that every launcher shows.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "static" / "icons"
FONT = ROOT / "reports" / "fonts" / "LiberationSerif-Bold.ttf"
BLUE = (13, 110, 253)
WHITE = (255, 255, 255)


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # drawn large, then reduced: smooth edges
    big = size * scale
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        d.rectangle((0, 0, big, big), fill=BLUE)
        mark = big * 0.62  # inside the 80 % safe zone
    else:
        d.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BLUE)
        mark = big * 0.78
    font = ImageFont.truetype(str(FONT), int(mark * 0.5))
    text = "1+2"
    left, top, right, bottom = d.textbbox((0, 0), text, font=font)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top
    d.text((x, y), text, font=font, fill=WHITE)
    # a short line under the mark: the path to the grassroots
    line_y = y + bottom + big * 0.05
    d.rounded_rectangle(
        (big * 0.32, line_y, big * 0.68, line_y + big * 0.035), radius=big // 60, fill=(255, 255, 255, 200)
    )
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("maskable-192.png", 192, True),
        ("maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
        ("favicon-32.png", 32, False),
    ):
        img = draw(size, maskable=maskable)
        if name == "apple-touch-icon.png":
            img = img.convert("RGB")  # iOS fills transparency with black
        img.save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
