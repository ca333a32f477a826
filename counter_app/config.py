"""Settings: a TOML file in the platform config folder, every key overridable by an
environment variable (COUNTER_<KEY>, e.g. COUNTER_DB_URL, COUNTER_HALL_CODE).

Secrets never live here: the database password and API keys are looked up in the
OS keyring (see counter_app.secrets).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
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
    supplement_days: int = 5  # 一次性告知: working days to bring the missing materials
    papers_dir: str = ""  # where the PDFs of each case are written (default: data folder)
    a4_printer: str = ""  # system printer queue, "folder:DIR", or "" for the default
    # The queue (叫号). Categories: a TOML table of prefix = name, e.g.
    # [queue_categories] A = "就业创业"; from the environment "A=就业创业,B=社会保险".
    queue_categories: dict[str, str] | str = field(
        default_factory=lambda: {
            "A": "就业创业",
            "B": "社会保险",
            "C": "人事人才",
            "D": "劳动关系",
            "E": "社保卡",
        }
    )
    queue_window_categories: str = ""  # prefixes this window serves, e.g. "AB"; "" = all
    queue_recall_max: int = 3  # 重呼 at most this many times
    queue_no_show_minutes: int = 30  # a 过号 ticket can be reactivated this long
    queue_rejoin_behind: int = 3  # … and then rejoins behind this many people
    queue_priority_run: int = 0  # after N priority calls in a row one ordinary (0: always first)
    queue_priority_age: int = 70  # ID card of this age or older takes a priority ticket (0: off)
    slip_qr_url: str = "https://hall.example.invalid/queue?hall={hall}&no={number}"
    # 好差评: ratings at the window, delivery to the province, bad-rating follow-up.
    rating_auto: bool = False  # ask the pad for a rating by itself after a case is accepted
    rating_timeout_s: int = 60  # how long the pad waits for a press (10–255 s)
    good_rate_counts_basic: bool = True  # 好评率 counts 基本满意 as good
    hcp_url: str = ""  # provincial 好差评 endpoint; "" keeps ratings in the outbox
    hcp_profile: str = ""  # field profile file; "" = resources/hcp/reference.toml
    hcp_dept_code: str = ""  # 实施部门编码 sent with each rating
    hcp_area_code: str = ""  # 行政区划代码; "" = first 6 digits of hall_code
    followup_rectify_days: int = 5  # 整改 within N working days of the bad rating
    followup_report_days: int = 5  # 整改情况报告单 within N working days after rectifying
    followup_due_soon_days: int = 1  # shown as due soon this many working days ahead

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
            if spec.type in ("bool", bool):
                values[name] = raw.strip().lower() in ("1", "true", "yes", "on")
            else:
                values[name] = int(raw) if spec.type in ("int", int) else raw
    if "db_url" not in values and env.get("COUNTER_DB"):
        values["db_url"] = env["COUNTER_DB"]
    return replace(Settings(), **values)  # type: ignore[arg-type]
