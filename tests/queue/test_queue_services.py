"""The queue services on both engines: numbers, the calling order, recall, no-show
and reactivation, transfer with return, park, pause, cases linked to the visit, and
the statistics in seconds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from counter_app.domain.queue import QueueError, QueueRules, parse_categories
from counter_app.infra import hall_listener
from counter_app.services import acceptance
from counter_app.services import queue as q
from counter_app.services.queue_views import hall_snapshot, queue_stats, window_view
from counter_app.store.models import Case, Ticket
from tests.test_acceptance import retirement_application


@pytest.fixture
def hall(runtime, clock):  # type: ignore[no-untyped-def]
    return q.Hall.of(runtime.settings, clock)


def take(rt, hall, *categories: str, **kw) -> list[q.Taken]:  # type: ignore[no-untyped-def]
    with rt.uow() as s:
        return [q.take(s, hall, c, **kw) for c in categories]


def call(rt, hall, window: str, **kw) -> q.Called | None:  # type: ignore[no-untyped-def]
    with rt.uow() as s:
        return q.call_next(s, hall, window, **kw)


def number(called: q.Called | None) -> str | None:
    return called.ticket.number if called else None


def test_numbers_per_category_restart_daily_and_count_who_is_ahead(runtime, hall, clock):  # type: ignore[no-untyped-def]
    taken = take(runtime, hall, "A", "A", "B", "a")
    assert [t.ticket.number for t in taken] == ["A001", "A002", "B001", "A003"]
    assert [t.waiting_ahead for t in taken] == [0, 1, 0, 2]
    (prio,) = take(runtime, hall, "A", priority_reason="老年人")
    assert prio.ticket.number == "A004" and prio.ticket.priority and prio.waiting_ahead == 0
    with pytest.raises(QueueError, match="没有业务类别 Z"):
        take(runtime, hall, "Z")
    clock.now += timedelta(days=1)
    assert take(runtime, hall, "A")[0].ticket.number == "A001"


def test_call_next_priority_then_first_come_within_the_windows_categories(runtime, hall, clock):  # type: ignore[no-untyped-def]
    take(runtime, hall, "A", "B", "A")
    clock.now += timedelta(seconds=30)
    take(runtime, hall, "A", priority_reason="军人")
    clock.now += timedelta(minutes=4)
    first = call(runtime, hall, "1", categories="A")
    assert number(first) == "A003"  # the priority ticket, though taken last
    assert first.announcement == "请 A003 号到 1 号窗口办理"
    assert first.ticket.wait_seconds == 240
    # call next closes the ticket at the window
    second = call(runtime, hall, "1")
    assert number(second) == "A001" and second.finished.number == "A003"
    assert number(call(runtime, hall, "2", categories="B")) == "B001"
    assert number(call(runtime, hall, "2")) is None  # window 2 keeps serving B only
    assert number(call(runtime, hall, "1")) == "A002"
    assert number(call(runtime, hall, "1")) is None


def test_priority_rule_lets_an_ordinary_ticket_through(runtime, clock):  # type: ignore[no-untyped-def]
    hall = q.Hall("37010201", QueueRules(priority_run=2), clock)
    take(runtime, hall, "A", "A")
    take(runtime, hall, "A", "A", "A", priority_reason="残疾人")
    order = [number(call(runtime, hall, "1")) for _ in range(5)]
    assert order == ["A003", "A004", "A001", "A005", "A002"]


def test_recall_is_limited(runtime, hall, clock):  # type: ignore[no-untyped-def]
    take(runtime, hall, "B")
    call(runtime, hall, "3")
    with runtime.uow() as s, pytest.raises(QueueError, match="刚刚呼叫过"):
        q.recall(s, hall, "3")
    for n in range(1, 4):
        clock.now += timedelta(seconds=30)  # queue_recall_gap_seconds
        with runtime.uow() as s:
            assert q.recall(s, hall, "3").ticket.recalls == n
    clock.now += timedelta(seconds=30)
    with runtime.uow() as s, pytest.raises(QueueError, match="达到上限"):
        q.recall(s, hall, "3")


def test_no_show_reactivates_behind_a_few_people_within_the_window(runtime, hall, clock):  # type: ignore[no-untyped-def]
    for _ in range(6):
        take(runtime, hall, "A")
        clock.now += timedelta(seconds=20)
    assert number(call(runtime, hall, "1")) == "A001"
    with runtime.uow() as s:
        assert q.no_show(s, hall, "1").status == "no_show"
    clock.now += timedelta(minutes=10)
    with runtime.uow() as s:
        back = q.reactivate(s, hall, "a001")
    assert back.waiting_ahead == 3  # rejoins behind 3 people (queue_rejoin_behind)
    order = [number(call(runtime, hall, "1")) for _ in range(6)]
    assert order == ["A002", "A003", "A004", "A001", "A005", "A006"]
    # a no-show past the reactivation window must take a new number
    with runtime.uow() as s:
        q.no_show(s, hall, "1")
    clock.now += timedelta(minutes=31)
    with runtime.uow() as s, pytest.raises(QueueError, match="超过30分钟"):
        q.reactivate(s, hall, "A006")


def test_no_show_called_again_counts_the_last_call(runtime, hall, clock):  # type: ignore[no-untyped-def]
    take(runtime, hall, "C")
    clock.now += timedelta(minutes=2)
    call(runtime, hall, "1")
    with runtime.uow() as s:
        q.no_show(s, hall, "1")
    clock.now += timedelta(minutes=3)
    with runtime.uow() as s:
        q.reactivate(s, hall, "C001")
    assert call(runtime, hall, "1").ticket.wait_seconds == 300


def test_transfer_to_a_window_returns_to_the_first_one_ahead_of_the_queue(runtime, hall, clock):  # type: ignore[no-untyped-def]
    take(runtime, hall, "B", "B", "B")
    assert number(call(runtime, hall, "3")) == "B001"
    clock.now += timedelta(minutes=1)
    with runtime.uow() as s:
        moved = q.transfer(s, hall, "3", to_window="7")
    assert moved.status == "waiting"
    # only window 7 may call it; window 3 goes on with the queue
    assert number(call(runtime, hall, "3")) == "B002"
    assert number(call(runtime, hall, "7", categories="E")) == "B001"
    clock.now += timedelta(minutes=2)
    with runtime.uow() as s:
        back = q.done(s, hall, "7")
    assert back.status == "waiting"  # sent back to window 3
    assert number(call(runtime, hall, "5", categories="B")) == "B003"  # not for window 5
    assert number(call(runtime, hall, "3")) == "B001"  # ahead of everyone at window 3
    clock.now += timedelta(minutes=1)
    with runtime.uow() as s:
        assert q.done(s, hall, "3").status == "done"
        t = s.scalar(select(Ticket).where(Ticket.number == "B001"))
        assert t.service_seconds == 60 + 120 + 60
        assert [x.window_no for x in t.transactions] == ["3", "7", "3"]
        assert [x.outcome for x in t.transactions] == ["transfer", "done", "done"]


def test_transfer_to_a_category_without_return(runtime, hall):  # type: ignore[no-untyped-def]
    take(runtime, hall, "A", "D")
    call(runtime, hall, "1", categories="A")
    with runtime.uow() as s:
        moved = q.transfer(s, hall, "1", to_category="D", back=False)
    assert moved.category == "D" and moved.category_name == "劳动关系"
    assert number(call(runtime, hall, "4", categories="D")) == "A001"  # placed first
    with runtime.uow() as s:
        assert q.done(s, hall, "4").status == "done"
    with runtime.uow() as s, pytest.raises(QueueError, match="本窗口"):
        call(runtime, hall, "1")
        q.transfer(s, hall, "1", to_window="1")


def test_park_pause_and_resume(runtime, hall):  # type: ignore[no-untyped-def]
    take(runtime, hall, "E", "E")
    call(runtime, hall, "2")
    with runtime.uow() as s:
        q.park(s, hall, "2")
    assert number(call(runtime, hall, "2")) == "E002"
    with runtime.uow() as s, pytest.raises(QueueError, match="请先办结当前号 E002"):
        q.unpark(s, hall, "2", "E001")
    with runtime.uow() as s:
        q.done(s, hall, "2")
        assert q.unpark(s, hall, "2", "E001").ticket.number == "E001"
        view = window_view(s, hall, "2")
        assert view.ticket.number == "E001" and view.parked == ()
    with runtime.uow() as s:
        q.done(s, hall, "2")
        q.pause(s, hall, "2", "休息")
    take(runtime, hall, "E")
    with pytest.raises(QueueError, match="暂停服务"):
        call(runtime, hall, "2")
    with runtime.uow() as s:
        snap = hall_snapshot(s, hall)
        assert [(w.window_no, w.paused, w.pause_reason) for w in snap.windows] == [
            ("2", True, "休息")
        ]
        q.resume(s, hall, "2")
    assert number(call(runtime, hall, "2")) == "E003"


def test_cases_accepted_during_a_visit_are_linked_to_the_ticket(runtime, hall):  # type: ignore[no-untyped-def]
    take(runtime, hall, "B")
    called = call(runtime, hall, "1")
    desk = replace(runtime.desk(), ticket_id=called.ticket.id)
    with runtime.uow() as s:
        first = acceptance.accept(s, runtime.deps, desk, retirement_application(runtime))
        second = acceptance.accept(s, runtime.deps, desk, retirement_application(runtime))
    with runtime.uow() as s:
        assert q.ticket_cases(s, called.ticket.id) == [first.case_no, second.case_no]
        assert window_view(s, hall, "1").cases == (first.case_no, second.case_no)
        case = s.scalar(select(Case).where(Case.case_no == first.case_no))
        assert case.ticket_id == called.ticket.id


def test_ticket_by_id_card_is_linked_masked_and_priority_by_age(runtime, hall):  # type: ignore[no-untyped-def]
    with runtime.uow() as s:
        old = q.take_with_card(
            s, hall, "B", id_number="11010519491231002x", name="王䶮",
            birth_date=date(1949, 12, 31),
        )
        young = q.take_with_card(
            s, hall, "B", id_number="370102199001011234", name="李四",
            birth_date=date(1990, 1, 1),
        )
    assert old.ticket.priority and old.ticket.priority_reason == "老年人"
    assert old.ticket.holder == "王*"
    assert not young.ticket.priority and young.waiting_ahead == 1
    assert "11010519491231002X" not in str(old.as_json())


def test_statistics_in_seconds_per_ticket_category_and_window(runtime, hall, clock):  # type: ignore[no-untyped-def]
    take(runtime, hall, "A", "A", "B")
    clock.now += timedelta(seconds=90)
    call(runtime, hall, "1")  # A001 waited 90 s
    clock.now += timedelta(seconds=200)
    call(runtime, hall, "1")  # A001 served 200 s; A002 waited 290 s
    with runtime.uow() as s:
        q.no_show(s, hall, "1")
    clock.now += timedelta(seconds=10)
    call(runtime, hall, "2")  # B001 waited 300 s
    clock.now += timedelta(seconds=45)
    with runtime.uow() as s:
        q.done(s, hall, "2")
        stats = queue_stats(s, hall)
    by = {t.number: t for t in stats.tickets}
    assert (by["A001"].wait_seconds, by["A001"].service_seconds) == (90, 200)
    assert (by["B001"].wait_seconds, by["B001"].service_seconds) == (300, 45)
    assert by["A002"].status == "no_show" and by["A002"].service_seconds == 0
    a = stats.by_category["A"]
    assert (a.taken, a.served, a.no_show, a.waits) == (2, 1, 1, [90])
    w1 = stats.by_window["1"]
    assert (w1.served, w1.no_show, w1.service_seconds) == (1, 1, 200)
    assert stats.by_window["2"].avg_service == 45


def test_snapshot_shows_calls_per_window_recent_calls_and_waiting(runtime, hall):  # type: ignore[no-untyped-def]
    take(runtime, hall, "A", "A", "B", "C")
    call(runtime, hall, "1", categories="A")
    call(runtime, hall, "2", categories="B")
    with runtime.uow() as s:
        snap = hall_snapshot(s, hall)
    assert [(w.window_no, w.number) for w in snap.windows] == [("1", "A001"), ("2", "B001")]
    assert [e.number for e in snap.recent] == ["B001", "A001"]
    assert snap.waiting == {"A": 1, "B": 0, "C": 1, "D": 0, "E": 0}


def test_hall_listener_wakes_on_a_commit_from_another_connection(runtime, hall):  # type: ignore[no-untyped-def]
    listener = hall_listener.open_listener(runtime.engine, hall.code)
    try:
        assert listener.wait(0.2) is False
        take(runtime, hall, "A")
        assert listener.wait(5.0) is True
        assert listener.wait(0.2) is False
    finally:
        listener.close()


def test_a_display_of_hall_a_does_not_wake_for_hall_b(pg_url, clock):  # type: ignore[no-untyped-def]
    """Two halls share one PostgreSQL: hall B's numbers and calls do not wake hall
    A's display; hall A's own next call does, and still within the wait."""
    from counter_app.config import Settings
    from counter_app.runtime import open_runtime

    rt = open_runtime(pg_url, Settings(db_url=pg_url), clock=clock)
    hall_a = q.Hall("37010201", QueueRules(), clock)
    hall_b = q.Hall("37010299", QueueRules(), clock)
    display_a = hall_listener.open_listener(rt.engine, hall_a.code)
    display_b = hall_listener.open_listener(rt.engine, hall_b.code)
    try:
        take(rt, hall_b, "A", "B")
        call(rt, hall_b, "1")
        assert display_a.wait(1.0) is False
        assert display_b.wait(5.0) is True
        take(rt, hall_b, "C")
        take(rt, hall_a, "A")  # committed after hall B's: A must not stop at B's
        assert display_a.wait(5.0) is True
        assert display_a.wait(0.3) is False
    finally:
        display_a.close()
        display_b.close()
        rt.close()


def test_categories_from_settings_table_or_string() -> None:
    assert parse_categories("A=就业创业，b=社会保险")[1].prefix == "B"
    with pytest.raises(ValueError):
        parse_categories({"1": "x"})
    rules = QueueRules()
    assert rules.window_categories("") == ("A", "B", "C", "D", "E")
    assert rules.window_categories("ab") == ("A", "B")
    assert rules.window_categories("A, C") == ("A", "C")
    with pytest.raises(QueueError):
        rules.window_categories("AZ")
