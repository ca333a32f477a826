"""A keyring backend that exists but fails (a locked or broken keyring), for tests."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked


class Keyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("The keyring is locked (test)")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("The keyring is locked (test)")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("The keyring is locked (test)")
