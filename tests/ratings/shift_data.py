"""A realistic morning at a three-window hall, built through the real services on
a fake clock: tickets taken and called, cases accepted, ratings (some bad, some
not given), back-office work on instant items, follow-ups at different stages.
Used by the report tests and the supervisor-view screenshot."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from counter_app.domain.rating import NotRatedCause, Reason, Satisfaction, rating_input
from counter_app.runtime import Runtime
from counter_app.services import backoffice, followup, ratings
from counter_app.services import queue as q
from counter_app.services.context import Desk
from counter_app.services.users import Role, add_user
from tests.ratings.helpers import INSTANT_ITEM, accept_case

START = datetime(2026, 9, 29, 0, 30, tzinfo=UTC)  # 08:30 China time
TELLERS = (("1001", "张敏", "1"), ("1002", "赵磊", "2"), ("1003", "孙丽", "3"))
ITEMS = (INSTANT_ITEM, "370100-SK-0004")
LEVELS = ((Satisfaction.VERY_SATISFIED, 60), (Satisfaction.SATISFIED, 18),
          (Satisfaction.BASIC, 7), (Satisfaction.DISSATISFIED, 4),
          (Satisfaction.VERY_DISSATISFIED, 2))
NOT_RATED = ((NotRatedCause.TIMEOUT, 6), (NotRatedCause.CANCELLED, 2),
             (NotRatedCause.PAD_OFFLINE, 1))


@dataclass
class Shift:
    users: dict[str, int] = field(default_factory=dict)
    supervisor: int = 0
    backoffice: int = 0
    followups: list[int] = field(default_factory=list)
    sessions: int = 0


def _pick(rng: random.Random, table: tuple) -> object:  # type: ignore[type-arg]
    total = sum(w for _, w in table)
    x = rng.uniform(0, total)
    for value, w in table:
        x -= w
        if x <= 0:
            return value
    return table[-1][0]


def populate(rt: Runtime, clock, tickets: int = 42, seed: int = 7) -> Shift:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    clock.now = START - timedelta(minutes=30)
    shift = Shift()
    with rt.uow() as session:
        for staff, name, _win in TELLERS:
            shift.users[staff] = add_user(session, staff, name, "123456", Role.TELLER, None,
                                          clock).id
        shift.supervisor = add_user(session, "9001", "王丽", "123456", Role.SUPERVISOR, None,
                                    clock).id
        shift.backoffice = add_user(session, "2001", "李强", "123456", Role.BACKOFFICE, None,
                                    clock).id
    hall = q.Hall(rt.settings.hall.code, q.rules_from(rt.settings.queue), clock)
    taken_at = [START + timedelta(minutes=i * 3.4 + rng.uniform(0, 2)) for i in range(tickets)]
    free_at = {win: START + timedelta(minutes=2 + i * 3) for i, (_s, _n, win) in
               enumerate(TELLERS)}
    staff_of = {win: staff for staff, _n, win in TELLERS}
    taken = 0
    served = 0
    while served < tickets:
        win = min(free_at, key=lambda w: free_at[w])
        t = free_at[win]
        while taken < tickets and taken_at[taken] <= t:
            clock.now = taken_at[taken]
            with rt.uow() as session:
                q.take(session, hall, rng.choice("ABE"))
            taken += 1
        if taken == served and taken < tickets:
            free_at[win] = taken_at[taken]
            continue
        clock.now = t
        teller = shift.users[staff_of[win]]
        with rt.uow() as session:
            called = q.call_next(session, hall, win, teller_id=teller)
        if called is None:
            free_at[win] = t + timedelta(minutes=1)
            continue
        served += 1
        ticket_id = called.ticket.id
        if rng.random() < 0.06:  # nobody came
            clock.now = t + timedelta(minutes=2)
            with rt.uow() as session:
                q.no_show(session, hall, win)
            free_at[win] = clock.now + timedelta(seconds=30)
            continue
        service = timedelta(minutes=rng.uniform(4, 13))
        desk = Desk(rt.settings.hall.code, win, teller, ticket_id)
        if rng.random() < 0.75:
            clock.now = t + service * 0.8
            case_no = accept_case(rt, desk, person=served, items=(rng.choice(ITEMS),))
            if rng.random() < 0.8:  # the back office finishes instant items quickly
                clock.now += timedelta(minutes=rng.uniform(5, 40))
                with rt.uow() as session:
                    case = backoffice.find_case(session, case_no)
                    for item in case.items:
                        if item.case_kind == "instant":
                            backoffice.complete_item(session, rt.deps, item.id,
                                                     shift.backoffice, "已办结")
        clock.now = t + service
        _rate(rt, rng, desk, ticket_id, shift)
        with rt.uow() as session:
            q.done(session, hall, win)
        free_at[win] = clock.now + timedelta(seconds=rng.uniform(20, 90))
    # a walk-in case without a ticket at window 3
    clock.now = max(free_at.values()) + timedelta(minutes=2)
    desk = Desk(rt.settings.hall.code, "3", shift.users["1003"])
    case_no = accept_case(rt, desk, person=1, items=(INSTANT_ITEM,))
    with rt.uow() as session:
        visit = ratings.visit_of_case(session, case_no)
        sv = ratings.open_session(session, rt.deps, desk, visit)
    with rt.uow() as session:
        ratings.record_rating(session, rt.deps, rt.settings, sv.id,
                              rating_input(Satisfaction.SATISFIED))
    shift.sessions += 1
    _advance_followups(rt, clock, shift)
    return shift


def _rate(rt: Runtime, rng: random.Random, desk: Desk, ticket_id: int, shift: Shift) -> None:
    with rt.uow() as session:
        visit = ratings.visit_of_ticket(session, ticket_id)
        sv = ratings.open_session(session, rt.deps, desk, visit)
    shift.sessions += 1
    with rt.uow() as session:
        if rng.random() < 0.12:
            cause = _pick(rng, NOT_RATED)
            ratings.record_not_rated(session, rt.deps, sv.id, cause)  # type: ignore[arg-type]
            return
        level = _pick(rng, LEVELS)
        reasons = [rng.choice(list(Reason))] if level.is_bad else []  # type: ignore[attr-defined]
        done = ratings.record_rating(session, rt.deps, rt.settings, sv.id,
                                     rating_input(level, reasons))  # type: ignore[arg-type]
        if done.followup_id:
            shift.followups.append(done.followup_id)


def _advance_followups(rt: Runtime, clock, shift: Shift) -> None:  # type: ignore[no-untyped-def]
    with rt.uow() as session:
        sup = followup.actor_of(session, shift.supervisor)
        ids = shift.followups
        if ids:
            clock.now += timedelta(minutes=5)
            followup.callback(session, rt.deps, ids[0], sup, "电话回访申请人，反映等候时间较长。")
            followup.verify(session, rt.deps, ids[0], sup, "valid",
                            "查看叫号记录，高峰时段仅开两个窗口，情况属实。")
            followup.rectify(session, rt.deps, rt.settings, ids[0], sup, "ledger",
                             "高峰时段增开弹性窗口，列入整改台账。")
        if len(ids) > 1:
            followup.callback(session, rt.deps, ids[1], sup, "电话未接通，稍后再次回访。",
                              reached=False)
