"""`counter-app db …`, `user …`, `config …`: set-up commands for the technician."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from counter_app.cli import runner
from counter_app.cli.runner import CliError, print_json


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    db = sub.add_parser("db", help="数据库", parents=[common]).add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="创建数据库或升级到最新版本", parents=[common]).set_defaults(
        handler=cmd_db_upgrade
    )
    db.add_parser("status", help="数据库结构版本", parents=[common]).set_defaults(
        handler=cmd_db_status
    )

    user = sub.add_parser("user", help="工作人员账号", parents=[common]).add_subparsers(
        dest="user_command", required=True
    )
    add = user.add_parser("add", help="新增账号（管理员登录后；新数据库的第一个账号为管理员）",
                          parents=[common])
    add.add_argument("new_staff_no", metavar="工号", help="新账号的工号")
    add.add_argument("--name", required=True, help="姓名")
    add.add_argument("--role", default="teller",
                     choices=["teller", "backoffice", "supervisor", "admin"])
    add.add_argument("--unit", help="后台经办人员所属责任单位编码")
    add.add_argument("--new-password-stdin", action="store_true",
                     help="从标准输入读取新账号的密码（登录密码在前一行）")
    add.set_defaults(handler=cmd_user_add)

    config = sub.add_parser("config", help="配置", parents=[common]).add_subparsers(
        dest="config_command", required=True
    )
    show = config.add_parser("show", help="显示当前配置（不含密码）", parents=[common])
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_config_show)
    doc = config.add_parser("doc", help="输出配置参考（Markdown，即 docs/configuration.md）",
                            parents=[common])
    doc.set_defaults(handler=cmd_config_doc)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from counter_app.usecases import database

    with runner.runtime(args, upgrade=False) as rt:
        done = database.upgrade(rt)
        url = rt.db_url
    if done.created:
        print(f"已创建数据库，版本 {done.after}: {url}")
    elif done.changed:
        print(f"数据库已从版本 {done.before} 升级到 {done.after}: {url}")
    else:
        print(f"数据库已是最新版本 {done.after}: {url}")
    return 0


def cmd_db_status(args: argparse.Namespace) -> int:
    from counter_app.usecases import database

    with runner.runtime(args, upgrade=False) as rt:
        status = database.schema_status(rt)
        url = rt.db_url
    print(f"{url}: 当前版本 {status.current or '未初始化'}, 最新版本 {status.head}")
    return 0 if status.up_to_date else 1


def cmd_user_add(args: argparse.Namespace) -> int:
    from counter_app.domain.roles import Role
    from counter_app.usecases import staff

    with runner.runtime(args) as rt:
        first = staff.needs_first_user(rt)
        actor = None if first else runner.actor(args, rt)
        if args.new_password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        elif sys.stdin.isatty():
            password = getpass.getpass("新账号的密码: ")
        else:
            raise CliError("请在终端中运行，或用 --new-password-stdin 从标准输入读取新账号的密码")
        added = staff.add_user(rt, staff.AddUser(actor, args.new_staff_no, args.name, password,
                                                 Role(args.role), args.unit))
    print(f"已新增 {added.role.label} {added.name}（工号 {added.staff_no}）")
    return 0


def cmd_config_show(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from counter_app.config import settings_file
    from counter_app.store.db import normalize_url

    current = runner.settings(args)
    data: dict[str, Any] = dict(current.flat())
    url = make_url(normalize_url(getattr(args, "db", None) or current.effective_db_url))
    data["db_url"] = url.render_as_string(hide_password=True)
    data["config_file"] = str(settings_file())
    if args.json:
        print_json(data)
    else:
        for key, value in data.items():
            print(f"{key} = {value}")
    return 0


def cmd_config_doc(args: argparse.Namespace) -> int:
    from counter_app.config.reference import markdown

    sys.stdout.write(markdown())
    return 0
