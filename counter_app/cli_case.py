"""`counter-app case …`: accept an application handed in as JSON, show, print, and
the back office's done / return."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from counter_app.cli import CliError, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    case = sub.add_parser("case", help="办件").add_subparsers(dest="case_command", required=True)

    acc = case.add_parser("accept", help="受理一份 JSON 申请 (网上/自助渠道)")
    acc.add_argument("file", help="申请 JSON 文件，- 表示标准输入")
    acc.add_argument("--json", action="store_true")
    acc.add_argument("--window", help="窗口号 (默认取配置)")
    acc.set_defaults(handler=cmd_accept)

    show = case.add_parser("show", help="查看办件")
    show.add_argument("case_no")
    show.add_argument("--json", action="store_true")
    show.add_argument("--unmasked", action="store_true", help="显示完整证件号码")
    show.set_defaults(handler=cmd_show)

    lst = case.add_parser("list", help="未办结办件")
    lst.add_argument("--json", action="store_true")
    lst.add_argument("--unit", help="只看某责任单位的待办子事项")
    lst.set_defaults(handler=cmd_list)

    prt = case.add_parser("print", help="打印文书为 PDF")
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

    done = case.add_parser("complete", help="后台办结子事项")
    done.add_argument("case_no")
    done.add_argument("--item", action="append", help="事项编码 (可多次; 缺省为全部待办)")
    done.add_argument("--result", default="", help="办理结果")
    done.add_argument("--json", action="store_true")
    done.set_defaults(handler=cmd_complete)

    ret = case.add_parser("return", help="后台退回子事项")
    ret.add_argument("case_no")
    ret.add_argument("--item", required=True)
    ret.add_argument("--reason", required=True)
    ret.set_defaults(handler=cmd_return)


def _runtime(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from counter_app.cli_db import _runtime as open_rt

    return open_rt(args)


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


def _application_error(exc: Exception) -> CliError:
    """The Chinese list of every bad field; ID and phone numbers masked in case a
    message quoted one."""
    from counter_app.logs import scrub

    lines = "\n".join(f"  {e}" for e in getattr(exc, "errors", [exc]))
    return CliError(scrub("申请内容有误：\n" + lines))


def cmd_accept(args: argparse.Namespace) -> int:
    from counter_app.application_json import parse_application
    from counter_app.domain.application import ApplicationError, MaterialStatus
    from counter_app.services import acceptance

    data = _read_json(args.file)
    if args.window is not None and not re.fullmatch(r"[0-9A-Za-z]{1,8}", args.window):
        raise CliError("--window: 窗口号应为1至8位字母或数字")
    rt = _runtime(args)
    try:
        app, outcome, reason = parse_application(data, rt.deps.catalogue)
        desk = rt.desk()
        if args.window:
            desk = type(desk)(desk.hall_code, args.window, None)
        with rt.uow() as session:
            if outcome == "reject":
                result = acceptance.reject(session, rt.deps, desk, app, reason)
            else:
                from counter_app.domain.application import material_decisions, plan_case

                plan = plan_case(rt.deps.catalogue, app)
                decisions = material_decisions(plan, app)
                if any(d.status is MaterialStatus.MISSING for d in decisions.values()):
                    result = acceptance.supplement(session, rt.deps, desk, app)
                else:
                    result = acceptance.accept(session, rt.deps, desk, app, require_form=False)
    except ApplicationError as exc:
        raise _application_error(exc) from None
    finally:
        rt.close()
    if args.json:
        print_json(result.as_json())
    else:
        _print_result(result)
    return 0


def _print_result(result: Any) -> None:
    from counter_app.services.acceptance import STATUS_LABELS

    print(
        f"办件编号 {result.case_no}  {STATUS_LABELS.get(result.status, result.status)}  "
        f"{result.title}"
    )
    for s in result.sub_items:
        print(f"  {s.item_code}  {s.item_name}  → {s.unit_name}  办结期限 {s.due_date}")
    for w in result.warnings:
        print(f"  ⚠ {w}")
    print(f"  可打印文书: {'、'.join(result.papers)}")


def case_json(case: Any, unmasked: bool = False) -> dict[str, Any]:
    from counter_app.domain.masking import mask_id, mask_phone
    from counter_app.services.acceptance import STATUS_LABELS

    person = case.applicant
    return {
        "case_no": case.case_no,
        "status": case.status,
        "status_label": STATUS_LABELS.get(case.status, case.status),
        "title": case.title,
        "bundle": case.bundle_code,
        "accepted_at": case.accepted_at.isoformat(),
        "due_date": case.due_date.isoformat() if case.due_date else None,
        "completed_at": case.completed_at.isoformat() if case.completed_at else None,
        "applicant": {
            "name": person.name,
            "id_number": person.id_number if unmasked else mask_id(person.id_number),
            "phone": person.phone if unmasked else mask_phone(person.phone),
        },
        "sub_items": [
            {
                "item_code": i.item_code,
                "item_name": i.item_name,
                "unit": i.unit_code,
                "unit_name": i.unit_name,
                "status": i.status,
                "due_date": i.due_date.isoformat() if i.due_date else None,
                "note": i.note,
            }
            for i in case.items
        ],
        "materials": [
            {
                "code": m.material_code,
                "name": m.name,
                "status": m.status,
                "promised_date": m.promised_date.isoformat() if m.promised_date else None,
            }
            for m in case.materials
        ],
        "warnings": list(case.warnings or []),
        "reason": case.reason,
    }


def _find(session: Any, case_no: str) -> Any:
    from counter_app.services.backoffice import find_case

    case = find_case(session, case_no)
    if case is None:
        raise CliError(f"未找到办件 {case_no}")
    return case


def cmd_show(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    try:
        with rt.uow() as session:
            data = case_json(_find(session, args.case_no), args.unmasked)
    finally:
        rt.close()
    if args.json:
        print_json(data)
    else:
        print(f"{data['case_no']}  {data['status_label']}  {data['title']}")
        print(f"  申请人 {data['applicant']['name']} {data['applicant']['id_number']}")
        for i in data["sub_items"]:
            print(f"  {i['item_name']} → {i['unit_name']}  {i['status']}  期限 {i['due_date']}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from counter_app.domain.masking import mask_id
    from counter_app.services.backoffice import sla_of, worklist

    rt = _runtime(args)
    rows = []
    try:
        with rt.uow() as session:
            now = rt.deps.clock()
            for item in worklist(session, args.unit):
                sla = sla_of(item, now, rt.deps.calendar)
                rows.append(
                    {
                        "case_no": item.case.case_no,
                        "item_code": item.item_code,
                        "item_name": item.item_name,
                        "unit": item.unit_code,
                        "applicant": mask_id(item.case.applicant.id_number),
                        "due_date": item.due_date.isoformat() if item.due_date else None,
                        "sla": sla.state.value,
                        "sla_text": sla.text,
                    }
                )
    finally:
        rt.close()
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(
                f"{r['case_no']}  {r['item_name']}  {r['unit']}  {r['due_date']}  {r['sla_text']}"
            )
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from counter_app.services.papers import PaperError, render

    rt = _runtime(args)
    try:
        with rt.uow() as session:
            case = _find(session, args.case_no)
            out = render(case, rt.settings, args.doc, Path(args.out))
    except PaperError as exc:
        raise CliError(str(exc)) from exc
    finally:
        rt.close()
    print(f"已生成 {out}")
    return 0


def cmd_complete(args: argparse.Namespace) -> int:
    from counter_app.services.backoffice import BackOfficeError, complete_item

    rt = _runtime(args)
    try:
        with rt.uow() as session:
            case = _find(session, args.case_no)
            wanted = set(args.item or [])
            unknown = wanted - {i.item_code for i in case.items}
            if unknown:
                raise CliError(f"办件{case.case_no}中没有事项：{'、'.join(sorted(unknown))}")
            targets = [
                i
                for i in case.items
                if i.status == "pending" and (not wanted or i.item_code in wanted)
            ]
            for item in targets:
                complete_item(session, rt.deps, item.id, None, args.result)
            data = case_json(case)
    except BackOfficeError as exc:
        raise CliError(str(exc)) from exc
    finally:
        rt.close()
    if args.json:
        print_json(data)
    else:
        print(f"{data['case_no']}  {data['status_label']}")
    return 0


def cmd_return(args: argparse.Namespace) -> int:
    from counter_app.services.backoffice import BackOfficeError, return_item

    rt = _runtime(args)
    try:
        with rt.uow() as session:
            case = _find(session, args.case_no)
            item = next((i for i in case.items if i.item_code == args.item), None)
            if item is None:
                raise CliError(f"办件{case.case_no}中没有事项 {args.item}")
            return_item(session, rt.deps, item.id, None, args.reason)
    except BackOfficeError as exc:
        raise CliError(str(exc)) from exc
    finally:
        rt.close()
    print("已退回")
    return 0
