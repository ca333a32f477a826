"""`counter-app db …`, `user …`, `config …`: set-up commands for the technician."""

from __future__ import annotations

import argparse
import getpass
from dataclasses import asdict

from counter_app.cli import CliError, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="数据库").add_subparsers(dest="db_command", required=True)
    up = db.add_parser("upgrade", help="升级数据库结构到最新版本")
    up.set_defaults(handler=cmd_db_upgrade)
    st = db.add_parser("status", help="数据库结构版本")
    st.set_defaults(handler=cmd_db_status)

    user = sub.add_parser("user", help="工作人员账号").add_subparsers(
        dest="user_command", required=True
    )
    add = user.add_parser("add", help="新增账号")
    add.add_argument("--staff-no", required=True, help="工号")
    add.add_argument("--name", required=True, help="姓名")
    add.add_argument(
        "--role", default="teller", choices=["teller", "backoffice", "supervisor", "admin"]
    )
    add.add_argument("--unit", help="后台经办人员所属责任单位编码")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    add.set_defaults(handler=cmd_user_add)

    config = sub.add_parser("config", help="配置").add_subparsers(
        dest="config_command", required=True
    )
    show = config.add_parser("show", help="显示当前配置 (不含密码)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_config_show)


def _runtime(args: argparse.Namespace, upgrade: bool = True):  # type: ignore[no-untyped-def]
    from counter_app.runtime import open_runtime

    try:
        return open_runtime(args.db, upgrade=upgrade)
    except Exception as exc:
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            raise CliError(f"无法连接数据库：{exc.orig}", code=3) from exc
        raise


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from counter_app.store.migrate import current_revision

    rt = _runtime(args)
    print(f"数据库已是最新版本 {current_revision(rt.engine)}: {rt.db_url}")
    rt.close()
    return 0


def cmd_db_status(args: argparse.Namespace) -> int:
    from counter_app.store.migrate import current_revision, head_revision

    rt = _runtime(args, upgrade=False)
    cur, head = current_revision(rt.engine), head_revision()
    print(f"{rt.db_url}: 当前版本 {cur or '未初始化'}, 最新版本 {head}")
    rt.close()
    return 0 if cur == head else 1


def cmd_user_add(args: argparse.Namespace) -> int:
    import sys

    from counter_app.services.users import Role, UserError, add_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("密码: ")
    rt = _runtime(args)
    try:
        with rt.uow() as session:
            user = add_user(session, args.staff_no, args.name, password, Role(args.role), args.unit)
            print(f"已新增 {Role(user.role).label} {user.name}（工号 {user.staff_no}）")
    except UserError as exc:
        raise CliError(str(exc)) from exc
    finally:
        rt.close()
    return 0


def cmd_config_show(args: argparse.Namespace) -> int:
    from counter_app.config import load_settings, settings_file
    from counter_app.store.db import normalize_url

    settings = load_settings()
    data = asdict(settings)
    from sqlalchemy.engine import make_url

    url = make_url(normalize_url(args.db or settings.effective_db_url))
    data["db_url"] = url.render_as_string(hide_password=True)
    data["config_file"] = str(settings_file())
    if args.json:
        print_json(data)
    else:
        for key, value in data.items():
            print(f"{key} = {value}")
    return 0
