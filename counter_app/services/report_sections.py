"""The shift summary, one section at a time: each section is a few SQL queries
bounded by the hall and the day (or by what is still open), aggregated by the
database, returning a small dataclass. `reports.compose` puts them together; the
supervisor's board reloads only the sections whose data changed (`Marks`).

Counting rules: see services/reports.py (the tests recount them from raw rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from counter_app.domain.case import CaseStatus, SubItemStatus
from counter_app.domain.catalogue import CaseKind, Catalogue
from counter_app.domain.clock import CHINA, business_date
from counter_app.domain.followup import Deadlines, FollowUpStatus, Policy, followup_sla
from counter_app.domain.queue import TicketStatus
from counter_app.domain.rating import RatingOutcome, good_levels
from counter_app.domain.sla import DUE_SOON_WORKING_DAYS, INSTANT_DUE_SOON_MINUTES, Sla
from counter_app.domain.workcal import WorkCalendar
from counter_app.store.models import (
    Case,
    CaseEvent,
    CaseItem,
    FollowUp,
    FollowUpStep,
    QueueEvent,
    Rating,
    RatingSession,
    Ticket,
    User,
)
from counter_app.store.sqlfuncs import local_date, local_hour

SERVED = (TicketStatus.SERVING, TicketStatus.PARKED, TicketStatus.DONE)
NOT_ASKED = "not_asked"
ACCEPTED = tuple(s for s in CaseStatus if s.was_accepted)
OPEN = tuple(s for s in CaseStatus if s.is_open)
FOLLOWUP_OPEN = tuple(s for s in FollowUpStatus if s is not FollowUpStatus.CLOSED)

TellerId = int | None


@dataclass(frozen=True)
class Stat:
    """Seconds: count, mean and 90th percentile (nearest rank)."""

    count: int
    mean: float | None
    p90: float | None

    @classmethod
    def of(cls, values: list[float]) -> Stat:
        """From values in memory (the same formula as the database's)."""
        if not values:
            return cls(0, None, None)
        ordered = sorted(values)
        rank = (9 * len(ordered) + 9) // 10
        return cls(len(ordered), sum(ordered) / len(ordered), float(ordered[rank - 1]))

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "mean_seconds": None if self.mean is None else round(self.mean, 1),
            "p90_seconds": self.p90,
        }


NO_STAT = Stat(0, None, None)


@dataclass(frozen=True)
class Scope:
    """Which hall, which day, which window (None: the whole hall), as of when."""

    hall: str
    day: date
    window: str | None
    now: datetime

    @property
    def start(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, tzinfo=CHINA)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=1)

    @property
    def key(self) -> str:
        return f"{self.day:%Y%m%d}"

    @property
    def today(self) -> date:
        return business_date(self.now)


def _window(column: Any, scope: Scope) -> list[Any]:
    return [column == scope.window] if scope.window else []


def _run(session: Session, stmt: Any) -> Any:
    """Core execution on the session's connection: plain rows, no ORM bookkeeping."""
    return session.connection().execute(stmt)


def _stats(session: Session, value: Any, *where: Any, by: Any = None) -> dict[Any, Stat]:
    """Count, mean and nearest-rank 90th percentile of `value` (per `by`), computed by
    the database. PostgreSQL has the percentile: percentile_disc(0.9) is the value at
    rank ⌈0.9·n⌉. SQLite has none: the same rank, (9n + 9) div 10, is picked with
    LIMIT/OFFSET (per group: with row_number())."""
    where = (*where, value.is_not(None))
    if session.get_bind().dialect.name == "postgresql":
        cols = [by] if by is not None else []
        rows = _run(session, select(*cols, func.count(value), func.avg(value),
                                    func.percentile_disc(0.9).within_group(value))
                    .where(*where).group_by(*cols)).all()
        if by is None:
            rows = [(None, *r) for r in rows]
        return {r[0]: Stat(int(r[1]), float(r[2]), float(r[3])) for r in rows if r[1]}
    if by is None:
        n, mean = _run(session, select(func.count(value), func.avg(value)).where(*where)).one()
        if not n:
            return {}
        p90 = _run(session, select(value).where(*where).order_by(value)
                   .limit(1).offset((9 * int(n) + 9) // 10 - 1)).scalar()
        return {None: Stat(int(n), float(mean), float(p90))}
    ranked = select(
        by.label("by"), value.label("v"),
        func.row_number().over(partition_by=by, order_by=value).label("rn"),
        func.count().over(partition_by=by).label("n"),
        func.avg(value).over(partition_by=by).label("mean"),
    ).where(*where).subquery()
    rows = _run(session, select(ranked.c.by, ranked.c.n, ranked.c.mean, ranked.c.v)
                .where(ranked.c.rn == (ranked.c.n * 9 + 9) // 10)).all()
    return {r[0]: Stat(int(r[1]), float(r[2]), float(r[3])) for r in rows}


# ---- the queue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TellerQueue:
    tickets_done: int
    service: Stat


@dataclass(frozen=True)
class QueueFigures:
    taken: int
    called: int
    missed: int
    waiting: Stat
    service: Stat
    by_hour: tuple[tuple[int, int, int], ...]  # (hour, taken, called)
    waiting_by_hour: tuple[tuple[int, float], ...]  # (hour called, mean minutes waited)
    by_teller: dict[TellerId, TellerQueue] = field(default_factory=dict)
    first_last: dict[TellerId, tuple[datetime, datetime]] = field(default_factory=dict)


def queue_section(session: Session, scope: Scope) -> QueueFigures:
    """Five queries over the day's tickets: by hour taken and called, per teller, and
    the three percentiles."""
    day = [Ticket.hall_code == scope.hall, Ticket.day == scope.key,
           *_window(Ticket.window_no, scope)]
    called_at = Ticket.first_called_at
    taken = called = missed = 0
    hours: dict[int, list[int]] = {}
    waited: dict[int, list[int]] = {}  # hour called → [sum, count]
    for h_taken, h_called, n, n_missed, wait_sum, wait_n in _run(
        session,
        select(local_hour(Ticket.taken_at), local_hour(called_at), func.count(),
               func.sum(case((Ticket.status == TicketStatus.NO_SHOW, 1), else_=0)),
               func.sum(Ticket.wait_seconds), func.count(Ticket.wait_seconds))
        .where(*day).group_by(local_hour(Ticket.taken_at), local_hour(called_at))
    ):
        n = int(n)
        taken += n
        missed += int(n_missed or 0)
        hours.setdefault(int(h_taken), [0, 0])[0] += n
        if h_called is not None:
            called += n
            hours.setdefault(int(h_called), [0, 0])[1] += n
            w = waited.setdefault(int(h_called), [0, 0])
            w[0] += int(wait_sum or 0)
            w[1] += int(wait_n or 0)
    first_last: dict[TellerId, tuple[datetime, datetime]] = {}
    done_by: dict[TellerId, int] = {}
    for uid, n_done, lo, hi in _run(
        session,
        select(Ticket.teller_id, func.sum(case((Ticket.status == TicketStatus.DONE, 1),
                                               else_=0)),
               func.min(called_at), func.max(called_at))
        .where(*day).group_by(Ticket.teller_id)
    ):
        if n_done:
            done_by[uid] = int(n_done)
        if lo is not None:
            first_last[uid] = (lo, hi)
    done = [*day, Ticket.status == TicketStatus.DONE]
    service_by = _stats(session, Ticket.service_seconds, *done, by=Ticket.teller_id)
    return QueueFigures(
        taken=taken, called=called, missed=missed,
        waiting=_stats(session, Ticket.wait_seconds, *day, called_at.is_not(None)).get(
            None, NO_STAT),
        service=_stats(session, Ticket.service_seconds, *done).get(None, NO_STAT),
        by_hour=tuple((h, *hours[h]) for h in sorted(hours)),  # type: ignore[misc]
        waiting_by_hour=tuple((h, round(w / n / 60, 1)) for h, (w, n) in sorted(waited.items())
                              if n),
        by_teller={uid: TellerQueue(n, service_by.get(uid, NO_STAT))
                   for uid, n in done_by.items()},
        first_last=first_last,
    )


# ---- cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFigures:
    accepted: int
    by_bundle: tuple[tuple[str, int], ...]
    by_item: tuple[tuple[str, int], ...]
    by_window: tuple[tuple[str, int], ...]
    by_teller: tuple[tuple[TellerId, int], ...]
    instant: int
    instant_within: int
    instant_late: int
    first_last: dict[TellerId, tuple[datetime, datetime]] = field(default_factory=dict)


def _most_common(pairs: Any) -> tuple[tuple[Any, int], ...]:
    return tuple(sorted(((k, int(n)) for k, n in pairs), key=lambda p: (-p[1], str(p[0]))))


def case_section(session: Session, scope: Scope, catalogue: Catalogue) -> CaseFigures:
    """Cases accepted that day (受理: not 一次性告知, 不予受理 or 视为撤回)."""
    day = [Case.hall_code == scope.hall, Case.accepted_at >= scope.start,
           Case.accepted_at < scope.end, Case.status.in_(ACCEPTED),
           *_window(Case.window_no, scope)]
    bundles: dict[str, int] = {}
    windows: dict[str, int] = {}
    tellers: dict[TellerId, list[Any]] = {}
    for code, win, uid, n, lo, hi in _run(
        session,
        select(Case.bundle_code, Case.window_no, Case.teller_id, func.count(),
               func.min(Case.accepted_at), func.max(Case.accepted_at))
        .where(*day).group_by(Case.bundle_code, Case.window_no, Case.teller_id)
    ):
        n = int(n)
        bundle = catalogue.bundles.get(code) if code else None
        name = bundle.name if bundle is not None else "单项事项"
        bundles[name] = bundles.get(name, 0) + n
        w = f"{win}号窗口" if win else "（无窗口）"
        windows[w] = windows.get(w, 0) + n
        t = tellers.setdefault(uid, [0, lo, hi])
        t[0] += n
        t[1], t[2] = min(t[1], lo), max(t[2], hi)
    items = _run(
        session,
        select(CaseItem.item_name, func.count()).join(Case, Case.id == CaseItem.case_id)
        .where(*day).group_by(CaseItem.item_name)
    ).all()
    # 即办: every instant sub-item done by its instant deadline (accepted + 30 min)
    per_case = (
        select(
            func.count().label("n"),
            func.sum(case((and_(CaseItem.status == SubItemStatus.DONE,
                                CaseItem.handled_at.is_not(None)), 1), else_=0)).label("done"),
            func.sum(case((and_(CaseItem.status == SubItemStatus.DONE,
                                CaseItem.handled_at <= CaseItem.instant_due_at), 1),
                          else_=0)).label("in_time"),
            func.min(CaseItem.instant_due_at).label("due"),
        )
        .join(Case, Case.id == CaseItem.case_id)
        .where(*day, CaseItem.case_kind == CaseKind.INSTANT)
        .group_by(CaseItem.case_id)
        .subquery()
    )
    within = per_case.c.in_time == per_case.c.n
    instant, in_time, late = _run(
        session,
        select(
            func.count(),
            func.coalesce(func.sum(case((within, 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(~within, or_(per_case.c.done == per_case.c.n,
                                                           per_case.c.due < scope.now)), 1),
                                        else_=0)), 0),
        )
    ).one()
    return CaseFigures(
        accepted=sum(windows.values()),
        by_bundle=_most_common(bundles.items()),
        by_item=_most_common(items),
        by_window=tuple(sorted(windows.items())),
        by_teller=_most_common((uid, t[0]) for uid, t in tellers.items()),
        instant=int(instant), instant_within=int(in_time), instant_late=int(late),
        first_last={uid: (t[1], t[2]) for uid, t in tellers.items()},
    )


# ---- deadlines of open cases (any day) -------------------------------------------------------


@dataclass(frozen=True)
class DeadlineFigures:
    due_soon: int
    overdue: int


def deadline_section(session: Session, scope: Scope, calendar: WorkCalendar) -> DeadlineFigures:
    """Open cases of the hall (any day) whose most urgent pending sub-item is overdue /
    due soon now — the rules of domain.sla, turned into date bounds once: a working-day
    deadline is due soon while it falls before the (soon + 1)-th working day from today;
    a 即办 deadline while fewer than 11 whole minutes are left."""
    today = scope.today
    soon_before = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS + 1).due
    instant_soon = scope.now + timedelta(minutes=INSTANT_DUE_SOON_MINUTES + 1)
    instant = CaseItem.instant_due_at
    overdue = or_(and_(instant.is_not(None), instant < scope.now),
                  and_(instant.is_(None), CaseItem.due_date < today))
    soon = or_(and_(instant.is_not(None), instant >= scope.now, instant < instant_soon),
               and_(instant.is_(None), CaseItem.due_date >= today,
                    CaseItem.due_date < soon_before))
    flags = (
        select(func.max(case((overdue, 1), else_=0)).label("late"),
               func.max(case((soon, 1), else_=0)).label("soon"))
        .join(Case, Case.id == CaseItem.case_id)
        .where(Case.hall_code == scope.hall, Case.status.in_(OPEN),
               CaseItem.status == SubItemStatus.PENDING, *_window(Case.window_no, scope))
        .group_by(CaseItem.case_id)
        .subquery()
    )
    soon_n, late_n = _run(
        session,
        select(func.coalesce(func.sum(case((and_(flags.c.late == 0, flags.c.soon == 1), 1),
                                           else_=0)), 0),
               func.coalesce(func.sum(flags.c.late), 0))
    ).one()
    return DeadlineFigures(int(soon_n), int(late_n))


# ---- visits and ratings ------------------------------------------------------------------------


@dataclass(frozen=True)
class TellerVisits:
    visits: int = 0
    rated: int = 0
    windows: tuple[str, ...] = ()
    good: int = 0
    bad: int = 0


@dataclass(frozen=True)
class VisitFigures:
    visits: int
    rated: int
    not_rated: int
    not_rated_by_cause: dict[str, int]
    ratings: int
    levels: dict[str, int]  # Satisfaction value → count
    good: int
    bad: int
    by_teller: dict[TellerId, TellerVisits] = field(default_factory=dict)
    first_last: dict[TellerId, tuple[datetime, datetime]] = field(default_factory=dict)


def visit_section(session: Session, scope: Scope, include_basic: bool) -> VisitFigures:
    """A visit is a served ticket (T<id>), a window case of the day without a ticket
    (C<id>) or any visit a rating session was opened for that day; the first of these
    names its teller and window. Rated: any session of the day stored a rating; not
    rated: by the cause of its last unrated session, else "not asked"."""
    sessions_of_day = [RatingSession.hall_code == scope.hall, RatingSession.day == scope.key,
                       *_window(RatingSession.window_no, scope)]
    # The first source of a visit names its teller and window: a served ticket, a
    # walk-in case, else the first first-time session. Narrow rows, deduplicated here.
    visits: dict[str, tuple[TellerId, str]] = {}
    for tid, teller, win in _run(
        session,
        select(Ticket.id, Ticket.teller_id, Ticket.window_no)
        .where(Ticket.hall_code == scope.hall, Ticket.day == scope.key,
               Ticket.status.in_(SERVED), *_window(Ticket.window_no, scope))
    ):
        visits[f"T{tid}"] = (teller, win or "")
    for cid, teller, win in _run(
        session,
        select(Case.id, Case.teller_id, Case.window_no)
        .where(Case.hall_code == scope.hall, Case.accepted_at >= scope.start,
               Case.accepted_at < scope.end, Case.ticket_id.is_(None),
               Case.channel == "window", *_window(Case.window_no, scope))
    ):
        visits.setdefault(f"C{cid}", (teller, win or ""))
    rated_keys: set[str] = set()
    last_cause: dict[str, str] = {}
    for key, teller, win, assess, outcome, why in _run(
        session,
        select(RatingSession.visit_key, RatingSession.teller_id, RatingSession.window_no,
               RatingSession.assess_number, Rating.outcome, Rating.cause)
        .outerjoin(Rating, Rating.session_id == RatingSession.id)
        .where(*sessions_of_day).order_by(RatingSession.id)
    ):
        if assess == 1:
            visits.setdefault(key, (teller, win or ""))
        if outcome == RatingOutcome.RATED:
            rated_keys.add(key)
        elif why:
            last_cause[key] = why
    total = rated_n = 0
    causes: dict[str, int] = {}
    tellers: dict[TellerId, dict[str, Any]] = {}
    for key, (teller, win) in visits.items():
        total += 1
        t = tellers.setdefault(teller, {"visits": 0, "rated": 0, "windows": set()})
        t["visits"] += 1
        if win:
            t["windows"].add(win)
        if key in rated_keys:
            rated_n += 1
            t["rated"] += 1
        else:
            cause_key = last_cause.get(key, NOT_ASKED)
            causes[cause_key] = causes.get(cause_key, 0) + 1
    # ratings stored for the day's visits (a rating added later counts on its visit's day)
    good_set = {lv.value for lv in good_levels(include_basic)}
    levels: dict[str, int] = {}
    good = bad = ratings = 0
    per_teller: dict[TellerId, list[int]] = {}
    for level, teller, is_bad, n in _run(
        session,
        # the result carries its session's hall, day, window and teller
        select(Rating.satisfaction, Rating.teller_id, Rating.bad, func.count())
        .where(Rating.hall_code == scope.hall, Rating.day == scope.key,
               *_window(Rating.window_no, scope), Rating.outcome == RatingOutcome.RATED)
        .group_by(Rating.satisfaction, Rating.teller_id, Rating.bad)
    ):
        n = int(n)
        ratings += n
        levels[level] = levels.get(level, 0) + n
        gb = per_teller.setdefault(teller, [0, 0])
        if level in good_set:
            good += n
            gb[0] += n
        if is_bad:
            bad += n
            gb[1] += n
    first_last = {
        uid: (lo, hi) for uid, lo, hi in _run(
        session,
            select(RatingSession.teller_id, func.min(RatingSession.opened_at),
                   func.max(RatingSession.opened_at))
            .where(*sessions_of_day).group_by(RatingSession.teller_id)
        )
    }
    by_teller = {
        uid: TellerVisits(
            t.get("visits", 0), t.get("rated", 0),
            tuple(sorted(t.get("windows", ()), key=lambda w: (len(w), w))),
            per_teller.get(uid, [0, 0])[0], per_teller.get(uid, [0, 0])[1],
        )
        for uid, t in {**{u: {} for u in per_teller}, **tellers}.items()
    }
    return VisitFigures(
        visits=total, rated=rated_n, not_rated=total - rated_n, not_rated_by_cause=causes,
        ratings=ratings, levels=levels, good=good, bad=bad, by_teller=by_teller,
        first_last=first_last,
    )


# ---- the bad-rating loop -----------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpFigures:
    of_day: int
    callbacks_done: int
    real_name: int
    real_name_called: int
    settled: int
    rectified: int
    timely: int
    open: int  # the hall's backlog, any day
    due_soon: int
    overdue: int
    open_by_teller: dict[TellerId, int] = field(default_factory=dict)


def followup_section(session: Session, scope: Scope, calendar: WorkCalendar,
                     policy: Policy) -> FollowUpFigures:
    hall = [FollowUp.hall_code == scope.hall, *_window(FollowUp.window_no, scope)]

    def count(cond: Any) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    rectified = FollowUp.rectified_at.is_not(None)
    of_day, called, real, real_called, settled, rect, timely = _run(
        session,
        select(
            func.count(), func.count(FollowUp.callback_at), count(FollowUp.real_name.is_(True)),
            count(and_(FollowUp.real_name.is_(True), FollowUp.callback_at.is_not(None))),
            count(or_(rectified, FollowUp.status == FollowUpStatus.NOT_ADOPTED)),
            count(rectified),
            count(and_(rectified, or_(FollowUp.rectify_due.is_(None),
                                      local_date(FollowUp.rectified_at) <= FollowUp.rectify_due))),
        ).where(*hall, FollowUp.opened_at >= scope.start, FollowUp.opened_at < scope.end)
    ).one()
    # the backlog: not closed, or closed with the 报告单 not sent yet
    backlog = _run(
        session,
        select(FollowUp.status, FollowUp.rectify_due, FollowUp.rectified_at.is_not(None),
               FollowUp.report_due, FollowUp.reported_at.is_not(None), FollowUp.teller_id)
        .where(*hall, or_(FollowUp.status.in_(FOLLOWUP_OPEN),
                          and_(FollowUp.status == FollowUpStatus.CLOSED,
                               FollowUp.reported_at.is_(None))))
    ).all()
    today = scope.today
    soon = late = 0
    by_teller: dict[TellerId, int] = {}
    for status, r_due, was_rectified, rep_due, reported, teller in backlog:
        state = followup_sla(Deadlines(FollowUpStatus(status), r_due, bool(was_rectified),
                                       rep_due, bool(reported)), today, calendar, policy).state
        soon += state is Sla.DUE_SOON
        late += state is Sla.OVERDUE
        if status != FollowUpStatus.CLOSED:
            by_teller[teller] = by_teller.get(teller, 0) + 1
    return FollowUpFigures(
        of_day=int(of_day), callbacks_done=int(called), real_name=int(real),
        real_name_called=int(real_called), settled=int(settled), rectified=int(rect),
        timely=int(timely), open=len(backlog), due_soon=soon, overdue=late,
        open_by_teller=by_teller,
    )


# ---- names ---------------------------------------------------------------------------------


def staff_names(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """{user id: (name, staff number)} for these ids only."""
    if not ids:
        return {}
    return {uid: (name, no) for uid, name, no in _run(
        session,
        select(User.id, User.name, User.staff_no).where(User.id.in_(sorted(ids))))}


# ---- what changed (the board's watermarks) ---------------------------------------------------


@dataclass(frozen=True)
class Marks:
    """The newest row of each kind the board's sections read. A section is reloaded
    only when one of its marks moved (or the clock did: see `stale`)."""

    queue: int = 0  # the hall's queue events
    cases: tuple[int, int] = (0, 0)  # cases, case events (sub-items done, returned …)
    ratings: tuple[int, int] = (0, 0)  # rating sessions, results
    followups: int = 0  # follow-up steps (a new follow-up records its first step)


def marks(session: Session, hall: str) -> Marks:
    """Five index look-ups (max of a primary key or of the hall's event log)."""
    row = _run(session, select(
        select(func.max(QueueEvent.id)).where(QueueEvent.hall_code == hall).scalar_subquery(),
        select(func.max(Case.id)).scalar_subquery(),
        select(func.max(CaseEvent.id)).scalar_subquery(),
        select(func.max(RatingSession.id)).scalar_subquery(),
        select(func.max(Rating.id)).scalar_subquery(),
        select(func.max(FollowUpStep.id)).scalar_subquery(),
    )).one()
    v = [int(x or 0) for x in row]
    return Marks(v[0], (v[1], v[2]), (v[3], v[4]), v[5])
