"""A generated month of a small hall (tests/hall_year.py) on both engines: the shift
summary and the supervisor's board — each section a few SQL aggregates — give the
same figures as a count made here from the raw rows, the way the report was first
written (every row loaded, counted in Python); the board loaded incrementally after
changes in the hall equals a full load."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from counter_app.domain.case import CaseStatus, SubItemStatus
from counter_app.domain.clock import business_date, local
from counter_app.domain.followup import Deadlines, FollowUpStatus, followup_sla
from counter_app.domain.rating import Reason, Satisfaction, good_levels, rating_input
from counter_app.domain.roles import Actor, Role
from counter_app.domain.sla import Sla
from counter_app.services import backoffice, followup, ratings, reports
from counter_app.services import queue as q
from counter_app.services.context import Desk
from counter_app.store.models import Case, FollowUp, Rating, RatingSession, Ticket, User
from counter_app.usecases import reports as report_ops
from tests.hall_year import HallYear, Shape, closing_time, working_days

SHAPE = Shape(windows=5, tickets_per_day=70, tellers=6, backoffice=2, supervisors=1)
SERVED = ("serving", "parked", "done")


@pytest.fixture
def month(runtime, clock):  # type: ignore[no-untyped-def]
    """September 2026 up to Tuesday the 29th, the clock at 17:30 that day."""
    rt = runtime
    days = working_days(rt.deps.calendar, date(2026, 9, 1), date(2026, 9, 29))
    clock.now = closing_time(days[-1])
    counts = HallYear(rt.engine, rt.deps.catalogue, rt.deps.calendar, SHAPE,
                      hall=rt.settings.hall.code).build(days, clock.now)
    assert counts.rows["tickets"] > 1000 and counts.rows["followups"] >= 5
    return days


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1])


def recount(session, rt, day: date, window: str | None) -> dict:  # type: ignore[no-untyped-def]
    """The day's figures from every row of the database, counted in Python."""
    now = rt.deps.clock()
    start = local(now).replace(year=day.year, month=day.month, day=day.day, hour=0, minute=0,
                               second=0, microsecond=0)
    end = start + timedelta(days=1)
    key = f"{day:%Y%m%d}"
    hall = rt.settings.hall.code

    def here(row) -> bool:  # type: ignore[no-untyped-def]
        return window is None or row.window_no == window

    tickets = [t for t in session.scalars(select(Ticket)) if t.day == key and here(t)]
    cases = session.scalars(select(Case).options(selectinload(Case.items))).all()
    of_day = [c for c in cases if start <= c.accepted_at < end and here(c)]
    accepted = [c for c in of_day if CaseStatus(c.status).was_accepted]
    sessions = [rs for rs in session.scalars(select(RatingSession).order_by(RatingSession.id))
                if rs.day == key and here(rs)]
    results = {r.session_id: r for r in session.scalars(select(Rating))}
    visits: dict[str, tuple] = {}
    for t in tickets:
        if t.status in SERVED:
            visits[f"T{t.id}"] = (t.teller_id, t.window_no)
    for c in of_day:
        if c.ticket_id is None and c.channel == "window":
            visits.setdefault(f"C{c.id}", (c.teller_id, c.window_no))
    for rs in sessions:
        if rs.assess_number == 1:
            visits.setdefault(rs.visit_key, (rs.teller_id, rs.window_no))
    rated, cause = set(), {}
    stored = []
    for rs in sessions:
        r = results.get(rs.id)
        if r is None:
            continue
        if r.outcome == "rated":
            rated.add(rs.visit_key)
            stored.append(r)
        elif r.cause:
            cause[rs.visit_key] = r.cause
    rated &= set(visits)
    not_rated = [k for k in visits if k not in rated]
    good = {lv.value for lv in good_levels(rt.settings.ratings.good_counts_basic)}
    waits = [t.wait_seconds for t in tickets
             if t.first_called_at is not None and t.wait_seconds is not None]
    services = [t.service_seconds for t in tickets if t.status == "done"]
    instant = within = late = 0
    for c in accepted:
        inst = [i for i in c.items if i.case_kind == "instant"]
        if not inst:
            continue
        instant += 1
        if all(i.status == "done" and i.handled_at for i in inst):
            if max(i.handled_at for i in inst) - c.accepted_at <= reports.INSTANT_LIMIT:
                within += 1
            else:
                late += 1
        elif now - c.accepted_at > reports.INSTANT_LIMIT:
            late += 1
    soon = overdue = 0
    for c in cases:
        if c.hall_code != hall or not CaseStatus(c.status).is_open or not here(c):
            continue
        states = {backoffice.sla_of(i, now, rt.deps.calendar).state for i in c.items}
        overdue += Sla.OVERDUE in states
        soon += Sla.OVERDUE not in states and Sla.DUE_SOON in states
    fus = [f for f in session.scalars(select(FollowUp)) if here(f)]
    fus_day = [f for f in fus if start <= f.opened_at < end]
    rectified = [f for f in fus_day if f.rectified_at is not None]
    backlog = [f for f in fus if f.status != "closed" or f.reported_at is None]
    policy = followup.policy_from(rt.settings)
    states = [followup_sla(Deadlines(FollowUpStatus(f.status), f.rectify_due,
                                     f.rectified_at is not None, f.report_due,
                                     f.reported_at is not None),
                           business_date(now), rt.deps.calendar, policy).state for f in backlog]
    tellers = Counter(v[0] for v in visits.values())
    rated_by = Counter(visits[k][0] for k in rated)
    return {
        "tickets": (len(tickets), sum(t.first_called_at is not None for t in tickets),
                    sum(t.status == "no_show" for t in tickets)),
        "waiting": (len(waits), _p90(waits)),
        "service": (len(services), _p90(services)),
        "mean_wait": sum(waits) / len(waits) if waits else None,
        "by_hour": Counter(local(t.taken_at).hour for t in tickets),
        "cases": len(accepted),
        "by_window": Counter(c.window_no for c in accepted),
        "items": Counter(i.item_name for c in accepted for i in c.items),
        "instant": (instant, within, late),
        "deadlines": (soon, overdue),
        "visits": (len(visits), len(rated), len(not_rated)),
        "causes": Counter(cause.get(k, "not_asked") for k in not_rated),
        "levels": Counter(r.satisfaction for r in stored),
        "good": sum(r.satisfaction in good for r in stored),
        "bad": sum(r.bad for r in stored),
        "followups": (len(fus_day), sum(f.callback_at is not None for f in fus_day),
                      len(rectified),
                      sum(f.rectify_due is None or business_date(f.rectified_at) <= f.rectify_due
                          for f in rectified)),
        "backlog": (len(backlog), states.count(Sla.DUE_SOON), states.count(Sla.OVERDUE)),
        "tellers": {uid: (n, rated_by[uid]) for uid, n in tellers.items()},
    }


def figures_of(s: reports.ShiftSummary) -> dict:  # type: ignore[no-untyped-def]
    by_window = Counter({"" if name == "（无窗口）" else name.removesuffix("号窗口"): n
                         for name, n in s.cases_by_window})
    return {
        "tickets": (s.tickets_taken, s.tickets_called, s.tickets_missed),
        "waiting": (s.waiting.count, s.waiting.p90),
        "service": (s.service.count, s.service.p90),
        "mean_wait": s.waiting.mean,
        "by_hour": Counter({h: n for h, n, _c in s.tickets_by_hour if n}),
        "cases": s.cases_accepted,
        "by_window": by_window,
        "items": Counter(dict(s.cases_by_item)),
        "instant": (s.instant_cases, s.instant_within_30min, s.instant_late),
        "deadlines": (s.cases_due_soon, s.cases_overdue),
        "visits": (s.visits, s.rated, s.not_rated),
        "causes": Counter(s.not_rated_by_cause),
        "levels": Counter({k: v for k, v in s.levels.items() if v}),
        "good": s.good.numerator,
        "bad": s.bad_ratings,
        "followups": (s.followups_of_day, s.callbacks_done, s.timely_rate.denominator,
                      s.timely_rate.numerator),
        "backlog": (s.followups_open, s.followups_due_soon, s.followups_overdue),
        "tellers": {t.teller_id: (t.visits, t.rated) for t in s.tellers if t.visits},
    }


def _same(expected: dict, got: dict) -> None:
    for key, value in expected.items():
        if key == "mean_wait" and value is not None:
            assert got[key] == pytest.approx(value), key
        else:
            assert got[key] == value, key


def test_summary_and_board_match_a_count_from_raw_rows(runtime, month) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    supervisor = Actor(None, "9", "值班长", Role.SUPERVISOR)
    for day, window in ((month[-1], None), (month[-1], "3"), (month[len(month) // 2], None)):
        with rt.uow() as session:
            expected = recount(session, rt, day, window)
            summary = reports.shift_summary(session, rt.deps, rt.settings, day, window)
        assert expected["visits"][0] > (8 if window else 50)
        _same(expected, figures_of(summary))
        board = report_ops.board(rt, report_ops.ShiftQuery(supervisor, day, window))
        _same(expected, figures_of(board.summary))
    # the ledger on the board: every open follow-up and those of the last week
    with rt.uow() as session:
        fus = session.scalars(select(FollowUp)).all()
    week = business_date(rt.deps.clock()) - timedelta(days=followup.RECENT_DAYS)
    shown = {f.id for f in fus if f.status != "closed" or f.reported_at is None
             or business_date(f.opened_at) >= week}
    board = report_ops.board(rt, report_ops.ShiftQuery(supervisor, month[-1]))
    assert {r.id for r in board.followups} == shown and len(shown) < len(fus)
    with rt.uow() as session:  # the rest, page by page
        older, before = [], None
        while True:
            page = followup.ledger_page(session, rt.deps, rt.settings, rt.settings.hall.code,
                                        before_id=before, limit=7)
            older += [r.id for r in page.rows]
            if page.before_id is None:
                break
            before = page.before_id
    assert sorted(older + list(shown)) == sorted(f.id for f in fus)


def test_incremental_board_equals_a_full_load(runtime, month, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    supervisor = Actor(None, "9", "值班长", Role.SUPERVISOR)
    query = report_ops.ShiftQuery(supervisor, month[-1])
    first = report_ops.board(rt, query)
    same = report_ops.board(rt, query, first)
    assert same.reloaded == frozenset() and same.summary == first.summary
    hall = q.Hall(rt.settings.hall.code, q.rules_from(rt.settings.queue), clock)
    with rt.uow() as session:
        teller = session.scalar(select(User).where(User.role == "teller").order_by(User.id))
    clock.now += timedelta(minutes=1)
    with rt.uow() as session:  # a ticket taken and called: the queue and the visits
        q.take(session, hall, "A")
    with rt.uow() as session:
        called = q.call_next(session, hall, "2", teller_id=teller.id)
    after_call = report_ops.board(rt, query, first)
    assert after_call.reloaded == {"queue", "visits"}
    assert after_call.summary.tickets_taken == first.summary.tickets_taken + 1
    with rt.uow() as session:  # rated badly: the visits and a new follow-up
        desk = Desk(rt.settings.hall.code, "2", teller.id, called.ticket.id)
        visit = ratings.visit_of_ticket(session, called.ticket.id)
        opened = ratings.open_session(session, rt.deps, desk, visit)
    with rt.uow() as session:
        ratings.record_rating(session, rt.deps, rt.settings, opened.id,
                              rating_input(Satisfaction.VERY_DISSATISFIED, [Reason.SLOW]))
    after_rating = report_ops.board(rt, query, after_call)
    assert after_rating.reloaded == {"visits", "followups"}
    full = report_ops.board(rt, query)
    assert after_rating.summary == full.summary
    assert after_rating.followups == full.followups
    assert after_rating.summary.bad_ratings == first.summary.bad_ratings + 1
    assert len(after_rating.followups) == len(first.followups) + 1
    # the back office finishes a sub-item: cases and deadlines, nothing else
    with rt.uow() as session:
        item = session.scalar(
            select(Case).join(Case.items).where(Case.status == CaseStatus.ACCEPTED)
            .order_by(Case.id.desc()).limit(1).options(selectinload(Case.items)))
        pending = next(i for i in item.items if i.status == SubItemStatus.PENDING)
        backoffice.complete_item(session, rt.deps, pending.id, None, "已办结")
    after_item = report_ops.board(rt, query, after_rating)
    assert after_item.reloaded == {"cases", "deadlines", "visits"}
    assert after_item.summary == report_ops.board(rt, query).summary
