"""Login lockout shared through the database, and the same scrypt for unknown staff
numbers (both engines)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.config import Settings
from counter_app.runtime import open_runtime
from counter_app.services import users
from counter_app.services.users import LOCK_MINUTES, MAX_FAILURES, check_login


@pytest.fixture
def rt(runtime, clock, teller_user_factory):  # type: ignore[no-untyped-def]
    teller_user_factory(runtime, clock)  # 1024 / secret1
    return runtime


def login(rt, clock, staff_no: str, password: str):  # type: ignore[no-untyped-def]
    with rt.uow() as session:
        result = check_login(session, staff_no, password, clock)
        return result.user.name if result.user else result.message


def test_wrong_passwords_lock_the_staff_number_until_a_time(rt, clock) -> None:  # type: ignore[no-untyped-def]
    for n in range(1, MAX_FAILURES):
        assert f"再错{MAX_FAILURES - n}次" in login(rt, clock, "1024", "wrong")
    message = login(rt, clock, "1024", "wrong")
    # 10:00 China time + the lock
    assert f"锁定至 10:{LOCK_MINUTES:02d}" in message
    for _ in range(100):
        login(rt, clock, "1024", "wrong")
    assert "锁定" in login(rt, clock, "1024", "secret1")  # the right one does not pass
    clock.now += timedelta(minutes=LOCK_MINUTES, seconds=1)
    assert login(rt, clock, "1024", "secret1") == "张敏"
    assert "再错" in login(rt, clock, "1024", "wrong")  # a fresh count after success


def test_an_unknown_staff_number_is_locked_the_same_way(rt, clock) -> None:  # type: ignore[no-untyped-def]
    known = [login(rt, clock, "1024", "wrong") for _ in range(MAX_FAILURES)]
    unknown = [login(rt, clock, "9999", "wrong") for _ in range(MAX_FAILURES)]
    assert known == unknown


def test_the_count_is_shared_between_processes(db_url, clock, rt) -> None:  # type: ignore[no-untyped-def]
    other = open_runtime(db_url, Settings.of(db_url=db_url), clock=clock)  # another PC
    try:
        for n in range(MAX_FAILURES - 1):
            login(rt if n % 2 else other, clock, "1024", "wrong")
        assert "锁定至" in login(other, clock, "1024", "wrong")
        assert "锁定至" in login(rt, clock, "1024", "secret1")
    finally:
        other.close()


def test_unknown_and_known_staff_numbers_run_the_same_scrypt(  # type: ignore[no-untyped-def]
    rt, clock, monkeypatch
) -> None:
    calls: list[tuple[int, int, int]] = []
    real = users._kdf

    def spy(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        calls.append((n, r, p))
        return real(password, salt, n, r, p)

    monkeypatch.setattr(users, "_kdf", spy)
    for staff_no, password in [("1024", "wrong"), ("9999", "wrong"), ("1024", "secret1"),
                               ("x" * 40, "wrong")]:
        calls.clear()
        login(rt, clock, staff_no, password)
        assert calls == [(2**14, 8, 1)], staff_no


def test_empty_fields_are_named(rt, clock) -> None:  # type: ignore[no-untyped-def]
    assert login(rt, clock, " ", "secret1") == "请输入工号"
    assert login(rt, clock, "1024", "") == "请输入密码"
