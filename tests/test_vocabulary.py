"""One vocabulary (docs/glossary.md): the templates and the Python sources never use a variant the
glossary rules out. Each rule names the term to use; the glossary lists every variant."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("accounts", "fieldwork", "reports", "config", "templates")
DOCUMENTS = ("reports", "templates/reports/pdf")  # what is signed: forms, reports, year-end sheet

# (pattern, flags, scope, the glossary's variant as written there, the term to use)
RULES = [
    (r"chỉ tiêu", re.I, SOURCES, "chỉ tiêu", "thuộc diện phải đi cơ sở / số ngày phải đi"),
    (r"thuộc diện (?:đi cơ sở|thực hiện)", re.I, SOURCES, "thuộc diện đi cơ sở", "thuộc diện phải đi cơ sở"),
    (r"(?<!tiến độ )cần đạt", re.I, SOURCES, "cần đạt", "số ngày phải đi"),
    (r"đăng ký thêm", re.I, SOURCES, "đăng ký thêm", "đã đăng ký, chưa thực hiện xong"),
    (r"kế hoạch còn lại", re.I, SOURCES, "kế hoạch còn lại", "đã đăng ký, chưa thực hiện xong"),
    (r"tính theo t[ỷỉ] lệ", re.I, SOURCES, "tính theo tỷ lệ", "được tính giảm"),
    (r"\b3 cùng\b|\bba cùng\b", re.I, DOCUMENTS, "3 cùng", "cùng ăn, cùng ở, cùng làm"),
    (r"Ủy ban Kiểm tra|Uỷ ban|UBKT", 0, SOURCES, "Ủy ban Kiểm tra", "Ủy ban kiểm tra"),
    (
        r"các ban và văn phòng|các ban/văn phòng|\bban, phòng\b",
        re.I,
        SOURCES,
        "các ban và văn phòng",
        "các ban, văn phòng",
    ),
    (r"lãnh đạo ban lãnh đạo ban", re.I, SOURCES, "Lãnh đạo ban lãnh đạo ban", "Lãnh đạo ban"),
    (
        r"ngày về|sau ngày đi\b|sau ngày bắt đầu|trước ngày bắt đầu",
        re.I,
        SOURCES,
        "ngày về",
        "“Từ ngày” / “Đến ngày” (the field labels)",
    ),
    (r"[\"']Tình hình[\"']|Tình hình \(", 0, SOURCES, "Tình hình", "Tình trạng"),
    (r"BCH (?:TỈNH|THÀNH|HUYỆN|QUẬN|THỊ) ĐOÀN", 0, SOURCES, "BCH TỈNH ĐOÀN", "BCH ĐOÀN TỈNH …"),
    (r"Lưu Ban TCKT", 0, DOCUMENTS, "Lưu Ban TCKT.", "Lưu VP, Ban TCKT."),
]


def source_files(scope):
    for folder in scope:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                yield path


@pytest.mark.parametrize(("pattern", "flags", "scope", "variant", "term"), RULES, ids=[r[3] for r in RULES])
def test_no_forbidden_variant(pattern, flags, scope, variant, term):
    rx = re.compile(pattern, flags)
    found = [
        f"{path.relative_to(ROOT)}:{i}: {line.strip()[:120]}"
        for path in source_files(scope)
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if rx.search(line)
    ]
    assert not found, f"use “{term}” (docs/glossary.md), not “{variant}”:\n" + "\n".join(found)


def test_the_glossary_lists_every_variant_the_test_refuses():
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    missing = [variant for *_rest, variant, _term in RULES if variant not in glossary]
    assert not missing, missing


def test_a_rule_catches_what_it_names(tmp_path):
    """The rules can fail: each variant as written in the glossary is caught by its own pattern."""
    for pattern, flags, _scope, variant, _term in RULES:
        assert re.search(pattern, f'x "{variant}" x' if variant == "Tình hình" else variant, flags), variant
