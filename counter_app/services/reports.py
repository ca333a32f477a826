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

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from counter_app.domain.case import INSTANT_MINUTES
from counter_app.domain.clock import business_date, fmt_local
from counter_app.domain.rating import (
    CALLBACK_FORMULA,
    LEVELS_BEST_FIRST,
    PARTICIPATION_FORMULA,
    RECTIFY_FORMULA,
    TIMELY_FORMULA,
    NotRatedCause,
    Rate,
    Satisfaction,
    good_rate_formula,
)
from counter_app.services import followup
from counter_app.services.context import Deps
from counter_app.services.report_sections import (
    NOT_ASKED,
    CaseFigures,
    DeadlineFigures,
    FollowUpFigures,
    Marks,
    QueueFigures,
    Scope,
    Stat,
    TellerId,
    TellerVisits,
    VisitFigures,
    case_section,
    deadline_section,
    followup_section,
    marks,
    queue_section,
    staff_names,
    visit_section,
)

__all__ = ["NOT_ASKED", "Marks", "Sections", "ShiftSummary", "Stat", "TellerLine", "figures",
           "load_sections", "marks", "shift_summary"]

INSTANT_LIMIT = timedelta(minutes=INSTANT_MINUTES)
CAUSE_LABELS = {**{c.value: c.label for c in NotRatedCause}, NOT_ASKED: "未发起评价"}


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


# ---- building it: one query set per section, then composed -------------------------------


@dataclass(frozen=True)
class Sections:
    """The summary's parts as loaded (the board keeps them and reloads what changed)."""

    scope: Scope
    queue: QueueFigures
    cases: CaseFigures
    deadlines: DeadlineFigures
    visits: VisitFigures
    followups: FollowUpFigures
    names: dict[int, tuple[str, str]] = field(default_factory=dict)

    def teller_ids(self) -> set[int]:
        ids = set(self.visits.by_teller) | {uid for uid, _n in self.cases.by_teller}
        return {i for i in ids if i is not None}


SECTIONS = ("queue", "cases", "deadlines", "visits", "followups")


def scope_of(deps: Deps, settings: Any, day: date | None, window: str | None) -> Scope:
    now = deps.clock()
    return Scope(settings.hall.code, day or business_date(now), window or None, now)


def load_sections(session: Session, deps: Deps, settings: Any, scope: Scope,
                  previous: Sections | None = None,
                  only: frozenset[str] | None = None) -> Sections:
    """Load the sections (all, or `only` these, keeping the rest of `previous`)."""
    include_basic = bool(settings.ratings.good_counts_basic)

    def want(name: str) -> bool:
        return previous is None or only is None or name in only

    loaders = {
        "queue": lambda: queue_section(session, scope),
        "cases": lambda: case_section(session, scope, deps.catalogue),
        "deadlines": lambda: deadline_section(session, scope, deps.calendar),
        "visits": lambda: visit_section(session, scope, include_basic),
        "followups": lambda: followup_section(session, scope, deps.calendar,
                                              followup.policy_from(settings)),
    }
    parts = {name: loaders[name]() if want(name) else getattr(previous, name)
             for name in SECTIONS}
    loaded = Sections(scope=scope, **parts)
    return replace(loaded, names=staff_names(session, loaded.teller_ids()))


def shift_summary(
    session: Session,
    deps: Deps,
    settings: Any,
    day: date | None = None,
    window: str | None = None,
) -> ShiftSummary:
    scope = scope_of(deps, settings, day, window)
    return compose(load_sections(session, deps, settings, scope), settings)


def compose(s: Sections, settings: Any) -> ShiftSummary:
    """The summary from its sections (no database)."""
    include_basic = bool(settings.ratings.good_counts_basic)
    q, c, v, f = s.queue, s.cases, s.visits, s.followups

    def name(uid: TellerId) -> str:
        return s.names[uid][0] if uid in s.names else "（未记录）"

    tellers: dict[str, int] = {}
    for uid, n in c.by_teller:
        tellers[name(uid)] = tellers.get(name(uid), 0) + n
    return ShiftSummary(
        day=s.scope.day,
        hall_code=s.scope.hall,
        hall_name=settings.hall.name,
        window=s.scope.window,
        generated_at=s.scope.now,
        tickets_taken=q.taken,
        tickets_called=q.called,
        tickets_missed=q.missed,
        waiting=q.waiting,
        service=q.service,
        tickets_by_hour=q.by_hour,
        waiting_by_hour=q.waiting_by_hour,
        cases_accepted=c.accepted,
        cases_by_bundle=c.by_bundle,
        cases_by_item=c.by_item,
        cases_by_window=c.by_window,
        cases_by_teller=tuple(sorted(tellers.items(), key=lambda p: -p[1])),
        instant_cases=c.instant,
        instant_within_30min=c.instant_within,
        instant_late=c.instant_late,
        cases_due_soon=s.deadlines.due_soon,
        cases_overdue=s.deadlines.overdue,
        visits=v.visits,
        rated=v.rated,
        not_rated=v.not_rated,
        not_rated_by_cause=dict(v.not_rated_by_cause),
        ratings=v.ratings,
        levels={lv.value: v.levels.get(lv.value, 0) for lv in LEVELS_BEST_FIRST},
        participation=Rate(v.rated, v.visits, PARTICIPATION_FORMULA),
        good=Rate(v.good, v.ratings, good_rate_formula(include_basic)),
        bad_ratings=v.bad,
        followups_of_day=f.of_day,
        callbacks_done=f.callbacks_done,
        callback_rate=Rate(f.real_name_called, f.real_name, CALLBACK_FORMULA),
        rectify_rate=Rate(f.settled, f.of_day, RECTIFY_FORMULA),
        timely_rate=Rate(f.timely, f.rectified, TIMELY_FORMULA),
        followups_open=f.open,
        followups_due_soon=f.due_soon,
        followups_overdue=f.overdue,
        tellers=_teller_lines(s),
    )


def _teller_lines(s: Sections) -> tuple[TellerLine, ...]:
    """The handover line of everyone with a visit or an accepted case that day."""
    ids: set[TellerId] = set(s.visits.by_teller) | {uid for uid, _n in s.cases.by_teller}
    cases = dict(s.cases.by_teller)
    lines = []
    for uid in sorted(ids, key=lambda i: (i is None, i or 0)):
        v = s.visits.by_teller.get(uid, TellerVisits())
        q = s.queue.by_teller.get(uid)
        times = [t for part in (s.queue.first_last, s.cases.first_last, s.visits.first_last)
                 for t in part.get(uid, ())]
        name, staff_no = s.names.get(uid, ("（未记录）", "")) if uid is not None \
            else ("（未记录）", "")
        lines.append(TellerLine(
            teller_id=uid,
            name=name,
            staff_no=staff_no,
            windows="、".join(v.windows),
            visits=v.visits,
            tickets_done=q.tickets_done if q else 0,
            cases=cases.get(uid, 0),
            rated=v.rated,
            not_rated=v.visits - v.rated,
            good=v.good,
            bad=v.bad,
            followups_open=s.followups.open_by_teller.get(uid, 0),
            service=q.service if q else Stat(0, None, None),
            first_at=fmt_local(min(times))[-5:] if times else "",
            last_at=fmt_local(max(times))[-5:] if times else "",
        ))
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
