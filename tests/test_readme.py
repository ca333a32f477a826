"""The README as a newcomer reads it on the forge: every table row renders as a row
with all its cells, every local link leads to a file of the clone, and every command
it names exists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _tables(text: str) -> list[list[str]]:
    """The source lines of each table (consecutive lines starting with '|')."""
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_every_table_row_renders_with_all_its_cells() -> None:
    text = README.read_text(encoding="utf-8")
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    rendered: list[list[int]] = []  # cells per row, per table
    for tok in tokens:
        if tok.type == "table_open":
            rendered.append([])
        elif tok.type == "tr_open":
            rendered[-1].append(0)
        elif tok.type in ("th_open", "td_open"):
            rendered[-1][-1] += 1
    sources = _tables(text)
    assert len(rendered) == len(sources) >= 2
    for source, rows in zip(sources, rendered, strict=True):
        header_cells = rows[0]
        # every source line except the delimiter row is a rendered row
        assert len(rows) == len(source) - 1, source[0]
        assert all(cells == header_cells for cells in rows), source[0]
        # a pipe inside a code span still splits a cell (the renderer then drops
        # the surplus cells silently): count the cells as written
        written = [len(re.split(r"(?<!\\)\|", line.strip().strip("|"))) for line in source]
        assert set(written) == {header_cells}, [ln for ln, n in zip(source, written,
                                                                    strict=True)
                                                if n != header_cells]


def test_local_links_lead_to_files_of_the_clone() -> None:
    text = README.read_text(encoding="utf-8")
    assert "../shared" not in text
    links = re.findall(r"\]\(([^)]+)\)", text)
    local = [link for link in links if "://" not in link]
    assert local
    for link in local:
        assert (ROOT / link.split("#")[0]).exists(), link


def test_the_commands_it_names_exist() -> None:
    text = README.read_text(encoding="utf-8")
    named = set(re.findall(r"`counter-app ([a-z][a-z-]+)", text))
    out = subprocess.run(
        [sys.executable, "-m", "counter_main", "--help"], capture_output=True, text=True,
        cwd=ROOT, check=True,
    ).stdout
    for command in named:
        assert re.search(rf"^\s+{command}\s", out, re.M), command
    for script in re.findall(r"bash (scripts/[\w.-]+)", text):
        assert (ROOT / script).exists(), script
