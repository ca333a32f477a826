"""Send a finished PDF to an ordinary printer through the operating system's
spooler (CUPS `lp` on Linux/macOS, the shell's print verb on Windows), or copy it to
a folder. Blocking: call it off the GUI thread."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from printing.files import private_parents


class PrintError(RuntimeError):
    """The message is Chinese and tells the teller what to do."""


def print_pdf(path: Path, printer: str = "", copies: int = 1) -> str:
    """Print `path`; `printer` may be a queue name, `folder:DIR`, or empty for the default."""
    if printer.startswith("folder:"):
        target = Path(printer[len("folder:") :])
        private_parents(target / "x")
        for n in range(copies):
            suffix = f"-{n + 1}" if copies > 1 else ""
            shutil.copy2(path, target / f"{path.stem}{suffix}{path.suffix}")
        return f"已保存到 {target}"
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            for _ in range(copies):
                os.startfile(str(path), "print")  # type: ignore[attr-defined]
        except OSError as exc:
            raise PrintError(f"打印失败：{exc.strerror}，请检查默认打印机") from exc
        return "已发送到默认打印机"
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError("本机未安装打印服务（CUPS），请在设置中选择打印机或另存 PDF")
    cmd = [lp, "-n", str(copies)]
    if printer:
        cmd += ["-d", printer]
    try:
        done = subprocess.run(cmd + [str(path)], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired as exc:
        raise PrintError("打印服务无响应，请检查打印机") from exc
    if done.returncode != 0:
        raise PrintError(f"打印失败：{done.stderr.strip() or '打印机不可用'}")
    return done.stdout.strip() or "已发送到打印机"
