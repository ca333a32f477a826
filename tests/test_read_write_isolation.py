"""Reads and writes apart: a report in a read-only transaction holds no write lock,
so on SQLite a window accepting a case is not held up by a 2-second report; a
read-write transaction of the same length would hold it up for the whole 2 s (the
second test shows the first could fail)."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select

from counter_app.domain.application import Application, MaterialDecision, MaterialStatus, plan_case
from counter_app.domain.roles import Actor
from counter_app.store.models import Case
from counter_app.usecases import cases
from tests.ratings.helpers import PEOPLE, add_staff

REPORT_SECONDS = 2.0


def _accept_once(rt, actor: Actor) -> float:  # type: ignore[no-untyped-def]
    app = Application(PEOPLE[0], None, ("370100-JY-0001",), channel="online")
    plan = plan_case(rt.deps.catalogue, app)
    app.materials = {m.code: MaterialDecision(MaterialStatus.RECEIVED) for m in plan.materials}
    started = time.perf_counter()
    cases.submit_application(rt, cases.SubmitApplication(actor, app, write_papers=False))
    return time.perf_counter() - started


def _during(rt, hold: Callable[[], object], actor: Actor) -> float:  # type: ignore[no-untyped-def]
    """Accept once while another thread holds a 2-second transaction."""
    held = threading.Event()

    def report() -> None:
        with hold() as session:  # type: ignore[attr-defined]
            session.scalar(select(func.count(Case.id)))  # the report reads …
            held.set()
            time.sleep(REPORT_SECONDS)  # … and takes its time

    thread = threading.Thread(target=report)
    thread.start()
    held.wait(10)
    took = _accept_once(rt, actor)
    thread.join()
    return took


def _teller(rt) -> Actor:  # type: ignore[no-untyped-def]
    """An online channel delivering applications (no form to fill at a window)."""
    add_staff(rt)
    return Actor.system("网上办事大厅")


def test_a_long_read_only_report_does_not_delay_an_accept_on_sqlite(sqlite_url, clock) -> None:  # type: ignore[no-untyped-def]
    from counter_app.config import Settings
    from counter_app.runtime import open_runtime

    rt = open_runtime(sqlite_url, Settings.of(db_url=sqlite_url), clock=clock)
    teller = _teller(rt)
    alone = statistics.median(_accept_once(rt, teller) for _ in range(3))
    during = min(_during(rt, rt.read, teller) for _ in range(2))
    rt.close()
    assert during < alone + 0.1, (alone, during)


def test_a_long_write_transaction_would_delay_it(sqlite_url, clock) -> None:  # type: ignore[no-untyped-def]
    from counter_app.config import Settings
    from counter_app.runtime import open_runtime

    rt = open_runtime(sqlite_url, Settings.of(db_url=sqlite_url), clock=clock)
    teller = _teller(rt)
    during = _during(rt, rt.write, teller)
    rt.close()
    assert during > REPORT_SECONDS * 0.8
