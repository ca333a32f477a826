"""Settings: a TOML file in the platform config folder, every key overridable by an
environment variable (COUNTER_<KEY>, e.g. COUNTER_DB_URL, COUNTER_HALL_CODE).

Secrets never live here: the database password and API keys are looked up in the
OS keyring (see counter_app.secrets).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

import platformdirs

APP_NAME = "kuaiban-counter"
APP_AUTHOR = "kuaiban"
ENV_PREFIX = "COUNTER_"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'counter.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    db_url: str = ""
    hall_code: str = "37010201"
    hall_name: str = "济南市历下区人力资源和社会保障局政务服务大厅"
    hall_phone: str = "0531-12333"
    window_no: str = "1"
    rating_url: str = "https://hcp.example.invalid/rate?case="
    idcard_port: str = ""
    sscard_port: str = ""
    scanner_port: str = ""
    pad_port: str = ""
    slip_printer: str = ""
    tolerance_max_days: int = 0  # 0: up to the committed limit
    supplement_days: int = 5  # 一次性告知: working days to bring the missing materials
    papers_dir: str = ""  # where the PDFs of each case are written (default: data folder)
    a4_printer: str = ""  # system printer queue, "folder:DIR", or "" for the default

    @property
    def effective_papers_dir(self) -> Path:
        return Path(self.papers_dir) if self.papers_dir else data_dir() / "papers"

    @property
    def effective_db_url(self) -> str:
        return self.db_url or default_db_url()


def settings_file() -> Path:
    return Path(os.environ.get(f"{ENV_PREFIX}CONFIG", config_dir() / "config.toml"))


def load_settings(path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """File values, then environment overrides; unknown keys in the file are errors."""
    env = dict(os.environ) if env is None else env
    path = path or settings_file()
    values: dict[str, object] = {}
    known = {f.name: f for f in fields(Settings)}
    if path.exists():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for key, value in data.items():
            if key not in known:
                raise ValueError(f"{path}: 未知配置项 {key}")
            values[key] = value
    for name, spec in known.items():
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = int(raw) if spec.type in ("int", int) else raw
    if "db_url" not in values and env.get("COUNTER_DB"):
        values["db_url"] = env["COUNTER_DB"]
    return replace(Settings(), **values)  # type: ignore[arg-type]
