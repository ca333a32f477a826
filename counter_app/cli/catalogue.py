"""`counter-app catalogue check [FILE]` and `counter-app catalogue list [--json]`.

A catalogue with problems is bad input: exit 2 (like every other command), each
problem on its own line in Chinese."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path
from typing import Any

from counter_app.catalogue import CatalogueError, load_catalogue, load_for_check
from counter_app.cli.runner import CliError, print_json
from counter_app.domain.catalogue import BOARDS, Bundle, Catalogue, Item


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "catalogue",
        parents=[common],
        help="事项目录：检查、列出",
        description="事项目录（一件事、事项、材料、表单字段）",
    )
    sub = parser.add_subparsers(dest="catalogue_command", required=True)

    check = sub.add_parser(
        "check",
        parents=[common],
        help="检查目录文件",
        description="检查目录。不给 FILE 时检查随程序安装的目录；给出单个文件时，"
        "以默认目录中的其他文件为上下文检查它（同名文件被替换）；也可以给出一个目录。",
    )
    check.add_argument("file", nargs="?", type=Path, metavar="FILE",
                       help="要检查的 .toml 文件或目录")
    check.add_argument("--json", action="store_true", help="以 JSON 输出")
    check.set_defaults(handler=run_check)

    listing = sub.add_parser("list", help="列出一件事和事项", description="列出一件事和事项",
                             parents=[common])
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")
    listing.add_argument("--dir", type=Path, metavar="DIR",
                         help="目录文件夹（默认：随程序安装的目录）")
    listing.set_defaults(handler=run_list)


# -- handlers -------------------------------------------------------------------------


def run_check(args: argparse.Namespace) -> int:
    import resources

    path: Path = args.file if args.file is not None else resources.CATALOGUE_DIR
    if not path.exists():
        raise CliError(f"FILE: 文件或目录不存在: {path}")
    try:
        catalogue = load_for_check(path)
    except CatalogueError as exc:
        if getattr(args, "json", False):
            print_json({"ok": False, "problems": exc.problems})
        else:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            print(f"目录检查未通过: {len(exc.problems)} 个问题", file=sys.stderr)
        return 2
    counts = catalogue_counts(catalogue)
    if getattr(args, "json", False):
        print_json({"ok": True, "problems": [], "counts": counts})
    else:
        print(
            f"目录检查通过: {counts['bundles']} 个一件事, {counts['items']} 个事项, "
            f"{counts['speedup']} 个提速办事项"
        )
    return 0


def run_list(args: argparse.Namespace) -> int:
    directory: Path | None = getattr(args, "dir", None)
    if directory is not None and not directory.is_dir():
        raise CliError(f"--dir: 目录不存在: {directory}")
    try:
        catalogue = load_catalogue(directory)
    except CatalogueError as exc:
        raise CliError(
            f"事项目录有 {len(exc.problems)} 个问题，请先运行 counter-app catalogue check\n"
            + "\n".join(exc.problems),
        ) from exc
    if args.json:
        print_json(catalogue_to_json(catalogue))
    else:
        print(format_catalogue(catalogue))
    return 0


# -- data -----------------------------------------------------------------------------


def catalogue_counts(catalogue: Catalogue) -> dict[str, Any]:
    items = list(catalogue.items.values())
    return {
        "bundles": len(catalogue.bundles),
        "items": len(items),
        "speedup": sum(1 for item in items if item.is_speedup),
        "boards": {board: sum(1 for i in items if i.board == board) for board in BOARDS},
    }


def bundle_to_json(bundle: Bundle) -> dict[str, Any]:
    return {
        "code": bundle.code,
        "name": bundle.name,
        "description": bundle.description,
        "pinyin": bundle.pinyin,
        "mandatory": list(bundle.mandatory),
        "situations": [
            {
                "key": s.key,
                "question": s.question,
                "default": s.default,
                "options": [
                    {"value": o.value, "label": o.label, "adds": list(o.adds)}
                    for o in s.options
                ],
            }
            for s in bundle.situations
        ],
    }


def item_to_json(item: Item) -> dict[str, Any]:
    return {
        "code": item.code,
        "basic_code": item.basic_code,
        "name": item.name,
        "board": item.board,
        "item_type": item.item_type,
        "item_type_label": item.item_type_label,
        "case_kind": item.case_kind.value,
        "case_kind_label": item.case_kind.label,
        "statutory": {"days": item.statutory.days, "unit": item.statutory.unit.value,
                      "label": item.statutory.label},
        "committed": {"days": item.committed.days, "unit": item.committed.unit.value,
                      "label": item.committed.label},
        "speedup": item.is_speedup,
        "unit": {"code": item.unit.code, "name": item.unit.name},
        "pays_money": item.pays_money,
        "legal_basis": item.legal_basis,
        "pinyin": item.pinyin,
        "aliases": list(item.aliases),
        "materials": [
            {
                "code": need.material.code,
                "name": need.material.name,
                "form": need.form.value,
                "form_label": need.form.label,
                "count": need.count,
                "tolerable": need.tolerable,
                "required": need.required,
                "shareable": need.material.shareable,
            }
            for need in item.materials
        ],
        "fields": [
            {
                "key": need.field.key,
                "label": need.field.label,
                "kind": need.field.kind.value,
                "required": need.required,
                "prefill": need.field.prefill,
                "choices": list(need.field.choices),
            }
            for need in item.fields
        ],
    }


def catalogue_to_json(catalogue: Catalogue) -> dict[str, Any]:
    return {
        "bundles": [bundle_to_json(b) for b in catalogue.bundles.values()],
        "items": [item_to_json(i) for i in catalogue.items.values()],
        "counts": catalogue_counts(catalogue),
    }


# -- text -----------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def format_catalogue(catalogue: Catalogue) -> str:
    """A readable listing: bundles with their situations, then items by board."""
    lines: list[str] = []
    counts = catalogue_counts(catalogue)
    lines.append(f"一件事 {counts['bundles']} 个")
    lines.append("")
    for bundle in catalogue.bundles.values():
        lines.append(f"{bundle.code}  {bundle.name}")
        for code in bundle.mandatory:
            lines.append(f"    必做  {code}  {_item_name(catalogue, code)}")
        for situation in bundle.situations:
            lines.append(f"    情形  {situation.question}")
            for option in situation.options:
                mark = "*" if option.value == situation.default else " "
                adds = "、".join(_item_name(catalogue, c) for c in option.adds)
                lines.append(f"        {mark} {option.label}" + (f" → {adds}" if adds else ""))
        lines.append("")
    lines.append(
        f"事项 {counts['items']} 个（提速办 {counts['speedup']} 个；"
        "“提速”= 承诺时限不超过法定时限的一半，“信用”= 涉及资金支付，表单附信用承诺）"
    )
    header = ["实施编码", "事项名称", "类型", "办件", "法定时限", "承诺时限", "标记", "责任单位"]
    widths = [16, 34, 12, 8, 14, 14, 10, 0]
    for board in BOARDS:
        items = [i for i in catalogue.items.values() if i.board == board]
        if not items:
            continue
        lines.append("")
        lines.append(f"【{board}】{len(items)} 个")
        lines.append("".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip())
        for item in items:
            marks = " ".join(m for m, on in (("提速", item.is_speedup), ("信用", item.pays_money))
                             if on)
            row = [item.code, item.name, item.item_type_label, item.case_kind.label,
                   item.statutory.label, item.committed.label, marks, item.unit.name]
            lines.append("".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _item_name(catalogue: Catalogue, code: str) -> str:
    item = catalogue.items.get(code)
    return item.name if item else code
