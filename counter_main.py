"""The `counter-app` front door.

GUI commands go to ui/ (which imports Qt); every other command goes to the headless
CLI in counter_app.cli, which never imports Qt and so starts fast and runs without a
screen.
"""

from __future__ import annotations

import sys

GUI_COMMANDS = {"teller", "demo", "kiosk", "display", "supervisor", "backoffice"}


#: Options that take a value and may stand before the command.
_VALUE_OPTIONS = {"--db", "--staff-no", "--window", "--devices"}


def split_command(args: list[str]) -> tuple[str | None, list[str]]:
    """(the command, the other arguments): `--db URL teller` and `teller --db URL`
    alike. None when only options (or nothing) were given."""
    skip = False
    for n, token in enumerate(args):
        if skip:
            skip = False
        elif token in _VALUE_OPTIONS:
            skip = True
        elif not token.startswith("-"):
            return token, args[:n] + args[n + 1:]
    return None, list(args)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command, rest = split_command(args)
    if command is None and not any(a in ("-h", "--help") for a in args):
        command = "teller"  # `counter-app` alone, or with options only, opens the window
    if argv is None:  # a real start, not a test calling main()
        import os

        # Everything the counter writes (database, logs, papers, spooled slips) holds
        # personal data: only the user running it may read it.
        os.umask(0o077)
        from counter_app.logs import setup_logging

        try:
            setup_logging()
        except OSError as exc:  # a read-only profile must not stop the counter
            print(f"警告: 无法写日志: {exc}", file=sys.stderr)
    if command in GUI_COMMANDS:
        from ui.app import run_gui

        return run_gui(command, rest)
    from counter_app.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
