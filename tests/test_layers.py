"""The layers of design.md, checked by walking the imports of every module:
Qt only in ui/; devices/ and printing/ never import counter_app or ui; counter_app
never imports ui. Headless commands start without importing Qt."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "shiboken6")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
    return {n.split(".")[0] for n in names}


def violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = imports_of(path) & set(forbidden)
        if bad:
            found.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}")
    return found


def test_qt_only_in_ui() -> None:
    for package in ("counter_app", "devices", "printing", "resources"):
        assert violations(package, QT) == []


def test_lower_layers_never_import_upwards() -> None:
    assert violations("devices", ("counter_app", "ui")) == []
    assert violations("printing", ("counter_app", "ui")) == []
    assert violations("counter_app", ("ui",)) == []


def test_the_check_itself_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import Qt\nimport counter_app.cli\n", encoding="utf-8")
    assert imports_of(bad) == {"PySide6", "counter_app"}


def test_headless_command_does_not_load_qt() -> None:
    code = (
        "import sys, counter_main\n"
        "rc = counter_main.main(['catalogue', 'check'])\n"
        "assert rc == 0, rc\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt loaded'\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
