"""Selectors only read (docs/style.md “Layout”): no module under fieldwork/selectors/ imports a
service, a writer of the stored figures (fieldwork/stored/) or a Celery task module, and none
names `ensure_fresh` or `ensure_built`, which may recompute a whole plan. A page that needs
fresh stored figures asks for them in its view (or the service that changed the data does);
a read never writes.

The files are parsed, not imported: an import inside a function counts as much as one at the
top of the module."""

import ast
from pathlib import Path

import pytest

SELECTORS = Path(__file__).resolve().parents[2] / "fieldwork" / "selectors"
FORBIDDEN_MODULES = ("fieldwork.services", "fieldwork.stored", "fieldwork.tasks")
FORBIDDEN_NAMES = {"ensure_fresh", "ensure_built"}


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The module an ImportFrom names, relative imports resolved against the file's package."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _forbidden_module(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in FORBIDDEN_MODULES) or "tasks" in name.split(".")


def offences(source: str, package: str = "fieldwork.selectors") -> list[str]:
    """What a module of `package` imports or names that a selector must not, one line each."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names if _forbidden_module(a.name)]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, package)
            for a in node.names:
                if _forbidden_module(module) or _forbidden_module(f"{module}.{a.name}") or a.name in FORBIDDEN_NAMES:
                    found.append(f"{node.lineno}: from {module} import {a.name}")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"{node.lineno}: {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
            found.append(f"{node.lineno}: .{node.attr}")
    return found


def selector_files() -> list[Path]:
    return sorted(SELECTORS.rglob("*.py"))


def test_there_are_selectors_to_check():
    assert len(selector_files()) > 3


@pytest.mark.parametrize("path", selector_files(), ids=lambda p: p.name)
def test_a_selector_imports_no_writer_and_refreshes_nothing(path):
    package = ".".join(path.relative_to(SELECTORS.parents[1]).parent.parts)
    assert offences(path.read_text(encoding="utf-8"), package) == [], "see docs/style.md “Layout”"


def test_the_check_catches_each_kind_of_offence():
    """The check itself can fail: each forbidden form, at the top or inside a function."""
    source = (
        "from fieldwork.services import trips\n"
        "import fieldwork.stored.standings\n"
        "from fieldwork import tasks\n"
        "from ..reminders.tasks import send\n"
        "def page(plan):\n"
        "    from fieldwork.stored.coverage import rebuild\n"
        "    ensure_fresh(plan)\n"
        "    return stored.ensure_built(plan)\n"
        "from fieldwork.selectors.stored import rows_of\n"
        "from .standing import standings\n"
    )
    assert sorted({int(o.split(":")[0]) for o in offences(source)}) == [1, 2, 3, 4, 6, 7, 8]
