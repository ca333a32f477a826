"""The window's queue rules on both engines (issue 11 items 2, 20, 22; queue.md):
call next never closes the ticket being served unless the teller confirmed that very
ticket; an outcome code and note per transaction (a CHECK on the code); a walk-in
with no ticket; arrival confirmed; the recall gap says when; one teller, one window
(call and log in)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from counter_app.domain.queue import OutcomeCode, QueueError, ServingElsewhere, StillServing
from counter_app.services import queue as q
from counter_app.services.users import UserError
from counter_app.store.models import QueueEvent, Ticket, TicketTransaction
from counter_app.usecases import queue as uc
from counter_app.usecases.staff import LogIn, log_in


@pytest.fixture
def teller(runtime, clock, teller_user_factory):  # type: ignore[no-untyped-def]
    return teller_user_factory(runtime, clock)


def take(rt, clock, *categories: str) -> list[str]:  # type: ignore[no-untyped-def]
    hall = q.Hall.of(rt.settings, clock)
    with rt.uow() as s:
        return [q.take(s, hall, c).ticket.number for c in categories]


def status_of(rt, number: str) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    with rt.uow() as s:
        t = s.scalar(select(Ticket).where(Ticket.number == number))
        return str(t.status), t.service_seconds


def test_call_next_while_serving_needs_the_current_ticket_named(runtime, clock, teller):  # type: ignore[no-untyped-def]
    take(runtime, clock, "A", "A", "A", "A")
    first = uc.call_next(runtime, uc.CallNext(teller, "3"))
    assert first.ticket.number == "A001"
    clock.now += timedelta(seconds=1)
    # a second F1 with no confirmation: refused, nobody closed, nobody skipped
    with pytest.raises(StillServing) as refused:
        uc.call_next(runtime, uc.CallNext(teller, "3"))
    assert (refused.value.number, refused.value.ticket_id) == ("A001", first.ticket.id)
    assert "正在办理 A001" in str(refused.value)
    assert status_of(runtime, "A001") == ("serving", 0)
    assert status_of(runtime, "A002")[0] == "waiting"
    # a stale confirmation (for another ticket) is refused the same way
    with pytest.raises(StillServing):
        uc.call_next(runtime, uc.CallNext(teller, "3", finish_current=first.ticket.id + 1))
    with pytest.raises(StillServing):
        uc.call_next(runtime, uc.CallNext(teller, "3", finish_current="A002"))
    clock.now += timedelta(minutes=4)
    second = uc.call_next(runtime, uc.CallNext(teller, "3", finish_current=first.ticket.id))
    assert second.ticket.number == "A002" and second.finished.number == "A001"
    assert status_of(runtime, "A001") == ("done", 241)
    # the CLI names it by number
    clock.now += timedelta(minutes=1)
    third = uc.call_next(runtime, uc.CallNext(teller, "3", finish_current="a002"))
    assert third.ticket.number == "A003"
    with pytest.raises(StillServing):  # calling a given number obeys the same rule
        uc.call_number(runtime, uc.CallNumber(teller, "3", "A004"))


def test_finish_records_an_outcome_code_and_a_note_checked_by_the_database(runtime, clock, teller):  # type: ignore[no-untyped-def]
    take(runtime, clock, "B", "B")
    called = uc.call_next(runtime, uc.CallNext(teller, "2"))
    with pytest.raises(QueueError, match="请填写说明"):
        uc.finish(runtime, uc.Finish(teller, "2", outcome=OutcomeCode.OTHER))
    with pytest.raises(QueueError, match="当前在办的是 B001"):
        uc.finish(runtime, uc.Finish(teller, "2", outcome=OutcomeCode.INFORMED,
                                     ticket_id=called.ticket.id + 1))
    clock.now += timedelta(minutes=3)
    done = uc.finish(runtime, uc.Finish(teller, "2", "缺户口本，已一次性告知",
                                        OutcomeCode.INFORMED, ticket_id=called.ticket.id))
    assert done.status == "done"
    with runtime.uow() as s:
        tx = s.scalar(select(TicketTransaction).where(TicketTransaction.ticket_id == done.id))
        assert (tx.outcome, tx.outcome_code, tx.note) == ("done", "informed",
                                                           "缺户口本，已一次性告知")
    assert OutcomeCode.parse("2") is OutcomeCode.INFORMED
    assert OutcomeCode.parse("不予受理") is OutcomeCode.REJECTED
    assert [c.digit for c in OutcomeCode] == list("1234567")
    with pytest.raises(QueueError, match="没有办理结果 9"):
        OutcomeCode.parse("9")
    with runtime.engine.connect() as conn, pytest.raises(IntegrityError), conn.begin():
        conn.execute(text("UPDATE ticket_transactions SET outcome_code = 'great' "
                          "WHERE id = :id"), {"id": tx.id})


def test_walk_in_takes_and_calls_a_ticket_of_the_configured_category(runtime, clock, teller):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    take(runtime, clock, "A")
    rt = runtime
    walk = uc.walk_in(rt, uc.WalkIn(teller, "4"))
    assert (walk.ticket.number, walk.ticket.status, walk.window_no) == ("A002", "serving", "4")
    with pytest.raises(StillServing):
        uc.walk_in(rt, uc.WalkIn(teller, "4"))
    # the setting chooses the category
    rt.settings = replace(rt.settings, queue=replace(rt.settings.queue, walk_in_category="D"))
    second = uc.walk_in(rt, uc.WalkIn(teller, "4", finish_current=walk.ticket.id))
    assert second.ticket.number == "D001" and second.finished.number == "A002"
    with rt.uow() as s:
        t = s.scalar(select(Ticket).where(Ticket.number == "D001"))
        assert (t.channel, t.wait_seconds, t.window_no) == ("walk_in", 0, "4")
        kinds = s.scalars(select(QueueEvent.kind).where(QueueEvent.number == "D001")).all()
        assert kinds == ["take", "walk_in"]  # not announced on the display as a call
    assert status_of(rt, "A001")[0] == "waiting"  # nobody in the queue was skipped


def test_arrival_is_stored_once_and_the_recall_gap_says_when(runtime, clock, teller):  # type: ignore[no-untyped-def]
    take(runtime, clock, "C")
    assert runtime.settings.queue.recall_gap_seconds == 30
    uc.call_next(runtime, uc.CallNext(teller, "1"))
    clock.now += timedelta(seconds=12)
    with pytest.raises(QueueError) as early:
        uc.recall(runtime, uc.AtWindow(teller, "1"))
    # called at 10:00:00 China time: 18 s more, from 10:00:30
    assert "19 秒后（10:00:30 起）可再重呼" in str(early.value)
    clock.now += timedelta(seconds=18)
    assert uc.recall(runtime, uc.AtWindow(teller, "1")).ticket.recalls == 1
    clock.now += timedelta(seconds=5)
    arrived = uc.arrive(runtime, uc.AtWindow(teller, "1"))
    assert arrived.arrived_at == clock.now
    first = clock.now
    clock.now += timedelta(seconds=5)
    assert uc.arrive(runtime, uc.AtWindow(teller, "1")).arrived_at == first
    with runtime.uow() as s:
        assert s.scalar(select(Ticket.arrived_at).where(Ticket.number == "C001")) == first


def test_one_teller_one_window(runtime, clock, teller):  # type: ignore[no-untyped-def]
    take(runtime, clock, "A", "A")
    uc.call_next(runtime, uc.CallNext(teller, "1"))
    with pytest.raises(ServingElsewhere) as refused:
        uc.call_next(runtime, uc.CallNext(teller, "2"))
    assert "您在 1 号窗口还有在办的号 A001" in str(refused.value)
    with pytest.raises(ServingElsewhere):
        uc.walk_in(runtime, uc.WalkIn(teller, "2"))
    assert status_of(runtime, "A002")[0] == "waiting"
    with pytest.raises(UserError, match="1 号窗口还有在办的号 A001.*再登录 2 号窗口"):
        log_in(runtime, LogIn("1024", "secret1", window_no="2", at_window=True))
    here = LogIn("1024", "secret1", window_no="1", at_window=True)
    assert log_in(runtime, here).staff_no == "1024"
    uc.no_show(runtime, uc.AtWindow(teller, "1"))
    there = LogIn("1024", "secret1", window_no="2", at_window=True)
    assert log_in(runtime, there).staff_no == "1024"
    assert uc.call_next(runtime, uc.CallNext(teller, "2")).ticket.number == "A002"
