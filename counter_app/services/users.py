"""Staff accounts: tellers, back-office handlers, supervisors, administrators.

Passwords are hashed with scrypt (stdlib hashlib) and a per-user salt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter_app.domain.clock import Clock, system_clock
from counter_app.domain.roles import Actor, Role
from counter_app.store.models import User

_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 6


class UserError(ValueError):
    pass


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        check = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(check.hex(), digest)


def add_user(
    session: Session,
    staff_no: str,
    name: str,
    password: str,
    role: Role = Role.TELLER,
    unit_code: str | None = None,
    clock: Clock = system_clock,
) -> User:
    staff_no = staff_no.strip()
    if not staff_no or not name.strip():
        raise UserError("工号和姓名不能为空")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少{MIN_PASSWORD}位")
    if session.scalar(select(User).where(User.staff_no == staff_no)):
        raise UserError(f"工号{staff_no}已存在")
    user = User(
        staff_no=staff_no,
        name=name.strip(),
        role=Role(role),
        unit_code=unit_code,
        password_hash=hash_password(password),
        active=True,
        created_at=clock(),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, staff_no: str, password: str) -> User:
    user = session.scalar(select(User).where(User.staff_no == staff_no.strip()))
    if user is None or not user.active or not verify_password(password, user.password_hash):
        raise UserError("工号或密码错误")
    return user


def user_count(session: Session) -> int:
    return int(session.scalar(select(func.count(User.id))) or 0)


def actor_of(user: User, window_no: str = "") -> Actor:
    return Actor(user.id, user.staff_no, user.name, Role(user.role), window_no, user.unit_code)
