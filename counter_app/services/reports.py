"""The shift summary for the supervisor and the day-end report: the queue, the
cases, 好差评 and the bad-rating loop, per hall or per window, with a handover line
per teller (交接班). Every rate carries its formula (domain.md §4: there is no
national formula, so ours is printed on every report).

Counting rules (the tests recount them from the raw rows):

- A visit (一次服务, 一次一评) is a queue ticket served on the day (status serving,
  parked or done), a window case accepted that day without a ticket, or any visit a
  rating session was opened for that day. Keys: "T<ticket id>", "C<case id>".
- A rated visit has at least one stored rating (outcome rated). Every other visit is
  not rated: by the cause of its last unrated session, or "not asked".
- Ratings for the good rate are all stored ratings of the day's visits (a rating
  added later counts on the visit's day).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from counter_app.domain.clock import CHINA, business_date, fmt_local, local
from counter_app.domain.rating import (
    CALLBACK_FORMULA,
    LEVELS_BEST_FIRST,
    PARTICIPATION_FORMULA,
    RECTIFY_FORMULA,
    TIMELY_FORMULA,
    NotRatedCause,
    Rate,
    Satisfaction,
    good_levels,
    good_rate_formula,
)
from counter_app.services import followup
from counter_app.services.acceptance import CaseStatus
from counter_app.services.backoffice import Sla, sla_of
from counter_app.services.context import Deps
from counter_app.store.models import Case, FollowUp, Rating, RatingSession, Ticket, User

INSTANT_LIMIT = timedelta(minutes=30)
SERVED = ("serving", "parked", "done")
NOT_ASKED = "not_asked"
CAUSE_LABELS = {**{c.value: c.label for c in NotRatedCause}, NOT_ASKED: "未发起评价"}


@dataclass(frozen=True)
class Stat:
    """Seconds: count, mean and 90th percentile (nearest rank)."""

    count: int
    mean: float | None
    p90: float | None

    @classmethod
    def of(cls, values: list[float]) -> Stat:
        if not values:
            return cls(0, None, None)
        ordered = sorted(values)
        rank = max(1, math.ceil(0.9 * len(ordered)))
        return cls(len(ordered), sum(ordered) / len(ordered), float(ordered[rank - 1]))

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "mean_seconds": None if self.mean is None else round(self.mean, 1),
            "p90_seconds": self.p90,
        }


@dataclass(frozen=True)
class TellerLine:
    """One teller's handover line (交接班)."""

    teller_id: int | None
    name: str
    staff_no: str
    windows: str
    visits: int
    tickets_done: int
    cases: int
    rated: int
    not_rated: int
    good: int
    bad: int
    followups_open: int
    service: Stat
    first_at: str
    last_at: str

    @property
    def participation(self) -> Rate:
        return Rate(self.rated, self.visits, PARTICIPATION_FORMULA)

    def as_json(self) -> dict[str, Any]:
        return {
            "teller_id": self.teller_id,
            "name": self.name,
            "staff_no": self.staff_no,
            "windows": self.windows,
            "visits": self.visits,
            "tickets_done": self.tickets_done,
            "cases": self.cases,
            "rated": self.rated,
            "not_rated": self.not_rated,
            "good": self.good,
            "bad": self.bad,
            "participation_rate": self.participation.as_json(),
            "followups_open": self.followups_open,
            "service": self.service.as_json(),
            "first_at": self.first_at,
            "last_at": self.last_at,
        }


@dataclass(frozen=True)
class ShiftSummary:
    day: date
    hall_code: str
    hall_name: str
    window: str | None
    generated_at: datetime
    # queue
    tickets_taken: int
    tickets_called: int
    tickets_missed: int
    waiting: Stat
    service: Stat
    tickets_by_hour: tuple[tuple[int, int, int], ...]  # (hour, taken, called)
    waiting_by_hour: tuple[tuple[int, float], ...]  # (hour called, mean minutes waited)
    # cases
    cases_accepted: int
    cases_by_bundle: tuple[tuple[str, int], ...]
    cases_by_item: tuple[tuple[str, int], ...]
    cases_by_window: tuple[tuple[str, int], ...]
    cases_by_teller: tuple[tuple[str, int], ...]
    instant_cases: int
    instant_within_30min: int
    instant_late: int
    cases_due_soon: int
    cases_overdue: int
    # 好差评
    visits: int
    rated: int
    not_rated: int
    not_rated_by_cause: dict[str, int]
    ratings: int
    levels: dict[str, int]  # Satisfaction value → count
    participation: Rate
    good: Rate
    bad_ratings: int
    # bad-rating loop
    followups_of_day: int
    callbacks_done: int
    callback_rate: Rate
    rectify_rate: Rate
    timely_rate: Rate
    followups_open: int  # hall backlog, any day
    followups_due_soon: int
    followups_overdue: int
    tellers: tuple[TellerLine, ...] = field(default=())

    @property
    def formulas(self) -> tuple[str, ...]:
        return (
            self.participation.formula,
            self.good.formula,
            self.callback_rate.formula,
            self.rectify_rate.formula,
            self.timely_rate.formula,
            "等候时间 = 首次叫号 − 取号；办理时间 = 各窗口办理时段之和；"
            "P90 为第 90 百分位（最近秩）",
            "即办 30 分钟内办结 = 即办事项全部办结且最后办结时间 − 受理时间 ≤ 30 分钟",
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "hall_code": self.hall_code,
            "window": self.window,
            "generated_at": self.generated_at.isoformat(),
            "tickets_taken": self.tickets_taken,
            "tickets_called": self.tickets_called,
            "tickets_missed": self.tickets_missed,
            "waiting": self.waiting.as_json(),
            "service": self.service.as_json(),
            "waiting_mean_seconds": _round(self.waiting.mean),
            "waiting_p90_seconds": self.waiting.p90,
            "service_mean_seconds": _round(self.service.mean),
            "service_p90_seconds": self.service.p90,
            "tickets_by_hour": [
                {"hour": h, "taken": t, "called": c} for h, t, c in self.tickets_by_hour
            ],
            "waiting_by_hour": [{"hour": h, "mean_minutes": m} for h, m in self.waiting_by_hour],
            "cases_accepted": self.cases_accepted,
            "cases_by_bundle": dict(self.cases_by_bundle),
            "cases_by_item": dict(self.cases_by_item),
            "cases_by_window": dict(self.cases_by_window),
            "cases_by_teller": dict(self.cases_by_teller),
            "instant_cases": self.instant_cases,
            "instant_within_30min": self.instant_within_30min,
            "instant_late": self.instant_late,
            "due_soon": self.cases_due_soon,
            "overdue": self.cases_overdue,
            "visits": self.visits,
            "rated": self.rated,
            "not_rated": self.not_rated,
            "not_rated_by_cause": dict(self.not_rated_by_cause),
            "ratings": self.ratings,
            "levels": dict(self.levels),
            "participation_rate": self.participation.as_json(),
            "good_rate": self.good.as_json(),
            "bad_ratings": self.bad_ratings,
            "followups_of_day": self.followups_of_day,
            "callbacks_done": self.callbacks_done,
            "callback_rate": self.callback_rate.as_json(),
            "rectify_rate": self.rectify_rate.as_json(),
            "timely_rate": self.timely_rate.as_json(),
            "followups_open": self.followups_open,
            "followups_due_soon": self.followups_due_soon,
            "followups_overdue": self.followups_overdue,
            "tellers": [t.as_json() for t in self.tellers],
            "formulas": list(self.formulas),
        }


# ---- building it ---------------------------------------------------------------------------


def _day_range(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=CHINA)
    return start, start + timedelta(days=1)


@dataclass
class _VisitInfo:
    teller_id: int | None
    window_no: str


def shift_summary(
    session: Session,
    deps: Deps,
    settings: Any,
    day: date | None = None,
    window: str | None = None,
) -> ShiftSummary:
    now = deps.clock()
    day = day or business_date(now)
    hall = settings.hall.code
    key = f"{day:%Y%m%d}"
    start, end = _day_range(day)
    include_basic = bool(getattr(settings, "good_rate_counts_basic", True))

    # -- tickets --
    tq = select(Ticket).where(Ticket.hall_code == hall, Ticket.day == key)
    if window:
        tq = tq.where(Ticket.window_no == window)
    tickets = session.scalars(tq).all()
    called = [t for t in tickets if t.first_called_at is not None]
    by_hour: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    waits: dict[int, list[int]] = defaultdict(list)
    for t in tickets:
        by_hour[local(t.taken_at).hour][0] += 1
        if t.first_called_at is not None:
            by_hour[local(t.first_called_at).hour][1] += 1
            if t.wait_seconds is not None:
                waits[local(t.first_called_at).hour].append(t.wait_seconds)

    # -- cases --
    cq = (
        select(Case)
        .options(selectinload(Case.items))
        .where(Case.hall_code == hall, Case.accepted_at >= start, Case.accepted_at < end)
    )
    if window:
        cq = cq.where(Case.window_no == window)
    cases = session.scalars(cq).all()
    # received but never accepted: 补正 pending or withdrawn (视为撤回), 不予受理
    accepted = [c for c in cases if CaseStatus(c.status).was_accepted]
    users = {u.id: u for u in session.scalars(select(User)).all()}

    def teller_name(uid: int | None) -> str:
        return users[uid].name if uid in users else "（未记录）"

    bundles = Counter(
        deps.catalogue.bundles[c.bundle_code].name
        if c.bundle_code and c.bundle_code in deps.catalogue.bundles else "单项事项"
        for c in accepted
    )
    items = Counter(i.item_name for c in accepted for i in c.items)
    windows = Counter(f"{c.window_no}号窗口" if c.window_no else "（无窗口）" for c in accepted)
    tellers_count = Counter(teller_name(c.teller_id) for c in accepted)
    instant_cases = [c for c in accepted if any(i.case_kind == "instant" for i in c.items)]
    within = late = 0
    for c in instant_cases:
        inst = [i for i in c.items if i.case_kind == "instant"]
        if all(i.status == "done" and i.handled_at for i in inst):
            finished = max(i.handled_at for i in inst if i.handled_at)
            if finished - c.accepted_at <= INSTANT_LIMIT:
                within += 1
            else:
                late += 1
        elif now - c.accepted_at > INSTANT_LIMIT:
            late += 1
    due_soon, overdue = _case_deadlines(session, deps, hall, window, now)

    # -- visits and ratings --
    visits: dict[str, _VisitInfo] = {}
    for t in tickets:
        if t.status in SERVED:
            visits[f"T{t.id}"] = _VisitInfo(t.teller_id, t.window_no or "")
    for c in cases:
        if c.ticket_id is None and c.channel == "window":
            visits.setdefault(f"C{c.id}", _VisitInfo(c.teller_id, c.window_no))
    sq = select(RatingSession).where(RatingSession.hall_code == hall, RatingSession.day == key)
    if window:
        sq = sq.where(RatingSession.window_no == window)
    sessions = session.scalars(sq.order_by(RatingSession.id)).all()
    for rs in sessions:
        if rs.assess_number == 1:
            visits.setdefault(rs.visit_key, _VisitInfo(rs.teller_id, rs.window_no))
    results = {
        r.session_id: r
        for r in session.scalars(
            select(Rating).where(Rating.session_id.in_([rs.id for rs in sessions]))
        ).all()
    } if sessions else {}
    rated_visits: set[str] = set()
    last_cause: dict[str, str] = {}
    stored: list[Rating] = []
    for rs in sessions:
        r = results.get(rs.id)
        if r is None:
            continue
        if r.outcome == "rated":
            rated_visits.add(rs.visit_key)
            stored.append(r)
        elif r.cause:
            last_cause[rs.visit_key] = r.cause
    rated_visits &= set(visits)
    not_rated_keys = [k for k in visits if k not in rated_visits]
    causes = Counter(last_cause.get(k, NOT_ASKED) for k in not_rated_keys)
    levels = Counter(r.satisfaction for r in stored)
    good_set = {lv.value for lv in good_levels(include_basic)}
    good = sum(n for lv, n in levels.items() if lv in good_set)
    bad = sum(1 for r in stored if r.bad)

    # -- follow-ups --
    fq = select(FollowUp).where(FollowUp.hall_code == hall)
    if window:
        fq = fq.where(FollowUp.window_no == window)
    fus = session.scalars(fq).all()
    policy = followup.policy_from(settings)
    today = business_date(now)
    of_day = [f for f in fus if start <= f.opened_at < end]
    real = [f for f in of_day if f.real_name]
    settled = [f for f in of_day
               if f.rectified_at is not None or f.status == followup.Status.NOT_ADOPTED]
    rectified = [f for f in of_day if f.rectified_at is not None]
    timely = [f for f in rectified
              if f.rectify_due is None or business_date(f.rectified_at) <= f.rectify_due]
    open_fus = [f for f in fus if f.status != followup.Status.CLOSED or f.reported_at is None]
    slas = [followup.sla_of(f, today, deps.calendar, policy)[0] for f in open_fus]

    # -- handover lines --
    lines = _teller_lines(visits, rated_visits, tickets, accepted, stored, sessions, results,
                         fus, users, include_basic)

    return ShiftSummary(
        day=day,
        hall_code=hall,
        hall_name=getattr(settings, "hall_name", ""),
        window=window,
        generated_at=now,
        tickets_taken=len(tickets),
        tickets_called=len(called),
        tickets_missed=sum(1 for t in tickets if t.status == "no_show"),
        waiting=Stat.of([t.wait_seconds for t in called if t.wait_seconds is not None]),
        service=Stat.of([t.service_seconds for t in tickets if t.status == "done"]),
        tickets_by_hour=tuple((h, *by_hour[h]) for h in sorted(by_hour)),
        waiting_by_hour=tuple((h, round(sum(w) / len(w) / 60, 1)) for h, w in
                              sorted(waits.items())),
        cases_accepted=len(accepted),
        cases_by_bundle=tuple(bundles.most_common()),
        cases_by_item=tuple(items.most_common()),
        cases_by_window=tuple(sorted(windows.items())),
        cases_by_teller=tuple(tellers_count.most_common()),
        instant_cases=len(instant_cases),
        instant_within_30min=within,
        instant_late=late,
        cases_due_soon=due_soon,
        cases_overdue=overdue,
        visits=len(visits),
        rated=len(rated_visits),
        not_rated=len(not_rated_keys),
        not_rated_by_cause=dict(causes),
        ratings=len(stored),
        levels={lv.value: levels.get(lv.value, 0) for lv in LEVELS_BEST_FIRST},
        participation=Rate(len(rated_visits), len(visits), PARTICIPATION_FORMULA),
        good=Rate(good, len(stored), good_rate_formula(include_basic)),
        bad_ratings=bad,
        followups_of_day=len(of_day),
        callbacks_done=sum(1 for f in of_day if f.callback_at is not None),
        callback_rate=Rate(sum(1 for f in real if f.callback_at is not None), len(real),
                           CALLBACK_FORMULA),
        rectify_rate=Rate(len(settled), len(of_day), RECTIFY_FORMULA),
        timely_rate=Rate(len(timely), len(rectified), TIMELY_FORMULA),
        followups_open=len(open_fus),
        followups_due_soon=sum(1 for s in slas if s is followup.Sla.DUE_SOON),
        followups_overdue=sum(1 for s in slas if s is followup.Sla.OVERDUE),
        tellers=lines,
    )


def _case_deadlines(session: Session, deps: Deps, hall: str, window: str | None,
                    now: datetime) -> tuple[int, int]:
    """Open cases (any day) whose worst sub-item is due soon / overdue now."""
    stmt = (
        select(Case)
        .options(selectinload(Case.items))
        .where(Case.hall_code == hall,
               Case.status.in_([CaseStatus.ACCEPTED, CaseStatus.RETURNED]))
    )
    if window:
        stmt = stmt.where(Case.window_no == window)
    soon = late = 0
    for case in session.scalars(stmt).all():
        states = {sla_of(i, now, deps.calendar).state for i in case.items}
        if Sla.OVERDUE in states:
            late += 1
        elif Sla.DUE_SOON in states:
            soon += 1
    return soon, late


def _teller_lines(
    visits: dict[str, _VisitInfo],
    rated_visits: set[str],
    tickets: Any,
    accepted: Any,
    stored: list[Rating],
    sessions: Any,
    results: dict[int, Rating],
    fus: Any,
    users: dict[int, User],
    include_basic: bool,
) -> tuple[TellerLine, ...]:
    ids: set[int | None] = {v.teller_id for v in visits.values()}
    ids |= {c.teller_id for c in accepted}
    good_set = {lv.value for lv in good_levels(include_basic)}
    lines = []
    for uid in sorted(ids, key=lambda i: (i is None, i or 0)):
        mine = [k for k, v in visits.items() if v.teller_id == uid]
        my_tickets = [t for t in tickets if t.teller_id == uid and t.status == "done"]
        my_ratings = [r for r in stored if r.teller_id == uid]
        times = [t.first_called_at for t in tickets if t.teller_id == uid and t.first_called_at]
        times += [c.accepted_at for c in accepted if c.teller_id == uid]
        times += [rs.opened_at for rs in sessions if rs.teller_id == uid]
        win = sorted({v.window_no for k, v in visits.items() if v.teller_id == uid and v.window_no})
        user = users.get(uid) if uid is not None else None
        lines.append(
            TellerLine(
                teller_id=uid,
                name=user.name if user else "（未记录）",
                staff_no=user.staff_no if user else "",
                windows="、".join(win),
                visits=len(mine),
                tickets_done=len(my_tickets),
                cases=sum(1 for c in accepted if c.teller_id == uid),
                rated=sum(1 for k in mine if k in rated_visits),
                not_rated=sum(1 for k in mine if k not in rated_visits),
                good=sum(1 for r in my_ratings if r.satisfaction in good_set),
                bad=sum(1 for r in my_ratings if r.bad),
                followups_open=sum(1 for f in fus if f.teller_id == uid
                                   and f.status != followup.Status.CLOSED),
                service=Stat.of([t.service_seconds for t in my_tickets]),
                first_at=fmt_local(min(times))[-5:] if times else "",
                last_at=fmt_local(max(times))[-5:] if times else "",
            )
        )
    return tuple(lines)


def level_label(value: str) -> str:
    return Satisfaction(value).label


# ---- the figures every export shows (JSON, PDF, xlsx read the same list) -------------------


@dataclass(frozen=True)
class Figure:
    key: str  # the JSON key
    label: str
    value: int | float | None  # rates as fractions 0–1
    text: str  # as printed
    note: str = ""  # formula or basis


def _rate_fig(key: str, label: str, rate: Rate) -> Figure:
    v = rate.value
    return Figure(key, label, None if v is None else round(v, 4),
                  f"{rate.percent_text}（{rate.numerator}/{rate.denominator}）", rate.formula)


def figures(s: ShiftSummary) -> list[Figure]:
    def n(key: str, label: str, value: int, note: str = "") -> Figure:
        return Figure(key, label, value, str(value), note)

    causes = "；".join(f"{CAUSE_LABELS.get(k, k)} {v}" for k, v in sorted(
        s.not_rated_by_cause.items()))
    return [
        n("tickets_taken", "取号", s.tickets_taken),
        n("tickets_called", "叫号", s.tickets_called),
        n("tickets_missed", "过号", s.tickets_missed),
        Figure("waiting_mean_seconds", "平均等候", _round(s.waiting.mean),
               _sec(s.waiting.mean), "首次叫号 − 取号（表格数值单位：秒）"),
        Figure("waiting_p90_seconds", "等候 P90", s.waiting.p90, _sec(s.waiting.p90),
               "第 90 百分位"),
        Figure("service_mean_seconds", "平均办理", _round(s.service.mean),
               _sec(s.service.mean), "各窗口办理时段之和（表格数值单位：秒）"),
        Figure("service_p90_seconds", "办理 P90", s.service.p90, _sec(s.service.p90),
               "第 90 百分位"),
        n("cases_accepted", "受理办件", s.cases_accepted),
        n("instant_cases", "即办件", s.instant_cases),
        n("instant_within_30min", "即办 30 分钟内办结", s.instant_within_30min,
          "即办事项全部办结且用时 ≤ 30 分钟"),
        n("due_soon", "即将到期办件", s.cases_due_soon, "未办结办件，按承诺时限"),
        n("overdue", "逾期办件", s.cases_overdue, "未办结办件，按承诺时限"),
        n("visits", "服务次数", s.visits, "办理的号票 + 无号票的窗口办件"),
        n("rated", "已评价", s.rated),
        n("not_rated", "未评价", s.not_rated, causes),
        _rate_fig("participation_rate", "参评率", s.participation),
        n("ratings", "评价总数", s.ratings),
        _rate_fig("good_rate", "好评率", s.good),
        n("bad_ratings", "差评", s.bad_ratings),
        n("callbacks_done", "已回访差评", s.callbacks_done, "当日差评中已回访的"),
        _rate_fig("callback_rate", "实名差评回访率", s.callback_rate),
        _rate_fig("rectify_rate", "差评整改率", s.rectify_rate),
        _rate_fig("timely_rate", "整改及时率", s.timely_rate),
        n("followups_open", "未办结差评工单", s.followups_open, "全厅累计"),
        n("followups_overdue", "逾期差评工单", s.followups_overdue),
    ]


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def _sec(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v / 60:.1f} 分钟" if v >= 60 else f"{v:.0f} 秒"
