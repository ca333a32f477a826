"""`counter-app queue …`: take a number, call, recall, no-show, transfer, done, the
hall's status and the day's statistics — the same services the kiosk, the teller's
strip and the display use.

`queue take --print URL` exit codes: 0 the ticket was taken and its slip printed;
4 the ticket was taken and stored but the slip did not print — an ESC/POS slip is
then kept in the spool folder (`--spool`, default the data folder's print-spool),
listed by `device print-jobs`, printed by `device reprint`, and printed by itself by
a kiosk or teller PC whose printer driver uses the same folder and printer.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from counter_app.cli import runner
from counter_app.cli.runner import print_json


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    queue = sub.add_parser("queue", help="排队叫号", parents=[common]).add_subparsers(
        dest="queue_command", required=True
    )

    take = queue.add_parser(
        "take", help="取号", parents=[common],
        epilog="退出码：0 已取号 (并已打印号票)；4 已取号并保存，但号票未打印 (打印任务已保留)",
    )
    take.add_argument("--category", required=True, help="业务类别前缀，如 A")
    take.add_argument(
        "--priority", nargs="?", const="优先", default="", metavar="REASON",
        help="优先号 (可写明原因：老年人、军人、残疾人…)",
    )
    take.add_argument("--print", dest="printer", metavar="URL",
                      help="打印号票：serial:端口、tcp:主机:9100、file:路径 或 pdf:打印机")
    take.add_argument("--spool", metavar="DIR",
                      help="未打印号票的保留目录 (默认: 数据目录/print-spool)")
    take.add_argument("--json", action="store_true")
    take.set_defaults(handler=cmd_take)

    nxt = queue.add_parser("call-next", help="呼叫下一位", parents=[common])
    _window(nxt)
    nxt.add_argument("--categories", help="本窗口办理的业务类别，如 AB (缺省：上次设置或全部)")
    _finish(nxt)
    nxt.add_argument("--json", action="store_true")
    nxt.set_defaults(handler=cmd_call_next)

    call = queue.add_parser("call", help="指定号码呼叫", parents=[common])
    _window(call)
    call.add_argument("number")
    _finish(call)
    call.add_argument("--json", action="store_true")
    call.set_defaults(handler=cmd_call)

    walk = queue.add_parser("walk-in", help="无号现场办理：取一个号并在本窗口叫到",
                            parents=[common])
    _window(walk)
    walk.add_argument("--category", help="业务类别 (缺省：queue_walk_in_category 或本窗口第一个)")
    _finish(walk)
    walk.add_argument("--json", action="store_true")
    walk.set_defaults(handler=cmd_walk_in)

    arrive = queue.add_parser("arrive", help="确认被叫的人已到窗口", parents=[common])
    _window(arrive)
    arrive.add_argument("--json", action="store_true")
    arrive.set_defaults(handler=cmd_arrive)

    for name, help_text, handler in (
        ("recall", "重呼当前号", cmd_recall),
        ("no-show", "过号", cmd_no_show),
        ("park", "挂起当前号", cmd_park),
        ("resume", "恢复服务", cmd_resume),
    ):
        p = queue.add_parser(name, help=help_text, parents=[common])
        _window(p)
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler)

    react = queue.add_parser("reactivate", help="过号激活 (顺延几位后重新排队)", parents=[common])
    react.add_argument("number")
    react.add_argument("--json", action="store_true")
    react.set_defaults(handler=cmd_reactivate)

    unpark = queue.add_parser("unpark", help="取回挂起的号", parents=[common])
    _window(unpark)
    unpark.add_argument("number")
    unpark.add_argument("--json", action="store_true")
    unpark.set_defaults(handler=cmd_unpark)

    tr = queue.add_parser("transfer", help="转移到其他窗口或业务类别", parents=[common])
    _window(tr)
    tr.add_argument("--to-window", help="转到窗口")
    tr.add_argument("--to-category", help="转到业务类别")
    tr.add_argument("--no-return", action="store_true", help="办完后不回本窗口")
    tr.add_argument("--place", choices=["first", "last", "taken"], default="first",
                    help="排在最前 / 最后 / 按取号时间")
    tr.add_argument("--json", action="store_true")
    tr.set_defaults(handler=cmd_transfer)

    done = queue.add_parser("finish", aliases=["done"], help="办结当前号 (记录办理结果)",
                            parents=[common])
    _window(done)
    done.add_argument("--outcome", metavar="CODE",
                      help="办理结果：" + "、".join(f"{i} {t}" for i, t in enumerate(
                          ("办结", "一次性告知", "不予受理", "转办", "咨询", "未带材料", "其他"),
                          start=1)) + " (数字或 completed/informed/…)")
    done.add_argument("--note", default="", help="说明 (结果为“其他”时必填)")
    done.add_argument("--json", action="store_true")
    done.set_defaults(handler=cmd_done)

    pause = queue.add_parser("pause", help="暂停服务", parents=[common])
    _window(pause)
    pause.add_argument("--reason", default="", help="暂停原因")
    pause.add_argument("--json", action="store_true")
    pause.set_defaults(handler=cmd_pause)

    status = queue.add_parser("status", help="大厅排队状态", parents=[common])
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)

    stats = queue.add_parser("stats", help="当日排队统计 (等候、办理时长，秒)", parents=[common])
    stats.add_argument("--day", help="日期 YYYYMMDD (缺省：今天)")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=cmd_stats)


def _window(p: argparse.ArgumentParser) -> None:
    p.add_argument("--window", required=True, help="窗口号")


def _finish(p: argparse.ArgumentParser) -> None:
    p.add_argument("--finish", metavar="NUMBER",
                   help="窗口正在办理的号：确认办结它再叫号 (不写则有在办号时拒绝)")


def _run(args: argparse.Namespace, action: Callable[[Any, Any], Any]) -> Any:
    """Open the database and call `action(rt, actor)`: one use case."""
    from counter_app.domain.queue import StillServing

    with runner.runtime(args) as rt:
        try:
            return action(rt, runner.actor(args, rt))
        except StillServing as exc:
            raise runner.CliError(
                f"{exc}（加 --finish {exc.number} 确认办结 {exc.number}，"
                f"或先 queue finish --window {exc.window_no}）"
            ) from None


def _ticket_line(t: Any) -> str:
    mark = f" 【优先】{t.priority_reason}" if t.priority else ""
    return f"{t.number} {t.category_name}{mark}"


def cmd_take(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    def act(rt: Any, actor: Any) -> Any:
        taken = queue.take_ticket(rt, queue.TakeTicket(actor, args.category, args.priority,
                                                       channel="cli"))
        printed = None
        if args.printer:
            printed = queue.print_ticket_slip(rt, taken, args.printer, spool=_slip_spool(args))
        return taken, printed

    taken, printed = _run(args, act)  # committed: the ticket stands either way
    if args.json:
        data = {**taken.as_json(), "category": taken.ticket.category}
        if printed is not None:
            data["printed"] = {"ok": printed.ok, "message": printed.message,
                               "job": printed.job_id, "kept": printed.kept}
        print_json(data)
    else:
        print(f"{_ticket_line(taken.ticket)}  前面还有 {taken.waiting_ahead} 人")
        if printed is not None and printed.ok:
            print("已打印: " + printed.message)
    if printed is not None and not printed.ok:
        print(_not_printed(taken.ticket.number, printed, args), file=sys.stderr)
        return 4
    return 0


def _slip_spool(args: argparse.Namespace) -> Any:
    """Where a slip that did not print is kept (ESC/POS printers; PDFs go to the
    system's own print queue)."""
    from devices.escpos.spool import JobSpool

    if args.printer.strip().startswith("pdf:"):
        return None
    if args.spool:
        return JobSpool(args.spool)
    from counter_app.config import data_dir

    return JobSpool(data_dir() / "print-spool")


def _not_printed(number: str, printed: Any, args: argparse.Namespace) -> str:
    text = f"号票未打印：{printed.message}。号码 {number} 已取号并保存"
    if printed.kept:
        spool = f" --spool {args.spool}" if args.spool else ""
        text += (
            f"；打印任务已保留（编号 {printed.job_id}），打印机恢复后执行 counter-app device "
            f"reprint {printed.job_id} --printer {args.printer}{spool} 补打"
            "（使用同一保留目录和打印机的取号机或柜台会自动补打）"
        )
    return text


def cmd_call_next(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    called = _run(args, lambda rt, a: queue.call_next(
        rt, queue.CallNext(a, args.window, args.categories, args.finish)))
    if called is None:
        if args.json:
            print_json({"ticket": None, "window": args.window, "status": "nothing-waiting"})
        else:
            print("无人等候 (nothing-waiting)")
        return 0
    return _print_called(args, called)


def cmd_call(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    return _print_called(
        args, _run(args, lambda rt, a: queue.call_number(
            rt, queue.CallNumber(a, args.window, args.number, args.finish)))
    )


def cmd_walk_in(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    return _print_called(
        args, _run(args, lambda rt, a: queue.walk_in(
            rt, queue.WalkIn(a, args.window, args.category, args.finish)))
    )


def cmd_arrive(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    view = _run(args, lambda rt, a: queue.arrive(rt, queue.AtWindow(a, args.window)))
    return _print_ticket(args, view, "已到达窗口")


def cmd_recall(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    return _print_called(
        args, _run(args, lambda rt, a: queue.recall(rt, queue.AtWindow(a, args.window)))
    )


def cmd_unpark(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    return _print_called(
        args, _run(args, lambda rt, a: queue.unpark(
            rt, queue.CallNumber(a, args.window, args.number)))
    )


def _print_called(args: argparse.Namespace, called: Any) -> int:
    if args.json:
        print_json(called.as_json())
    else:
        done = f"（{called.finished.number} 已办结）" if called.finished else ""
        print(f"{called.announcement}  {_ticket_line(called.ticket)}{done}")
    return 0


def _print_ticket(args: argparse.Namespace, view: Any, text: str) -> int:
    if args.json:
        print_json(view.as_json())
    else:
        print(f"{_ticket_line(view)} {text}")
    return 0


def cmd_no_show(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    view = _run(args, lambda rt, a: queue.no_show(rt, queue.AtWindow(a, args.window)))
    return _print_ticket(args, view, "已过号")


def cmd_park(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    view = _run(args, lambda rt, a: queue.park(rt, queue.AtWindow(a, args.window)))
    return _print_ticket(args, view, "已挂起")


def cmd_done(args: argparse.Namespace) -> int:
    from counter_app.domain.queue import OutcomeCode
    from counter_app.usecases import queue

    outcome = OutcomeCode.parse(args.outcome) if args.outcome else None
    view = _run(args, lambda rt, a: queue.finish(
        rt, queue.Finish(a, args.window, args.note, outcome)))
    text = "已办结" if view.status == "done" else f"已办结，回到 {view.window_no} 号窗口前排队"
    if view.status == "waiting":
        text = "本窗口已办结，回原窗口排队"
    return _print_ticket(args, view, text)


def cmd_reactivate(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    taken = _run(args, lambda rt, a: queue.reactivate(rt, queue.Reactivate(a, args.number)))
    if args.json:
        print_json(taken.as_json())
    else:
        print(f"{_ticket_line(taken.ticket)} 已激活，前面还有 {taken.waiting_ahead} 人")
    return 0


def cmd_transfer(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    view = _run(
        args,
        lambda rt, a: queue.transfer(rt, queue.Transfer(
            a, args.window, to_window=args.to_window, to_category=args.to_category,
            back=not args.no_return, place=args.place,
        )),
    )
    where = "、".join(
        x for x in (
            f"{args.to_window}号窗口" if args.to_window else "",
            view.category_name if args.to_category else "",
        ) if x
    )
    back = "" if args.no_return else f"，办完回 {args.window} 号窗口"
    return _print_ticket(args, view, f"已转到{where}{back}")


def cmd_pause(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    _run(args, lambda rt, a: queue.pause(rt, queue.Pause(a, args.window, args.reason)))
    if args.json:
        print_json({"window": args.window, "paused": True, "reason": args.reason})
    else:
        print(f"{args.window}号窗口已暂停服务" + (f"：{args.reason}" if args.reason else ""))
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    _run(args, lambda rt, a: queue.resume(rt, queue.AtWindow(a, args.window)))
    if args.json:
        print_json({"window": args.window, "paused": False})
    else:
        print(f"{args.window}号窗口已恢复服务")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    snap = _run(args, lambda rt, _a: queue.hall_snapshot(rt))
    if args.json:
        print_json(snap.as_json())
        return 0
    names = {c.prefix: c.name for c in snap.categories}
    print(f"等候 {snap.waiting_total} 人：" + "  ".join(
        f"{p} {names.get(p, p)} {n}" for p, n in snap.waiting.items()
    ))
    for w in snap.windows:
        state = "暂停服务" + (f"（{w.pause_reason}）" if w.pause_reason else "") if w.paused \
            else (f"{w.number} {w.category_name}" if w.number else "空闲")
        print(f"  {w.window_no}号窗口  {state}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from counter_app.usecases import queue

    stats = _run(args, lambda rt, _a: queue.queue_stats(rt, args.day))
    if args.json:
        print_json(stats.as_json())
        return 0
    day = f"{stats.day[:4]}-{stats.day[4:6]}-{stats.day[6:]}" if len(stats.day) == 8 \
        else stats.day
    print(f"{day} 排队统计（秒）")
    for title, rows in (("业务类别", stats.by_category), ("窗口", stats.by_window)):
        print(title)
        for key, agg in sorted(rows.items()):
            taken = f"取号 {agg.taken:>4}  " if title == "业务类别" else ""
            print(
                f"  {key:>4}  {taken}办结 {agg.served:>4}  过号 {agg.no_show:>3}  "
                f"平均等候 {_num(agg.avg_wait)}  最长等候 {_num(agg.max_wait)}  "
                f"平均办理 {_num(agg.avg_service)}"
            )
    return 0


def _num(value: float | int | None) -> str:
    return "-" if value is None else f"{value:.0f}"
