"""The module graph of the project (docs/style.md “Dependencies point one way”): every import of
the apps' modules, at module level and inside functions (relative ones resolved), except those
under `if TYPE_CHECKING:`; migrations and tests left out.

- No import circle, but a Celery service ↔ task pair (`X/services.py` enqueues `X/tasks.py`,
  which calls the service back).
- At most `MAX_UPWARD` imports from a lower layer to a higher one (`LAYERS`).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "accounts", "fieldwork", "reports", "config")

# Bottom to top: a module belongs to the layer of the longest prefix that names it. Inside
# fieldwork: the pure engine, the domain (models, cycles, places, terms), the reads, the stored
# figures' writers (above the reads), the writes, the importers (workbook → services), the entry
# points (pages, Celery tasks, commands, the app's signal wiring).
LAYERS = [
    ("core",),
    ("accounts",),
    ("fieldwork.quota",),
    ("fieldwork", "fieldwork.reminders.models", "fieldwork.reminders.deadlines"),
    ("fieldwork.selectors", "fieldwork.reminders.selectors"),
    ("fieldwork.stored",),
    ("fieldwork.services", "fieldwork.reminders"),
    ("fieldwork.importers",),
    (
        "fieldwork.apps",
        "fieldwork.tasks",
        "fieldwork.forms",
        "fieldwork.reminders.forms",
        "fieldwork.templatetags",
        "fieldwork.views",
        "fieldwork.urls",
        "fieldwork.urls_people",
        "fieldwork.urls_plans",
        "fieldwork.urls_registration",
        "fieldwork.urls_reminders",
        "fieldwork.urls_results",
        "fieldwork.navigation",
        "fieldwork.admin",
        "fieldwork.management",
    ),
    ("reports",),
    ("config",),
]
MAX_UPWARD = 2


def _module_files(root: Path, packages) -> dict[str, Path]:
    out = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts or "tests" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    """Every Import / ImportFrom node, skipping the bodies of `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _resolve(name: str, modules: set[str]) -> str | None:
    """The project module `name` is, or the closest package above it; None outside the project."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph(root: Path = ROOT, packages=PACKAGES) -> dict[str, set[str]]:
    """Module → the project modules it imports."""
    files = _module_files(root, packages)
    modules = set(files)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from a import b`: the submodule a.b when there is one, else a itself.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
                ]
            for target in targets:
                resolved = _resolve(target, modules)
                if resolved is not None and resolved != module:
                    graph[module].add(resolved)
    return graph


def _celery_pair(a: str, b: str) -> bool:
    pa, _, na = a.rpartition(".")
    pb, _, nb = b.rpartition(".")
    return pa == pb and {na, nb} == {"services", "tasks"}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), the edges of a
    Celery service ↔ task pair left out, each sorted."""
    edges = {m: {t for t in ts if not _celery_pair(m, t)} for m, ts in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out = []
    counter = 0

    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    component.append(m)
                    if m == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return sorted(out)


def layer_of(module: str) -> int:
    best, rank = -1, -1
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), i
    assert rank >= 0, f"{module} is in no layer of LAYERS"
    return rank


def upward_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((m, t) for m, ts in graph.items() for t in ts if layer_of(t) > layer_of(m))


def test_the_graph_reads_every_kind_of_import(tmp_path):
    """On a made-up project: module-level, function-level, relative and `from package import
    submodule` imports are edges; `if TYPE_CHECKING:` imports are not; a circle is found, a
    service ↔ task pair is not one."""
    files = {
        "app/__init__.py": "",
        "app/models.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.views import page\n",
        "app/selectors.py": "from .models import Thing\n",
        "app/services.py": "import app.selectors\ndef f():\n    from . import tasks\n",
        "app/tasks.py": "from app.services import f\n",
        "app/views.py": "def page():\n    from ..app import services\n    from app.sub.deep import x\n",
        "app/sub/__init__.py": "",
        "app/sub/deep.py": "from app import views\n",
        "app/migrations/0001_initial.py": "from app.views import page\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = import_graph(tmp_path, ("app",))
    assert graph == {
        "app": set(),
        "app.models": set(),
        "app.selectors": {"app.models"},
        "app.services": {"app.selectors", "app.tasks"},
        "app.tasks": {"app.services"},
        "app.views": {"app.services", "app.sub.deep"},
        "app.sub": set(),
        "app.sub.deep": {"app.views"},
    }
    assert circles(graph) == [["app.sub.deep", "app.views"]]


def test_every_module_has_a_layer():
    graph = import_graph()
    assert "fieldwork.quota.engine" in graph and "accounts.models" in graph["fieldwork.models"]
    assert {layer_of(m) for m in graph} <= set(range(len(LAYERS)))


def test_no_import_circle_but_celery_service_task_pairs():
    graph = import_graph()
    found = circles(graph)
    lines = []
    for component in found:
        members = set(component)
        lines.append(" ↔ ".join(component))
        lines += [f"    {m} → {t}" for m in component for t in sorted(graph[m] & members)]
    assert not found, "import circles:\n" + "\n".join(lines)


def test_imports_point_down_the_layers():
    graph = import_graph()
    upward = upward_imports(graph)
    listing = "\n".join(f"    {m} (layer {layer_of(m)}) → {t} (layer {layer_of(t)})" for m, t in upward)
    assert len(upward) <= MAX_UPWARD, f"{len(upward)} imports from a lower layer to a higher one:\n{listing}"
