"""Change this PC's settings (the settings dialog, role admin).

The values go to the user's config file (`counter_app.config.paths.settings_file`,
flat TOML read by `counter_app.config.loader`). The file is rewritten with tomlkit,
so a technician's comments and the order of the keys stay; only changed keys are
touched; the new text is checked by the same loader before it replaces the old file
(write to a temporary file in the same folder, then an atomic rename), so a crash or
a bad value never leaves a half-written or unreadable config.

Which changes take effect at once and which after a restart: the window number, the
hall code, the database and the device ports are taken when the program starts (the
queue, case numbers and drivers are bound to them); names, phone and printers are
read each time they are used, so the running program takes them from the returned
settings (`rt.settings = saved.settings`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counter_app.config import Settings, SettingsError, load_settings, settings_file
from counter_app.config.loader import read_env, read_file
from counter_app.config.settings import all_fields, check_values, field_default
from counter_app.domain.roles import Actor, Permission

log = logging.getLogger(__name__)

#: Keys read once at start-up: a change needs the program started again.
RESTART_KEYS = frozenset({
    "db_url", "hall_code", "window_no", "idcard_port", "sscard_port", "scanner_port",
    "pad_port", "slip_printer", "queue_window_categories",
})


def label_of(key: str) -> str:
    """The Chinese meaning of a key (its doc up to the first punctuation)."""
    for spec, _section in all_fields():
        if spec.metadata["key"] == key:
            doc = str(spec.metadata["doc"])
            for mark in ("：", "，", "（", "；", ":"):
                doc = doc.split(mark)[0]
            return doc
    return key


@dataclass(frozen=True)
class SaveSettings:
    actor: Actor
    values: Mapping[str, Any]  # {file key: value}, e.g. {"window_no": "3"}
    path: Path | None = None  # default: the user's config file


@dataclass(frozen=True)
class SettingsSaved:
    path: Path
    changed: tuple[str, ...]  # keys whose value changed
    restart: tuple[str, ...]  # of those, the ones that take effect after a restart
    overridden: tuple[str, ...]  # of those, the ones an environment variable overrides
    settings: Settings  # what the program runs with now (file and environment)

    @property
    def message(self) -> str:
        """What to tell the administrator, in Chinese."""
        if not self.changed:
            return "设置没有变化，未写入文件"
        text = f"已保存到 {self.path}"
        live = [k for k in self.changed if k not in self.restart]
        if live:
            text += "；立即生效：" + "、".join(label_of(k) for k in live)
        if self.restart:
            text += "；重新启动本程序后生效：" + "、".join(label_of(k) for k in self.restart)
        if self.overridden:
            text += ("；注意：以下设置被环境变量覆盖，文件中的值暂不起作用："
                     + "、".join(f"{label_of(k)}（COUNTER_{k.upper()}）" for k in self.overridden))
        return text


def current_file_values(path: Path | None = None) -> dict[str, Any]:
    """The values the config file holds now (checked), {} when there is none."""
    return read_file(path or settings_file())


def save_settings(cmd: SaveSettings) -> SettingsSaved:
    """Write the changed values into the config file, keeping everything else."""
    import tomlkit

    cmd.actor.require(Permission.CHANGE_SETTINGS)
    path = cmd.path or settings_file()
    values = check_values(dict(cmd.values), "设置")  # SettingsError names the key
    old_values = read_file(path)  # SettingsError when the file is broken: fix it first
    defaults = {spec.metadata["key"]: field_default(spec) for spec, _ in all_fields()}
    changed = tuple(
        key for key, value in values.items()
        if value != old_values.get(key, defaults[key])
    )
    env = read_env(os.environ)
    if not changed:
        return SettingsSaved(path, (), (), (), load_settings(path))
    text = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    doc = tomlkit.parse(text) if text else _new_document()
    for key in changed:
        doc[key] = values[key]
    new_text = tomlkit.dumps(doc)
    _write_atomically(path, new_text)
    log.info("settings changed by %s: %s", cmd.actor.staff_no or cmd.actor.name,
             ", ".join(changed))
    return SettingsSaved(
        path, changed, tuple(k for k in changed if k in RESTART_KEYS),
        tuple(k for k in changed if k in env), load_settings(path),
    )


def _new_document() -> Any:
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment("快办柜台 本机设置（由“设置”对话框写入；可手工编辑，"
                            "说明见 docs/configuration.md）"))
    return doc


def _write_atomically(path: Path, text: str) -> None:
    """Check the new text as the loader will read it, then replace the file in one
    rename (readers see the old file or the new one, never a part)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        read_file(tmp)  # the same checks as at start-up: never save what cannot load
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


__all__ = ["RESTART_KEYS", "SaveSettings", "SettingsError", "SettingsSaved", "label_of",
           "save_settings", "current_file_values"]
