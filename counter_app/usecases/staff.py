"""Staff: log in (the GUI's dialog, a CLI that asks for the password), the first
account of a new database, adding accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from counter_app.domain.audit import AuditAction
from counter_app.domain.roles import Actor, Permission, PermissionDenied, Role
from counter_app.runtime import Runtime
from counter_app.services import audit, users


@dataclass(frozen=True)
class LogIn:
    staff_no: str
    password: str
    window_no: str = ""
    # logging in to serve at this window (the workstation's dialog): refused while the
    # teller still holds a ticket at another window (one teller, one window)
    at_window: bool = False


def log_in(rt: Runtime, cmd: LogIn) -> Actor:
    """The authenticated actor; raises users.UserError with a Chinese message. A
    failure is counted (the transaction commits): repeated failures lock the staff
    number for a while, known or not (services.users.check_login)."""
    window_no = cmd.window_no or rt.settings.hall.window_no
    with rt.write() as session:
        result = users.check_login(session, cmd.staff_no, cmd.password, rt.deps.clock)
        actor = None if result.user is None else users.actor_of(result.user, window_no)
        message = result.message
        if actor is not None and cmd.at_window and window_no:
            # One teller, one window: not here while serving someone at another.
            held = _held_elsewhere(session, rt, actor, window_no)
            if held:
                message, actor = held, None
                who = users.actor_of(result.user, window_no)
            else:
                who = actor
        else:
            who = actor or Actor(None, cmd.staff_no.strip()[:32], "", Role.SYSTEM, window_no)
        action = AuditAction.LOGIN if actor else AuditAction.LOGIN_FAILED
        audit.record(session, rt.deps.clock(), who, action, "user", who.staff_no)
    if actor is None:
        raise users.UserError(message)
    return actor


def _held_elsewhere(session: Session, rt: Runtime, actor: Actor, window_no: str) -> str:
    """Why this teller may not log in at `window_no` ("" if they may)."""
    from counter_app.domain.queue import ServingElsewhere
    from counter_app.services import queue

    if actor.user_id is None:
        return ""
    hall = queue.Hall.of(rt.settings, rt.deps.clock)
    held = queue.serving_elsewhere(session, hall, actor.user_id, window_no)
    if held is None:
        return ""
    return str(ServingElsewhere(held.number, held.window_no or "?")).replace(
        "再到本窗口叫号", f"再登录 {window_no} 号窗口")


def needs_first_user(rt: Runtime) -> bool:
    """A new database: the first start creates the first (administrator) account."""
    with rt.read() as session:
        return users.user_count(session) == 0


@dataclass(frozen=True)
class AddUser:
    actor: Actor | None  # None only for the first account of a new database
    staff_no: str
    name: str
    password: str
    role: Role = Role.TELLER
    unit_code: str | None = None


def add_user(rt: Runtime, cmd: AddUser) -> Actor:
    with rt.write() as session:
        if users.user_count(session) > 0:
            if cmd.actor is None:
                raise PermissionDenied("新增账号须由管理员登录后操作")
            cmd.actor.require(Permission.MANAGE_USERS)
        elif cmd.role is not Role.ADMIN:
            raise users.UserError("新数据库的第一个账号须为管理员")
        if cmd.role is Role.SYSTEM:
            raise users.UserError("系统角色不能用于人员账号")
        user = users.add_user(session, cmd.staff_no, cmd.name, cmd.password, cmd.role,
                              cmd.unit_code, rt.deps.clock)
        audit.record(session, rt.deps.clock(), cmd.actor or users.actor_of(user),
                     AuditAction.USER_ADDED, "user", user.staff_no, role=str(cmd.role))
        return users.actor_of(user)


@dataclass(frozen=True)
class AuditQuery:
    actor: Actor
    day: date | None = None
    subject: str | None = None  # a case number, a staff number …
    staff_no: str | None = None  # who did it
    limit: int = 1000


def audit_trail(rt: Runtime, query: AuditQuery) -> list[audit.AuditLine]:
    """Who viewed whose data and who changed what (supervisors and administrators)."""
    query.actor.require(Permission.VIEW_AUDIT)
    with rt.read() as session:
        return audit.entries(session, day=query.day, subject=query.subject,
                             staff_no=query.staff_no, limit=query.limit)
