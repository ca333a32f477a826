"""The shape the code must keep (docs/design.md): import-linter's contracts from
pyproject.toml, no import circle in counter_app/ or ui/ (imports inside functions
count), and no window or command that opens a transaction itself."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
OWN = ("counter_app", "ui")


def test_import_linter_contracts_hold() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command;"
         " sys.exit(lint_imports_command())"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def import_cycles(graph: grimp.ImportGraph, roots: tuple[str, ...]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), among `roots`."""
    ours = [m for m in graph.modules if m.split(".")[0] in roots]
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w.split(".")[0] not in roots:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in ours:
        if module not in index:
            visit(module)
    return found


def test_no_import_circle_in_counter_app_or_ui() -> None:
    graph = grimp.build_graph(*OWN, "devices", "printing")
    assert import_cycles(graph, OWN) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pkg = tmp_path / "circ"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from circ import b\n")  # inside a function
    (pkg / "b.py").write_text("import circ.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("circ")
    assert import_cycles(graph, ("circ",)) == [["circ.a", "circ.b"]]


def test_windows_and_commands_never_open_a_transaction() -> None:
    pattern = re.compile(r"uow\(\)|unit_of_work\(|\.commit\(\)")
    hits = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("ui", "counter_app/cli")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert hits == []
