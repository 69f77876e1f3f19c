"""Vietnamese conventions as reusable code (docs/domain.md §9).

- name_sort_key: people sorted by given name (last word), then middle names, then family
  name, letter by letter in Vietnamese alphabet order with tones after letters, syllable by
  syllable. The key is a string of ASCII digits only, so it sorts the same in Python, SQLite
  and PostgreSQL whatever the database collation.
- format_days / format_date / format_period / place_date_line: the seeds' written forms.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

# a ă â b c d đ e ê (f) g h i (j) k l m n o ô ơ p q r s t u ư v (w) x y (z)
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: f"{i + 10:02d}" for i, ch in enumerate(_ALPHABET)}
# Tones in CLDR vi order: none, huyền (grave), hỏi (hook), ngã (tilde), sắc (acute), nặng (dot).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _syllable_key(word: str) -> str:
    letters: list[str] = []
    tone = 0
    for ch in unicodedata.normalize("NFD", word.casefold()):
        if ch in _TONES:
            tone = _TONES[ch]
        elif ch in _LETTER_MARKS and letters:
            base = letters.pop()
            letters.append(unicodedata.normalize("NFC", base + ch))
        elif unicodedata.combining(ch):
            continue
        else:
            letters.append(ch)
    ranks = "".join(_RANK.get(ch, "99" if not ch.isdigit() else f"0{ch}") for ch in letters)
    # "00" ends the letters (a shorter syllable sorts first), then one digit of tone.
    return f"{ranks}00{tone}"


def split_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) of a Vietnamese full name."""
    words = nfc(full_name).split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def name_sort_key(full_name: str) -> str:
    words = nfc(full_name).split()
    if not words:
        return ""
    ordered = [words[-1], *words[1:-1], words[0]] if len(words) > 1 else words
    return "".join(_syllable_key(w) for w in ordered)


def text_sort_key(text: str) -> str:
    """A title (a department's name) in Vietnamese order, word by word in reading order
    (docs/domain.md §9): "Ban Đoàn kết" < "Ban Phong trào" < "Ban Tổ chức" < "Ban Tuyên giáo"."""
    return "".join(_syllable_key(w) for w in nfc(text).split())


def sort_people(items, name=lambda item: item.full_name):
    return sorted(items, key=lambda item: name_sort_key(name(item)))


def format_days(value) -> str:
    """Decimal days with a comma as decimal mark: 2 -> "2", 2.5 -> "2,5"."""
    if value is None:
        return ""
    d = Decimal(value)
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f").replace(".", ",")


def format_number(value) -> str:
    """A figure in running text (docs/domain.md §9): "." groups thousands, "," marks decimals:
    1234.5 -> "1.234,5", 38 -> "38"."""
    if value is None:
        return ""
    d = Decimal(value)
    whole = int(abs(d))
    frac = abs(d) - whole
    text = f"{whole:,}".replace(",", ".")
    if frac:
        text += "," + format(frac.normalize(), "f").split(".")[1]
    return ("-" if d < 0 else "") + text


def format_percent(part, whole) -> str:
    """One percent format for every page and report: one decimal with a comma, none when
    whole ("38,1%", "100%"); "—" when there is nothing to divide."""
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format_number(value) + "%"


def parse_date(raw) -> date | None:
    """A date typed or linked: dd/mm/yyyy (what every date box shows, docs/rules.md “A year in the life”), or ISO
    (links, scripts); None when it reads as neither. The forms read the same formats
    (settings.DATE_INPUT_FORMATS)."""

    text = str(raw or "").strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def format_date(d: date | None) -> str:
    """dd/mm/yyyy, as tables elsewhere use it."""
    return d.strftime("%d/%m/%Y") if d else ""


def format_short_date(d: date) -> str:
    """The seeds' style inside 'Thời gian cụ thể': day in two digits, month as is (01/4/2023)."""
    return f"{d.day:02d}/{d.month}/{d.year}"


def format_period(start: date, end: date) -> str:
    if start == end:
        return f"Ngày {format_short_date(start)}"
    return f"Từ ngày {format_short_date(start)} đến ngày {format_short_date(end)}"


def place_date_line(place: str, d: date) -> str:
    """'Tây Ninh, ngày 05 tháng 02 năm 2023': days under 10 and months 1–2 padded."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"{place}, ngày {d.day:02d} tháng {month} năm {d.year}"


def strip_diacritics(text: str) -> str:
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def header_key(text: str) -> str:
    """Match spreadsheet headers ignoring case, spaces and diacritics."""
    return "".join(strip_diacritics(text or "").casefold().split())


# The Union's names of an organization (docs/domain.md §8) ----------------------------------------
# "Tỉnh đoàn Tây Ninh": the kind of Union body first, then the place. Its executive committee
# (BCH) is written the Union's way, "BCH ĐOÀN TỈNH TÂY NINH" (not the name in capitals after "BCH");
# its code in document numbers is "TĐTN" (Tỉnh đoàn, Thành đoàn, Thị đoàn), "HĐTN", "QĐTN".
UNION_KINDS = (
    # (the name's first words, casefolded; the BCH line's words; the code in document numbers)
    ("tỉnh đoàn", "ĐOÀN TỈNH", "TĐTN"),
    ("thành đoàn", "ĐOÀN TP.", "TĐTN"),
    ("huyện đoàn", "ĐOÀN HUYỆN", "HĐTN"),
    ("quận đoàn", "ĐOÀN QUẬN", "QĐTN"),
    ("thị đoàn", "ĐOÀN THỊ XÃ", "TĐTN"),
)


def _union_kind(name: str):
    words = nfc(name).split()
    head = " ".join(words[:2]).casefold()
    for prefix, bch, code in UNION_KINDS:
        if head == prefix:
            return bch, code, " ".join(words[2:])
    return None


def superior_line(name: str) -> str:
    """The superior-body line of the Union header when the organization names none:
    "Tỉnh đoàn Tây Ninh" -> "BCH ĐOÀN TỈNH TÂY NINH", "Thành đoàn Đà Nẵng" -> "BCH ĐOÀN TP. ĐÀ NẴNG",
    "Huyện đoàn Châu Thành" -> "BCH ĐOÀN HUYỆN CHÂU THÀNH"; any other name (already "Đoàn xã …",
    "Trung ương Đoàn") -> "BCH " and the name in capitals."""
    kind = _union_kind(name)
    if kind is None:
        return f"BCH {' '.join(nfc(name).split()).upper()}"
    bch, _code, place = kind
    return f"BCH {bch} {place.upper()}".strip()


def union_code(name: str) -> str:
    """The organization's code in document numbers ("45-KH/TĐTN-TCKT"): "TĐTN" for a Tỉnh đoàn,
    Thành đoàn or Thị đoàn, "HĐTN" for a Huyện đoàn, "QĐTN" for a Quận đoàn; "TĐTN" otherwise."""
    kind = _union_kind(name)
    return kind[1] if kind else "TĐTN"


def blank_place_date_line(place: str, year: int) -> str:
    """The place-and-date line of a form not yet submitted, left to fill by hand as in the seed
    ("Tây Ninh, ngày      tháng      năm 2023"): no-break spaces, which PDF and XLSX keep."""
    gap = "\u00a0" * 6
    return f"{place}, ngày{gap}tháng{gap}năm {year}"
