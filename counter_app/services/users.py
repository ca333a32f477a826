"""Staff accounts: tellers, back-office handlers, supervisors, administrators.

Passwords are hashed with scrypt (stdlib hashlib) and a per-user salt.

Login (check_login): after MAX_FAILURES wrong passwords in a row a staff number is
locked for LOCK_MINUTES, the same for a number that does not exist; the state is a
row of login_guards, so every process on the database sees it. An unknown staff
number is checked against a dummy hash with the same scrypt parameters, so it takes
as long as a known one and the answer time tells nothing about who exists. The
limits are module constants for now (the typed settings are being rewritten).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from counter_app.domain.clock import Clock, local, system_clock
from counter_app.domain.roles import Actor, Role
from counter_app.store.models import LoginGuard, User

_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 6
MAX_FAILURES = 5  # wrong passwords in a row before the staff number is locked
LOCK_MINUTES = 15
MAX_STAFF_NO = 32  # users.staff_no String(32)
WRONG = "工号或密码错误"



class UserError(ValueError):
    pass


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def _kdf(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p)


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        check = _kdf(password, bytes.fromhex(salt), int(n), int(r), int(p))
    except (ValueError, TypeError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(check.hex(), digest)


@functools.cache
def _dummy_hash() -> str:
    """A hash of nothing anyone types, with the parameters of real ones: unknown
    staff numbers are checked against it so that they cost the same scrypt."""
    return hash_password(secrets.token_hex(16))


@functools.lru_cache(maxsize=4)
def _matches(password: str, stored: str) -> bool:
    """verify_password, once per pair (the demo's accounts share one fixed hash)."""
    return verify_password(password, stored)


def add_user(
    session: Session,
    staff_no: str,
    name: str,
    password: str,
    role: Role = Role.TELLER,
    unit_code: str | None = None,
    clock: Clock = system_clock,
    *,
    password_hash: str | None = None,
) -> User:
    """`password_hash`: a hash of `password` made before (the demo's fixed accounts,
    whose password is printed in the README anyway); checked, not trusted."""
    staff_no = staff_no.strip()
    if not staff_no or not name.strip():
        raise UserError("工号和姓名不能为空")
    if len(staff_no) > MAX_STAFF_NO:
        raise UserError(f"工号不能超过{MAX_STAFF_NO}个字符")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少{MIN_PASSWORD}位")
    if session.scalar(select(User).where(User.staff_no == staff_no)):
        raise UserError(f"工号{staff_no}已存在")
    user = User(
        staff_no=staff_no,
        name=name.strip(),
        role=Role(role),
        unit_code=unit_code,
        password_hash=password_hash if password_hash and _matches(password, password_hash)
        else hash_password(password),
        active=True,
        created_at=clock(),
    )
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class LoginResult:
    """The user, or the Chinese message saying why not (and until when it is locked)."""

    user: User | None
    message: str = ""
    locked_until: datetime | None = None


def check_login(
    session: Session, staff_no: str, password: str, clock: Clock = system_clock
) -> LoginResult:
    """Check a login and count a failure. Never raises for a wrong password: the
    caller's transaction must commit, so that the failure counts."""
    staff_no = staff_no.strip()
    if not staff_no:
        return LoginResult(None, "请输入工号")
    if not password:
        return LoginResult(None, "请输入密码")
    key = staff_no[:MAX_STAFF_NO]
    now = clock()
    guard = _guard(session, key)
    user = None
    if len(staff_no) <= MAX_STAFF_NO:
        user = session.scalar(select(User).where(User.staff_no == staff_no))
    # the scrypt runs on every path: known, unknown, inactive and locked alike
    good = verify_password(password, user.password_hash if user else _dummy_hash())
    if guard.locked_until is not None and guard.locked_until > now:
        return LoginResult(None, _locked_text(guard.locked_until), guard.locked_until)
    if good and user is not None and user.active:
        guard.failures, guard.locked_until = 0, None
        return LoginResult(user)
    if guard.locked_until is not None:  # an expired lock starts a new count
        guard.failures, guard.locked_until = 0, None
    guard.failures += 1
    guard.last_failed_at = now
    if guard.failures >= MAX_FAILURES:
        guard.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        return LoginResult(None, _locked_text(guard.locked_until), guard.locked_until)
    left = MAX_FAILURES - guard.failures
    return LoginResult(None, f"{WRONG}（再错{left}次将锁定{LOCK_MINUTES}分钟）")


def _locked_text(until: datetime) -> str:
    return (
        f"连续{MAX_FAILURES}次登录失败，该工号已锁定至 {local(until):%H:%M}，"
        "请稍后再试或联系管理员"
    )


def _guard(session: Session, key: str) -> LoginGuard:
    """The guard row, created if missing and locked for this transaction, so that
    two processes failing at once both count."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(LoginGuard).values(staff_no=key, failures=0).on_conflict_do_nothing()
    )
    guard = session.scalar(
        select(LoginGuard).where(LoginGuard.staff_no == key).with_for_update()
    )
    assert guard is not None
    return guard


def authenticate(
    session: Session, staff_no: str, password: str, clock: Clock = system_clock
) -> User:
    """check_login raising UserError. The failure is counted in the session, so call
    it in a transaction that commits even then (or use check_login)."""
    result = check_login(session, staff_no, password, clock)
    if result.user is None:
        session.flush()
        raise UserError(result.message)
    return result.user


def user_count(session: Session) -> int:
    return int(session.scalar(select(func.count(User.id))) or 0)


def actor_of(user: User, window_no: str = "") -> Actor:
    return Actor(user.id, user.staff_no, user.name, Role(user.role), window_no, user.unit_code)
