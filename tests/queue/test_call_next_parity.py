"""Call next is written twice: in Python (services.queue, SQLite) and as the
server-side function counter_call_next() on PostgreSQL (migration 0010, one round
trip a call). One busy morning is played through both engines with the same clock,
and everything a teller, the display and the day's report would read must be the
same: what each call returned or refused, and every row of the tickets, their
service stretches, the hall's events, the windows and the audit trail."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from counter_app.config import Settings
from counter_app.domain.queue import QueueError
from counter_app.domain.roles import Actor, Role
from counter_app.runtime import Runtime, open_runtime
from counter_app.services import queue as q
from counter_app.services.users import add_user
from counter_app.store.models import AuditEntry, QueueEvent, QueueWindow, Ticket, TicketTransaction
from counter_app.usecases import queue as queue_ops
from tests.conftest import FakeClock


def _rows(rt: Runtime) -> dict[str, list[tuple[Any, ...]]]:
    def utc(value: Any) -> Any:
        return value.astimezone(UTC) if isinstance(value, datetime) else value

    def cols(obj: Any, skip: tuple[str, ...] = ()) -> tuple[Any, ...]:
        return tuple((c.key, utc(getattr(obj, c.key))) for c in obj.__table__.columns
                     if c.key not in skip)

    with rt.read() as s:
        return {
            "tickets": [cols(t) for t in s.scalars(select(Ticket).order_by(Ticket.id))],
            "transactions": [cols(t) for t in s.scalars(
                select(TicketTransaction).order_by(TicketTransaction.id))],
            "events": [cols(e) for e in s.scalars(select(QueueEvent).order_by(QueueEvent.id))],
            "windows": [cols(w) for w in s.scalars(
                select(QueueWindow).order_by(QueueWindow.window_no))],
            # the workstation is this PC's name on both
            "audit": [cols(a, ("id",)) for a in s.scalars(
                select(AuditEntry).where(AuditEntry.subject_kind == "ticket")
                .order_by(AuditEntry.at, AuditEntry.subject))],
        }


def _morning(rt: Runtime, clock: FakeClock) -> list[Any]:
    """A morning at four windows; what each step returned (or the refusal)."""
    hall = q.Hall.of(rt.settings, clock)
    run_hall = replace(hall, rules=replace(hall.rules, priority_run=2))
    with rt.uow() as s:
        tellers = [add_user(s, f"10{n}", f"柜员{n}", "secret1", Role.TELLER, clock=clock).id
                   for n in range(1, 5)]
    seen: list[Any] = []

    def tick(seconds: float) -> None:
        clock.now += timedelta(seconds=seconds)

    def step(action: Any) -> None:
        try:
            with rt.uow() as s:
                got = action(s)
        except QueueError as exc:
            seen.append((type(exc).__name__, str(exc)))
            return
        if isinstance(got, q.Called):
            seen.append(("called", got.as_json(), got.finished.as_json() if got.finished
                         else None))
        elif got is None:
            seen.append(("none",))
        else:
            seen.append(("other", got.as_json()))

    def call(window: str, teller: int | None = None, **kw: Any) -> None:
        step(lambda s: q.call_next(s, run_hall, window, teller_id=teller, **kw))

    def take(category: str, **kw: Any) -> None:
        step(lambda s: q.take(s, hall, category, **kw))

    for cat in "AABBA":
        take(cat)
        tick(7.25)
    take("A", priority_reason="老年人")
    take("A", priority_reason="军人")
    step(lambda s: q.take_with_card(s, hall, "B", id_number="370102195501011234",
                                    name="李娜", sex="女"))
    take("C")
    tick(60.5)  # half a second: both round it the same way (to even)
    call("1", tellers[0], categories="a,b")  # the two priority tickets, then an ordinary one
    tick(0.5)
    call("1", tellers[0], finish_current="*")
    tick(1.5)
    call("1", tellers[0], finish_current=None)  # still serving, nobody named: refused
    call("1", tellers[0], finish_current="B999")  # a stale confirmation: refused
    call("5", tellers[0], finish_current="*")  # the same teller at another window
    step(lambda s: q.call_next(s, run_hall, "1", teller_id=tellers[0],
                               finish_current=s.scalar(
                                   select(QueueWindow.current_ticket_id)
                                   .where(QueueWindow.window_no == "1"))))
    tick(42.123456)
    call("2", tellers[1], categories="B")
    tick(30)
    step(lambda s: q.transfer(s, hall, "2", to_window="3"))
    call("2", tellers[1], finish_current="*")
    tick(12)
    call("3", tellers[2], categories="C")  # the transferred one first, for window 3 only
    tick(95.5)
    call("3", tellers[2], finish_current="*")  # sent back to window 2, then C001
    call("2", tellers[1], finish_current="*")  # the returned ticket ahead of everyone
    tick(20)
    step(lambda s: q.no_show(s, hall, "1"))
    missed = seen[-1][1]["ticket"]
    step(lambda s: q.reactivate(s, hall, missed))
    tick(33.3)
    call("1", tellers[0], finish_current="*")
    call("1", tellers[0], finish_current="*")  # the missed one again: its wait counts anew
    step(lambda s: q.pause(s, hall, "4", "午休"))
    call("4", tellers[3], categories="")
    step(lambda s: q.resume(s, hall, "4"))
    call("4", tellers[3], categories="")
    tick(10)

    def use_case(actor: Actor, window: str, **kw: Any) -> None:
        # its own transaction: on PostgreSQL one statement in autocommit (rt.statement)
        try:
            got = queue_ops.call_next(rt, queue_ops.CallNext(actor, window, **kw))
            seen.append(("use case", got.as_json() if got else None))
        except QueueError as exc:
            seen.append((type(exc).__name__, str(exc)))

    use_case(Actor(tellers[3], "104", "柜员4", Role.TELLER, "4"), "4", finish_current="*")
    # refused at a window never used: not even its row stays behind
    use_case(Actor(tellers[0], "101", "柜员1", Role.TELLER, "6"), "6", categories="C")
    use_case(Actor(tellers[3], "104", "柜员4", Role.TELLER, "4"), "4")
    for window in ("1", "2", "3", "4", "1"):  # until nobody waits: the last ones close
        tick(3)
        call(window, finish_current="*")
    with rt.uow() as s:  # categories the hall no longer has
        s.get(QueueWindow, (hall.code, "2")).categories = "BX"
    call("2")
    return seen


def test_one_morning_gives_the_same_rows_on_both_engines(sqlite_url, pg_url):  # type: ignore[no-untyped-def]
    results = {}
    for url in (sqlite_url, pg_url):
        clock = FakeClock(datetime(2026, 9, 29, 1, 30, 0, 250_000, tzinfo=UTC))
        rt = open_runtime(url, Settings.of(db_url=url, window_no="1"), clock=clock)
        try:
            results[rt.engine.dialect.name] = (_morning(rt, clock), _rows(rt))
        finally:
            rt.close()
    (lite_seen, lite_rows), (pg_seen, pg_rows) = results["sqlite"], results["postgresql"]
    for a, b in zip(lite_seen, pg_seen, strict=True):
        assert a == b
    for table in lite_rows:
        assert len(lite_rows[table]) == len(pg_rows[table]), table
        for a, b in zip(lite_rows[table], pg_rows[table], strict=True):
            assert a == b, table
    # the morning did what it was written to do (a parity of two errors proves nothing)
    kinds = [s[0] for s in lite_seen]
    assert kinds.count("StillServing") == 3 and kinds.count("ServingElsewhere") == 2
    assert "QueueError" in kinds and kinds[-1] == "QueueError" and "none" in kinds
    events = [dict(e)["kind"] for e in lite_rows["events"]]
    assert {"call", "done", "return", "no_show", "reactivate", "transfer"} <= set(events)
    assert len(lite_rows["audit"]) == 1
    assert "6" not in [dict(w)["window_no"] for w in lite_rows["windows"]]


def test_a_call_wakes_the_displays_and_a_refusal_does_not(runtime, clock, teller_user_factory):  # type: ignore[no-untyped-def]
    """The use case's call (on PostgreSQL one statement in autocommit, its wake-up
    sent by the function) reaches a display listening on another connection."""
    from counter_app.infra import hall_listener

    actor = replace(teller_user_factory(runtime, clock), window_no="3")
    hall = q.Hall.of(runtime.settings, clock)
    with runtime.uow() as s:
        q.take(s, hall, "A")
    listener = hall_listener.open_listener(runtime.engine, hall.code)
    try:
        assert listener.wait(0.2) is False
        called = queue_ops.call_next(runtime, queue_ops.CallNext(actor, "3"))
        assert called is not None and called.ticket.number == "A001"
        assert listener.wait(5.0) is True
        try:  # still serving A001, nobody named: refused, nothing written, no wake-up
            queue_ops.call_next(runtime, queue_ops.CallNext(actor, "3"))
        except QueueError as exc:
            assert "正在办理 A001" in str(exc)
        else:
            raise AssertionError("a second call without finishing A001 went through")
        assert listener.wait(0.5) is False
    finally:
        listener.close()
    with runtime.read() as s:
        calls = s.scalars(select(AuditEntry.subject).where(AuditEntry.subject_kind == "ticket"))
        assert list(calls) == ["A001"]


def test_a_lost_connection_at_a_call_is_said_and_the_next_call_works(pg_url, clock):  # type: ignore[no-untyped-def]
    """The server drops the window's connection (a pulled cable, a restart): the
    call says 无法连接数据库, and F1 again calls on a new connection."""
    import psycopg

    from counter_app.usecases.errors import user_message
    from tests.conftest import PG_URL

    rt = open_runtime(pg_url, Settings.of(db_url=pg_url, window_no="2"), clock=clock)
    try:
        hall = q.Hall.of(rt.settings, clock)
        with rt.uow() as s:
            q.take(s, hall, "A")
            q.take(s, hall, "A")
        actor = Actor(None, "102", "柜员", Role.TELLER, "2")
        first = queue_ops.call_next(rt, queue_ops.CallNext(actor, "2"))
        assert first is not None
        with rt.statement() as conn:
            pid = conn.info.backend_pid
        with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        again = queue_ops.CallNext(actor, "2", finish_current=first.ticket.id)
        try:
            queue_ops.call_next(rt, again)
        except Exception as exc:  # noqa: BLE001  (what the window shows is the point)
            assert user_message(exc).startswith("无法连接数据库")
        else:
            raise AssertionError("a call on a dropped connection went through")
        second = queue_ops.call_next(rt, again)
        assert second is not None and second.ticket.number == "A002"
    finally:
        rt.close()
