"""The hall queue (叫号): take a ticket, call it to a window, recall, no-show and
reactivate, transfer with automatic return, park, pause, done.

Every action is one short transaction on the caller's session (`with rt.uow()`),
and every action that changes what the hall sees logs a QueueEvent and wakes the
displays (hall_events.announce).

Concurrency: call next locks the window's row, then takes the first waiting ticket
with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so windows calling at the same
moment never get the same ticket and never skip one. On SQLite every transaction
starts with BEGIN IMMEDIATE (store.db), which serializes writers across processes;
FOR UPDATE is not rendered there.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from counter_app.domain import idnumber
from counter_app.domain import queue as rules_mod
from counter_app.domain.applicant import ApplicantKind, IdType
from counter_app.domain.clock import business_date
from counter_app.domain.queue import (
    OutcomeCode,
    QueueError,
    ServingElsewhere,
    StillServing,
    TicketStatus,
    TransactionOutcome,
)
from counter_app.services import applicants, hall_events
from counter_app.services.queue_values import (  # noqa: F401  (the services' callers import them from here)
    ANY_CURRENT,
    Called,
    Current,
    Hall,
    Taken,
    TicketView,
    rules_from,
    view,
)
from counter_app.store.models import (
    AuditEntry,
    Case,
    QueueEvent,
    QueueWindow,
    Ticket,
    TicketCounter,
    TicketTransaction,
)

# -- taking a ticket ------------------------------------------------------------


def next_ticket_seq(session: Session, hall_code: str, day: str, prefix: str) -> int:
    """The day's next number of a category, in one atomic statement."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(TicketCounter).values(hall_code=hall_code, day=day, prefix=prefix, last_seq=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[TicketCounter.hall_code, TicketCounter.day, TicketCounter.prefix],
        set_={"last_seq": TicketCounter.last_seq + 1},
    ).returning(TicketCounter.last_seq)
    return int(session.execute(stmt).scalar_one())


def take(
    session: Session,
    hall: Hall,
    category: str,
    *,
    priority_reason: str = "",
    applicant_id: int | None = None,
    channel: str = "kiosk",
) -> Taken:
    """Hand out the next number of `category`; `priority_reason` (老年人 …) makes it
    a priority ticket."""
    cat = hall.rules.category(category)
    now = hall.clock()
    day = hall.today(now)
    seq = next_ticket_seq(session, hall.code, day, cat.prefix)
    ticket = Ticket(
        hall_code=hall.code,
        day=day,
        number=rules_mod.format_number(cat.prefix, seq, hall.rules.number_digits),
        seq=seq,
        category=cat.prefix,
        origin_category=cat.prefix,
        priority=bool(priority_reason),
        priority_reason=priority_reason[:32],
        boost=0,
        rank=rules_mod.rank_of(now),
        status=TicketStatus.WAITING,
        applicant_id=applicant_id,
        channel=channel,
        taken_at=now,
        recalls=0,
        no_shows=0,
        service_seconds=0,
    )
    session.add(ticket)
    session.flush()
    ahead = waiting_ahead(session, ticket)
    _event(session, hall, "take", ticket, "", now, waiting_ahead=ahead)
    return Taken(view(ticket, hall.rules), ahead)


def take_with_card(
    session: Session,
    hall: Hall,
    category: str,
    *,
    id_number: str,
    name: str,
    birth_date: date | None = None,
    sex: str = "",
    priority_reason: str = "",
) -> Taken:
    """A ticket taken by reading an ID card: linked to the applicant; card holders of
    the configured age get a priority ticket by themselves."""
    number = idnumber.normalize(id_number)
    now = hall.clock()
    # two kiosks reading the same new card at once both find the one record
    person, _added = applicants.find_or_add(
        session, now, ApplicantKind.PERSON, number, IdType.RESIDENT, name.strip(), sex=sex,
        birth_date=birth_date,
    )
    birth = birth_date or person.birth_date
    reason = priority_reason or rules_mod.priority_for(birth, business_date(now), hall.rules)
    return take(
        session, hall, category, priority_reason=reason, applicant_id=person.id, channel="idcard"
    )


def waiting_ahead(session: Session, ticket: Ticket) -> int:
    """People of the same category who will be called before this ticket."""
    conds = [
        Ticket.hall_code == ticket.hall_code,
        Ticket.day == ticket.day,
        Ticket.status == TicketStatus.WAITING,
        Ticket.category == ticket.category,
        Ticket.id != ticket.id,
    ]
    earlier = or_(
        Ticket.rank < ticket.rank, and_(Ticket.rank == ticket.rank, Ticket.id < ticket.id)
    )
    before = or_(Ticket.boost > ticket.boost, and_(Ticket.boost == ticket.boost, earlier))
    if ticket.priority:
        before = and_(or_(Ticket.priority.is_(True), Ticket.boost > 0), before)
    else:
        before = or_(Ticket.priority.is_(True), Ticket.boost > 0, before)
    return int(session.scalar(select(func.count()).where(*conds, before)) or 0)


# -- at the window --------------------------------------------------------------




def call_next(
    session: Session,
    hall: Hall,
    window_no: str,
    *,
    teller_id: int | None = None,
    categories: str | None = None,
    finish_current: Current = ANY_CURRENT,
    audit_row: dict[str, Any] | None = None,
) -> Called | None:
    """Close the ticket at the window (if any) and call the next one: tickets sent
    back to this window first, then priority, then first come. None if nobody of the
    window's categories is waiting.

    A ticket being served is closed only if `finish_current` names it (its id or
    number, or ANY_CURRENT); otherwise StillServing, and nothing changes.
    `audit_row` (audit.fields): the audit row of the call, written with it.

    On PostgreSQL the same steps run server-side in one statement (queue_pg); a
    change here needs the same change there (a migration): the parity test fails
    otherwise."""
    window_no, categories = window_args(hall, window_no, categories)
    if session.get_bind().dialect.name == "postgresql":
        from counter_app.services import queue_pg

        session.flush()  # what the caller wrote goes first
        # the driver's connection of this session: the same transaction
        conn = session.connection().connection.driver_connection
        called = queue_pg.call_next(conn, hall, window_no, teller_id=teller_id,
                                    categories=categories, finish_current=finish_current,
                                    audit=audit_row)
        session.expire_all()  # rows this session holds may have changed server-side
        hall_events.mark_announced(session, hall.code)  # the function sent it
        return called
    now = hall.clock()
    win = lock_window(session, hall, window_no, categories=categories, teller_id=teller_id)
    if win.paused:
        raise QueueError("本窗口已暂停服务，请先恢复服务 (F6)")
    _refuse_elsewhere(session, hall, win, teller_id, now)
    finished = _finish_current(session, hall, win, now, finish_current)
    cats = hall.rules.window_categories(win.categories)
    ordinary = rules_mod.ordinary_turn(win.priority_run, hall.rules)
    stmt = (
        select(Ticket)
        .where(
            Ticket.hall_code == hall.code,
            Ticket.day == hall.today(now),
            Ticket.status == TicketStatus.WAITING,
            or_(
                and_(Ticket.target_window.is_(None), Ticket.category.in_(cats)),
                Ticket.target_window == window_no,
            ),
        )
        .order_by(
            Ticket.boost.desc(),
            Ticket.priority.asc() if ordinary else Ticket.priority.desc(),
            Ticket.rank,
            Ticket.id,
        )
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    # No flush first: the ticket just finished is not waiting for this window either
    # way, and the changes go out together at commit.
    with session.no_autoflush:
        ticket = session.scalar(stmt)
    if ticket is None:
        return None
    win.priority_run = win.priority_run + 1 if ticket.priority else 0
    called = _call(session, hall, win, ticket, now, finished)
    if audit_row is not None:
        session.add(AuditEntry(at=now, subject=ticket.number, **audit_row))
    return called


def window_args(hall: Hall, window_no: str, categories: str | None) -> tuple[str, str | None]:
    """The window's number and work profile as call next takes them (QueueError if
    either is wrong)."""
    window_no = str(window_no).strip()
    if not window_no:
        raise QueueError("请指定窗口号")
    if categories is not None:
        hall.rules.window_categories(categories)  # validates
        categories = categories.strip().upper()
    return window_no, categories


def call_number(
    session: Session, hall: Hall, window_no: str, number: str, *, teller_id: int | None = None,
    finish_current: Current = ANY_CURRENT,
) -> Called:
    """Call a given waiting number out of order."""
    now = hall.clock()
    win = lock_window(session, hall, window_no, teller_id=teller_id)
    if win.paused:
        raise QueueError("本窗口已暂停服务，请先恢复服务 (F6)")
    _refuse_elsewhere(session, hall, win, teller_id, now)
    ticket = _ticket_by_number(session, hall, number, lock=True)
    if ticket.status != TicketStatus.WAITING:
        label = TicketStatus(ticket.status).label
        raise QueueError(f"{ticket.number} 当前为“{label}”，不能呼叫")
    finished = _finish_current(session, hall, win, now, finish_current)
    return _call(session, hall, win, ticket, now, finished)


def recall(session: Session, hall: Hall, window_no: str) -> Called:
    now = hall.clock()
    win = lock_window(session, hall, window_no)
    ticket = _current(session, win)
    refusal = rules_mod.recall_refusal(ticket.recalls, ticket.last_called_at, now, hall.rules)
    if refusal:
        raise QueueError(refusal)
    ticket.recalls += 1
    ticket.last_called_at = now
    _event(session, hall, "recall", ticket, window_no, now, recalls=ticket.recalls)
    return Called(
        view(ticket, hall.rules), window_no, rules_mod.announcement(ticket.number, window_no)
    )


def no_show(session: Session, hall: Hall, window_no: str) -> TicketView:
    """过号: the person did not come. The ticket can be reactivated for a while."""
    now = hall.clock()
    win = lock_window(session, hall, window_no)
    ticket = _current(session, win)
    _close_transaction(session, ticket, now, TransactionOutcome.NO_SHOW)
    ticket.status = TicketStatus.NO_SHOW
    ticket.no_show_at = now
    ticket.no_shows += 1
    win.current_ticket_id = None
    win.updated_at = now
    _event(session, hall, "no_show", ticket, window_no, now)
    return view(ticket, hall.rules)


def reactivate(session: Session, hall: Hall, number: str) -> Taken:
    """Put a 过号 ticket back in the queue, behind a few people."""
    now = hall.clock()
    ticket = _ticket_by_number(session, hall, number, lock=True)
    if ticket.status != TicketStatus.NO_SHOW:
        raise QueueError(f"{ticket.number} 未过号，无需激活")
    refusal = rules_mod.reactivation_refusal(ticket.no_show_at, now, hall.rules)
    if refusal:
        raise QueueError(refusal)
    ranks = session.scalars(
        select(Ticket.rank).where(
            Ticket.hall_code == hall.code,
            Ticket.day == ticket.day,
            Ticket.status == TicketStatus.WAITING,
            Ticket.category == ticket.category,
            Ticket.priority == ticket.priority,
            Ticket.boost == 0,
            Ticket.target_window.is_(None),
        )
    ).all()
    ticket.rank = rules_mod.rejoin_rank(ranks, hall.rules.rejoin_behind, rules_mod.rank_of(now))
    ticket.status = TicketStatus.WAITING
    ticket.recalls = 0
    ticket.boost = 0
    ticket.target_window = None
    session.flush()
    ahead = waiting_ahead(session, ticket)
    _event(session, hall, "reactivate", ticket, "", now, waiting_ahead=ahead)
    return Taken(view(ticket, hall.rules), ahead)


def transfer(
    session: Session,
    hall: Hall,
    window_no: str,
    *,
    to_window: str | None = None,
    to_category: str | None = None,
    back: bool = True,
    place: str = "first",
) -> TicketView:
    """转移 the ticket at the window to another window and/or category. With `back`
    the person returns to this window afterwards, ahead of everyone waiting."""
    if not to_window and not to_category:
        raise QueueError("请指定转移到的窗口或业务类别")
    if to_window and to_window == window_no:
        raise QueueError("不能转移到本窗口")
    if to_category:
        to_category = hall.rules.category(to_category).prefix
    now = hall.clock()
    win = lock_window(session, hall, window_no)
    ticket = _current(session, win)
    _close_transaction(session, ticket, now, TransactionOutcome.TRANSFER)
    if back and ticket.return_window is None:
        ticket.return_window = window_no
        ticket.return_category = ticket.category
    ticket.category = to_category or ticket.category
    ticket.target_window = to_window or None
    head = session.scalar(
        select(func.min(Ticket.rank)).where(
            Ticket.hall_code == hall.code,
            Ticket.day == ticket.day,
            Ticket.status == TicketStatus.WAITING,
            Ticket.category == ticket.category,
        )
    )
    ticket.rank = rules_mod.transfer_rank(
        place, rules_mod.rank_of(ticket.taken_at), rules_mod.rank_of(now), head
    )
    ticket.boost = 0
    ticket.recalls = 0
    ticket.status = TicketStatus.WAITING
    win.current_ticket_id = None
    win.updated_at = now
    _event(
        session, hall, "transfer", ticket, window_no, now,
        to_window=to_window, to_category=ticket.category, back=back,
    )
    return view(ticket, hall.rules)


def park(session: Session, hall: Hall, window_no: str) -> TicketView:
    """挂起: set the visit aside (the person fetches a document); the window is free."""
    now = hall.clock()
    win = lock_window(session, hall, window_no)
    ticket = _current(session, win)
    _close_transaction(session, ticket, now, TransactionOutcome.PARK)
    ticket.status = TicketStatus.PARKED
    win.current_ticket_id = None
    win.updated_at = now
    _event(session, hall, "park", ticket, window_no, now)
    return view(ticket, hall.rules)


def unpark(
    session: Session, hall: Hall, window_no: str, number: str, *, teller_id: int | None = None
) -> Called:
    """Take a parked visit back at the window, without a new ticket."""
    now = hall.clock()
    win = lock_window(session, hall, window_no, teller_id=teller_id)
    ticket = _ticket_by_number(session, hall, number, lock=True)
    if ticket.status != TicketStatus.PARKED:
        raise QueueError(f"{ticket.number} 未挂起")
    _refuse_elsewhere(session, hall, win, teller_id, now)
    current = _current_or_none(session, win)
    if current is not None:
        raise QueueError(f"请先办结当前号 {current.number}")
    return _call(session, hall, win, ticket, now, None, kind="unpark")


def done(
    session: Session, hall: Hall, window_no: str, note: str = "",
    outcome_code: OutcomeCode | None = None, *, ticket_id: int | None = None,
) -> TicketView:
    """办结 the ticket at the window, with what came of it (outcome code and note). A
    transferred ticket with a return goes back to its first window, ahead of everyone
    waiting there. `ticket_id`: the ticket the teller meant (a stale dialog for
    another ticket is refused)."""
    refusal = rules_mod.outcome_refusal(outcome_code, note)
    if refusal:
        raise QueueError(refusal)
    now = hall.clock()
    win = lock_window(session, hall, window_no)
    ticket = _current(session, win)
    if ticket_id is not None and ticket.id != ticket_id:
        raise QueueError(f"{window_no}号窗口当前在办的是 {ticket.number}，请重新按 F7")
    _complete(session, hall, win, ticket, now, note, outcome_code)
    return view(ticket, hall.rules)


def walk_in(
    session: Session,
    hall: Hall,
    window_no: str,
    *,
    category: str | None = None,
    teller_id: int | None = None,
    finish_current: Current = None,
) -> Called:
    """无号现场办理: a person served with no ticket still makes a visit — a ticket of
    the walk-in category (the setting, else the window's first), taken and called
    here at once. The ticket at the window is closed only if `finish_current` names it."""
    now = hall.clock()
    win = lock_window(session, hall, window_no, teller_id=teller_id)
    if win.paused:
        raise QueueError("本窗口已暂停服务，请先恢复服务 (F6)")
    _refuse_elsewhere(session, hall, win, teller_id, now)
    prefix = (category or hall.rules.walk_in_category
              or hall.rules.window_categories(win.categories)[0])
    finished = _finish_current(session, hall, win, now, finish_current)
    taken = take(session, hall, prefix, channel="walk_in")
    ticket = session.get(Ticket, taken.ticket.id)
    assert ticket is not None
    return _call(session, hall, win, ticket, now, finished, kind="walk_in")


def arrive(session: Session, hall: Hall, window_no: str) -> TicketView:
    """到达确认: the person called has come to the window (the first confirmation
    counts; a second one changes nothing)."""
    now = hall.clock()
    win = lock_window(session, hall, window_no)
    ticket = _current(session, win)
    if ticket.arrived_at is None:
        ticket.arrived_at = now
        _event(session, hall, "arrive", ticket, window_no, now)
    return view(ticket, hall.rules)


def serving_elsewhere(
    session: Session, hall: Hall, teller_id: int, window_no: str, day: str | None = None
) -> Ticket | None:
    """A ticket this teller is serving today at another window than `window_no`."""
    return session.scalar(
        select(Ticket)
        .where(
            Ticket.hall_code == hall.code,
            Ticket.day == (day or hall.today()),
            Ticket.status == TicketStatus.SERVING,
            Ticket.teller_id == teller_id,
            Ticket.window_no != window_no,
        )
        .order_by(Ticket.id)
        .limit(1)
    )


def pause(session: Session, hall: Hall, window_no: str, reason: str = "") -> None:
    now = hall.clock()
    win = lock_window(session, hall, window_no)
    win.paused, win.pause_reason, win.paused_at, win.updated_at = True, reason[:64], now, now
    _event(session, hall, "pause", None, window_no, now, reason=reason)


def resume(session: Session, hall: Hall, window_no: str) -> None:
    now = hall.clock()
    win = lock_window(session, hall, window_no)
    paused_for = rules_mod.seconds_between(win.paused_at, now)
    win.paused, win.pause_reason, win.paused_at, win.updated_at = False, "", None, now
    _event(session, hall, "resume", None, window_no, now, paused_seconds=paused_for)


def ticket_cases(session: Session, ticket_id: int) -> list[str]:
    return list(
        session.scalars(select(Case.case_no).where(Case.ticket_id == ticket_id).order_by(Case.id))
    )


# -- helpers ----------------------------------------------------------------------


def lock_window(
    session: Session,
    hall: Hall,
    window_no: str,
    *,
    categories: str | None = None,
    teller_id: int | None = None,
) -> QueueWindow:
    """The window's row, created on first use and locked for this transaction."""
    window_no = str(window_no).strip()
    if not window_no:
        raise QueueError("请指定窗口号")
    stmt = (
        select(QueueWindow)
        .where(QueueWindow.hall_code == hall.code, QueueWindow.window_no == window_no)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    win = session.scalar(stmt)
    if win is None:
        _create_window(session, hall, window_no, categories)
        win = session.scalar(stmt)
    assert win is not None
    if categories is not None:
        hall.rules.window_categories(categories)  # validates
        win.categories = categories.strip().upper()
    if teller_id is not None:
        win.teller_id = teller_id
    return win


def _create_window(session: Session, hall: Hall, window_no: str, categories: str | None) -> None:
    """Insert the window's row unless another process just did."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(QueueWindow)
        .values(
            hall_code=hall.code,
            window_no=window_no,
            categories=(categories or "").strip().upper(),
            paused=False,
            pause_reason="",
            priority_run=0,
            updated_at=hall.clock(),
        )
        .on_conflict_do_nothing(index_elements=[QueueWindow.hall_code, QueueWindow.window_no])
    )


def _ticket_by_number(session: Session, hall: Hall, number: str, *, lock: bool) -> Ticket:
    stmt = select(Ticket).where(
        Ticket.hall_code == hall.code,
        Ticket.day == hall.today(),
        Ticket.number == number.strip().upper(),
    )
    if lock:
        stmt = stmt.with_for_update()
    ticket = session.scalar(stmt)
    if ticket is None:
        raise QueueError(f"今天没有号码 {number.strip().upper()}")
    return ticket


def _current_or_none(session: Session, win: QueueWindow) -> Ticket | None:
    if win.current_ticket_id is None:
        return None
    # The window's row lock covers the ticket at it: only this window changes it.
    ticket = session.get(Ticket, win.current_ticket_id)
    if ticket is None or ticket.status != TicketStatus.SERVING:
        win.current_ticket_id = None
        return None
    return ticket


def _current(session: Session, win: QueueWindow) -> Ticket:
    ticket = _current_or_none(session, win)
    if ticket is None:
        raise QueueError(f"{win.window_no}号窗口当前没有在办的号")
    return ticket


def _call(
    session: Session,
    hall: Hall,
    win: QueueWindow,
    ticket: Ticket,
    now: datetime,
    finished: TicketView | None,
    kind: str = "call",
) -> Called:
    ticket.status = TicketStatus.SERVING
    ticket.window_no = win.window_no
    ticket.teller_id = win.teller_id
    # A no-show called again: the last call is the one that counts (queue.md).
    missed = ticket.no_show_at is not None and ticket.no_show_at >= (
        ticket.last_called_at or ticket.no_show_at
    )
    if ticket.wait_seconds is None or missed:
        ticket.wait_seconds = rules_mod.seconds_between(ticket.taken_at, now)
    ticket.first_called_at = ticket.first_called_at or now
    ticket.last_called_at = now
    ticket.recalls = 0
    ticket.boost = 0
    ticket.target_window = None
    session.add(
        TicketTransaction(
            ticket_id=ticket.id,
            window_no=win.window_no,
            teller_id=win.teller_id,
            category=ticket.category,
            started_at=now,
            outcome=TransactionOutcome.OPEN,
            note="",
        )
    )
    win.current_ticket_id = ticket.id
    win.updated_at = now
    _event(session, hall, kind, ticket, win.window_no, now)
    return Called(
        view(ticket, hall.rules),
        win.window_no,
        rules_mod.announcement(ticket.number, win.window_no),
        finished,
    )


def _refuse_elsewhere(
    session: Session, hall: Hall, win: QueueWindow, teller_id: int | None, now: datetime
) -> None:
    """One teller, one window: no call here while they serve someone elsewhere."""
    if teller_id is None:
        return
    held = serving_elsewhere(session, hall, teller_id, win.window_no, hall.today(now))
    if held is not None:
        raise ServingElsewhere(held.number, held.window_no or "?")


def _names(ticket: Ticket, token: Current) -> bool:
    if token == ANY_CURRENT:
        return True
    if isinstance(token, int) and not isinstance(token, bool):
        return token == ticket.id
    if isinstance(token, str):
        return token.strip().upper() == ticket.number
    return False


def _finish_current(
    session: Session, hall: Hall, win: QueueWindow, now: datetime,
    finish_current: Current = ANY_CURRENT,
) -> TicketView | None:
    ticket = _current_or_none(session, win)
    if ticket is None:
        return None
    if not _names(ticket, finish_current):
        raise StillServing(ticket.number, ticket.id, win.window_no)
    _complete(session, hall, win, ticket, now, "")
    return view(ticket, hall.rules)


def _complete(
    session: Session, hall: Hall, win: QueueWindow, ticket: Ticket, now: datetime, note: str,
    outcome_code: OutcomeCode | None = None,
) -> None:
    _close_transaction(session, ticket, now, TransactionOutcome.DONE, note, outcome_code)
    win.current_ticket_id = None
    win.updated_at = now
    if ticket.return_window and ticket.return_window != win.window_no:
        ticket.status = TicketStatus.WAITING
        ticket.target_window = ticket.return_window
        ticket.category = ticket.return_category or ticket.category
        ticket.return_window = ticket.return_category = None
        ticket.boost = 1
        ticket.rank = rules_mod.rank_of(now)
        _event(session, hall, "return", ticket, win.window_no, now, to_window=ticket.target_window)
        return
    ticket.status = TicketStatus.DONE
    ticket.return_window = ticket.return_category = None
    ticket.done_at = now
    _event(session, hall, "done", ticket, win.window_no, now)


def _close_transaction(
    session: Session, ticket: Ticket, now: datetime, outcome: TransactionOutcome, note: str = "",
    outcome_code: OutcomeCode | None = None,
) -> None:
    tx = session.scalar(
        select(TicketTransaction)
        .where(TicketTransaction.ticket_id == ticket.id, TicketTransaction.ended_at.is_(None))
        .order_by(TicketTransaction.id.desc())
        .limit(1)
    )
    if tx is None:
        return
    tx.ended_at = now
    tx.outcome = outcome
    tx.note = note.strip()[:255]
    tx.outcome_code = outcome_code
    if outcome is not TransactionOutcome.NO_SHOW:
        ticket.service_seconds += rules_mod.seconds_between(tx.started_at, now) or 0


def _event(
    session: Session,
    hall: Hall,
    kind: str,
    ticket: Ticket | None,
    window_no: str,
    now: datetime,
    **detail: Any,
) -> None:
    session.add(
        QueueEvent(
            hall_code=hall.code,
            at=now,
            kind=kind,
            ticket_id=ticket.id if ticket else None,
            number=ticket.number if ticket else "",
            category=ticket.category if ticket else "",
            window_no=window_no or "",
            detail={k: v for k, v in detail.items() if v is not None},
        )
    )
    # The wake-up for the displays goes out at commit and needs none of this
    # transaction's rows written first: no flush for it (the rows go out once, at
    # commit). Once per transaction and hall (hall_events).
    with session.no_autoflush:
        hall_events.announce(session, hall.code)


