"""Settings and the platform folders (see settings.py for the keys, loader.py for
how a config file and the environment are read and checked)."""

from counter_app.config.loader import load_settings
from counter_app.config.paths import (
    APP_AUTHOR,
    APP_NAME,
    ENV_PREFIX,
    config_dir,
    data_dir,
    default_db_url,
    log_dir,
    settings_file,
)
from counter_app.config.settings import (
    CaseSettings,
    DeliverySettings,
    DeviceSettings,
    FollowUpSettings,
    HallSettings,
    QueueSettings,
    RatingSettings,
    Settings,
    SettingsError,
    known_keys,
)

__all__ = [
    "APP_AUTHOR", "APP_NAME", "ENV_PREFIX", "CaseSettings", "DeliverySettings",
    "DeviceSettings", "FollowUpSettings", "HallSettings", "QueueSettings", "RatingSettings",
    "Settings", "SettingsError", "config_dir", "data_dir", "default_db_url", "known_keys",
    "load_settings", "log_dir", "settings_file",
]
