"""The platform folders the counter keeps its files in (platformdirs).

Tests point HOME and the XDG variables at temporary folders, so nothing here is
ever the developer's real profile during a test run.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "kuaiban-counter"
APP_AUTHOR = "kuaiban"
ENV_PREFIX = "COUNTER_"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def cache_dir() -> Path:
    """Files the counter can rebuild (the compiled catalogue): COUNTER_CACHE_DIR, else
    the platform cache folder."""
    return Path(os.environ.get(f"{ENV_PREFIX}CACHE_DIR")
                or platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'counter.sqlite3'}"


def settings_file() -> Path:
    """The config file: COUNTER_CONFIG, else config.toml in the platform config folder."""
    return Path(os.environ.get(f"{ENV_PREFIX}CONFIG", config_dir() / "config.toml"))
