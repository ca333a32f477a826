"""What every `counter-app` command shares: the database it opens, who it acts as,
how it prints, and how errors end.

- `--db URL` and `--staff-no N` may stand before or after the command.
- A command that acts for a staff member (a window's queue, the back office, a
  follow-up step, an unmasked view …) logs in: `--staff-no` and the password, read
  from a prompt or with `--password-stdin` from the first line of standard input.
  Without `--staff-no` a command acts as the command line itself, a system actor
  with the few rights an unattended integration has (accept an online
  application, take a ticket, deliver the outbox).
- Bad input ends with a Chinese message on stderr and exit code 2, no traceback;
  an unreachable database with exit code 3; a closed pipe (`| head`) quietly.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from counter_app.config import Settings, SettingsError, load_settings
from counter_app.domain.roles import Actor, PermissionDenied

Handler = Callable[[argparse.Namespace], int]

#: exit codes
BAD_INPUT = 2
NO_DATABASE = 3


class CliError(Exception):
    """Bad input: the message is Chinese and names the field; exit code 2."""

    def __init__(self, message: str, code: int = BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def common_options() -> argparse.ArgumentParser:
    """Options every command accepts, before or after its name (argparse parents)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="数据库地址（默认：本机 SQLite）")
    common.add_argument("--staff-no", default=argparse.SUPPRESS,
                        help="以该工号登录后操作（会询问密码）")
    common.add_argument("--password-stdin", action="store_true", default=argparse.SUPPRESS,
                        help="从标准输入第一行读取密码")
    return common


def settings(args: argparse.Namespace) -> Settings:
    """The settings of this PC (CliError naming file and key when they are bad)."""
    try:
        return load_settings()
    except SettingsError as exc:
        raise CliError(str(exc)) from None


@contextmanager
def runtime(args: argparse.Namespace, *, upgrade: bool = True) -> Iterator[Any]:
    """Open the database of `--db` (or the settings) for the length of a command."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    from counter_app.runtime import open_runtime

    try:
        rt = open_runtime(getattr(args, "db", None), settings(args), upgrade=upgrade)
    except OperationalError as exc:
        raise CliError(f"无法连接数据库：{_first_line(exc.orig)}", NO_DATABASE) from None
    except ArgumentError as exc:
        raise CliError(f"数据库地址无效：{exc}") from None
    try:
        yield rt
    finally:
        rt.close()


def actor(args: argparse.Namespace, rt: Any) -> Actor:
    """Who this command acts as: the staff member who logged in, else the command line."""
    staff_no = getattr(args, "staff_no", None)
    if not staff_no:
        return Actor.system("命令行", rt.settings.hall.window_no)
    from counter_app.services.users import UserError
    from counter_app.usecases import staff

    password = _password(args)
    try:
        return staff.log_in(rt, staff.LogIn(staff_no, password))
    except UserError as exc:
        raise CliError(str(exc)) from None


def _password(args: argparse.Namespace) -> str:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CliError("以工号登录须输入密码：在终端中运行，或用 --password-stdin 从标准输入读取")
    return getpass.getpass("密码: ")


def _first_line(exc: object) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def run(handler: Handler, args: argparse.Namespace) -> int:
    """Run a command: its exit code, or the message and code of a user error."""
    try:
        return handler(args)
    except CliError as exc:
        return _fail(str(exc), exc.code)
    except PermissionDenied as exc:
        hint = "" if getattr(args, "staff_no", None) else "；请用 --staff-no 工号 登录后操作"
        return _fail(f"{exc}{hint}", BAD_INPUT)
    except BrokenPipeError:
        # `counter-app … | head`: the reader is gone; say nothing more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from sqlalchemy.exc import DBAPIError

        from counter_app.domain.application import ApplicationError
        from counter_app.usecases.errors import is_user_error

        if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", "") == "42501":
            return _fail("本机的数据库账号无权做这件事（大厅设置见 docs/hall-setup.md）",
                         NO_DATABASE)
        if isinstance(exc, ApplicationError):
            from counter_app.logs import scrub  # a message that quoted an ID stays masked

            lines = "\n".join(f"  {e}" for e in exc.errors)
            return _fail(scrub(f"申请内容有误：\n{lines}"), BAD_INPUT)
        if is_user_error(exc):
            return _fail(str(exc), BAD_INPUT)
        raise


def _fail(message: str, code: int) -> int:
    print(f"错误: {message}", file=sys.stderr)
    return code
