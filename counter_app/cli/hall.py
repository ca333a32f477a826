"""`counter-app hall …`: set up a hall's PostgreSQL for many PCs (a technician, with
the database administrator's URL). See docs/hall-setup.md.

    counter-app hall init --db postgresql://postgres@db-host/hall
    counter-app hall add-pc window03 --kind window --db postgresql://postgres@db-host/hall
"""

from __future__ import annotations

import argparse
from typing import Any

from counter_app.cli import runner
from counter_app.cli.runner import print_json


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    hall = sub.add_parser("hall", help="大厅数据库设置（PostgreSQL）", parents=[common])
    cmds = hall.add_subparsers(dest="hall_command", required=True)
    init = cmds.add_parser("init", help="建库（迁移到最新版本）并创建各类电脑的数据库角色",
                           parents=[common])
    init.add_argument("--prefix", default="counter", help="角色名前缀（默认 counter）")
    init.add_argument("--json", action="store_true")
    init.set_defaults(handler=cmd_init)
    pc = cmds.add_parser("add-pc", help="为一台电脑创建登录角色（密码只显示一次）",
                         parents=[common])
    pc.add_argument("name", help="电脑的数据库登录名，如 window03、kiosk1")
    pc.add_argument("--kind", required=True, choices=["window", "kiosk", "display"],
                    help="window 窗口/后台/值班长；kiosk 取号机；display 叫号屏")
    pc.add_argument("--prefix", default="counter")
    pc.add_argument("--json", action="store_true")
    pc.set_defaults(handler=cmd_add_pc)


def cmd_init(args: argparse.Namespace) -> int:
    from counter_app.usecases import database

    with runner.runtime(args, upgrade=False) as rt:
        ready = database.init_hall(rt, args.prefix)
        url = rt.db_url
    if args.json:
        print_json({"schema": ready.schema.after, "created": ready.schema.created,
                    "roles_created": list(ready.roles_created)})
        return 0
    print(f"数据库 {url}：版本 {ready.schema.after}"
          + ("（已新建）" if ready.schema.created else ""))
    roles = "、".join(ready.roles_created) or "均已存在"
    print(f"数据库角色：{roles}")
    print("下一步：为每台电脑运行 counter-app hall add-pc 名称 --kind window|kiosk|display")
    return 0


def cmd_add_pc(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from counter_app.secrets import SERVICE, db_secret_name
    from counter_app.store.hall_roles import PcKind
    from counter_app.usecases import database

    with runner.runtime(args, upgrade=False) as rt:
        login = database.add_pc(rt, args.name, PcKind(args.kind), args.prefix)
        url = make_url(rt.db_url).set(username=login.role, password=None)
    pc_url = url.render_as_string(hide_password=False).replace("postgresql+psycopg", "postgresql")
    secret = db_secret_name(pc_url)
    if args.json:
        print_json({"role": login.role, "kind": login.kind.value, "password": login.password,
                    "db_url": pc_url, "keyring": {"service": SERVICE, "name": secret}})
        return 0
    print(f"已为{login.kind.label}创建数据库登录 {login.role}。密码只显示这一次：")
    print(f"    {login.password}")
    print("在那台电脑上：")
    print(f"  1. 配置文件写入  db_url = \"{pc_url}\"  以及 hall_code、window_no")
    print(f"  2. 把密码存入系统密钥环：keyring set {SERVICE} \"{secret}\"")
    return 0
