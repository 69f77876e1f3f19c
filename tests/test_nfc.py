"""docs/rules.md “Phones, photos, offline, NFC”: text is NFC everywhere. Users type both “hòa” and “hoà”, precomposed or not;
inputs are normalised already (accounts.vietnamese.nfc), and everything the product ships must be
NFC too: templates, catalogue strings, plan templates, demo data, the source, and what a page
shows (Django's own language name “Tiếng Việt” is NFD: templates normalise it)."""

import dataclasses
import json
import re
import unicodedata
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".venv", ".git", "node_modules", "media", "staticfiles", "artifacts", "tmp", "__pycache__"}
TEXT_SUFFIXES = {".py", ".html", ".txt", ".js", ".css", ".json", ".md", ".po", ".toml", ".yml", ".yaml", ".cfg"}


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def not_nfc_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if is_nfc(text):
        return []
    return [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]!r}"
        for n, line in enumerate(text.splitlines(), 1)
        if not is_nfc(line)
    ]


def project_files(*, under: str = "", suffixes=TEXT_SUFFIXES):
    for path in sorted((ROOT / under).rglob("*")):
        rel = path.relative_to(ROOT).parts
        if path.is_file() and path.suffix in suffixes and not SKIP_DIRS.intersection(rel):
            yield path


def test_the_check_sees_decomposed_text():
    decomposed = unicodedata.normalize("NFD", "Tiếng Việt")
    assert decomposed != "Tiếng Việt" and not is_nfc(decomposed) and is_nfc("Tiếng Việt")


def test_every_template_is_nfc():
    templates = [p for p in project_files() if "templates" in p.parts and p.suffix in {".html", ".txt", ".js"}]
    assert len(templates) > 50
    assert [line for p in templates for line in not_nfc_lines(p)] == []


def _po_strings(path: Path) -> list[str]:
    """Every msgid/msgstr of a catalogue, joined from its quoted pieces."""
    out, current = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if m:
            if current is not None:
                out.append(current)
            current = m.group(2)
        elif line.startswith('"') and current is not None:
            current += line[1:-1]
    if current is not None:
        out.append(current)
    return out


def test_every_catalogue_string_is_nfc():
    catalogues = list((ROOT / "locale").rglob("*.po"))
    assert {p.parent.parent.name for p in catalogues} >= {"vi", "en"}
    bad = [(p.relative_to(ROOT), s[:60]) for p in catalogues for s in _po_strings(p) if not is_nfc(s)]
    assert len(_po_strings(catalogues[0])) > 100
    assert bad == []


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from _strings(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))


def test_plan_templates_are_nfc():
    files = sorted((ROOT / "fieldwork" / "plan_templates").glob("*.json"))
    assert {p.stem for p in files} >= {"tay-ninh-2023", "da-nang-2023"}
    for path in files:
        strings = list(_strings(json.loads(path.read_text(encoding="utf-8"))))
        assert any("đ" in s.lower() for s in strings)  # Vietnamese text is there
        assert [s for s in strings if not is_nfc(s)] == [], path.name


def test_demo_data_is_nfc():
    from fieldwork.management.commands import _demo_data

    strings = [s for name in dir(_demo_data) if name.isupper() for s in _strings(getattr(_demo_data, name))]
    assert "Mai Thị Xuân" in strings
    assert [s for s in strings if not is_nfc(s)] == []
    for module in ("_demo_data.py", "load_demo.py"):
        assert not_nfc_lines(ROOT / "fieldwork" / "management" / "commands" / module) == []


def test_the_source_and_docs_are_nfc():
    assert [line for p in project_files() for line in not_nfc_lines(p)] == []


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_show_the_language_names_in_nfc(client, people, signed_in):
    if signed_in:
        client.force_login(people["cadre"])
        url = reverse("fieldwork:my_trips")
    else:
        url = reverse("accounts:login")
    html = client.get(url).content.decode()
    assert ">Tiếng Việt</button>" in html  # precomposed, as typed here
    assert unicodedata.normalize("NFD", "Tiếng Việt") not in html
    assert is_nfc(html)
