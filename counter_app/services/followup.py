"""The bad-rating loop (差评工单): every bad rating is called back, verified, then
either appealed as wrong or malicious (申诉复核 → not adopted) or rectified (fixed at
once, entered in the ledger with a deadline, or explained when there is no legal
basis), and the applicant gets feedback. The 政务服务差评事项核查整改情况报告单 is
due a few working days after rectifying.

Steps record who, when and what. Deadlines are in working days on the hall's
calendar (chinese-calendar): rectify within `followup_rectify_days` of the rating,
report within `followup_report_days` after rectifying (Dezhou: 5 and 5; configurable
because Taiyuan uses 10 and Sichuan 15).

A follow-up is opened in the rating's own transaction, which also wakes the hall
listeners (hall_events), so a supervisor on another PC sees it within seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from counter_app.config import Settings
from counter_app.domain.clock import CHINA, business_date, fmt_local
from counter_app.domain.followup import (
    CHANNEL_LABELS,
    FOLLOWUP_TRANSITIONS,
    Deadlines,
    Finding,
    FollowUpStatus,
    Policy,
    RectifyMode,
    StepKind,
    followup_sla,
    next_steps,
)
from counter_app.domain.masking import mask_id, mask_name, mask_phone
from counter_app.domain.rating import Reason, Satisfaction
from counter_app.domain.roles import Actor
from counter_app.domain.sla import Sla
from counter_app.domain.transitions import TransitionError
from counter_app.domain.workcal import WorkCalendar
from counter_app.services import hall_events, users
from counter_app.services.context import Deps
from counter_app.store.models import (
    Applicant,
    Case,
    FollowUp,
    FollowUpStep,
    Rating,
    RatingSession,
    Ticket,
    User,
)

if TYPE_CHECKING:
    from printing.pdf.followup_report import ReportSheet


class FollowUpError(ValueError):
    """A step that does not fit the follow-up's state; the message is Chinese."""


Status = FollowUpStatus  # the follow-up's states (domain.followup)


def policy_from(settings: Settings) -> Policy:
    f = settings.followup
    return Policy(f.rectify_days, f.report_days, f.due_soon_days)


def actor_of(session: Session, user_id: int | None, fallback: str = "系统") -> Actor:
    """The staff member with this id as an actor (a system actor when none)."""
    user = session.get(User, user_id) if user_id else None
    return users.actor_of(user) if user is not None else Actor.system(fallback)


# ---- opening ------------------------------------------------------------------------------


def open_for_rating(
    session: Session, deps: Deps, settings: Settings, rs: RatingSession, rating: Rating
) -> FollowUp:
    """Open the follow-up of a bad rating (inside the rating's transaction)."""
    now = rating.recorded_at
    policy = policy_from(settings)
    applicant_id = None
    if rs.case_id is not None:
        case = session.get(Case, rs.case_id)
        applicant_id = case.applicant_id if case else None
    if applicant_id is None and rs.ticket_id is not None:
        ticket = session.get(Ticket, rs.ticket_id)
        applicant_id = ticket.applicant_id if ticket else None
    fu = FollowUp(
        rating_id=rating.id,
        hall_code=rs.hall_code,
        window_no=rs.window_no,
        teller_id=rs.teller_id,
        case_id=rs.case_id,
        applicant_id=applicant_id,
        real_name=applicant_id is not None,
        status=Status.OPEN,
        finding="",
        opened_at=now,
        rectify_due=deps.calendar.add_working_days(business_date(now), policy.rectify_days).due,
        rectify_mode="",
    )
    level = Satisfaction(rating.satisfaction or Satisfaction.DISSATISFIED)
    fu.steps.append(
        FollowUpStep(kind=StepKind.OPENED, actor_id=None, actor_name="系统", at=now,
                     what=f"收到{level.label}评价，生成差评工单", detail={})
    )
    session.add(fu)
    session.flush()
    hall_events.announce(session, rs.hall_code)
    return fu


# ---- steps ----------------------------------------------------------------------------------


def _load(session: Session, followup_id: int) -> FollowUp:
    fu = session.get(FollowUp, followup_id, with_for_update=True)
    if fu is None:
        raise FollowUpError(f"差评工单 {followup_id} 不存在")
    return fu


def _step(fu: FollowUp, kind: StepKind, actor: Actor, now: datetime, what: str,
          **detail: Any) -> None:
    if not what.strip():
        raise FollowUpError(f"请填写{kind.label}情况")
    fu.steps.append(
        FollowUpStep(kind=kind.value, actor_id=actor.user_id, actor_name=actor.name, at=now,
                     what=what.strip(), detail=detail)
    )


def _next(fu: FollowUp, step: StepKind, to: FollowUpStatus | None = None, hint: str = "") -> None:
    """Move the follow-up by the one transition table (domain.followup)."""
    try:
        fu.status = FOLLOWUP_TRANSITIONS.next(FollowUpStatus(fu.status), step, to)
    except TransitionError as exc:
        raise FollowUpError(f"{exc}{hint}") from None


def callback(session: Session, deps: Deps, followup_id: int, actor: Actor, what: str, *,
             reached: bool = True, method: str = "phone") -> FollowUp:
    """回访: call the applicant. An unreached attempt is recorded and leaves it open."""
    fu = _load(session, followup_id)
    now = deps.clock()
    _next(fu, StepKind.CALLBACK, Status.CALLED_BACK if reached else Status(fu.status))
    _step(fu, StepKind.CALLBACK, actor, now, what, reached=reached, method=method)
    if reached:
        fu.callback_at = fu.callback_at or now
    return _done(session, fu)


def verify(session: Session, deps: Deps, followup_id: int, actor: Actor, finding: Finding | str,
           what: str) -> FollowUp:
    """核实: what really happened."""
    fu = _load(session, followup_id)
    f = Finding(finding)
    _next(fu, StepKind.VERIFY, hint="（请先回访）" if fu.status == Status.OPEN else "")
    _step(fu, StepKind.VERIFY, actor, deps.clock(), what, finding=f.value)
    fu.finding = f.value
    return _done(session, fu)


def appeal(session: Session, deps: Deps, followup_id: int, actor: Actor, what: str) -> FollowUp:
    """申诉: a wrong or malicious rating goes to review."""
    fu = _load(session, followup_id)
    if fu.status == Status.VERIFIED and not (fu.finding and Finding(fu.finding).appealable):
        raise FollowUpError("只有核实为误评或恶意差评的才能申诉")
    _next(fu, StepKind.APPEAL)
    _step(fu, StepKind.APPEAL, actor, deps.clock(), what)
    return _done(session, fu)


def review_appeal(session: Session, deps: Deps, settings: Settings, followup_id: int, actor: Actor,
                  upheld: bool, what: str) -> FollowUp:
    """申诉复核: upheld → the rating is not adopted; rejected → back to rectification."""
    fu = _load(session, followup_id)
    now = deps.clock()
    _next(fu, StepKind.REVIEW, Status.NOT_ADOPTED if upheld else Status.VERIFIED)
    _step(fu, StepKind.REVIEW, actor, now, what, upheld=upheld)
    if upheld:
        fu.report_due = _report_due(deps.calendar, now, policy_from(settings))
    else:
        fu.finding = Finding.VALID.value
    return _done(session, fu)


def rectify(session: Session, deps: Deps, settings: Settings, followup_id: int, actor: Actor,
            mode: RectifyMode | str, what: str, *, deadline: date | None = None) -> FollowUp:
    """整改: fix now, explain, or enter in the ledger with a deadline."""
    fu = _load(session, followup_id)
    m = RectifyMode(mode)
    _next(fu, StepKind.RECTIFY, Status.RECTIFYING if m is RectifyMode.LEDGER else Status.RECTIFIED)
    now = deps.clock()
    if m is RectifyMode.LEDGER:
        due = deadline or fu.rectify_due
        if due is not None and due < business_date(now):
            raise FollowUpError("整改期限不能早于今天")
        _step(fu, StepKind.RECTIFY, actor, now, what, mode=m.value,
              deadline=due.isoformat() if due else None)
        fu.rectify_due = due
        fu.rectify_mode = m.value
    else:
        _step(fu, StepKind.RECTIFY, actor, now, what, mode=m.value)
        fu.rectify_mode = m.value
        _rectified(fu, deps, settings, now)
    return _done(session, fu)


def rectify_done(session: Session, deps: Deps, settings: Settings, followup_id: int, actor: Actor,
                 what: str) -> FollowUp:
    """A ledger entry is fixed."""
    fu = _load(session, followup_id)
    _next(fu, StepKind.RECTIFY_DONE)
    now = deps.clock()
    _step(fu, StepKind.RECTIFY_DONE, actor, now, what)
    _rectified(fu, deps, settings, now)
    return _done(session, fu)


def _rectified(fu: FollowUp, deps: Deps, settings: Settings, now: datetime) -> None:
    fu.rectified_at = now
    fu.report_due = _report_due(deps.calendar, now, policy_from(settings))


def _report_due(calendar: WorkCalendar, now: datetime, policy: Policy) -> date:
    return calendar.add_working_days(business_date(now), policy.report_days).due


def feedback(session: Session, deps: Deps, followup_id: int, actor: Actor, what: str) -> FollowUp:
    """反馈: tell the applicant what was found and done."""
    fu = _load(session, followup_id)
    _next(fu, StepKind.FEEDBACK)
    now = deps.clock()
    _step(fu, StepKind.FEEDBACK, actor, now, what)
    fu.closed_at = now
    return _done(session, fu)


def mark_reported(session: Session, deps: Deps, followup_id: int, actor: Actor,
                  what: str = "报送《政务服务差评事项核查整改情况报告单》") -> FollowUp:
    fu = _load(session, followup_id)
    if not FOLLOWUP_TRANSITIONS.can(FollowUpStatus(fu.status), StepKind.REPORT):
        raise FollowUpError("整改完成或复核不予采纳后才能报送报告单")
    now = deps.clock()
    _step(fu, StepKind.REPORT, actor, now, what)
    fu.reported_at = now
    return _done(session, fu)


def _done(session: Session, fu: FollowUp) -> FollowUp:
    session.flush()
    hall_events.announce(session, fu.hall_code)
    return fu


# ---- deadlines ------------------------------------------------------------------------------


def sla_of(fu: FollowUp, today: date, calendar: WorkCalendar, policy: Policy) -> tuple[Sla, str]:
    """Against the deadline that matters now: rectification, then the report."""
    view = followup_sla(
        Deadlines(FollowUpStatus(fu.status), fu.rectify_due, fu.rectified_at is not None,
                  fu.report_due, fu.reported_at is not None),
        today, calendar, policy,
    )
    return view.state, view.text


# ---- read models ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRow:
    kind: str
    label: str
    actor: str
    at: datetime
    at_text: str
    what: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class FollowUpRow:
    id: int
    opened_at: datetime
    opened_text: str
    case_no: str
    business: str
    window_no: str
    teller: str
    level: str  # label
    reasons: tuple[str, ...]
    comment: str
    applicant: str  # masked name
    real_name: bool
    status: str
    status_label: str
    finding: str
    rectify_mode: str
    rectify_due: date | None
    report_due: date | None
    rectified_at: datetime | None
    reported_at: datetime | None
    callback_done: bool
    sla: Sla
    sla_text: str
    steps: tuple[StepRow, ...] = field(default=())

    @property
    def next_actions(self) -> tuple[str, ...]:
        """The steps a person may take now (from the one transition table)."""
        return tuple(s.value for s in next_steps(self.status, self.finding))




@dataclass(frozen=True)
class _Joined:
    """What a ledger row shows of the rating, its session, case, applicant and teller."""

    satisfaction: str | None
    reasons: list[Any] | None
    comment: str
    business: str
    case_no: str | None
    applicant: str | None
    teller: str | None


def status_label(status: str, reported_at: datetime | None) -> str:
    """The status as the ledger says it: fed back to the applicant (closed) is not
    finished until the 报告单 is sent, and must not read 已办结 before."""
    if FollowUpStatus(status) is FollowUpStatus.CLOSED and reported_at is None:
        return "已反馈·待报送报告单"
    return FollowUpStatus(status).label


def _row(fu: FollowUp, j: _Joined, today: date, deps: Deps, policy: Policy,
         with_steps: bool = True) -> FollowUpRow:
    sla, text = sla_of(fu, today, deps.calendar, policy)
    level = Satisfaction(j.satisfaction) if j.satisfaction else None
    return FollowUpRow(
        id=fu.id,
        opened_at=fu.opened_at,
        opened_text=fmt_local(fu.opened_at),
        case_no=j.case_no or "",
        business=j.business,
        window_no=fu.window_no,
        teller=j.teller or "",
        level=level.label if level else "",
        reasons=tuple(Reason(r).label for r in j.reasons or ()),
        comment=j.comment,
        applicant=mask_name(j.applicant) if j.applicant else "匿名",
        real_name=fu.real_name,
        status=fu.status,
        status_label=status_label(fu.status, fu.reported_at),
        finding=fu.finding,
        rectify_mode=fu.rectify_mode,
        rectify_due=fu.rectify_due,
        report_due=fu.report_due,
        rectified_at=fu.rectified_at,
        reported_at=fu.reported_at,
        callback_done=fu.callback_at is not None,
        sla=sla,
        sla_text=text,
        steps=tuple(
            StepRow(s.kind, StepKind(s.kind).label, s.actor_name, s.at, fmt_local(s.at), s.what,
                    dict(s.detail or {}))
            for s in fu.steps
        ) if with_steps else (),
    )


#: The ledger on screen: every open follow-up and those opened in the last week;
#: older, finished ones are paged (`ledger_page`).
RECENT_DAYS = 7


def _open() -> Any:
    """Not finished: not closed, or closed with the 报告单 not sent yet."""
    return (FollowUp.status != Status.CLOSED) | FollowUp.reported_at.is_(None)


def _rows(session: Session, deps: Deps, settings: Settings, *where: Any,
          order: Any = None, limit: int | None = None,
          with_steps: bool = True) -> list[FollowUpRow]:
    """Follow-ups with what their rows show, in one query (their steps in a second,
    when asked for: a list shows none; the pane shows one follow-up's)."""
    stmt = (
        select(FollowUp, Rating.satisfaction, Rating.reasons, Rating.comment,
               RatingSession.business, Case.case_no, Applicant.name, User.name)
        .join(Rating, Rating.id == FollowUp.rating_id)
        .join(RatingSession, RatingSession.id == Rating.session_id)
        .outerjoin(Case, Case.id == FollowUp.case_id)
        .outerjoin(Applicant, Applicant.id == FollowUp.applicant_id)
        .outerjoin(User, User.id == FollowUp.teller_id)
        .where(*where)
        .order_by(*(order if order is not None else (FollowUp.id,)))
    )
    if with_steps:
        stmt = stmt.options(selectinload(FollowUp.steps))
    if limit is not None:
        stmt = stmt.limit(limit)
    today = business_date(deps.clock())
    policy = policy_from(settings)
    return [_row(fu, _Joined(*rest), today, deps, policy, with_steps)
            for fu, *rest in session.execute(stmt)]


def _by_urgency(rows: list[FollowUpRow]) -> list[FollowUpRow]:
    rank = {Sla.OVERDUE: 0, Sla.DUE_SOON: 1, Sla.OK: 2, Sla.DONE: 3}
    return sorted(rows, key=lambda r: (rank[r.sla], r.rectify_due or date.max, r.id))


def ledger(session: Session, deps: Deps, settings: Settings, hall_code: str, *,
           open_only: bool = False, teller_id: int | None = None,
           since: date | None = None, recent_days: int | None = RECENT_DAYS,
           window_no: str | None = None, with_steps: bool = True) -> list[FollowUpRow]:
    """The follow-up ledger: open ones and, unless `open_only`, those opened in the
    last `recent_days` (None: all of them) or since `since`; overdue first, then due
    soon, then by deadline. Bounded by what is open and recent, not by history.
    `with_steps=False`: the rows without their steps (a list; `get_row` has them)."""
    where = [FollowUp.hall_code == hall_code]
    if teller_id is not None:
        where.append(FollowUp.teller_id == teller_id)
    if window_no:
        where.append(FollowUp.window_no == window_no)
    if since is not None:
        where.append(FollowUp.opened_at >= _midnight(since))
    if open_only:
        where.append(_open())
    elif recent_days is not None and since is None:
        cutoff = business_date(deps.clock()) - timedelta(days=recent_days)
        where.append(_open() | (FollowUp.opened_at >= _midnight(cutoff)))
    return _by_urgency(_rows(session, deps, settings, *where, with_steps=with_steps))


@dataclass(frozen=True)
class LedgerPage:
    rows: tuple[FollowUpRow, ...]
    before_id: int | None  # pass back for the next (older) page; None: no more


def ledger_page(session: Session, deps: Deps, settings: Settings, hall_code: str, *,
                before_id: int | None = None, limit: int = 100,
                window_no: str | None = None) -> LedgerPage:
    """Older finished follow-ups (not on the ledger's first screen), newest first."""
    cutoff = business_date(deps.clock()) - timedelta(days=RECENT_DAYS)
    where = [FollowUp.hall_code == hall_code, ~_open(), FollowUp.opened_at < _midnight(cutoff)]
    if window_no:
        where.append(FollowUp.window_no == window_no)
    if before_id is not None:
        where.append(FollowUp.id < before_id)
    rows = _rows(session, deps, settings, *where, order=(FollowUp.id.desc(),), limit=limit + 1,
                 with_steps=False)
    more = len(rows) > limit
    rows = rows[:limit]
    return LedgerPage(tuple(rows), rows[-1].id if more and rows else None)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=CHINA)


def get_row(session: Session, deps: Deps, settings: Settings, followup_id: int) -> FollowUpRow:
    rows = _rows(session, deps, settings, FollowUp.id == followup_id)
    if not rows:
        raise FollowUpError(f"差评工单 {followup_id} 不存在")
    return rows[0]


def awaiting_callback(session: Session, hall_code: str, teller_id: int | None = None) -> int:
    """Bad ratings nobody has reached by phone yet (the teller's "差评待回访 N")."""
    stmt = select(func.count()).where(
        FollowUp.hall_code == hall_code, FollowUp.status == Status.OPEN
    )
    if teller_id is not None:
        stmt = stmt.where(FollowUp.teller_id == teller_id)
    return int(session.scalar(stmt) or 0)


@dataclass(frozen=True)
class Alert:
    followup_id: int
    window_no: str
    teller: str
    level: str
    business: str
    at_text: str


def alerts_since(session: Session, hall_code: str, last_id: int) -> list[Alert]:
    """Follow-ups opened after `last_id` (the supervisor's new bad ratings)."""
    rows = session.execute(
        select(FollowUp, Rating, RatingSession, User)
        .join(Rating, Rating.id == FollowUp.rating_id)
        .join(RatingSession, RatingSession.id == Rating.session_id)
        .outerjoin(User, User.id == FollowUp.teller_id)
        .where(FollowUp.hall_code == hall_code, FollowUp.id > last_id)
        .order_by(FollowUp.id)
    ).all()
    return [
        Alert(fu.id, fu.window_no, user.name if user else "",
              Satisfaction(r.satisfaction).label if r.satisfaction else "", rs.business,
              fmt_local(fu.opened_at))
        for fu, r, rs, user in rows
    ]


def last_followup_id(session: Session, hall_code: str) -> int:
    return int(session.scalar(select(func.max(FollowUp.id)).where(
        FollowUp.hall_code == hall_code)) or 0)


# ---- the report sheet (政务服务差评事项核查整改情况报告单) ------------------------------


def report_sheet_data(
    session: Session, deps: Deps, settings: Settings, followup_id: int
) -> ReportSheet:
    """Plain data for printing.pdf.followup_report (no ORM objects leave here); ID
    and phone numbers typed into the comment and the steps are masked."""
    from counter_app.logs import scrub
    from printing.pdf.followup_report import ReportSheet, SheetStep  # reportlab: on use

    row = get_row(session, deps, settings, followup_id)
    fu = session.get(FollowUp, followup_id)
    assert fu is not None
    person = session.get(Applicant, fu.applicant_id) if fu.applicant_id else None
    rating = session.get(Rating, fu.rating_id)
    assert rating is not None
    rs = session.get(RatingSession, rating.session_id)
    assert rs is not None

    def texts(kind: StepKind) -> list[SheetStep]:  # free text: numbers typed in masked
        return [SheetStep(s.label, s.actor, s.at_text, scrub(s.what)) for s in row.steps
                if s.kind == kind.value]

    finding = Finding(fu.finding).label if fu.finding else ""
    mode = RectifyMode(fu.rectify_mode).label if fu.rectify_mode else ""
    return ReportSheet(
        hall_name=settings.hall.name,
        sheet_no=f"CP{fu.id:06d}",
        case_no=row.case_no or "（无办件）",
        business=row.business,
        window_no=row.window_no,
        teller=row.teller,
        rated_at=fmt_local(rating.recorded_at),
        level=row.level,
        reasons=row.reasons,
        comment=scrub(row.comment),
        applicant=row.applicant,
        applicant_id=mask_id(person.id_number) if person else "",
        applicant_phone=mask_phone(person.phone) if person else "",
        real_name=row.real_name,
        channel=CHANNEL_LABELS.get(rs.channel, rs.channel),
        callbacks=texts(StepKind.CALLBACK),
        verification=texts(StepKind.VERIFY),
        finding=finding,
        appeal=texts(StepKind.APPEAL) + texts(StepKind.REVIEW),
        rectification=texts(StepKind.RECTIFY) + texts(StepKind.RECTIFY_DONE),
        rectify_mode=mode,
        rectify_due=row.rectify_due.isoformat() if row.rectify_due else "",
        rectified_at=fmt_local(fu.rectified_at) if fu.rectified_at else "",
        feedback=texts(StepKind.FEEDBACK),
        status=row.status_label,
        report_due=row.report_due.isoformat() if row.report_due else "",
        supervision_phone=settings.hall.phone,
        printed_at=fmt_local(deps.clock()),
    )
