"""Headless `counter-app` commands (no Qt). Also the composition root for them.

Each command group lives in its own module with a `register(subparsers)` function
that adds its sub-commands; a handler takes the parsed arguments and returns an exit
code. User errors raise CliError with a Chinese message: printed to stderr, exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """Bad input: the message is Chinese and names the field; exit code 2."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def build_parser() -> argparse.ArgumentParser:
    from counter_app import (
        cli_case,
        cli_catalogue,
        cli_db,
        cli_devices,
        cli_outbox,
        cli_queue,
        cli_rating,
        cli_report,
    )

    parser = argparse.ArgumentParser(prog="counter-app", description="快办柜台")
    parser.add_argument("--db", help="数据库地址 (默认: 本机 SQLite)")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (
        cli_db, cli_catalogue, cli_case, cli_devices, cli_queue,
        cli_rating, cli_outbox, cli_report,
    ):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except CliError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
