"""Done-when #1: 50 visits rated through the pad simulator on a pseudo-terminal, with
lost ACKs, garbage on the line and one pulled cable. Every session is stored once,
the unrated ones with their causes, and the shift summary's rates equal a count
made from the raw rows."""

from __future__ import annotations

import sys
from collections import Counter

import pytest
from sqlalchemy import func, select

from counter_app.domain.rating import NotRatedCause, Satisfaction, from_pad_level, good_levels
from counter_app.infra.pad_session import PadRatingService, SessionEnded, SessionStarted
from counter_app.services import queue as q
from counter_app.services import ratings, reports
from counter_app.services.context import Desk
from counter_app.store.models import FollowUp, OutboxMessage, Rating, RatingSession
from devices.pad.driver import PadDriver, PadTimings
from devices.pad.simulator import PadSimulator
from devices.pty_sim import LineFaults
from tests.ratings.conftest import Collector
from tests.ratings.helpers import accept_case
from tests.support import wait_for

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("pseudo-terminal simulators need POSIX", allow_module_level=True)

FAST = PadTimings(ack_timeout_s=0.1, gap_timeout_s=0.2, offline_after_s=1.5, session_grace_s=0.5)
LEVELS = [5, 5, 4, 5, 3, 5, 2, 4, 5, 1, 5, 4]
VISITS = 50
TIMEOUT_AT, CANCEL_AT, PULL_AT = 11, 23, 37


def _pad(stop_later, **options):  # type: ignore[no-untyped-def]
    options.setdefault("press_delay_s", 0.05)
    sim = stop_later(PadSimulator(baud=115200, heartbeat_s=0.3, ack_timeout_s=FAST.ack_timeout_s,
                                  gap_timeout_s=FAST.gap_timeout_s, **options).start())
    driver = stop_later(PadDriver(sim.path, 115200, timings=FAST).start())
    wait_for(lambda: driver.status.online)
    return sim, driver


def _visit(rt, desk: Desk, hall: q.Hall, i: int) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    """Every third visit is a walk-in case without a ticket; the others are queue
    tickets, most with a case accepted for them."""
    if i % 3 == 2:
        return "case", accept_case(rt, desk, person=i)
    with rt.uow() as session:
        q.take(session, hall, "A")
    with rt.uow() as session:
        called = q.call_next(session, hall, desk.window_no, teller_id=desk.teller_id)
    assert called is not None
    ticket_id = called.ticket.id
    if i % 5:
        accept_case(rt, Desk(desk.hall_code, desk.window_no, desk.teller_id, ticket_id), person=i)
    return "ticket", ticket_id


def test_fifty_visits_rated_through_a_faulty_pad(runtime, staff, stop_later) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    sim, driver = _pad(stop_later, levels=LEVELS, lost_ack_rate=0.2,
                       faults=LineFaults(garbage_rate=0.3, garbage_max=20, seed=11))
    sim.rng.seed(3)
    seen = Collector()
    teller = _teller(rt, staff["1001"])
    service = stop_later(PadRatingService(rt, driver, actor=teller, window_no="1",
                                          timeout_s=30, on_event=seen).start())
    desk = Desk(rt.settings.hall.code, "1", staff["1001"])
    hall = q.Hall(rt.settings.hall.code, q.rules_from(rt.settings.queue), rt.deps.clock)

    for i in range(VISITS):
        kind, ref = _visit(rt, desk, hall, i)
        if i == TIMEOUT_AT:
            with sim.lock:
                saved, sim.levels = sim.levels, []  # nobody presses
        if i == PULL_AT:
            with sim.lock:
                sim.press_delay_s = 0.5
        if kind == "case":
            service.request_for_case(str(ref))
        else:
            service.request_for_ticket(int(ref))  # type: ignore[arg-type]
        started = seen.wait_count(SessionStarted, i + 1)[-1]
        sid = started.session_id
        if i in (TIMEOUT_AT, CANCEL_AT, PULL_AT):
            wait_for(lambda sid=sid: sim.current is not None and sim.current.session_id == sid)
        if i == TIMEOUT_AT:
            with sim.lock:
                sim.current.deadline = 0  # type: ignore[union-attr]  # don't wait 30 s
        elif i == CANCEL_AT:
            service.cancel()
        elif i == PULL_AT:
            sim.pull_cable(3.0)  # the one pulled cable: longer than the offline limit
        ended = seen.wait_count(SessionEnded, i + 1, timeout=20)[-1]
        assert ended.session_id == sid
        assert not hasattr(ended, "level")  # the teller's screen never learns the level
        if i == TIMEOUT_AT:
            with sim.lock:
                sim.levels = saved
        if i == PULL_AT:
            with sim.lock:
                sim.press_delay_s = 0.05
            wait_for(lambda: driver.status.online, timeout=20)
    assert service.wait_idle()

    # -- raw rows ------------------------------------------------------------------
    with rt.uow() as session:
        rows = session.execute(select(RatingSession, Rating).join(
            Rating, Rating.session_id == RatingSession.id)).all()
        n_sessions = session.scalar(select(func.count(RatingSession.id)))
        n_results = session.scalar(select(func.count(Rating.id)))
        n_outbox = session.scalar(select(func.count(OutboxMessage.id)))
        n_followups = session.scalar(select(func.count(FollowUp.id)))
        summary = reports.shift_summary(session, rt.deps, rt.settings)
    assert n_sessions == n_results == VISITS  # each session stored once
    assert len({rs.visit_key for rs, _ in rows}) == VISITS  # one visit, one session
    assert all(rs.state == r.outcome for rs, r in rows)
    rated = [(rs, r) for rs, r in rows if r.outcome == "rated"]
    unrated = [(rs, r) for rs, r in rows if r.outcome == "not_rated"]
    causes = Counter(r.cause for _, r in unrated)
    assert causes == {NotRatedCause.TIMEOUT.value: 1, NotRatedCause.CANCELLED.value: 1,
                      NotRatedCause.PAD_OFFLINE.value: 1}
    assert all(r.cause_detail for _, r in unrated)

    # What was stored is what the applicant pressed, session by session.
    pressed = {r.session_id: r.level for r in sim.ratings_sent}
    for rs, r in rated:
        assert Satisfaction(r.satisfaction) is from_pad_level(pressed[rs.pad_session_id])
        if r.bad:
            assert r.reasons  # the pad's reason bits came through
    # The faults really happened.
    assert sim.acks_dropped > 0
    assert driver.stats["duplicates"] + sim.link.duplicates > 0

    # -- the summary agrees with a count from the raw rows ----------------------
    good = {lv.value for lv in good_levels(rt.settings.ratings.good_counts_basic)}
    assert summary.visits == VISITS
    assert summary.rated == len(rated) == VISITS - 3
    assert summary.not_rated == len(unrated)
    assert (summary.participation.numerator, summary.participation.denominator) == (
        len(rated), VISITS)
    assert summary.participation.value == pytest.approx(len(rated) / VISITS)
    n_good = sum(1 for _, r in rated if r.satisfaction in good)
    assert (summary.good.numerator, summary.good.denominator) == (n_good, len(rated))
    assert summary.bad_ratings == sum(1 for _, r in rated if r.bad) == n_followups > 0
    assert n_outbox == len(rated)
    assert summary.not_rated_by_cause == dict(causes)


def test_a_repeat_for_a_stored_session_is_ignored(runtime, staff, stop_later) -> None:  # type: ignore[no-untyped-def]
    """A RATING resent after a lost ACK, or a NotRated after the rating: never stored twice."""
    rt = runtime
    sim, driver = _pad(stop_later, levels=[4])
    seen = Collector()
    teller = _teller(rt, staff["1001"])
    service = stop_later(PadRatingService(rt, driver, actor=teller, window_no="1",
                                          on_event=seen).start())
    case_no = accept_case(rt, Desk(rt.settings.hall.code, "1", staff["1001"]))
    service.request_for_case(case_no)
    ended = seen.wait_count(SessionEnded, 1)[0]
    assert ended.rated
    # The same events again, as a confused pad or driver might deliver them.
    from devices.pad.driver import NotRated, RatingReceived
    from devices.pad.driver import NotRatedCause as PadCause

    sid = ended.session_id
    service._on_pad_event(RatingReceived("pad", sid, 1, ["服务态度差"], 1))
    service._on_pad_event(NotRated("pad", sid, PadCause.TIMEOUT))
    assert service.wait_idle()
    with rt.uow() as session:
        results = session.scalars(select(Rating).where(Rating.session_id == sid)).all()
    assert len(results) == 1 and results[0].satisfaction == Satisfaction.SATISFIED.value
    # And the visit cannot be asked twice.
    service.request_for_case(case_no)
    assert service.wait_idle()
    refused = [e for e in seen.items if type(e).__name__ == "RequestRefused"]
    assert refused and "已评价" in refused[0].message
    with rt.uow() as session:
        assert ratings.already_rated(session, ended.visit_key)


def _teller(rt, user_id: int):  # type: ignore[no-untyped-def]
    from counter_app.services.users import actor_of
    from counter_app.store.models import User

    with rt.uow() as session:
        return actor_of(session.get(User, user_id))


def test_a_session_asked_again_after_a_link_loss_is_stored_as_such(  # type: ignore[no-untyped-def]
    runtime, staff, stop_later
) -> None:
    """A press lost with the cable: the host re-asks, the applicant presses again, and
    the stored session says it was asked again (a supervisor can tell)."""
    from devices.pad.driver import PadTimings as Timings

    rt = runtime
    patient = Timings(ack_timeout_s=0.1, gap_timeout_s=0.2, offline_after_s=8.0,
                      session_grace_s=0.5)  # the cable is back long before "pad lost"
    sim = stop_later(PadSimulator(baud=115200, heartbeat_s=0.3, ack_timeout_s=0.1,
                                  gap_timeout_s=0.2, levels=[1, 5], press_delay_s=0.3,
                                  keep_results=False).start())
    driver = stop_later(PadDriver(sim.path, 115200, timings=patient).start())
    wait_for(lambda: driver.status.online)
    seen = Collector()
    service = stop_later(PadRatingService(rt, driver, actor=_teller(rt, staff["1001"]),
                                          window_no="1", on_event=seen).start())
    case_no = accept_case(rt, Desk(rt.settings.hall.code, "1", staff["1001"]))
    service.request_for_case(case_no)
    wait_for(lambda: sim.current is not None)
    sim.pull_cable()
    wait_for(lambda: sim.ratings_sent)  # pressed while the cable is out …
    wait_for(lambda: sim.results_dropped, timeout=5)  # … and lost at the pad
    sim.plug_cable()
    ended = seen.wait_count(SessionEnded, 1)[0]
    assert ended.rated
    with rt.uow() as session:
        rs = session.get(RatingSession, ended.session_id)
        assert rs.reasked
        assert rs.result.satisfaction == Satisfaction.VERY_SATISFIED.value  # the second press
