"""Secrets from the OS keyring (never from the config file or logs)."""

from __future__ import annotations

import logging

from sqlalchemy.engine import make_url

SERVICE = "kuaiban-counter"
log = logging.getLogger(__name__)


def get_secret(name: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(SERVICE, name)
        except KeyringError as exc:
            log.warning("keyring unavailable: %s", exc)
            return None
    except Exception as exc:  # a broken backend must not stop the counter
        log.warning("keyring unavailable: %s", type(exc).__name__)
        return None


def set_secret(name: str, value: str) -> None:
    import keyring

    keyring.set_password(SERVICE, name, value)


def db_secret_name(url: str) -> str | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" or not parsed.host:
        return None
    return f"db:{parsed.username or ''}@{parsed.host}:{parsed.port or ''}/{parsed.database or ''}"


def db_password(url: str) -> str | None:
    name = db_secret_name(url)
    if name is None or make_url(url).password is not None:
        return None
    return get_secret(name)
