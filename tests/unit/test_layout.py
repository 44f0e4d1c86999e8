"""The layout stays as docs/architecture.md draws it: no import cycle anywhere in the package, and no module
(of the package, its tests or the benchmarks) over 300 lines. Which way imports go between packages is
import-linter's job (`make lint`, contracts in pyproject.toml); this checks what it does not."""

from __future__ import annotations

from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 300
# The reading pipeline is being rewritten under commands/reading/ by separate work, which splits this one.
NOT_YET_SPLIT: set[str] = set()


def import_cycles(package: str) -> list[list[str]]:
    """Every set of modules that import each other round in a circle (Tarjan's strongly connected
    components over the graph of direct imports, including those inside functions)."""
    graph = grimp.build_graph(package)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so a deep import chain cannot hit the recursion limit.
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, imported = work[-1]
            step = next(imported, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph.find_modules_directly_imported_by(step)))))
                elif step in on_stack:
                    low[module] = min(low[module], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1 or module in graph.find_modules_directly_imported_by(module):
                    cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_back_through_others():
    assert import_cycles("diner_agent") == []


def test_the_cycle_search_finds_a_cycle(tmp_path, monkeypatch):
    package = tmp_path / "circle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circle import b\n")
    (package / "b.py").write_text("def f():\n    from circle import c\n")
    (package / "c.py").write_text("import circle.a\n")
    (package / "d.py").write_text("import circle.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("circle") == [["circle.a", "circle.b", "circle.c"]]


def test_no_module_is_over_300_lines():
    long = {}
    for folder in ("diner_agent", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            name = str(path.relative_to(ROOT))
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES and name not in NOT_YET_SPLIT:
                long[name] = lines
    assert long == {}
