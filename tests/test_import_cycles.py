"""No import cycle among planlint's modules, counting imports inside functions too (a lazy import
only hides a cycle: bundled ↔ rules.loader ↔ primitives ↔ coverage ↔ population was one)."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path

from conftest import REPO

SRC = REPO / "src"


@functools.cache
def _nodes(path: Path) -> tuple[list[ast.Import | ast.ImportFrom], frozenset[str]]:
    """A module's import statements and string constants, read once for all the tests of this file
    (walking the syntax trees is most of their time)."""
    imports: list[ast.Import | ast.ImportFrom] = []
    strings = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.add(node.value)
    return imports, frozenset(strings)


def _module_graph() -> dict[str, set[str]]:
    paths = {}
    for path in (SRC / "planlint").rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        paths[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps = set()
        for node in _nodes(path)[0]:
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                candidates = [target, *(f"{target}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                candidates = [a.name for a in node.names]
            else:
                continue
            deps |= {c for c in candidates if c in paths and c != name}
        graph[name] = deps
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_detector_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_no_import_cycle():
    graph = _module_graph()
    assert "planlint.rules.loader" in graph and "planlint.bundled" in graph
    assert _cycles(graph) == []


# -- the web pages do not import CLI code ---------------------------------------------------------

WEB = ("planlint.serve", "planlint.desk")
CLI = ("planlint.commands", "planlint.cli")


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def _import_graph() -> dict[str, set[str]]:
    """What importing each module executes: the modules it imports (inside functions too), each
    with its parent packages (`import planlint.report.text` runs planlint/report/__init__.py), and
    the modules it names for importlib (`"planlint.report.text"` in a table of reporters)."""
    graph = _module_graph()
    names = set(graph)
    for name, deps in graph.items():
        path = SRC / Path(*name.split("."))
        source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        deps |= _nodes(source)[1] & names
        deps |= {parent for dep in set(deps) for parent in _parents(dep) if parent in names}
        deps.discard(name)
    return graph


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _cli_paths(graph: dict[str, set[str]]) -> dict[str, list[str]]:
    """For each web module that reaches CLI code: one import chain from it to the CLI module."""
    found = {}
    for start in sorted(n for n in graph if _within(n, WEB)):
        came_from: dict[str, str | None] = {start: None}
        queue = [start]
        while queue:
            here = queue.pop(0)
            if _within(here, CLI):
                chain = [here]
                while came_from[chain[-1]] is not None:
                    chain.append(came_from[chain[-1]])  # type: ignore[arg-type]
                found[start] = chain[::-1]
                break
            for nxt in sorted(graph[here]):
                if nxt not in came_from:
                    came_from[nxt] = here
                    queue.append(nxt)
    return found


def test_the_detector_sees_cli_code_reached_through_a_lazy_import():
    graph = {
        "planlint": set(),
        "planlint.serve": set(),
        "planlint.serve.jobs": {"planlint.fixrounds"},
        "planlint.fixrounds": {"planlint.commands.fix"},
        "planlint.commands": set(),
        "planlint.commands.fix": set(),
    }
    assert _cli_paths(graph) == {
        "planlint.serve.jobs": ["planlint.serve.jobs", "planlint.fixrounds", "planlint.commands.fix"]
    }


def test_the_web_pages_import_no_cli_code():
    """planlint serve and planlint desk share the library with the CLI, never the CLI's own code
    (issue 16: serve/jobs.py once imported the CLI command's fix_file)."""
    graph = _import_graph()
    assert "planlint.serve.jobs" in graph and "planlint.desk.app" in graph
    assert "planlint.report.text" in graph["planlint.report"]  # importlib names are edges
    assert _cli_paths(graph) == {}


def test_importing_the_web_pages_loads_no_cli_module():
    """The same, as Python sees it: import every web module in a fresh interpreter."""
    web = sorted(n for n in _module_graph() if _within(n, WEB))
    code = (
        "import importlib, sys\n"
        f"for name in {web!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError:\n"
        "        pass\n"  # an optional extra (starlette, argon2) missing: nothing imported from it
        "print('\\n'.join(m for m in sys.modules if m.startswith(('planlint.commands', 'planlint.cli'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []
