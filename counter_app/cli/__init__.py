"""The `counter-app` command: one module per command group, one shared runner.

Each group module has `register(subparsers, common)` adding its sub-commands; a
handler takes the parsed arguments, calls use cases, prints, and returns an exit
code. The windows (teller, demo, backoffice, supervisor, kiosk, display) are
started by `counter_main` before this parser is reached; they are listed here so
`counter-app --help` shows every command.
"""

from __future__ import annotations

import argparse
import sys

from counter_app.cli import (
    audit,
    case,
    catalogue,
    db,
    devices,
    followup,
    hall,
    outbox,
    queue,
    rating,
    report,
)
from counter_app.cli.runner import common_options, run

GUI_COMMANDS = {
    "teller": "综合柜员工作台（默认）",
    "demo": "演示：临时数据库、模拟外设、示例办件",
    "backoffice": "后台工作台（拆包分办）",
    "supervisor": "值班长视图",
    "kiosk": "自助取号机（全屏）",
    "display": "大厅叫号屏（全屏）",
}
GROUPS = (db, hall, catalogue, case, queue, rating, followup, outbox, report, audit, devices)


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="counter-app", description="快办柜台：综合柜员一窗通办", parents=[common]
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    for name, help_text in GUI_COMMANDS.items():
        sub.add_parser(name, help=help_text, parents=[common]).add_argument(
            "--devices", choices=["config", "simulated", "none"], help="外设"
        )
    for group in GROUPS:
        group.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:  # a window command reached the headless parser
        print(f"“{args.command}”是图形界面命令，请直接运行 counter-app {args.command}",
              file=sys.stderr)
        return 2
    return run(handler, args)


if __name__ == "__main__":
    sys.exit(main())
