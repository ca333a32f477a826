"""The database roles of a hall on PostgreSQL, least privilege per kind of PC.

Three group roles (NOLOGIN) carry the rights; each PC logs in with its own role
that is a member of one group, so a PC can be switched off by dropping its role:

- `<prefix>_window`  teller windows, back office, supervisor: read and write all of
  the counter's tables (the use cases decide who may do what);
- `<prefix>_kiosk`   ticket kiosks: take a number (tickets, their counters, the
  applicant read from an ID card, the hall's event log) and read the hall;
- `<prefix>_display` hall displays: read the queue, nothing else.

Everything here is idempotent: running `hall init` again changes nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, text

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,40}$")

#: Tables the queue's screens read.
QUEUE_TABLES = ("tickets", "queue_windows", "queue_events", "ticket_counters")


class PcKind(StrEnum):
    WINDOW = "window"
    KIOSK = "kiosk"
    DISPLAY = "display"

    @property
    def label(self) -> str:
        return {"window": "窗口/后台/值班长", "kiosk": "自助取号机", "display": "叫号显示屏"}[
            self.value
        ]


class HallRoleError(ValueError):
    pass


def group_role(prefix: str, kind: PcKind) -> str:
    return f"{prefix}_{kind.value}"


def check_name(name: str, what: str) -> str:
    if not _NAME.match(name):
        raise HallRoleError(f"{what}“{name}”无效：应为小写字母开头的小写字母、数字或下划线")
    return name


def _exists(conn: Connection, role: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar() \
        is not None


def _schema(conn: Connection) -> str:
    return str(conn.execute(text("SELECT current_schema()")).scalar_one())


def create_groups(conn: Connection, prefix: str) -> list[str]:
    """Create the three group roles with their rights on this schema; returns the
    ones created now (empty when they all existed)."""
    check_name(prefix, "角色前缀")
    schema = _schema(conn)
    q = f'"{schema}"'
    created = []
    for kind in PcKind:
        role = group_role(prefix, kind)
        if not _exists(conn, role):
            conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
            created.append(role)
        conn.execute(text(f'GRANT USAGE ON SCHEMA {q} TO "{role}"'))
    window, kiosk, display = (group_role(prefix, k) for k in PcKind)
    conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {q} '
                      f'TO "{window}"'))
    conn.execute(text(f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {q} '
                      f'TO "{window}"'))
    queue = ", ".join(f"{q}.{t}" for t in QUEUE_TABLES)
    conn.execute(text(f'GRANT SELECT ON {queue} TO "{display}"'))
    conn.execute(text(f'GRANT SELECT ON {queue}, {q}.alembic_version TO "{kiosk}"'))
    conn.execute(text(f'GRANT SELECT ON {q}.alembic_version TO "{display}"'))
    conn.execute(text(f'GRANT INSERT, UPDATE ON {q}.tickets, {q}.ticket_counters, '
                      f'{q}.queue_events TO "{kiosk}"'))
    conn.execute(text(f'GRANT SELECT, INSERT, UPDATE ON {q}.applicants TO "{kiosk}"'))
    conn.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA {q} TO "{kiosk}"'))
    return created


@dataclass(frozen=True)
class PcLogin:
    role: str
    kind: PcKind
    password: str  # shown once; kept in that PC's keyring


def add_pc(conn: Connection, prefix: str, name: str, kind: PcKind) -> PcLogin:
    """A login role for one PC, member of its kind's group, with a new password."""
    check_name(name, "电脑名")
    group = group_role(prefix, kind)
    if not _exists(conn, group):
        raise HallRoleError("请先运行 counter-app hall init")
    if _exists(conn, name):
        raise HallRoleError(f"数据库角色 {name} 已存在")
    password = secrets.token_urlsafe(18)
    # A password cannot be a bind parameter in DDL; token_urlsafe has no quote in it.
    conn.execute(text(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}' IN ROLE \"{group}\""))
    schema = _schema(conn)
    conn.execute(text(f'ALTER ROLE "{name}" SET search_path = "{schema}"'))
    return PcLogin(name, kind, password)
