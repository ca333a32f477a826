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
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from counter_app.domain.clock import business_date, fmt_local
from counter_app.domain.masking import mask_id, mask_name, mask_phone
from counter_app.domain.rating import Reason, Satisfaction
from counter_app.domain.workcal import WorkCalendar
from counter_app.services import hall_events
from counter_app.services.context import Deps
from counter_app.store.models import Applicant, Case, User
from counter_app.store.queue_models import Ticket
from counter_app.store.rating_models import FollowUp, FollowUpStep, Rating, RatingSession
from printing.pdf.followup_report import ReportSheet, SheetStep


class FollowUpError(ValueError):
    """A step that does not fit the follow-up's state; the message is Chinese."""


class Status:
    OPEN = "open"  # 待回访
    CALLED_BACK = "called_back"  # 已回访, 待核实
    VERIFIED = "verified"  # 已核实, 待整改
    APPEALING = "appealing"  # 申诉复核中
    RECTIFYING = "rectifying"  # 整改中 (台账)
    RECTIFIED = "rectified"  # 已整改, 待反馈
    NOT_ADOPTED = "not_adopted"  # 申诉成立, 差评不予采纳, 待反馈
    CLOSED = "closed"  # 已反馈申请人


STATUS_LABELS = {
    Status.OPEN: "待回访",
    Status.CALLED_BACK: "待核实",
    Status.VERIFIED: "待整改",
    Status.APPEALING: "申诉复核中",
    Status.RECTIFYING: "整改中",
    Status.RECTIFIED: "待反馈",
    Status.NOT_ADOPTED: "不予采纳·待反馈",
    Status.CLOSED: "已办结",
}


class StepKind(StrEnum):
    OPENED = "opened"
    CALLBACK = "callback"
    VERIFY = "verify"
    APPEAL = "appeal"
    APPEAL_REVIEW = "appeal_review"
    RECTIFY = "rectify"
    RECTIFY_DONE = "rectify_done"
    FEEDBACK = "feedback"
    REPORT = "report"

    @property
    def label(self) -> str:
        return {
            "opened": "生成工单",
            "callback": "回访",
            "verify": "核实",
            "appeal": "申诉",
            "appeal_review": "申诉复核",
            "rectify": "整改",
            "rectify_done": "整改完成",
            "feedback": "反馈申请人",
            "report": "报送报告单",
        }[self.value]


class Finding(StrEnum):
    VALID = "valid"  # 情况属实
    NO_BASIS = "no_basis"  # 诉求无法律依据: explain
    WRONG = "wrong"  # 误评
    MALICIOUS = "malicious"  # 恶意差评

    @property
    def label(self) -> str:
        return {"valid": "情况属实", "no_basis": "诉求无政策依据", "wrong": "误评",
                "malicious": "恶意差评"}[self.value]


class RectifyMode(StrEnum):
    NOW = "now"  # 立行立改
    LEDGER = "ledger"  # 列入台账, 限期整改
    EXPLAIN = "explain"  # 做好解释说明

    @property
    def label(self) -> str:
        return {"now": "立行立改", "ledger": "列入台账限期整改", "explain": "解释说明"}[self.value]


@dataclass(frozen=True)
class Policy:
    rectify_days: int = 5
    report_days: int = 5
    due_soon_days: int = 1


def policy_from(settings: Any) -> Policy:
    return Policy(
        int(getattr(settings, "followup_rectify_days", 5)),
        int(getattr(settings, "followup_report_days", 5)),
        int(getattr(settings, "followup_due_soon_days", 1)),
    )


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str


def actor_of(session: Session, user_id: int | None, fallback: str = "") -> Actor:
    user = session.get(User, user_id) if user_id else None
    return Actor(user_id, user.name if user else fallback)


# ---- opening ------------------------------------------------------------------------------


def open_for_rating(
    session: Session, deps: Deps, settings: Any, rs: RatingSession, rating: Rating
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


def _expect(fu: FollowUp, *states: str, doing: str) -> None:
    if fu.status not in states:
        raise FollowUpError(f"工单当前为“{STATUS_LABELS[fu.status]}”，不能{doing}")


def callback(session: Session, deps: Deps, followup_id: int, actor: Actor, what: str, *,
             reached: bool = True, method: str = "phone") -> FollowUp:
    """回访: call the applicant. An unreached attempt is recorded and leaves it open."""
    fu = _load(session, followup_id)
    _expect(fu, Status.OPEN, Status.CALLED_BACK, doing="回访")
    now = deps.clock()
    _step(fu, StepKind.CALLBACK, actor, now, what, reached=reached, method=method)
    if reached:
        fu.callback_at = fu.callback_at or now
        fu.status = Status.CALLED_BACK
    return _done(session, fu)


def verify(session: Session, deps: Deps, followup_id: int, actor: Actor, finding: Finding | str,
           what: str) -> FollowUp:
    """核实: what really happened."""
    fu = _load(session, followup_id)
    _expect(fu, Status.CALLED_BACK, doing="核实（请先回访）")
    f = Finding(finding)
    _step(fu, StepKind.VERIFY, actor, deps.clock(), what, finding=f.value)
    fu.finding = f.value
    fu.status = Status.VERIFIED
    return _done(session, fu)


def appeal(session: Session, deps: Deps, followup_id: int, actor: Actor, what: str) -> FollowUp:
    """申诉: a wrong or malicious rating goes to review."""
    fu = _load(session, followup_id)
    _expect(fu, Status.VERIFIED, doing="申诉")
    if fu.finding not in (Finding.WRONG, Finding.MALICIOUS):
        raise FollowUpError("只有核实为误评或恶意差评的才能申诉")
    _step(fu, StepKind.APPEAL, actor, deps.clock(), what)
    fu.status = Status.APPEALING
    return _done(session, fu)


def review_appeal(session: Session, deps: Deps, settings: Any, followup_id: int, actor: Actor,
                  upheld: bool, what: str) -> FollowUp:
    """申诉复核: upheld → the rating is not adopted; rejected → back to rectification."""
    fu = _load(session, followup_id)
    _expect(fu, Status.APPEALING, doing="复核")
    now = deps.clock()
    _step(fu, StepKind.APPEAL_REVIEW, actor, now, what, upheld=upheld)
    if upheld:
        fu.status = Status.NOT_ADOPTED
        fu.report_due = _report_due(deps.calendar, now, policy_from(settings))
    else:
        fu.finding = Finding.VALID.value
        fu.status = Status.VERIFIED
    return _done(session, fu)


def rectify(session: Session, deps: Deps, settings: Any, followup_id: int, actor: Actor,
            mode: RectifyMode | str, what: str, *, deadline: date | None = None) -> FollowUp:
    """整改: fix now, explain, or enter in the ledger with a deadline."""
    fu = _load(session, followup_id)
    _expect(fu, Status.VERIFIED, doing="整改")
    m = RectifyMode(mode)
    now = deps.clock()
    if m is RectifyMode.LEDGER:
        due = deadline or fu.rectify_due
        if due is not None and due < business_date(now):
            raise FollowUpError("整改期限不能早于今天")
        _step(fu, StepKind.RECTIFY, actor, now, what, mode=m.value,
              deadline=due.isoformat() if due else None)
        fu.rectify_due = due
        fu.rectify_mode = m.value
        fu.status = Status.RECTIFYING
    else:
        _step(fu, StepKind.RECTIFY, actor, now, what, mode=m.value)
        fu.rectify_mode = m.value
        _rectified(fu, deps, settings, now)
    return _done(session, fu)


def rectify_done(session: Session, deps: Deps, settings: Any, followup_id: int, actor: Actor,
                 what: str) -> FollowUp:
    """A ledger entry is fixed."""
    fu = _load(session, followup_id)
    _expect(fu, Status.RECTIFYING, doing="完成整改")
    now = deps.clock()
    _step(fu, StepKind.RECTIFY_DONE, actor, now, what)
    _rectified(fu, deps, settings, now)
    return _done(session, fu)


def _rectified(fu: FollowUp, deps: Deps, settings: Any, now: datetime) -> None:
    fu.rectified_at = now
    fu.status = Status.RECTIFIED
    fu.report_due = _report_due(deps.calendar, now, policy_from(settings))


def _report_due(calendar: WorkCalendar, now: datetime, policy: Policy) -> date:
    return calendar.add_working_days(business_date(now), policy.report_days).due


def feedback(session: Session, deps: Deps, followup_id: int, actor: Actor, what: str) -> FollowUp:
    """反馈: tell the applicant what was found and done."""
    fu = _load(session, followup_id)
    _expect(fu, Status.RECTIFIED, Status.NOT_ADOPTED, doing="反馈")
    now = deps.clock()
    _step(fu, StepKind.FEEDBACK, actor, now, what)
    fu.status = Status.CLOSED
    fu.closed_at = now
    return _done(session, fu)


def mark_reported(session: Session, deps: Deps, followup_id: int, actor: Actor,
                  what: str = "报送《政务服务差评事项核查整改情况报告单》") -> FollowUp:
    fu = _load(session, followup_id)
    if fu.rectified_at is None and fu.status not in (Status.NOT_ADOPTED, Status.CLOSED):
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


CHANNEL_LABELS = {"window_pad": "窗口评价器", "soft_pad": "窗口评价屏", "online": "网上补充评价"}


class Sla(StrEnum):
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"


def sla_of(fu: FollowUp, today: date, calendar: WorkCalendar, policy: Policy) -> tuple[Sla, str]:
    """Against the deadline that matters now: rectification, then the report."""
    settled = fu.rectified_at is not None or fu.status in (Status.NOT_ADOPTED,)
    if not settled and fu.status != Status.CLOSED:
        due, what = fu.rectify_due, "整改"
    elif fu.reported_at is None and fu.report_due is not None:
        due, what = fu.report_due, "报告单"
    else:
        return Sla.DONE, "已办结" if fu.status == Status.CLOSED else "已报送"
    if due is None:
        return Sla.OK, ""
    left = calendar.working_days_left(today, due)
    if today > due:
        return Sla.OVERDUE, f"{what}逾期{max(1, -left)}个工作日"
    if left <= policy.due_soon_days:
        return Sla.DUE_SOON, f"{what}今日到期" if left == 0 else f"{what}剩{left}个工作日"
    return Sla.OK, f"{what}剩{left}个工作日"


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
        return NEXT_ACTIONS.get(self.status, ())


NEXT_ACTIONS: dict[str, tuple[str, ...]] = {
    Status.OPEN: ("callback",),
    Status.CALLED_BACK: ("callback", "verify"),
    Status.VERIFIED: ("rectify", "appeal"),
    Status.APPEALING: ("review",),
    Status.RECTIFYING: ("rectify_done",),
    Status.RECTIFIED: ("feedback", "report"),
    Status.NOT_ADOPTED: ("feedback", "report"),
    Status.CLOSED: ("report",),
}


def _row(fu: FollowUp, rating: Rating, rs: RatingSession, case: Case | None,
         person: Applicant | None, teller: User | None, today: date, deps: Deps,
         policy: Policy) -> FollowUpRow:
    sla, text = sla_of(fu, today, deps.calendar, policy)
    level = Satisfaction(rating.satisfaction) if rating.satisfaction else None
    return FollowUpRow(
        id=fu.id,
        opened_at=fu.opened_at,
        opened_text=fmt_local(fu.opened_at),
        case_no=case.case_no if case else "",
        business=rs.business,
        window_no=fu.window_no,
        teller=teller.name if teller else "",
        level=level.label if level else "",
        reasons=tuple(Reason(r).label for r in rating.reasons or ()),
        comment=rating.comment,
        applicant=mask_name(person.name) if person else "匿名",
        real_name=fu.real_name,
        status=fu.status,
        status_label=STATUS_LABELS[fu.status],
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
        ),
    )


def ledger(session: Session, deps: Deps, settings: Any, hall_code: str, *,
           open_only: bool = False, teller_id: int | None = None,
           since: date | None = None) -> list[FollowUpRow]:
    """The follow-up ledger: overdue first, then due soon, then by deadline."""
    stmt = select(FollowUp).options(selectinload(FollowUp.steps)).where(
        FollowUp.hall_code == hall_code
    )
    if open_only:
        stmt = stmt.where((FollowUp.status != Status.CLOSED) | FollowUp.reported_at.is_(None))
    if teller_id is not None:
        stmt = stmt.where(FollowUp.teller_id == teller_id)
    rows = session.scalars(stmt.order_by(FollowUp.id)).all()
    today = business_date(deps.clock())
    policy = policy_from(settings)
    out = []
    for fu in rows:
        if since is not None and business_date(fu.opened_at) < since:
            continue
        rating = session.get(Rating, fu.rating_id)
        assert rating is not None
        rs = session.get(RatingSession, rating.session_id)
        assert rs is not None
        case = session.get(Case, fu.case_id) if fu.case_id else None
        person = session.get(Applicant, fu.applicant_id) if fu.applicant_id else None
        teller = session.get(User, fu.teller_id) if fu.teller_id else None
        out.append(_row(fu, rating, rs, case, person, teller, today, deps, policy))
    rank = {Sla.OVERDUE: 0, Sla.DUE_SOON: 1, Sla.OK: 2, Sla.DONE: 3}
    out.sort(key=lambda r: (rank[r.sla], r.rectify_due or date.max, r.id))
    return out


def get_row(session: Session, deps: Deps, settings: Any, followup_id: int) -> FollowUpRow:
    fu = session.get(FollowUp, followup_id)
    if fu is None:
        raise FollowUpError(f"差评工单 {followup_id} 不存在")
    rows = [r for r in ledger(session, deps, settings, fu.hall_code) if r.id == followup_id]
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
    session: Session, deps: Deps, settings: Any, followup_id: int
) -> ReportSheet:
    """Plain data for printing.pdf.followup_report (no ORM objects leave here); ID
    and phone numbers typed into the comment and the steps are masked."""
    from counter_app.logs import scrub

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
        hall_name=settings.hall_name,
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
        appeal=texts(StepKind.APPEAL) + texts(StepKind.APPEAL_REVIEW),
        rectification=texts(StepKind.RECTIFY) + texts(StepKind.RECTIFY_DONE),
        rectify_mode=mode,
        rectify_due=row.rectify_due.isoformat() if row.rectify_due else "",
        rectified_at=fmt_local(fu.rectified_at) if fu.rectified_at else "",
        feedback=texts(StepKind.FEEDBACK),
        status=row.status_label,
        report_due=row.report_due.isoformat() if row.report_due else "",
        supervision_phone=getattr(settings, "hall_phone", "12345"),
        printed_at=fmt_local(deps.clock()),
    )
