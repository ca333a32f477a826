"""`counter-app followup …`: the bad-rating ledger, its steps, the 报告单. Steps are
the supervisor's: log in with `--staff-no`.

    counter-app followup list [--open | --all] [--json]
    counter-app followup step ID callback --what "已电话回访…" --staff-no 9001
    counter-app followup step ID verify --finding valid --what "…"
    counter-app followup step ID rectify --mode ledger --deadline 2026-10-12 --what "…"
    counter-app followup sheet ID --out 报告单.pdf
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from counter_app.cli import runner
from counter_app.cli.runner import CliError, print_json
from counter_app.domain.followup import Finding, RectifyMode, StepKind

#: Step names on the command line: the StepKind values, `-` or `_` alike.
STEPS = [s.value.replace("_", "-") for s in StepKind if s is not StepKind.OPENED]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    fu = sub.add_parser("followup", help="差评工单", parents=[common]).add_subparsers(
        dest="followup_command", required=True
    )
    fl = fu.add_parser("list", help="差评工单台账", parents=[common])
    fl.add_argument("--open", action="store_true", help="只看未办结")
    fl.add_argument("--all", action="store_true",
                    help="全部工单（默认：未办结的和最近一周的）")
    fl.add_argument("--json", action="store_true")
    fl.set_defaults(handler=cmd_followup_list)

    st = fu.add_parser("step", help="记录一步：" + "/".join(
        s.label for s in StepKind if s is not StepKind.OPENED), parents=[common])
    st.add_argument("id", type=int)
    st.add_argument("kind", type=_step, metavar="步骤", help="、".join(STEPS))
    st.add_argument("--what", required=True, help="做了什么")
    st.add_argument("--not-reached", action="store_true", help="回访未联系上")
    st.add_argument("--finding", choices=[f.value for f in Finding])
    st.add_argument("--mode", choices=[m.value for m in RectifyMode], help="整改方式")
    st.add_argument("--deadline", help="台账整改期限 YYYY-MM-DD")
    st.add_argument("--upheld", action="store_true", help="复核：申诉成立，差评不予采纳")
    st.add_argument("--json", action="store_true")
    st.set_defaults(handler=cmd_followup_step)

    sh = fu.add_parser("sheet", help="政务服务差评事项核查整改情况报告单 (PDF)", parents=[common])
    sh.add_argument("id", type=int)
    sh.add_argument("--out", required=True)
    sh.set_defaults(handler=cmd_followup_sheet)


def _step(text: str) -> StepKind:
    try:
        kind = StepKind.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"没有步骤 {text}，可选：{'、'.join(STEPS)}") from None
    if kind is StepKind.OPENED:
        raise argparse.ArgumentTypeError("“生成工单”由系统记录")
    return kind


def cmd_followup_list(args: argparse.Namespace) -> int:
    from counter_app.usecases import followups

    with runner.runtime(args) as rt:
        rows = followups.ledger(rt, open_only=args.open, everything=args.all)
    if args.json:
        print_json([
            {
                "id": r.id, "opened_at": r.opened_text, "case_no": r.case_no,
                "window": r.window_no, "teller": r.teller, "level": r.level,
                "reasons": list(r.reasons), "status": r.status, "status_label": r.status_label,
                "rectify_due": r.rectify_due, "report_due": r.report_due,
                "sla": r.sla.value, "sla_text": r.sla_text,
                "next_steps": list(r.next_actions),
                "steps": [{"kind": s.kind, "actor": s.actor, "at": s.at_text, "what": s.what}
                          for s in r.steps],
            }
            for r in rows
        ])
    else:
        for r in rows:
            print(f"#{r.id} {r.opened_text} {r.window_no}号窗口 {r.teller} {r.level} "
                  f"{r.case_no} [{r.status_label}] {r.sla_text}")
    return 0


def cmd_followup_step(args: argparse.Namespace) -> int:
    from counter_app.usecases import followups

    try:
        deadline = date.fromisoformat(args.deadline) if args.deadline else None
    except ValueError:
        raise CliError(f"日期格式应为 YYYY-MM-DD: {args.deadline}") from None
    with runner.runtime(args) as rt:
        row = followups.take_step(rt, followups.TakeStep(
            runner.actor(args, rt), args.id, args.kind, args.what,
            reached=not args.not_reached,
            finding=Finding(args.finding) if args.finding else None,
            mode=RectifyMode(args.mode) if args.mode else None,
            deadline=deadline, upheld=args.upheld,
        ))
    if args.json:
        print_json({"id": row.id, "status": row.status, "next_steps": list(row.next_actions)})
    else:
        print(f"工单 #{row.id}：{row.status_label}")
    return 0


def cmd_followup_sheet(args: argparse.Namespace) -> int:
    from counter_app.usecases import followups

    with runner.runtime(args) as rt:
        path = followups.write_report_sheet(
            rt, followups.WriteReportSheet(runner.actor(args, rt), args.id, Path(args.out))
        )
    print(f"已写出 {path}")
    return 0
