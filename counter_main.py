"""The `counter-app` front door.

GUI commands go to ui/ (which imports Qt); every other command goes to the headless
CLI in counter_app.cli, which never imports Qt and so starts fast and runs without a
screen.
"""

from __future__ import annotations

import sys

GUI_COMMANDS = {"teller", "demo", "kiosk", "display", "supervisor", "backoffice"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "teller"
    if argv is None:  # a real start, not a test calling main()
        from counter_app.logs import setup_logging

        try:
            setup_logging()
        except OSError as exc:  # a read-only profile must not stop the counter
            print(f"警告: 无法写日志: {exc}", file=sys.stderr)
    if command in GUI_COMMANDS:
        from ui.app import run_gui

        return run_gui(command, args[1:] if args else [])
    from counter_app.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
