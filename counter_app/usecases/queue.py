"""The hall queue (叫号): take a ticket, and everything a window does with it — call
next, call a number, recall, no-show, reactivate, transfer, park and take back,
done, pause and resume — plus what the window, the kiosk and the display show.

Each action is one short write transaction; call next takes the window's row lock
and the first waiting ticket with SKIP LOCKED (services.queue), so two windows
never call the same person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from counter_app.domain.audit import AuditAction
from counter_app.domain.queue import (  # the windows catch these from here
    OutcomeCode,
    QueueError,
    ServingElsewhere,
    StillServing,  # noqa: F401
)
from counter_app.domain.roles import Actor, Permission
from counter_app.infra import hall_listener
from counter_app.runtime import Runtime
from counter_app.services import audit, queue, queue_slip, queue_views
from counter_app.services.queue import Called, Hall, Taken, TicketView

if TYPE_CHECKING:  # the slip's printing (reportlab, the printer drivers) loads on use
    from devices.escpos.spool import JobSpool
    from printing.slip import SlipData, SlipPrinted


def _audit(session: Session, rt: Runtime, actor: Actor, what: str, number: str,
           window_no: str = "") -> None:
    audit.record(session, rt.deps.clock(), actor, AuditAction.TICKET_ACTION, "ticket", number,
                 step=what, window=window_no or None)


def hall_of(rt: Runtime) -> Hall:
    """This hall's queue rules on the runtime's clock (QueueError on bad settings)."""
    try:
        return Hall.of(rt.settings, rt.deps.clock)
    except ValueError as exc:
        raise QueueError(f"排队配置有误：{exc}") from None


# ---- taking a ticket -------------------------------------------------------------------


@dataclass(frozen=True)
class CardHolder:
    """The person on an ID card laid on the kiosk's reader."""

    id_number: str
    name: str
    birth_date: date | None = None
    sex: str = ""


@dataclass(frozen=True)
class TakeTicket:
    actor: Actor
    category: str
    priority_reason: str = ""
    holder: CardHolder | None = None
    channel: str = "kiosk"


def take_ticket(rt: Runtime, cmd: TakeTicket) -> Taken:
    cmd.actor.require(Permission.TAKE_TICKET)
    hall = hall_of(rt)
    with rt.write() as session:
        if cmd.holder is None:
            return queue.take(session, hall, cmd.category, priority_reason=cmd.priority_reason,
                              channel=cmd.channel)
        h = cmd.holder
        return queue.take_with_card(
            session, hall, cmd.category, id_number=h.id_number, name=h.name,
            birth_date=h.birth_date, sex=h.sex, priority_reason=cmd.priority_reason,
        )


def slip_data(rt: Runtime, taken: Taken) -> SlipData:
    """What the slip of a ticket just taken says (the kiosk's own printer driver
    prints it)."""

    return queue_slip.slip_for(taken, rt.settings, hall_of(rt))


def print_ticket_slip(
    rt: Runtime, taken: Taken, printer: str | None = None, *, spool: JobSpool | None = None
) -> SlipPrinted:
    """Print the slip of a ticket just taken (blocking: run it off the GUI thread). A
    slip an ESC/POS printer could not print stays in `spool` and is printed when
    the printer is back."""

    return queue_slip.print_ticket(taken, rt.settings, hall_of(rt), printer, spool=spool)


# ---- at the window ----------------------------------------------------------------------


@dataclass(frozen=True)
class AtWindow:
    """An action of the teller at a window on the ticket being served there."""

    actor: Actor
    window_no: str


@dataclass(frozen=True)
class CallNext(AtWindow):
    """叫号. While a ticket is served at the window, `finish_current` must name it
    (its id, or its number from the CLI): the teller confirmed ending that visit.
    Otherwise StillServing, and nobody is closed or skipped."""

    categories: str | None = None  # the window's work profile, e.g. "AB"
    finish_current: int | str | None = None


@dataclass(frozen=True)
class CallNumber(AtWindow):
    number: str
    finish_current: int | str | None = None


@dataclass(frozen=True)
class Finish(AtWindow):
    """办结 with what came of it; `ticket_id`: the ticket the teller's dialog was for."""

    note: str = ""
    outcome: OutcomeCode | None = None
    ticket_id: int | None = None


@dataclass(frozen=True)
class WalkIn(AtWindow):
    """无号现场办理: a ticket taken and called at once (category: the setting
    queue_walk_in_category, else the window's first)."""

    category: str | None = None
    finish_current: int | str | None = None


@dataclass(frozen=True)
class Transfer(AtWindow):
    to_window: str | None = None
    to_category: str | None = None
    back: bool = True  # the person returns to this window afterwards
    place: str = "first"  # first / last / taken


@dataclass(frozen=True)
class Pause(AtWindow):
    reason: str = ""


@dataclass(frozen=True)
class Reactivate:
    actor: Actor
    number: str


def call_next(rt: Runtime, cmd: CallNext) -> Called | None:
    """Close the ticket at the window (if any) and call the next; None: nobody waits."""
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    row = audit.fields(cmd.actor, AuditAction.TICKET_ACTION, "ticket", step="call",
                       window=cmd.window_no or None)
    if rt.engine.dialect.name == "postgresql":
        # one statement, a transaction by itself: the server-side function writes
        # the call, its events and the audit row (services.queue_pg)
        from counter_app.services import queue_pg

        window_no, categories = queue.window_args(hall, cmd.window_no, cmd.categories)
        with rt.statement() as conn:
            return queue_pg.call_next(conn, hall, window_no, teller_id=cmd.actor.user_id,
                                      categories=categories,
                                      finish_current=cmd.finish_current, audit=row)
    with rt.write() as session:
        return queue.call_next(session, hall, cmd.window_no, teller_id=cmd.actor.user_id,
                               categories=cmd.categories, finish_current=cmd.finish_current,
                               audit_row=row)


def call_number(rt: Runtime, cmd: CallNumber) -> Called:
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        called = queue.call_number(session, hall, cmd.window_no, cmd.number,
                                   teller_id=cmd.actor.user_id,
                                   finish_current=cmd.finish_current)
        _audit(session, rt, cmd.actor, "call", called.ticket.number, cmd.window_no)
        return called


def recall(rt: Runtime, cmd: AtWindow) -> Called:
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        called = queue.recall(session, hall, cmd.window_no)
        _audit(session, rt, cmd.actor, "recall", called.ticket.number, cmd.window_no)
        return called


def no_show(rt: Runtime, cmd: AtWindow) -> TicketView:
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        view = queue.no_show(session, hall, cmd.window_no)
        _audit(session, rt, cmd.actor, "no_show", view.number, cmd.window_no)
        return view


def park(rt: Runtime, cmd: AtWindow) -> TicketView:
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        view = queue.park(session, hall, cmd.window_no)
        _audit(session, rt, cmd.actor, "park", view.number, cmd.window_no)
        return view


def unpark(rt: Runtime, cmd: CallNumber) -> Called:
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        called = queue.unpark(session, hall, cmd.window_no, cmd.number,
                              teller_id=cmd.actor.user_id)
        _audit(session, rt, cmd.actor, "unpark", called.ticket.number, cmd.window_no)
        return called


def finish(rt: Runtime, cmd: Finish) -> TicketView:
    """办结 the ticket at the window (a transferred one returns to its first window)."""
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        view = queue.done(session, hall, cmd.window_no, cmd.note, cmd.outcome,
                          ticket_id=cmd.ticket_id)
        _audit(session, rt, cmd.actor, "done", view.number, cmd.window_no)
        return view


def walk_in(rt: Runtime, cmd: WalkIn) -> Called:
    """Serve a person with no ticket: the visit is recorded all the same."""
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        called = queue.walk_in(session, hall, cmd.window_no, category=cmd.category,
                               teller_id=cmd.actor.user_id, finish_current=cmd.finish_current)
        _audit(session, rt, cmd.actor, "walk_in", called.ticket.number, cmd.window_no)
        return called


def arrive(rt: Runtime, cmd: AtWindow) -> TicketView:
    """到达确认 (F11): the person called came to the window."""
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        return queue.arrive(session, hall, cmd.window_no)


def serving_elsewhere(rt: Runtime, actor: Actor, window_no: str) -> ServingElsewhere | None:
    """The refusal for a teller who still holds a ticket at another window (None if
    they do not): log-in at a window asks it."""
    if actor.user_id is None:
        return None
    hall = hall_of(rt)
    with rt.read() as session:
        held = queue.serving_elsewhere(session, hall, actor.user_id, window_no)
        return None if held is None else ServingElsewhere(held.number, held.window_no or "?")


def transfer(rt: Runtime, cmd: Transfer) -> TicketView:
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        view = queue.transfer(session, hall, cmd.window_no, to_window=cmd.to_window,
                              to_category=cmd.to_category, back=cmd.back, place=cmd.place)
        _audit(session, rt, cmd.actor, "transfer", view.number, cmd.window_no)
        return view


def pause(rt: Runtime, cmd: Pause) -> None:
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        queue.pause(session, hall, cmd.window_no, cmd.reason)


def resume(rt: Runtime, cmd: AtWindow) -> None:
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        queue.resume(session, hall, cmd.window_no)


def reactivate(rt: Runtime, cmd: Reactivate) -> Taken:
    """过号激活: the ticket rejoins the queue behind a few people."""
    cmd.actor.require(Permission.SERVE_WINDOW)
    hall = hall_of(rt)
    with rt.write() as session:
        taken = queue.reactivate(session, hall, cmd.number)
        _audit(session, rt, cmd.actor, "reactivate", taken.ticket.number)
        return taken


# ---- what the screens show ----------------------------------------------------------------


def window_state(rt: Runtime, window_no: str) -> queue_views.WindowView:
    hall = hall_of(rt)
    with rt.read() as session:
        return queue_views.window_view(session, hall, window_no)


def hall_snapshot(rt: Runtime, recent: int = 8) -> queue_views.HallSnapshot:
    hall = hall_of(rt)
    with rt.read() as session:
        return queue_views.hall_snapshot(session, hall, recent)


def queue_stats(rt: Runtime, day: str | None = None) -> queue_views.QueueStats:
    hall = hall_of(rt)
    with rt.read() as session:
        return queue_views.queue_stats(session, hall, day)


def open_hall_listener(rt: Runtime) -> hall_listener.HallListener:
    """Something to block on (a worker thread) until this hall may have changed:
    PostgreSQL LISTEN/NOTIFY filtered by the hall, SQLite's data_version."""
    return hall_listener.open_listener(rt.engine, rt.settings.hall.code)
