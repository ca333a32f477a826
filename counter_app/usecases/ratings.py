"""好差评 at the window (一次一评): ask for a rating of a visit, store exactly one
result for it (a rating, or "not rated" with its cause), and an applicant's rating
added later (within 5 working days, assessNumber 2).

Storing a rating is one transaction: the result, its outbox row for the province
and, for a bad rating, the follow-up that alerts the supervisor. The teller's
screen is told whether the applicant rated, never how.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from counter_app.domain.audit import AuditAction
from counter_app.domain.rating import NotRatedCause, RatingChannel, RatingInput
from counter_app.domain.roles import Actor, Permission
from counter_app.runtime import Runtime
from counter_app.services import audit, ratings
from counter_app.services.context import Desk
from counter_app.services.ratings import Recorded, SessionView


@dataclass(frozen=True)
class AskRating:
    """请评价: the visit is the ticket being served, else a case accepted without one."""

    actor: Actor
    window_no: str
    ticket_id: int | None = None
    case_no: str | None = None
    channel: RatingChannel = RatingChannel.WINDOW_PAD
    trigger: str = "key"  # key (F8) / auto (after an accepted case)


def ask_rating(rt: Runtime, cmd: AskRating) -> SessionView:
    """Open the rating session (RatingError when the visit was already rated)."""
    cmd.actor.require(Permission.ASK_RATING)
    desk = Desk(rt.settings.hall.code, cmd.window_no, cmd.actor.user_id)
    with rt.write() as session:
        if cmd.ticket_id is not None:
            visit = ratings.visit_of_ticket(session, cmd.ticket_id)
        else:
            visit = ratings.visit_of_case(session, cmd.case_no or "")
        view = ratings.open_session(session, rt.deps, desk, visit, channel=cmd.channel,
                                    trigger=cmd.trigger)
        audit.record(session, rt.deps.clock(), cmd.actor, AuditAction.RATING_ASKED, "visit",
                     view.visit_key, trigger=cmd.trigger)
        return view


@dataclass(frozen=True)
class RecordRating:
    """What the pad reported for an open session."""

    session_id: int
    rating: RatingInput
    reasons_mask: int = 0
    reasked_after_link_loss: bool = False


def record_rating(rt: Runtime, cmd: RecordRating) -> Recorded:
    """Raises ratings.AlreadyRecorded for a session that has its result."""
    with rt.write() as session:
        return ratings.record_rating(session, rt.deps, rt.settings, cmd.session_id, cmd.rating,
                                     reasons_mask=cmd.reasons_mask,
                                     reasked=cmd.reasked_after_link_loss)


@dataclass(frozen=True)
class RecordNotRated:
    session_id: int
    cause: NotRatedCause
    detail: str = ""
    reasked_after_link_loss: bool = False


def record_not_rated(rt: Runtime, cmd: RecordNotRated) -> Recorded:
    with rt.write() as session:
        return ratings.record_not_rated(session, rt.deps, cmd.session_id, cmd.cause, cmd.detail,
                                        reasked=cmd.reasked_after_link_loss)


def close_stale_sessions(rt: Runtime, window_no: str) -> int:
    """Sessions of this window left open by a crash end as not rated."""
    with rt.write() as session:
        return ratings.close_stale(session, rt.deps, rt.settings.hall.code, window_no)


@dataclass(frozen=True)
class AddRating:
    """An applicant's rating added later (an online channel, or staff entering a
    paper form)."""

    actor: Actor
    case_no: str
    rating: RatingInput


def add_rating(rt: Runtime, cmd: AddRating) -> Recorded:
    cmd.actor.require(Permission.ADD_RATING)
    with rt.write() as session:
        return ratings.add_rating(session, rt.deps, rt.settings, cmd.case_no, cmd.rating)


def ratings_of_day(rt: Runtime, day: date | None = None) -> list[ratings.RatingLine]:
    """The day's results, for `counter-app rating list` (the levels: staff only)."""
    with rt.read() as session:
        return ratings.ratings_of_day(session, rt.settings.hall.code, day or rt.today())
