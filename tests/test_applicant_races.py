"""Many windows accepting for the same new applicant at once (faults issue, point 2):
on PostgreSQL, 20 processes → every case stored, one applicant record, no traceback.
(A stress test: ~90 s on two cores. tests/test_lifecycle.py races threads on both
engines in the regular run.)"""

from __future__ import annotations

import multiprocessing
import traceback

import pytest
from sqlalchemy import func, select

from counter_app.store import migrate
from counter_app.store.db import make_engine
from counter_app.store.models import Applicant, Case

PROCESSES = 20
EACH = 3


def _accept(url: str, start, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """In a process of its own: wait for the others, then accept `n` cases for the
    same new person; the outcome of each (a case number, or the traceback)."""
    from counter_app.config import Settings
    from counter_app.domain.applicant import ApplicantInput
    from counter_app.domain.application import Application, MaterialDecision, MaterialStatus
    from counter_app.domain.roles import Actor
    from counter_app.runtime import open_runtime
    from counter_app.usecases import cases

    rt = open_runtime(url, Settings.of(db_url=url), upgrade=False)
    person = ApplicantInput("370102198001011237", "李娜", "13905311234")
    out = []
    try:
        start.wait(60)
        for _ in range(n):
            app = Application(person, item_codes=("370100-SB-0026",), channel="online",
                              materials={"id_card": MaterialDecision(MaterialStatus.RECEIVED)})
            try:
                done = cases.submit_application(rt, cases.SubmitApplication(
                    Actor.system("网上"), app, write_papers=False))
                out.append(done.result.case_no)
            except Exception:  # noqa: BLE001 - reported by the test
                out.append("FAILED\n" + traceback.format_exc())
    finally:
        rt.close()
    return out


@pytest.mark.slow
def test_twenty_windows_accept_for_one_new_applicant(pg_url: str) -> None:
    engine = make_engine(pg_url)
    migrate.upgrade(engine)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        start = manager.Event()
        with ctx.Pool(PROCESSES) as pool:
            pending = pool.starmap_async(_accept, [(pg_url, start, EACH)] * PROCESSES)
            start.set()
            results = [r for batch in pending.get(300) for r in batch]
    failures = [r for r in results if r.startswith("FAILED")]
    assert failures == [], failures[0]
    assert len(set(results)) == PROCESSES * EACH
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Case)).scalar_one() == len(results)
        assert conn.execute(select(func.count()).select_from(Applicant)).scalar_one() == 1
    engine.dispose()
