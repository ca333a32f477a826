"""Secrets from the OS keyring (never from the config file or logs).

No keyring at all is normal (a hall server with trust auth, a PC without a desktop
keyring): that is noted once per process in the log, in Chinese, and nothing is
printed on the console. A keyring that exists but fails is a warning, once per
process, also in Chinese; the library's own (English) text goes to the log only.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import make_url

SERVICE = "kuaiban-counter"
log = logging.getLogger(__name__)
_told: set[str] = set()


def _once(kind: str, level: int, message: str, *args: object) -> None:
    if kind in _told:
        return
    _told.add(kind)
    log.log(level, message, *args)


def get_secret(name: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError

        try:
            return keyring.get_password(SERVICE, name)
        except NoKeyringError:
            _once("none", logging.INFO, "本机没有可用的系统密钥环，按无密码处理")
            return None
        except KeyringError as exc:
            _once("error", logging.WARNING, "无法读取系统密钥环（%s），按无密码处理",
                  type(exc).__name__)
            log.debug("keyring error: %s", exc)
            return None
    except Exception as exc:  # a broken backend must not stop the counter
        _once("error", logging.WARNING, "无法读取系统密钥环（%s），按无密码处理",
              type(exc).__name__)
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
