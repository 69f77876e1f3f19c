#!/usr/bin/env python3
"""Fail when a translation catalogue has untranslated or fuzzy entries.

The interface is written in Vietnamese (docs/domain.md §9), so the Vietnamese catalogue may leave the
project's own strings empty (an empty msgstr means "use the source string"); every other catalogue
must translate every entry. Standard library only, so it runs before the venv exists.

    python scripts/check_translations.py            # checks locale/en (the strict languages)
    python scripts/check_translations.py vi en      # any languages; vi is checked for fuzzy only
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
SOURCE_LANGUAGE = "vi"
STRICT_LANGUAGES = ("en",)

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\{\s*[\w.|:\"' ]+?\s*\}\}|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str) -> str:
    # PO strings use C escapes, which a Python string literal reads the same way.
    return ast.literal_eval(text.strip())


def parse_po(path: Path | str) -> list[Entry]:
    """Entries of a .po file, in file order (the header included)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish():
        nonlocal entry, target
        if entry is not None and (entry.msgid or entry.msgstr or entry.msgctxt is not None):
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()  # a comment after msgstr starts the next entry
            if entry is None:
                entry = Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if entry is None or target is None:
                raise ValueError(f"{path}:{number}: string without a keyword")
            kind, index = target
            value = _unquote(line)
            if kind == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, kind, getattr(entry, kind) + value)
            continue
        if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
            finish()
        if entry is None:
            entry = Entry(line=number)
        entry.obsolete = entry.obsolete or obsolete
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, _unquote(rest))
            target = (keyword, None)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{number}: unexpected line {raw!r}")
    finish()
    return entries


def placeholders(text: str) -> set[str]:
    return {m.group(0).replace(" ", "") for m in _PLACEHOLDER.finditer(text)}


def problems(path: Path | str, *, strict: bool = True) -> list[str]:
    """Human-readable problems of one catalogue: fuzzy always; untranslated and placeholder
    mismatches when `strict` (an empty msgstr is allowed in the source language)."""
    found = []
    for entry in parse_po(path):
        if entry.obsolete or entry.is_header:
            continue
        where = f"{path}:{entry.line}"
        label = entry.msgid if len(entry.msgid) < 80 else entry.msgid[:77] + "..."
        if entry.fuzzy:
            found.append(f"{where}: fuzzy: {label!r}")
        if strict and not entry.translated:
            found.append(f"{where}: untranslated: {label!r}")
        if entry.translated:
            wanted = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
            for index, text in entry.msgstr.items():
                got = placeholders(text)
                # the singular form of a plural may drop the number ("one character")
                missing = wanted - got if not (entry.msgid_plural and index == 0) else set()
                if missing or got - wanted:
                    found.append(
                        f"{where}: placeholders differ in msgstr[{index}] of {label!r}: "
                        f"expected {sorted(wanted)}, got {sorted(got)}"
                    )
    return found


def msgfmt_check(path: Path | str) -> list[str]:
    """`msgfmt --check` errors (format strings, header), when gettext is installed."""
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        return []
    result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    return [line for line in result.stderr.splitlines() if line.strip()] if result.returncode else []


def check(languages=None) -> list[str]:
    languages = languages or STRICT_LANGUAGES
    found = []
    for language in languages:
        path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
        if not path.exists():
            found.append(f"{path}: missing")
            continue
        found += problems(path, strict=language != SOURCE_LANGUAGE)
        found += msgfmt_check(path)
    return found


def main(argv: list[str]) -> int:
    found = check(argv or None)
    for line in found:
        print(line)
    print(f"{len(found)} problem(s)" if found else "translations OK")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
