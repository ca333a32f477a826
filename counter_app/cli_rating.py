"""`counter-app rating …` and `counter-app followup …`: ratings of the day, a rating
added later by the applicant (within 5 working days), and the bad-rating ledger.

    counter-app rating list [--date D] [--json]
    counter-app rating add CASE_NO --level 非常满意 [--reason attitude] [--comment 文字]
    counter-app followup list [--open] [--json]
    counter-app followup step ID callback --what "已电话回访…" --staff-no 9001
    counter-app followup step ID verify --finding valid --what "…"
    counter-app followup step ID rectify --mode ledger --deadline 2026-10-12 --what "…"
    counter-app followup sheet ID --out 报告单.pdf
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from sqlalchemy import select

from counter_app.cli import CliError, print_json

STEPS = ("callback", "verify", "appeal", "review", "rectify", "rectify-done", "feedback",
         "report")


def register(sub: Any) -> None:
    rat = sub.add_parser("rating", help="好差评").add_subparsers(
        dest="rating_command", required=True
    )
    lst = rat.add_parser("list", help="某日的评价")
    lst.add_argument("--date", help="日期 YYYY-MM-DD (默认今天)")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_rating_list)

    add = rat.add_parser("add", help="申请人补充评价 (办理后5个工作日内)")
    add.add_argument("case_no")
    add.add_argument("--level", required=True, help="非常满意/满意/基本满意/不满意/非常不满意")
    add.add_argument("--reason", action="append", default=[], help="差评原因代码 (可多次)")
    add.add_argument("--comment", default="", help="文字评价")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_rating_add)

    fu = sub.add_parser("followup", help="差评工单").add_subparsers(
        dest="followup_command", required=True
    )
    fl = fu.add_parser("list", help="差评工单台账")
    fl.add_argument("--open", action="store_true", help="只看未办结")
    fl.add_argument("--json", action="store_true")
    fl.set_defaults(handler=cmd_followup_list)

    st = fu.add_parser("step", help="记录一步: 回访/核实/申诉/复核/整改/整改完成/反馈/报送")
    st.add_argument("id", type=int)
    st.add_argument("kind", choices=STEPS)
    st.add_argument("--what", required=True, help="做了什么")
    st.add_argument("--staff-no", help="经办人工号")
    st.add_argument("--not-reached", action="store_true", help="回访未联系上")
    st.add_argument("--finding", choices=["valid", "no_basis", "wrong", "malicious"])
    st.add_argument("--mode", choices=["now", "ledger", "explain"], help="整改方式")
    st.add_argument("--deadline", help="台账整改期限 YYYY-MM-DD")
    st.add_argument("--upheld", action="store_true", help="复核: 申诉成立, 差评不予采纳")
    st.add_argument("--json", action="store_true")
    st.set_defaults(handler=cmd_followup_step)

    sh = fu.add_parser("sheet", help="政务服务差评事项核查整改情况报告单 (PDF)")
    sh.add_argument("id", type=int)
    sh.add_argument("--out", required=True)
    sh.set_defaults(handler=cmd_followup_sheet)


def _runtime(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from counter_app.cli_db import _runtime as open_rt

    return open_rt(args)


def cmd_rating_list(args: argparse.Namespace) -> int:
    from counter_app.domain.clock import business_date, fmt_local
    from counter_app.domain.rating import NotRatedCause, Satisfaction
    from counter_app.store.rating_models import Rating, RatingSession

    rt = _runtime(args)
    day = date.fromisoformat(args.date) if args.date else business_date(rt.deps.clock())
    rows = []
    with rt.uow() as session:
        for r, rs in session.execute(
            select(Rating, RatingSession)
            .join(RatingSession, RatingSession.id == Rating.session_id)
            .where(Rating.hall_code == rt.settings.hall_code, Rating.day == f"{day:%Y%m%d}")
            .order_by(Rating.id)
        ).all():
            rows.append({
                "session": rs.id,
                "visit": rs.visit_key,
                "window": rs.window_no,
                "business": rs.business,
                "assess_number": rs.assess_number,
                "outcome": r.outcome,
                "level": Satisfaction(r.satisfaction).label if r.satisfaction else "",
                "cause": NotRatedCause(r.cause).label if r.cause else "",
                "at": fmt_local(r.recorded_at),
            })
    rt.close()
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            what = row["level"] or f"未评价（{row['cause']}）"
            print(f"{row['at']}  {row['window']}号窗口  {row['business']}  {what}")
    return 0


def cmd_rating_add(args: argparse.Namespace) -> int:
    from counter_app.domain.rating import RatingError, rating_input
    from counter_app.services import ratings

    rt = _runtime(args)
    try:
        rating = rating_input(args.level, args.reason, args.comment)
        with rt.uow() as session:
            done = ratings.add_rating(session, rt.deps, rt.settings, args.case_no, rating)
    except RatingError as exc:
        raise CliError(str(exc)) from exc
    finally:
        rt.close()
    result = {"session": done.session_id, "visit": done.visit_key, "bad": done.bad,
              "followup": done.followup_id, "outbox_key": done.outbox_key}
    if args.json:
        print_json(result)
    else:
        print(f"已记录补充评价（会话 {done.session_id}）" +
              ("，已生成差评工单" if done.followup_id else ""))
    return 0


def cmd_followup_list(args: argparse.Namespace) -> int:
    from counter_app.services import followup

    rt = _runtime(args)
    with rt.uow() as session:
        rows = followup.ledger(session, rt.deps, rt.settings, rt.settings.hall_code,
                               open_only=args.open)
    rt.close()
    if args.json:
        print_json([
            {
                "id": r.id, "opened_at": r.opened_text, "case_no": r.case_no,
                "window": r.window_no, "teller": r.teller, "level": r.level,
                "reasons": list(r.reasons), "status": r.status, "status_label": r.status_label,
                "rectify_due": r.rectify_due, "report_due": r.report_due,
                "sla": r.sla.value, "sla_text": r.sla_text,
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
    from counter_app.services import followup
    from counter_app.store.models import User

    rt = _runtime(args)
    deps, settings, fid, what = rt.deps, rt.settings, args.id, args.what
    try:
        with rt.uow() as session:
            user_id = None
            if args.staff_no:
                user_id = session.scalar(select(User.id).where(User.staff_no == args.staff_no))
                if user_id is None:
                    raise CliError(f"没有工号 {args.staff_no}")
            actor = followup.actor_of(session, user_id, "命令行")
            kind = args.kind
            if kind == "callback":
                fu = followup.callback(session, deps, fid, actor, what,
                                       reached=not args.not_reached)
            elif kind == "verify":
                if not args.finding:
                    raise CliError("核实须给出 --finding")
                fu = followup.verify(session, deps, fid, actor, args.finding, what)
            elif kind == "appeal":
                fu = followup.appeal(session, deps, fid, actor, what)
            elif kind == "review":
                fu = followup.review_appeal(session, deps, settings, fid, actor, args.upheld, what)
            elif kind == "rectify":
                if not args.mode:
                    raise CliError("整改须给出 --mode")
                deadline = date.fromisoformat(args.deadline) if args.deadline else None
                fu = followup.rectify(session, deps, settings, fid, actor, args.mode, what,
                                      deadline=deadline)
            elif kind == "rectify-done":
                fu = followup.rectify_done(session, deps, settings, fid, actor, what)
            elif kind == "feedback":
                fu = followup.feedback(session, deps, fid, actor, what)
            else:
                fu = followup.mark_reported(session, deps, fid, actor, what)
            status = fu.status
    except followup.FollowUpError as exc:
        raise CliError(str(exc)) from exc
    except ValueError as exc:
        raise CliError(f"参数无效: {exc}") from exc
    finally:
        rt.close()
    if args.json:
        print_json({"id": fid, "status": status})
    else:
        print(f"工单 #{fid}：{followup.STATUS_LABELS[status]}")
    return 0


def cmd_followup_sheet(args: argparse.Namespace) -> int:
    from counter_app.services import followup
    from printing.pdf import followup_report

    rt = _runtime(args)
    try:
        with rt.uow() as session:
            data = followup.report_sheet_data(session, rt.deps, rt.settings, args.id)
    except followup.FollowUpError as exc:
        raise CliError(str(exc)) from exc
    finally:
        rt.close()
    path = followup_report.render(data, args.out)
    print(f"已写出 {path}")
    return 0
