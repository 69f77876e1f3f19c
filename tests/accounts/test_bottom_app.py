"""`accounts` is the bottom app (docs/style.md: imports point one way): it imports nothing of `fieldwork`
or `reports` and names none of their pages; their menus and fragments reach it through
accounts/registry.py, declared in their own navigation.py."""

import ast
import re
from pathlib import Path

ACCOUNTS = Path(__file__).resolve().parents[2] / "accounts"
ABOVE = ("fieldwork", "reports")


def _modules():
    return [p for p in sorted(ACCOUNTS.rglob("*.py")) if "migrations" not in p.parts]


def test_accounts_imports_no_app_above_it():
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [(path.name, n) for n in names if n.split(".")[0] in ABOVE]
    assert len(_modules()) > 20 and found == []


def test_accounts_names_no_page_of_an_app_above_it():
    url_name = re.compile(r"""["'](?:fieldwork|reports):\w+["']""")
    found = [(p.name, m.group(0)) for p in _modules() for m in url_name.finditer(p.read_text(encoding="utf-8"))]
    assert found == []
