"""`counter-app case …`: accept an application handed in as JSON, show, print, supply
a material later (容缺 / 补正), sweep the overdue rules, and the back office's done /
return."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from counter_app.cli import runner
from counter_app.cli.runner import CliError, print_json


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    case = sub.add_parser("case", help="办件", parents=[common]).add_subparsers(
        dest="case_command", required=True
    )

    acc = case.add_parser("accept", help="受理一份 JSON 申请 (网上/自助渠道)", parents=[common])
    acc.add_argument("file", help="申请 JSON 文件，- 表示标准输入")
    acc.add_argument("--json", action="store_true")
    acc.add_argument("--window", help="窗口号 (默认取配置)")
    acc.set_defaults(handler=cmd_accept)

    show = case.add_parser("show", help="查看办件", parents=[common])
    show.add_argument("case_no")
    show.add_argument("--json", action="store_true")
    show.add_argument("--unmasked", action="store_true", help="显示完整证件号码")
    show.set_defaults(handler=cmd_show)

    lst = case.add_parser("list", help="未办结办件", parents=[common])
    lst.add_argument("--json", action="store_true")
    lst.add_argument("--unit", help="只看某责任单位的待办子事项")
    lst.set_defaults(handler=cmd_list)

    prt = case.add_parser("print", help="打印文书为 PDF", parents=[common])
    prt.add_argument("case_no")
    prt.add_argument(
        "--doc",
        required=True,
        choices=["receipt", "supplement", "tolerance", "credit", "rejection", "completion"],
        help="receipt 受理通知书, supplement 一次性告知书, tolerance 容缺受理通知书, "
        "credit 信用承诺书, rejection 不予受理通知书, completion 办结通知",
    )
    prt.add_argument("--out", required=True, help="输出 PDF 文件")
    prt.set_defaults(handler=cmd_print)

    sup = case.add_parser("supply", help="补交材料（容缺材料或一次性告知的缺件）",
                          parents=[common])
    sup.add_argument("case_no")
    sup.add_argument("--material", required=True, help="材料代码（或材料名称）")
    sup.add_argument("--at", help="补交时间，ISO 格式（默认：现在；无时区按北京时间）")
    sup.add_argument("--json", action="store_true")
    sup.set_defaults(handler=cmd_supply)

    swp = case.add_parser("sweep", help="处理到期办件：容缺逾期终止办理、补正逾期视为撤回",
                          parents=[common])
    swp.add_argument("--json", action="store_true")
    swp.set_defaults(handler=cmd_sweep)

    done = case.add_parser("complete", help="后台办结子事项", parents=[common])
    done.add_argument("case_no")
    done.add_argument("--item", action="append", help="事项编码 (可多次; 缺省为全部待办)")
    done.add_argument("--result", default="", help="办理结果")
    done.add_argument("--json", action="store_true")
    done.set_defaults(handler=cmd_complete)

    ret = case.add_parser("return", help="后台退回子事项", parents=[common])
    ret.add_argument("case_no")
    ret.add_argument("--item", required=True)
    ret.add_argument("--reason", required=True)
    ret.set_defaults(handler=cmd_return)


MAX_APPLICATION_BYTES = 32 * 1024 * 1024  # far above any real application


def _read_json(path: str) -> Any:
    """The application file (or standard input) as UTF-8 JSON; every failure is a
    CliError with a Chinese message, never a traceback."""
    import sys

    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_APPLICATION_BYTES + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(MAX_APPLICATION_BYTES + 1)
    except OSError as exc:
        raise CliError(f"无法读取申请文件 {path}: {exc.strerror}") from exc
    if len(data) > MAX_APPLICATION_BYTES:
        raise CliError(f"申请文件过大（超过 {MAX_APPLICATION_BYTES // 1024 // 1024} MB）")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(
            f"申请文件不是 UTF-8 编码（第{exc.start + 1}个字节无法按 UTF-8 读取），"
            "请以 UTF-8 编码保存（GBK 等编码的文件请先转换）"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"申请文件不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）") from None
    except RecursionError:
        raise CliError("申请文件的嵌套层数过深，不是有效的申请") from None


def cmd_accept(args: argparse.Namespace) -> int:
    from counter_app.application_json import parse_application
    from counter_app.usecases import cases

    data = _read_json(args.file)
    if args.window is not None and not re.fullmatch(r"[0-9A-Za-z]{1,8}", args.window):
        raise CliError("--window: 窗口号应为1至8位字母或数字")
    with runner.runtime(args) as rt:
        app, outcome, reason = parse_application(data, rt.deps.catalogue)
        done = cases.submit_application(rt, cases.SubmitApplication(
            runner.actor(args, rt), app,
            cases.Outcome.REJECT if outcome == "reject" else cases.Outcome.AUTO,
            reason, window_no=args.window, write_papers=False,
        ))
    if args.json:
        print_json(done.result.as_json())
    else:
        _print_result(done.result)
    return 0


def _print_result(result: Any) -> None:
    from counter_app.domain.case import CaseStatus

    again = "（同一申请已受理过，返回原办件）" if result.duplicate else ""
    print(f"办件编号 {result.case_no}  {CaseStatus(result.status).label}  {result.title}{again}")
    for s in result.sub_items:
        due = f"办结期限 {s.due_date}" if s.due_date else (
            "待前置事项办结后计时" if s.waits_for else "")
        print(f"  {s.item_code}  {s.item_name}  → {s.unit_name}  {due}")
    for w in result.warnings:
        print(f"  ⚠ {w}")
    from counter_app.domain.case import PaperKind

    print(f"  可打印文书: {'、'.join(PaperKind(p).label for p in result.papers)}")


def cmd_show(args: argparse.Namespace) -> int:
    from counter_app.usecases import cases

    with runner.runtime(args) as rt:
        detail = cases.show_case(
            rt, cases.ShowCase(runner.actor(args, rt), args.case_no, args.unmasked)
        )
    if args.json:
        print_json(detail.as_json())
    else:
        _print_detail(detail)
    return 0


def _print_detail(detail: Any) -> None:
    print(f"{detail.case_no}  {detail.status_label}  {detail.title}")
    a = detail.applicant
    if a.kind == "unit":
        print(f"  申请单位 {a.name}  统一社会信用代码 {a.id_number}  法定代表人 {a.legal_rep}")
    else:
        print(f"  申请人 {a.name} {a.id_number}")
    if detail.agent is not None:
        label = "单位经办人" if a.kind == "unit" else "代办人"
        print(f"  {label} {detail.agent.name} {detail.agent.id_number} {detail.agent.relation}")
    if detail.reason:
        print(f"  原因 {detail.reason}")
    for i in detail.sub_items:
        due = f"期限 {i.due_date}" if i.due_date else i.waits_for_text
        print(f"  {i.item_name} → {i.unit_name}  {i.status_label}  {due}")
    for m in detail.materials:
        extra = f"  承诺 {m.promised_date} 前补交" if m.status == "tolerated" else ""
        if m.supplied_at:
            extra = f"  补交于 {m.supplied_at:%Y-%m-%d %H:%M}"
        print(f"  材料 {m.code} {m.name}  {m.status_label}{extra}")


def cmd_supply(args: argparse.Namespace) -> int:
    from datetime import datetime

    from counter_app.domain.clock import CHINA
    from counter_app.usecases import cases

    at = None
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            raise CliError("--at: 时间格式无效，应为 ISO 格式，如 2026-10-09T10:00:00+08:00"
                           ) from None
        at = at if at.tzinfo else at.replace(tzinfo=CHINA)
    with runner.runtime(args) as rt:
        detail = cases.supply_material(rt, cases.SupplyMaterial(
            runner.actor(args, rt), args.case_no, args.material, at))
    if args.json:
        print_json(detail.as_json())
    else:
        _print_detail(detail)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from counter_app.usecases import cases

    with runner.runtime(args) as rt:
        done = cases.sweep(rt, cases.Sweep(runner.actor(args, rt)))
    if args.json:
        print_json(done.as_json())
    else:
        print(f"终止办理 {len(done.terminated)} 件，视为撤回 {len(done.withdrawn)} 件")
        for no in done.terminated:
            print(f"  终止办理 {no}")
        for no in done.withdrawn:
            print(f"  视为撤回 {no}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from counter_app.usecases import backoffice

    with runner.runtime(args) as rt:
        rows = backoffice.work_list(rt, args.unit)
    data = [
        {
            "case_no": r.case_no,
            "item_code": r.item_code,
            "item_name": r.item_name,
            "unit": r.unit_code,
            "applicant": r.applicant_id,
            "status": r.status,
            "due_date": r.due_date.isoformat() if r.due_date else None,
            "sla": r.sla.value,
            "sla_text": r.sla_text,
            "waits_for": r.waits_for,
            "reason": r.reason,
        }
        for r in rows
    ]
    if args.json:
        print_json(data)
    else:
        for r in data:
            print(
                f"{r['case_no']}  {r['item_name']}  {r['unit']}  {r['due_date']}  {r['sla_text']}"
            )
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from counter_app.usecases import cases

    with runner.runtime(args) as rt:
        out = cases.print_paper(rt, args.case_no, args.doc, Path(args.out))
    print(f"已生成 {out}")
    return 0


def cmd_complete(args: argparse.Namespace) -> int:
    from counter_app.usecases import backoffice

    with runner.runtime(args) as rt:
        detail = backoffice.complete_case_items(rt, backoffice.CompleteCaseItems(
            runner.actor(args, rt), args.case_no, tuple(args.item or ()), args.result
        ))
    if args.json:
        print_json(detail.as_json())
    else:
        print(f"{detail.case_no}  {detail.status_label}")
    return 0


def cmd_return(args: argparse.Namespace) -> int:
    from counter_app.usecases import backoffice

    with runner.runtime(args) as rt:
        backoffice.return_case_item(rt, backoffice.ReturnCaseItem(
            runner.actor(args, rt), args.case_no, args.item, args.reason
        ))
    print("已退回")
    return 0
