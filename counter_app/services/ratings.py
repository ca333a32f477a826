"""Rating a visit (一次一评): open a session, store exactly one result for it.

A visit is a queue ticket's service ("T<ticket id>") or a case accepted without a
ticket ("C<case id>"). A session asks for a rating of one visit; it ends once,
with a rating or as "not rated" with its cause (timeout, cancelled, pad offline),
so the participation rate stays honest. Storing a rating is one transaction: the
result, its outbox row for the province and, for a bad rating, the follow-up
(差评工单) that alerts the supervisor.

Exactly once, by construction: the session row is locked and must be open; the
result table has a unique session_id (a second result cannot be stored) and a
unique "<visit>#<assess number>" for ratings (a visit is rated once at the window
and at most once more later). The pad driving lives in `rating_pad`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from counter_app.config import Settings
from counter_app.domain.clock import business_date, fmt_local
from counter_app.domain.rating import (
    NotRatedCause,
    RatingChannel,
    RatingError,
    RatingInput,
    RatingOutcome,
    Satisfaction,
    SessionState,
    add_rating_deadline,
)
from counter_app.services import followup, hall_events, outbox
from counter_app.services.context import Deps, Desk
from counter_app.store.models import Case, Rating, RatingSession, Ticket, User


class AlreadyRecorded(RatingError):
    """The session already has its result: a repeat is ignored, never stored."""


Channel = RatingChannel  # where a rating is given (domain.rating)


# ---- visits ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    key: str
    day: str  # business date YYYYMMDD
    ticket_id: int | None
    case_id: int | None  # the case the rating is reported for (the latest of the visit)
    case_no: str
    queue_no: str
    business: str  # what the pad shows, e.g. 职工退休一件事
    items: tuple[dict[str, str], ...]


def visit_of_ticket(session: Session, ticket_id: int) -> Visit:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise RatingError("号票不存在")
    cases = list(
        session.scalars(select(Case).where(Case.ticket_id == ticket_id).order_by(Case.id))
    )
    return _visit(f"T{ticket.id}", ticket.day, ticket, cases)


def visit_of_case(session: Session, case_no: str) -> Visit:
    case = session.scalar(select(Case).where(Case.case_no == case_no))
    if case is None:
        raise RatingError(f"未找到办件 {case_no}")
    if case.ticket_id is not None:
        return visit_of_ticket(session, case.ticket_id)
    return _visit(f"C{case.id}", f"{business_date(case.accepted_at):%Y%m%d}", None, [case])


def _visit(key: str, day: str, ticket: Ticket | None, cases: Sequence[Case]) -> Visit:
    latest = cases[-1] if cases else None
    titles = list(dict.fromkeys(c.title for c in cases))
    business = "、".join(titles) if titles else (f"{ticket.number}号" if ticket else "")
    items = tuple(
        {"case_no": c.case_no, "item_code": i.item_code, "item_name": i.item_name}
        for c in cases
        for i in c.items
    )
    return Visit(
        key=key,
        day=day,
        ticket_id=ticket.id if ticket else None,
        case_id=latest.id if latest else None,
        case_no=latest.case_no if latest else "",
        queue_no=ticket.number if ticket else "",
        business=business[:128],
        items=items,
    )


# ---- sessions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionView:
    id: int
    visit_key: str
    case_no: str
    business: str
    window_no: str
    teller_id: int | None
    assess_number: int
    state: str
    queue_no: str = ""  # the ticket of the visit, when there is one

    @property
    def pad_session_id(self) -> int:
        """The 4-byte id the pad sees: the row id, unique in the hall for good."""
        return self.id & 0xFFFFFFFF


@dataclass(frozen=True)
class Recorded:
    """What was stored. `level` is for the back office; the teller's screen shows
    only whether the visit was rated (the pad faces the applicant, not the teller)."""

    session_id: int
    visit_key: str
    rated: bool
    level: Satisfaction | None
    bad: bool
    cause: NotRatedCause | None
    rating_id: int
    followup_id: int | None = None
    outbox_key: str | None = None  # the first record's key
    outbox_keys: tuple[str, ...] = ()  # every record's (one per item of a bundle)


def already_rated(session: Session, visit_key: str, assess_number: int = 1) -> bool:
    return (
        session.scalar(
            select(Rating.id).where(Rating.rated_key == _rated_key(visit_key, assess_number))
        )
        is not None
    )


def open_session(
    session: Session,
    deps: Deps,
    desk: Desk,
    visit: Visit,
    *,
    channel: str = Channel.WINDOW_PAD,
    trigger: str = "key",
    assess_number: int = 1,
) -> SessionView:
    """Start asking for a rating of `visit`. Refused when the visit already has its
    rating; an older open session of the visit or the window is cancelled first."""
    if already_rated(session, visit.key, assess_number):
        raise RatingError("本次服务已评价，不能重复评价")
    now = deps.clock()
    stale = session.scalars(
        select(RatingSession).where(
            RatingSession.state == SessionState.OPEN,
            RatingSession.hall_code == desk.hall_code,
            (RatingSession.visit_key == visit.key) | (RatingSession.window_no == desk.window_no),
            RatingSession.assess_number == assess_number,
        )
    ).all()
    for old in stale:
        _store_not_rated(session, old, NotRatedCause.CANCELLED, "新的评价请求取代了未完成的评价",
                         now)
    rs = RatingSession(
        visit_key=visit.key,
        hall_code=desk.hall_code,
        day=visit.day,
        window_no=desk.window_no,
        teller_id=desk.teller_id,
        ticket_id=visit.ticket_id,
        case_id=visit.case_id,
        business=visit.business,
        items=[dict(i) for i in visit.items],
        channel=channel,
        trigger=trigger,
        assess_number=assess_number,
        state=SessionState.OPEN,
        opened_at=now,
    )
    session.add(rs)
    session.flush()
    rs.pad_session_id = rs.id & 0xFFFFFFFF
    return _view(rs, visit.case_no, visit.queue_no)


def _view(rs: RatingSession, case_no: str, queue_no: str = "") -> SessionView:
    return SessionView(rs.id, rs.visit_key, case_no, rs.business, rs.window_no, rs.teller_id,
                       rs.assess_number, rs.state, queue_no)


def _lock_open(session: Session, session_id: int) -> RatingSession:
    rs = session.get(RatingSession, session_id, with_for_update=True)
    if rs is None:
        raise RatingError(f"评价会话 {session_id} 不存在")
    if rs.state != SessionState.OPEN:
        raise AlreadyRecorded(f"评价会话 {session_id} 已有结果")
    return rs


def _rated_key(visit_key: str, assess_number: int) -> str:
    return f"{visit_key}#{assess_number}"


# ---- results -------------------------------------------------------------------------------


def record_rating(
    session: Session,
    deps: Deps,
    settings: Settings,
    session_id: int,
    rating: RatingInput,
    *,
    reasons_mask: int = 0,
    reasked: bool = False,
) -> Recorded:
    """Store the rating of an open session, its outbox row and, when bad, its
    follow-up. Raises AlreadyRecorded for a session that has its result.
    `reasked`: the pad's link dropped and the host asked again (kept on the session)."""
    rs = _lock_open(session, session_id)
    rs.reasked = rs.reasked or reasked
    now = deps.clock()
    row = Rating(
        session_id=rs.id,
        outcome=RatingOutcome.RATED,
        satisfaction=rating.level.value,
        bad=rating.level.is_bad,
        reasons=[r.value for r in rating.reasons],
        reasons_mask=reasons_mask,
        comment=rating.comment,
        cause=None,
        cause_detail="",
        rated_key=_rated_key(rs.visit_key, rs.assess_number),
        hall_code=rs.hall_code,
        day=rs.day,
        window_no=rs.window_no,
        teller_id=rs.teller_id,
        recorded_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another session of this visit got its rating first (a race the check in
        # open_session cannot close): this one ends unrated, the first one stands.
        cause = NotRatedCause.CANCELLED
        other = _store_not_rated(session, rs, cause, "本次服务已有评价", now)
        return Recorded(rs.id, rs.visit_key, False, None, False, cause, other.id)
    rs.state = SessionState.RATED
    rs.closed_at = now
    payloads = canonical_records(session, settings, rs, row)
    for payload in payloads:
        outbox.enqueue(session, now, payload["key"], payload, rating_id=row.id)
    followup_id = None
    if row.bad:
        followup_id = followup.open_for_rating(session, deps, settings, rs, row).id
    hall_events.announce(session, rs.hall_code)
    keys = tuple(p["key"] for p in payloads)
    return Recorded(rs.id, rs.visit_key, True, rating.level, row.bad, None, row.id,
                    followup_id, keys[0], keys)


def record_not_rated(
    session: Session, deps: Deps, session_id: int, cause: NotRatedCause, detail: str = "",
    *, reasked: bool = False,
) -> Recorded:
    rs = _lock_open(session, session_id)
    rs.reasked = rs.reasked or reasked
    row = _store_not_rated(session, rs, cause, detail, deps.clock())
    hall_events.announce(session, rs.hall_code)
    return Recorded(rs.id, rs.visit_key, False, None, False, cause, row.id)


def _store_not_rated(
    session: Session, rs: RatingSession, cause: NotRatedCause, detail: str, now: datetime
) -> Rating:
    row = Rating(
        session_id=rs.id,
        outcome=RatingOutcome.NOT_RATED,
        satisfaction=None,
        bad=False,
        reasons=[],
        reasons_mask=0,
        comment="",
        cause=cause.value,
        cause_detail=detail[:255],
        rated_key=None,
        hall_code=rs.hall_code,
        day=rs.day,
        window_no=rs.window_no,
        teller_id=rs.teller_id,
        recorded_at=now,
    )
    session.add(row)
    rs.state = SessionState.NOT_RATED
    rs.closed_at = now
    session.flush()
    return row


def close_stale(session: Session, deps: Deps, hall_code: str, window_no: str,
                detail: str = "程序重启时评价未完成") -> int:
    """Sessions of this window left open by a crash end as not rated (cancelled)."""
    now = deps.clock()
    rows = session.scalars(
        select(RatingSession).where(
            RatingSession.state == SessionState.OPEN,
            RatingSession.hall_code == hall_code,
            RatingSession.window_no == window_no,
            RatingSession.channel != Channel.ONLINE,
        )
    ).all()
    for rs in rows:
        _store_not_rated(session, rs, NotRatedCause.CANCELLED, detail, now)
    return len(rows)


def add_rating(
    session: Session,
    deps: Deps,
    settings: Settings,
    case_no: str,
    rating: RatingInput,
    *,
    channel: str = Channel.ONLINE,
) -> Recorded:
    """An applicant adds a rating within 5 working days of the visit (assessNumber 2)."""
    visit = visit_of_case(session, case_no)
    visit_day = datetime.strptime(visit.day, "%Y%m%d").date()
    deadline = add_rating_deadline(visit_day, deps.calendar)
    if business_date(deps.clock()) > deadline:
        raise RatingError(f"补充评价须在办理后5个工作日内（截至 {deadline.isoformat()}）")
    case = session.get(Case, visit.case_id) if visit.case_id else None
    desk = Desk(case.hall_code if case else settings.hall.code,
                case.window_no if case else "", case.teller_id if case else None)
    opened = open_session(session, deps, desk, visit, channel=channel, trigger="online",
                          assess_number=2)
    return record_rating(session, deps, settings, opened.id, rating)


# ---- the canonical record for the province ------------------------------------------------

_PRO_STATUS = {"accepted", "complete", "returned", "supplement", "rejected", "terminated",
               "withdrawn"}


def rating_no(rating_id: int) -> str:
    return f"PJ{rating_id:08d}"


def _rating_records_mode(settings: Settings) -> str:
    """per_item or per_case, as the target's profile says (per_item when the profile
    cannot be read: a rating is never lost over a profile file)."""
    from counter_app.services.hcp_export import ProfileError, load_profile

    try:
        return load_profile(settings.delivery.profile or None).rating_records
    except (ProfileError, OSError):
        return "per_item"


def canonical_records(
    session: Session, settings: Settings, rs: RatingSession, row: Rating
) -> list[dict[str, Any]]:
    """Meanings only (see hcp_export): codes are applied per target when sent. Every
    item of every case of the visit is reported (a bundle's rating carries all its
    items): one record per item, or, when the profile says per_case, one record per
    case with the item codes joined. The written comment is free text: ID and phone
    numbers in it are masked."""
    from counter_app.logs import scrub

    case = session.get(Case, rs.case_id) if rs.case_id else None
    ticket = session.get(Ticket, rs.ticket_id) if rs.ticket_id else None
    teller = session.get(User, rs.teller_id) if rs.teller_id else None
    number = rating_no(row.id)
    cases: list[Case] = []
    if ticket is not None:
        cases = list(session.scalars(
            select(Case).where(Case.ticket_id == ticket.id).order_by(Case.id)))
    if case is not None and case not in cases:
        cases.append(case)
    base = {
        "rating_no": number,
        "dept_code": settings.delivery.dept_code,
        "area_code": settings.delivery.area_code or rs.hall_code[:6],
        "handler_name": teller.name if teller else "",
        "channel": rs.channel,
        "satisfaction": row.satisfaction,
        "reasons": list(row.reasons or ()),
        "comment": scrub(row.comment),  # free text: a phone or ID typed in is masked
        "assessed_at": row.recorded_at.isoformat(),
        "assess_number": rs.assess_number,
    }
    if not cases:  # a visit without a case (consultation)
        applicant = ticket.applicant if ticket else None
        project_no = (f"{rs.hall_code}-{ticket.day}-{ticket.number}" if ticket is not None
                      else f"{rs.hall_code}-{rs.day}-V{rs.id}")
        return [{
            **base, "key": f"{project_no}-{number}", "project_no": project_no,
            "item_code": "", "item_name": rs.business, "pro_status": "consultation",
            "applicant_name": applicant.name if applicant else "",
            "applicant_cert_no": applicant.id_number if applicant else "",
            "applicant_kind": "person",
        }]
    per_case = _rating_records_mode(settings) == "per_case"
    records = []
    for c in cases:
        person = {
            "project_no": c.case_no,
            "pro_status": c.status if c.status in _PRO_STATUS else "consultation",
            "applicant_name": c.applicant_name or c.applicant.name,
            "applicant_cert_no": c.applicant.id_number,
            "applicant_kind": "legal_person" if c.applicant_kind == "unit" else "person",
        }
        items = list(c.items)
        if per_case or len(items) <= 1:
            sep = ","
            records.append({
                **base, **person, "key": f"{c.case_no}-{number}",
                "item_code": sep.join(i.item_code for i in items),
                "item_name": "、".join(i.item_name for i in items) or c.title,
            })
            continue
        for item in items:
            records.append({
                **base, **person, "key": f"{c.case_no}-{number}-{item.seq}",
                "item_code": item.item_code, "item_name": item.item_name,
            })
    return records


def canonical_record(
    session: Session, settings: Settings, rs: RatingSession, row: Rating
) -> dict[str, Any]:
    """The first record of the rating (see canonical_records)."""
    return canonical_records(session, settings, rs, row)[0]


# ---- the day's ratings (counter-app rating list) ----------------------------------------------


@dataclass(frozen=True)
class RatingLine:
    session: int
    visit: str
    window: str
    business: str
    assess_number: int
    outcome: str
    level: str  # label, "" when not rated
    cause: str  # label, "" when rated
    at: str
    reasked: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "session": self.session, "visit": self.visit, "window": self.window,
            "business": self.business, "assess_number": self.assess_number,
            "outcome": self.outcome, "level": self.level, "cause": self.cause, "at": self.at,
            "reasked": self.reasked,
        }


def ratings_of_day(session: Session, hall_code: str, day: date) -> list[RatingLine]:
    rows = session.execute(
        select(Rating, RatingSession)
        .join(RatingSession, RatingSession.id == Rating.session_id)
        .where(Rating.hall_code == hall_code, Rating.day == f"{day:%Y%m%d}")
        .order_by(Rating.id)
    ).all()
    return [
        RatingLine(
            rs.id, rs.visit_key, rs.window_no, rs.business, rs.assess_number, str(r.outcome),
            Satisfaction(r.satisfaction).label if r.satisfaction else "",
            NotRatedCause(r.cause).label if r.cause else "", fmt_local(r.recorded_at),
            rs.reasked,
        )
        for r, rs in rows
    ]
