"""A year (or a month) of a busy hall, written straight into the database: tickets,
cases with their sub-items, materials and history, rating sessions and their
results, the outbox, bad-rating follow-ups with their steps, the audit trail.

Used by the benchmarks (a 30-window hall, ~2,000 tickets a working day: 10 / 50 /
100 % of a year) and by the test that recounts the reports from the raw rows (a
month at a small hall). Rows go in by COPY (PostgreSQL) or executemany (SQLite),
not through the services: a year is 7 M rows.

Shapes: tickets over the day with a morning and an afternoon peak; waits
exponential, service lognormal; 6 % no-shows; ~0.96 cases per served ticket,
bundles 15 %; 一次性告知 3 %, 不予受理 0.5 %; 即办 items finished within 30 minutes
mostly, 承诺 items within their working days mostly, some late, some returned, a
few left open for good (the backlog a hall really has); two thirds of the visits
asked for a rating, 88 % of those rated, ~1.2 % of the ratings bad, each with a
follow-up whose steps advance over the following working days. Every day has its
own seeded random stream, so a database built to 10 % of the year holds the same
first days as one built to 100 %; anything planned after `now` (the end of the
last day) has not happened yet (a sub-item still pending, a step not taken).
"""

from __future__ import annotations

import bisect
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, text

from counter_app.domain.caseno import format_case_no
from counter_app.domain.catalogue import CaseKind, Catalogue
from counter_app.domain.clock import CHINA
from counter_app.domain.queue import format_number, rank_of
from counter_app.domain.workcal import WorkCalendar
from counter_app.store.models import Base

HALL = "37010201"
CATEGORIES = (("A", 25), ("B", 35), ("C", 10), ("D", 10), ("E", 20))
HOURS = ((8, 0.5), (9, 1.4), (10, 1.5), (11, 1.2), (12, 0.5), (13, 0.8), (14, 1.3),
         (15, 1.3), (16, 1.0))  # local hour → relative arrivals (08:30 to 17:00)
LEVELS = (("very_satisfied", 80.0), ("satisfied", 14.0), ("basically_satisfied", 4.5),
          ("dissatisfied", 1.1), ("very_dissatisfied", 0.4))
BAD = {"dissatisfied", "very_dissatisfied"}
CAUSES = (("timeout", 6), ("cancelled", 2), ("pad_offline", 1))
REASONS = ("attitude", "slow", "not_told_at_once", "too_many_materials", "many_trips")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏飞斌宇浩凯俊"


@dataclass(frozen=True)
class Shape:
    """How big the hall is."""

    windows: int = 30
    tickets_per_day: int = 2000
    tellers: int = 36
    backoffice: int = 8
    supervisors: int = 3


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def working_days(calendar: WorkCalendar, start: date, end: date) -> list[date]:
    out, d = [], start
    while d <= end:
        if calendar.is_workday(d):
            out.append(d)
        d += timedelta(days=1)
    return out


def year_days(calendar: WorkCalendar, year: int = 2026) -> list[date]:
    return working_days(calendar, date(year, 1, 1), date(year, 12, 31))


def closing_time(day: date) -> datetime:
    """`now` of a generated hall: 17:30 on its last day (every visit over)."""
    return datetime(day.year, day.month, day.day, 17, 30, tzinfo=CHINA).astimezone(UTC)


def _pick(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    total = sum(w for _, w in table)
    x = rng.uniform(0, total)
    for value, w in table:
        x -= w
        if x <= 0:
            return value
    return table[-1][0]


def _local(day: date, minutes: float) -> datetime:
    """UTC of `minutes` after local midnight of `day`."""
    base = datetime(day.year, day.month, day.day, tzinfo=CHINA)
    return (base + timedelta(minutes=minutes)).astimezone(UTC)


class _Workdays:
    """Working-day arithmetic on a sorted list (fast: the generator does a lot)."""

    def __init__(self, calendar: WorkCalendar, start: date, end: date) -> None:
        self.days = working_days(calendar, start, end)

    def add(self, day: date, n: float) -> date:
        i = bisect.bisect_right(self.days, day)
        j = min(len(self.days) - 1, i + max(0, math.ceil(n)) - 1)
        return self.days[j] if n > 0 else day


class Writer:
    """Rows by table, flushed in batches: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"
        self.buffers: dict[str, list[tuple[Any, ...]]] = {}
        self.columns: dict[str, list[str]] = {}
        self.defaults: dict[str, dict[str, Any]] = {}
        self.json_cols: dict[str, set[int]] = {}
        self.time_cols: dict[str, set[int]] = {}
        self.counts = Counts()
        for table in Base.metadata.sorted_tables:
            self._register(table)

    def _register(self, table: Table) -> None:
        from sqlalchemy import JSON, Date

        from counter_app.store.types import UtcDateTime

        cols = [c.name for c in table.columns]
        self.columns[table.name] = cols
        # a column the generator does not name gets the model's scalar default
        self.defaults[table.name] = {
            c.name: c.default.arg if c.default.is_scalar else c.default.arg(None)
            for c in table.columns
            if c.default is not None and (c.default.is_scalar or c.default.is_callable)
        }
        self.json_cols[table.name] = {i for i, c in enumerate(table.columns)
                                      if isinstance(c.type, JSON)}
        self.time_cols[table.name] = {i for i, c in enumerate(table.columns)
                                      if isinstance(c.type, UtcDateTime | Date)}
        self.buffers[table.name] = []

    def add(self, table: str, **values: Any) -> None:
        row = {**self.defaults[table], **values}
        self.buffers[table].append(tuple([row.get(c) for c in self.columns[table]]))

    def flush(self) -> None:
        with self.engine.begin() as conn:
            raw = conn.connection.driver_connection
            for table in Base.metadata.sorted_tables:  # parents first
                rows = self.buffers[table.name]
                if not rows:
                    continue
                self._write(raw, table.name, rows)
                self.counts.add(table.name, len(rows))
                self.buffers[table.name] = []

    def _write(self, raw: Any, table: str, rows: list[tuple[Any, ...]]) -> None:
        cols = self.columns[table]
        js = self.json_cols[table]
        if self.pg:
            with raw.cursor() as cur, cur.copy(
                f'COPY {table} ({", ".join(cols)}) FROM STDIN'
            ) as copy:
                for row in rows:
                    copy.write_row([json.dumps(v) if i in js and v is not None else v
                                    for i, v in enumerate(row)])
            return
        times = self.time_cols[table]

        def when(v: Any) -> Any:
            if isinstance(v, datetime):
                return v.astimezone(UTC).replace(tzinfo=None).isoformat(
                    sep=" ", timespec="microseconds")
            return v.isoformat()

        conv = [json.dumps if i in js else when if i in times else None
                for i in range(len(cols))]
        todo = [(i, f) for i, f in enumerate(conv) if f is not None]
        out = []
        for row in rows:
            values = list(row)
            for i, f in todo:
                if values[i] is not None:
                    values[i] = f(values[i])
            out.append(values)
        placeholders = ", ".join("?" for _ in cols)
        raw.executemany(f'INSERT INTO {table} ({", ".join(cols)}) VALUES ({placeholders})', out)


@dataclass
class _Ids:
    """Next id per table (explicit ids keep the foreign keys simple)."""

    next: dict[str, int] = field(default_factory=dict)

    def __call__(self, table: str) -> int:
        n = self.next.get(table, 1)
        self.next[table] = n + 1
        return n


class HallYear:
    """Writes the hall's days into an empty, migrated database."""

    def __init__(self, engine: Engine, catalogue: Catalogue, calendar: WorkCalendar,
                 shape: Shape = Shape(), seed: int = 2026, hall: str = HALL,
                 staff_prefix: str = "") -> None:
        """`staff_prefix` keeps staff numbers apart when several halls share a database
        (with `ids` and `applicants` carried from one hall's generator to the next)."""
        self.engine, self.catalogue, self.calendar = engine, catalogue, calendar
        self.shape, self.seed, self.hall = shape, seed, hall
        self.staff_prefix = staff_prefix
        self.w = Writer(engine)
        self.ids = _Ids()
        self.applicants = 0
        items = list(catalogue.items.values())
        self.item_table = tuple((i, 3.0 if i.case_kind is CaseKind.INSTANT else 1.0)
                                for i in items)
        self.bundles = list(catalogue.bundles.values())
        self.tellers: list[int] = []  # user ids, made by _staff
        self.backoffice: list[int] = []
        self.supervisors: list[int] = []

    # -- the whole run ------------------------------------------------------------------

    def build(self, days: list[date], now: datetime) -> Counts:
        self.workdays = _Workdays(self.calendar, days[0], days[-1] + timedelta(days=400))
        self.now = now
        self._staff(days[0])
        for w in range(1, self.shape.windows + 1):
            self.w.add("queue_windows", hall_code=self.hall, window_no=str(w), categories="",
                       paused=False, pause_reason="", priority_run=0,
                       updated_at=_local(days[0], 8 * 60))
        for i, day in enumerate(days):
            self._day(day, i)
            if i % 5 == 4:
                self.w.flush()
        self.w.flush()
        self._finish()
        return self.w.counts

    def _finish(self) -> None:
        if not self.w.pg:
            return
        with self.engine.begin() as conn:
            for table, n in self.ids.next.items():
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"{max(1, n - 1)})"))
        # what autovacuum does to a live database: statistics and the visibility map
        # (without the latter an index-only scan still visits the table)
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))

    def _staff(self, day: date) -> None:
        from counter_app.services.users import hash_password

        at = _local(day, 7 * 60)
        rng = random.Random(self.seed)
        password = hash_password("secret1")  # every generated staff member
        self.tellers, self.backoffice, self.supervisors = [], [], []
        for role, count, base, ids in (
            ("teller", self.shape.tellers, 1000, self.tellers),
            ("backoffice", self.shape.backoffice, 2000, self.backoffice),
            ("supervisor", self.shape.supervisors, 9000, self.supervisors),
        ):
            for _ in range(count):
                uid = self.ids("users")
                ids.append(uid)
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                self.w.add("users", id=uid, staff_no=f"{self.staff_prefix}{base + uid}",
                           name=name, role=role, unit_code=None, password_hash=password,
                           active=True, created_at=at)

    # -- one working day ----------------------------------------------------------------

    def _day(self, day: date, index: int) -> None:
        rng = random.Random(self.seed * 1_000_003 + day.toordinal())
        key = f"{day:%Y%m%d}"
        shape = self.shape
        roster = rng.sample(self.tellers, shape.windows) if len(self.tellers) >= shape.windows \
            else [self.tellers[i % len(self.tellers)] for i in range(shape.windows)]
        n = int(shape.tickets_per_day * rng.uniform(0.85, 1.15))
        weights = [w for _, w in HOURS]
        hours = rng.choices([h for h, _ in HOURS], weights, k=n)
        arrivals = sorted(h * 60 + (30 + rng.uniform(0, 30) if h == 8 else rng.uniform(0, 60))
                          for h in hours)
        seqs: dict[str, int] = {}
        case_seq = 0
        for minute in arrivals:
            prefix = _pick(rng, CATEGORIES)
            seqs[prefix] = seqs.get(prefix, 0) + 1
            case_seq = self._ticket(rng, day, key, minute, prefix, seqs[prefix], roster,
                                    case_seq)
        # walk-ins without a ticket and online applications
        for _ in range(max(1, n // 100)):
            w = rng.randrange(shape.windows)
            at = _local(day, rng.uniform(9 * 60, 16.5 * 60))
            case_seq += 1
            cid = self._case(rng, day, at, case_seq, str(w + 1), roster[w], None)
            if cid is not None and rng.random() < 0.7:
                self._rating(rng, day, key, f"C{cid}", at + timedelta(minutes=1), str(w + 1),
                             roster[w], None, cid)
        for _ in range(max(1, n // 100)):
            case_seq += 1
            self._case(rng, day, _local(day, rng.uniform(0, 24 * 60)), case_seq, "", None,
                       None, channel="online")
        for prefix, last in seqs.items():
            self.w.add("ticket_counters", hall_code=self.hall, day=key, prefix=prefix,
                       last_seq=last)
        self.w.add("case_counters", hall_code=self.hall, day=key, last_seq=case_seq)

    def _ticket(self, rng: random.Random, day: date, key: str, minute: float, prefix: str,
                seq: int, roster: list[int], case_seq: int) -> int:
        tid = self.ids("tickets")
        taken = _local(day, minute)
        wait = min(90 * 60, int(rng.expovariate(1 / (11 * 60))))
        called = taken + timedelta(seconds=wait)
        w = rng.randrange(self.shape.windows)
        window, teller = str(w + 1), roster[w]
        no_show = rng.random() < 0.06
        service = 0 if no_show else int(min(60 * 60, rng.lognormvariate(math.log(6 * 60), 0.5)))
        done_at = called + timedelta(seconds=service)
        number = format_number(prefix, seq)
        self.w.add(
            "tickets", id=tid, hall_code=self.hall, day=key, number=number, seq=seq,
            category=prefix, origin_category=prefix, priority=rng.random() < 0.04,
            priority_reason="", boost=0, rank=rank_of(taken),
            status="no_show" if no_show else "done", applicant_id=None, channel="kiosk",
            target_window=None, return_window=None, return_category=None, window_no=window,
            teller_id=teller, taken_at=taken, first_called_at=called, last_called_at=called,
            recalls=0, no_show_at=called + timedelta(minutes=2) if no_show else None,
            no_shows=1 if no_show else 0, done_at=None if no_show else done_at,
            wait_seconds=wait, service_seconds=service,
        )
        self.w.add("ticket_transactions", id=self.ids("ticket_transactions"), ticket_id=tid,
                   window_no=window, teller_id=teller, category=prefix, started_at=called,
                   ended_at=called + timedelta(minutes=2) if no_show else done_at,
                   outcome="no_show" if no_show else "done", note="")
        for kind, at in (("take", taken), ("call", called),
                         ("no_show" if no_show else "done",
                          called + timedelta(minutes=2) if no_show else done_at)):
            self.w.add("queue_events", id=self.ids("queue_events"), hall_code=self.hall, at=at,
                       kind=kind, ticket_id=tid, number=number, category=prefix,
                       window_no="" if kind == "take" else window, detail={})
        if no_show:
            return case_seq
        r = rng.random()
        cases = 0 if r < 0.10 else (1 if r < 0.94 else 2)
        last_case = None
        for k in range(cases):
            case_seq += 1
            at = called + timedelta(seconds=service * 0.7 + 60 * k)
            last_case = self._case(rng, day, at, case_seq, window, teller, tid) or last_case
        if rng.random() < 0.66:
            self._rating(rng, day, key, f"T{tid}", done_at - timedelta(seconds=20), window,
                         teller, tid, last_case)
        return case_seq

    def _applicant(self, rng: random.Random, at: datetime) -> int:
        if self.applicants and rng.random() < 0.4:
            return rng.randint(1, self.applicants)
        self.applicants += 1
        aid = self.applicants
        self.w.add("applicants", id=aid, kind="person", id_number=f"3701021{aid:010d}X",
                   id_type="resident",
                   name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                   phone=f"138{aid:08d}", sex=rng.choice("男女"), birth_date=None, address="",
                   legal_rep="", created_at=at, updated_at=at)
        return aid

    def _case(self, rng: random.Random, day: date, at: datetime, seq: int, window: str,
              teller: int | None, ticket_id: int | None, channel: str = "window") -> int | None:
        cid = self.ids("cases")
        applicant = self._applicant(rng, at)
        if rng.random() < 0.15:
            bundle = rng.choice(self.bundles)
            items = [self.catalogue.items[c] for c in bundle.mandatory]
            title, bundle_code = bundle.name, bundle.code
        else:
            item = _pick(rng, self.item_table)
            items, title, bundle_code = [item], item.name, None
        r = rng.random()
        status = "supplement" if r < 0.03 else ("rejected" if r < 0.035 else "accepted")
        row: dict[str, Any] = dict(
            id=cid, case_no=format_case_no(self.hall, day, seq), hall_code=self.hall,
            window_no=window, teller_id=teller, applicant_id=applicant, bundle_code=bundle_code,
            title=title[:128], channel=channel, status=status, accepted_at=at, due_date=None,
            instant_due_at=None, supplement_deadline=None, situations={}, form_values={},
            credit_promise=True, tolerance_promise=False, reason="", warnings=[],
            completed_at=None, ticket_id=ticket_id,
            materials_complete_at=None if status == "supplement" else at, application_id=None,
            applicant_kind="person", applicant_name="", applicant_phone="",
            applicant_address="", applicant_legal_rep="", agent_name="", agent_id_type="",
            agent_id_number="", agent_phone="", agent_relation="",
        )
        self.w.add("case_events", id=self.ids("case_events"), case_id=cid, at=at,
                   actor_id=teller, kind=status, detail={})
        self.w.add("audit_entries", id=self.ids("audit_entries"), at=at, actor_id=teller,
                   staff_no="", actor_name="", actor_role="teller", workstation="",
                   window_no=window, action="case_" + status if status != "supplement"
                   else "case_supplement", subject_kind="case", subject=row["case_no"],
                   detail={})
        for seq_m, code in enumerate(("id_card", "application_form", "photo"), start=1):
            self.w.add("case_materials", id=self.ids("case_materials"), case_id=cid,
                       seq=seq_m, material_code=code, name=code, form="original", count=1,
                       standard="", status="received", promised_date=None, supplied_at=None)
        if status == "supplement":
            row["supplement_deadline"] = self.workdays.add(day, 5)
        if status != "accepted":
            self.w.add("cases", **row)
            return None
        finished: list[datetime | None] = []
        returned = False
        dues: list[date] = []
        instants: list[datetime] = []
        for k, item in enumerate(items, start=1):
            iid = self.ids("case_items")
            instant = item.case_kind is CaseKind.INSTANT
            days = item.committed.days
            due = day if instant else self.calendar.add(day, days, item.committed.unit).due
            dues.append(due)
            r = rng.random()
            if instant:
                instants.append(at + timedelta(minutes=30))
                done: datetime | None = (
                    at + timedelta(minutes=rng.uniform(2, 25)) if r < 0.93 else
                    at + timedelta(minutes=rng.uniform(30, 150)) if r < 0.985 else
                    at + timedelta(days=rng.uniform(1, 4)) if r < 0.998 else None
                )
            else:
                span = max(1, days)
                when = (self.workdays.add(day, span * rng.uniform(0.2, 1.0)) if r < 0.95 else
                        self.workdays.add(day, span * rng.uniform(1.0, 1.6)) if r < 0.995
                        else None)
                done = _local(when, rng.uniform(9 * 60, 17 * 60)) if when else None
            state = "pending"
            if done is not None and done <= self.now:
                state = "done"
            elif done is not None and rng.random() < 0.01 and at + timedelta(days=1) <= self.now:
                state, returned = "returned", True
                done = at + timedelta(days=1)
            finished.append(done if state == "done" else None)
            self.w.add(
                "case_items", id=iid, case_id=cid, seq=k, item_code=item.code,
                item_name=item.name, unit_code=item.unit.code, unit_name=item.unit.name,
                case_kind=item.case_kind.value, statutory_days=item.statutory.days,
                statutory_unit=item.statutory.unit.value, committed_days=days,
                committed_unit=item.committed.unit.value, speedup=False,
                pays_money=item.pays_money, due_date=due, due_estimated=False,
                instant_due_at=at + timedelta(minutes=30) if instant else None,
                status=state, handled_by=rng.choice(self.backoffice) if state != "pending"
                else None, handled_at=done if state != "pending" else None, note="",
            )
            if state == "done":
                self.w.add("case_events", id=self.ids("case_events"), case_id=cid, at=done,
                           actor_id=None, kind="item_done", detail={"item": item.code})
        row["due_date"] = max(dues)
        row["instant_due_at"] = min(instants) if instants else None
        if returned:
            row["status"] = "returned"
        elif all(f is not None for f in finished):
            row["status"] = "complete"
            row["completed_at"] = max(f for f in finished if f is not None)
        self.w.add("cases", **row)
        return cid

    def _rating(self, rng: random.Random, day: date, key: str, visit: str, at: datetime,
                window: str, teller: int | None, ticket_id: int | None,
                case_id: int | None) -> None:
        sid = self.ids("rating_sessions")
        rid = self.ids("ratings")
        rated = rng.random() < 0.88
        level = _pick(rng, LEVELS) if rated else None
        closed = at + timedelta(seconds=rng.uniform(3, 25))
        self.w.add(
            "rating_sessions", id=sid, visit_key=visit, hall_code=self.hall, day=key,
            window_no=window, teller_id=teller, ticket_id=ticket_id, case_id=case_id,
            business="业务办理", items=[], channel="window_pad", trigger="key",
            assess_number=1, pad_session_id=sid, reasked=False,
            state="rated" if rated else "not_rated", opened_at=at, closed_at=closed,
        )
        bad = level in BAD
        self.w.add(
            "ratings", id=rid, session_id=sid, outcome="rated" if rated else "not_rated",
            satisfaction=level, bad=bad, reasons=[rng.choice(REASONS)] if bad else [],
            reasons_mask=0, comment="", cause=None if rated else _pick(rng, CAUSES),
            cause_detail="", rated_key=f"{visit}#1" if rated else None, hall_code=self.hall,
            day=key, window_no=window, teller_id=teller, recorded_at=closed,
        )
        if not rated:
            return
        delivered = closed + timedelta(seconds=rng.uniform(1, 90))
        sent = delivered <= self.now
        self.w.add(
            "outbox", id=self.ids("outbox"), key=f"{self.hall}-{key}-{visit}-{rid}",
            target="hcp", kind="rating", rating_id=rid,
            payload={"satisfaction": level, "rating_no": rid},
            status="delivered" if sent else "pending", attempts=1 if sent else 0,
            next_attempt_at=closed, lease_owner=None, lease_until=None,
            last_status=200 if sent else None, last_error="", created_at=closed,
            delivered_at=delivered if sent else None,
        )
        if bad:
            self._followup(rng, day, rid, closed, window, teller, case_id)

    def _followup(self, rng: random.Random, day: date, rating_id: int, at: datetime,
                  window: str, teller: int | None, case_id: int | None) -> None:
        fid = self.ids("followups")
        sup = rng.choice(self.supervisors)
        status = "open"
        row: dict[str, Any] = dict(
            id=fid, rating_id=rating_id, hall_code=self.hall, window_no=window,
            teller_id=teller, case_id=case_id, applicant_id=None, real_name=case_id is not None,
            status=status, finding="", opened_at=at, callback_at=None,
            rectify_due=self.workdays.add(day, 5), rectify_mode="", rectified_at=None,
            report_due=None, reported_at=None, closed_at=None,
        )
        steps: list[tuple[str, datetime, dict[str, Any]]] = [("opened", at, {})]

        def when(days: float) -> datetime:
            d = self.workdays.add(day, days) if days >= 1 else day
            base = _local(d, rng.uniform(9 * 60, 17 * 60))
            return max(base, at + timedelta(minutes=10))

        plan: list[tuple[str, datetime, dict[str, Any]]] = []
        stall = rng.random() < 0.03
        t_cb = when(rng.uniform(0, 1.5))
        plan.append(("callback", t_cb, {"reached": True}))
        if not stall:
            t_v = t_cb + timedelta(hours=rng.uniform(1, 30))
            appeal = rng.random() < 0.1
            finding = rng.choice(("wrong", "malicious")) if appeal else "valid"
            plan.append(("verify", t_v, {"finding": finding}))
            if appeal:
                t_a = t_v + timedelta(hours=2)
                plan += [("appeal", t_a, {}), ("review", when(rng.uniform(2, 4)),
                                                {"upheld": True})]
            else:
                mode = _pick(rng, (("now", 60), ("ledger", 20), ("explain", 20)))
                t_r = t_v + timedelta(hours=rng.uniform(1, 24))
                plan.append(("rectify", t_r, {"mode": mode}))
                if mode == "ledger":
                    plan.append(("rectify_done", when(rng.uniform(3, 9)), {}))
            t_last = max(t for _, t, _ in plan)
            plan.append(("feedback", t_last + timedelta(hours=rng.uniform(1, 20)), {}))
            plan.append(("report", plan[-1][1] + timedelta(days=rng.uniform(1, 4)), {}))
        for kind, t, detail in plan:
            if t > self.now:
                break
            steps.append((kind, t, detail))
            if kind == "callback":
                row["status"], row["callback_at"] = "called_back", t
            elif kind == "verify":
                row["status"], row["finding"] = "verified", detail["finding"]
            elif kind == "appeal":
                row["status"] = "appealing"
            elif kind == "review":
                row["status"] = "not_adopted"
                row["report_due"] = self.workdays.add(t.astimezone(CHINA).date(), 5)
            elif kind == "rectify":
                row["rectify_mode"] = detail["mode"]
                if detail["mode"] == "ledger":
                    row["status"] = "rectifying"
                else:
                    row["status"], row["rectified_at"] = "rectified", t
                    row["report_due"] = self.workdays.add(t.astimezone(CHINA).date(), 5)
            elif kind == "rectify_done":
                row["status"], row["rectified_at"] = "rectified", t
                row["report_due"] = self.workdays.add(t.astimezone(CHINA).date(), 5)
            elif kind == "feedback":
                row["status"], row["closed_at"] = "closed", t
            elif kind == "report":
                row["reported_at"] = t
        self.w.add("followups", **row)
        for kind, t, detail in steps:
            self.w.add("followup_steps", id=self.ids("followup_steps"), followup_id=fid,
                       kind=kind, actor_id=None if kind == "opened" else sup,
                       actor_name="系统" if kind == "opened" else "值班长", at=t,
                       what="自动生成" if kind == "opened" else "按规定办理", detail=detail)


def iter_fractions(days: list[date], fractions: tuple[float, ...]) -> Iterator[
        tuple[float, list[date]]]:
    for f in fractions:
        yield f, days[: max(1, round(len(days) * f))]
