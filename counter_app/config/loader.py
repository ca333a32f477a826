"""Read the settings: the TOML file, then environment overrides, every value checked.

A bad config never ends in a traceback: `SettingsError` says in Chinese which file
(or environment variable), which key, what type was expected and what was found;
the CLI prints it and exits 2, the GUI shows it before anything starts.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from counter_app.config.paths import ENV_PREFIX, settings_file
from counter_app.config.settings import (
    Settings,
    SettingsError,
    build,
    check_values,
    value_check,
    value_types,
)

MAX_FILE_BYTES = 256 * 1024
_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
_BOOL_TEXT = {"1": True, "true": True, "yes": True, "on": True,
              "0": False, "false": False, "no": False, "off": False}


def read_file(path: Path) -> dict[str, Any]:
    """The file's values, checked; {} when there is no file."""
    if not path.exists():
        return {}
    where = f"配置文件 {path}"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"{where} 无法读取：{exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise SettingsError(f"{where} 过大（超过 {MAX_FILE_BYTES // 1024} KB），不像配置文件")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SettingsError(f"{where} 不是 UTF-8 编码，请用 UTF-8 保存") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        pos = _TOML_POS.search(str(exc))
        at = f"第 {pos.group(1)} 行第 {pos.group(2)} 列" if pos else ""
        raise SettingsError(f"{where} {at}格式错误（TOML），请检查引号、等号和括号") from None
    except RecursionError:
        raise SettingsError(f"{where} 嵌套过深，不是有效的配置文件") from None
    return check_values(data, where)


def read_env(env: Mapping[str, str]) -> dict[str, Any]:
    """COUNTER_<KEY> overrides, parsed by the key's type and checked."""
    types = value_types()
    out: dict[str, Any] = {}
    for key, (_spec, kind) in types.items():
        name = ENV_PREFIX + key.upper()
        raw = env.get(name)
        if raw is None:
            continue
        where = f"环境变量 {name}"
        out[key] = value_check(key, _parse_env(raw, kind, key, where), where)
    if "db_url" not in out and env.get("COUNTER_DB"):
        out["db_url"] = value_check("db_url", env["COUNTER_DB"], "环境变量 COUNTER_DB")
    return out


def _parse_env(raw: str, kind: Any, key: str, where: str) -> Any:
    text = raw.strip()
    if kind is bool:
        if text.lower() not in _BOOL_TEXT:
            raise SettingsError(f"{where} 应为 true/false（或 1/0），实际是“{text[:40]}”")
        return _BOOL_TEXT[text.lower()]
    if kind is int:
        if not re.fullmatch(r"-?\d{1,9}", text):
            raise SettingsError(f"{where} 应为整数，实际是“{text[:40]}”")
        return int(text)
    if kind is str:
        return raw
    from counter_app.domain.queue import parse_categories

    try:
        return {c.prefix: c.name for c in parse_categories(text)}
    except ValueError as exc:
        raise SettingsError(f"{where}：{exc}") from None


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """File values, then environment overrides. Raises SettingsError."""
    env = os.environ if env is None else env
    values = read_file(path or settings_file())
    values.update(read_env(env))
    return build(values)
