"""`counter-app audit`: who viewed whose personal data and who changed what, when,
from which PC (值班长 and administrators; log in with --staff-no).

    counter-app --staff-no 9001 audit [--date D] [--subject CASE_NO] [--who STAFF_NO] [--json]
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from counter_app.cli import runner
from counter_app.cli.runner import CliError, print_json


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("audit", help="审计记录：谁查看了谁的信息、谁做了什么", parents=[common])
    p.add_argument("--date", help="日期 YYYY-MM-DD")
    p.add_argument("--subject", help="对象：办件编号、工号等")
    p.add_argument("--who", help="操作人工号")
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_audit)


def cmd_audit(args: argparse.Namespace) -> int:
    from counter_app.usecases import staff

    try:
        day = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise CliError(f"日期格式应为 YYYY-MM-DD: {args.date}") from None
    with runner.runtime(args) as rt:
        lines = staff.audit_trail(rt, staff.AuditQuery(
            runner.actor(args, rt), day, args.subject, args.who, max(1, args.limit)
        ))
    if args.json:
        print_json([line.as_json() for line in lines])
    else:
        for line in lines:
            where = f"{line.workstation}" + (f" {line.window_no}号窗口" if line.window_no else "")
            print(f"{line.at}  {line.who}  {where}  {line.action_label}  "
                  f"{line.subject_kind} {line.subject}")
    return 0
