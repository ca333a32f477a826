"""`counter-app rating …`: the day's ratings, and a rating added later by the
applicant (within 5 working days).

    counter-app rating list [--date D] [--json]
    counter-app rating add CASE_NO --level 非常满意 [--reason attitude] [--comment 文字]
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from counter_app.cli import runner
from counter_app.cli.runner import CliError, print_json
from counter_app.domain.rating import reason_help


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    rat = sub.add_parser("rating", help="好差评", parents=[common]).add_subparsers(
        dest="rating_command", required=True
    )
    lst = rat.add_parser("list", help="某日的评价", parents=[common])
    lst.add_argument("--date", help="日期 YYYY-MM-DD (默认今天)")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_rating_list)

    add = rat.add_parser("add", help="申请人补充评价 (办理后5个工作日内)", parents=[common])
    add.add_argument("case_no")
    add.add_argument("--level", required=True, help="非常满意/满意/基本满意/不满意/非常不满意")
    add.add_argument("--reason", action="append", default=[],
                     help=f"差评原因，代码或文字，可多次：{reason_help()}")
    add.add_argument("--comment", default="", help="文字评价")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_rating_add)


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"日期格式应为 YYYY-MM-DD: {text}") from None


def cmd_rating_list(args: argparse.Namespace) -> int:
    from counter_app.usecases import ratings

    day = _day(args.date)
    with runner.runtime(args) as rt:
        rows = ratings.ratings_of_day(rt, day)
    if args.json:
        print_json([r.as_json() for r in rows])
    else:
        for r in rows:
            what = r.level or f"未评价（{r.cause}）"
            print(f"{r.at}  {r.window}号窗口  {r.business}  {what}")
    return 0


def cmd_rating_add(args: argparse.Namespace) -> int:
    from counter_app.domain.rating import rating_input
    from counter_app.usecases import ratings

    rating = rating_input(args.level, args.reason, args.comment)
    with runner.runtime(args) as rt:
        done = ratings.add_rating(
            rt, ratings.AddRating(runner.actor(args, rt), args.case_no, rating)
        )
    result = {"session": done.session_id, "visit": done.visit_key, "bad": done.bad,
              "followup": done.followup_id, "outbox_key": done.outbox_key}
    if args.json:
        print_json(result)
    else:
        print(f"已记录补充评价（会话 {done.session_id}）" +
              ("，已生成差评工单" if done.followup_id else ""))
    return 0
