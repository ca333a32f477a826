"""`counter-app report shift [--date D] [--window N] [--json|--pdf F|--xlsx F]`:
the shift / day-end summary. Every rate is printed with its formula."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from counter_app.cli import runner
from counter_app.cli.runner import CliError, print_json


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    rep = sub.add_parser("report", help="统计报表", parents=[common]).add_subparsers(
        dest="report_command", required=True
    )
    sh = rep.add_parser("shift", help="值班日报 (排队、办件、好差评、差评整改)", parents=[common])
    sh.add_argument("--date", help="日期 YYYY-MM-DD (默认今天)")
    sh.add_argument("--window", help="只统计某窗口")
    sh.add_argument("--json", action="store_true", help="输出 JSON")
    sh.add_argument("--pdf", metavar="FILE", help="写出 PDF")
    sh.add_argument("--xlsx", metavar="FILE", help="写出 Excel (xlsx)")
    sh.set_defaults(handler=cmd_shift)


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"日期格式应为 YYYY-MM-DD: {text}") from None


def cmd_shift(args: argparse.Namespace) -> int:
    from pathlib import Path

    from counter_app.services import reports
    from counter_app.usecases.reports import ShiftQuery, export_shift

    day = _day(args.date)
    with runner.runtime(args) as rt:
        query = ShiftQuery(runner.actor(args, rt), day, args.window)
        summary, written = export_shift(
            rt, query, Path(args.pdf) if args.pdf else None, Path(args.xlsx) if args.xlsx else None
        )
    if args.json:
        print_json(summary.as_json())
    elif not written:
        from printing.pdf.shift_report import TITLE

        where = f"{summary.window}号窗口" if summary.window else "全厅"
        print(f"{TITLE}　{summary.day.isoformat()}　{where}")
        for f in reports.figures(summary):
            note = f"　［{f.note}］" if f.note else ""
            print(f"  {f.label}：{f.text}{note}")
    else:
        for path in written:
            print(f"已写出 {path}")
    return 0
