"""Done-when #2: ratings reach a receiver that fails half the requests, with the app
killed mid-way (a `counter-app outbox run` process, SIGKILLed) and a new deliverer
started on the same database: every rating arrives, none twice (counted at the
receiver), and 非常满意 arrives as satisfaction 5."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from counter_app.domain.clock import system_clock
from counter_app.domain.outbox import classify
from counter_app.domain.rating import Reason, Satisfaction, rating_input
from counter_app.infra.deliverer import Backoff, Deliverer
from counter_app.infra.http_sender import HttpSender, SendResult
from counter_app.services import hcp_export, outbox, ratings
from counter_app.services.context import Desk
from counter_app.store.models import OutboxMessage, Rating
from tests.ratings.helpers import accept_case
from tests.ratings.receiver import Receiver
from tests.support import wait_for

ROOT = Path(__file__).resolve().parents[2]
LEVELS = [Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.VERY_SATISFIED,
          Satisfaction.BASIC, Satisfaction.DISSATISFIED, Satisfaction.VERY_SATISFIED]


def rate_visits(rt, staff: dict[str, int], n: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """n window visits rated; {outbox key: satisfaction value}."""
    desk = Desk(rt.settings.hall.code, "2", staff["1002"])
    out = {}
    for i in range(n):
        case_no = accept_case(rt, desk, person=i)
        level = LEVELS[i % len(LEVELS)]
        reasons = [Reason.SLOW] if level.is_bad else []
        with rt.uow() as session:
            visit = ratings.visit_of_case(session, case_no)
            opened = ratings.open_session(session, rt.deps, desk, visit)
            done = ratings.record_rating(session, rt.deps, rt.settings, opened.id,
                                         rating_input(level, reasons))
        out[done.outbox_key] = level.value  # type: ignore[index]
    return out


def _sender(url: str) -> HttpSender:
    return HttpSender(url, hcp_export.load_profile(), api_key=lambda: "test-key-s3cret")


def test_every_rating_arrives_once_despite_failures_and_a_killed_sender(
    runtime, staff, tmp_path  # type: ignore[no-untyped-def]
) -> None:
    rt = runtime
    expected = rate_visits(rt, staff, 30)
    receiver = Receiver(fail_every=2).start()
    env = dict(os.environ, COUNTER_HCP_URL=receiver.url, PYTHONPATH=str(ROOT))
    url = rt.engine.url.render_as_string(hide_password=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "counter_main", "--db", url, "outbox", "run",
         "--lease", "1", "--backoff", "0.05", "--idle", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        # Let the first "app" deliver about a third, then kill it without warning.
        wait_for(lambda: len(receiver.data.records) >= 10 or proc.poll() is not None, 60)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        first_run = len(receiver.data.records)
        assert first_run < len(expected)

        # The "restarted app": a new runtime and deliverer on the same database.
        from counter_app.config import Settings
        from counter_app.runtime import open_runtime

        rt2 = open_runtime(url, Settings.of(db_url=url), clock=rt.deps.clock)
        deliverer = Deliverer(rt2.sessions, _sender(receiver.url), clock=system_clock,
                              lease_seconds=1, backoff=Backoff(base=0.05, cap=0.5),
                              idle_seconds=0.1).start()
        try:
            def all_delivered() -> bool:
                with rt2.uow() as session:
                    return outbox.summary(session).delivered == len(expected)

            wait_for(all_delivered, 60)
        finally:
            deliverer.stop()
            rt2.close()
    finally:
        if proc.poll() is None:
            proc.kill()
        receiver.stop()

    data = receiver.data
    assert set(data.records) == set(expected)  # every rating arrived
    assert all(n == 1 for n in data.stored.values())  # none twice at the receiver
    assert all(n <= 1 for n in data.ok_answers.values())
    assert data.duplicates > 0  # resends happened, and the receiver deduped them
    assert data.failed >= data.requests // 2 - 1  # half the requests did fail
    for key, level in expected.items():
        body = data.records[key]
        assert body["satisfaction"] == hcp_export.load_profile().record(
            {"satisfaction": level})["satisfaction"]
        if level == Satisfaction.VERY_SATISFIED.value:
            assert body["satisfaction"] == 5
        assert body["pf"] == 5 and body["assessNumber"] == 1
        assert len(body["assessTime"]) == 19 and body["assessTime"][10] == " "
    assert all(h.get("X-Api-Key") == "test-key-s3cret" for h in data.headers[-3:])


def test_receipt_codes_decide_delivered_retry_or_parked(runtime, staff) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    keys = list(rate_visits(rt, staff, 3))
    receiver = Receiver(fail_every=0, status_for={keys[0]: 409, keys[1]: 422, keys[2]: 503})
    receiver.start()
    try:
        d = Deliverer(rt.sessions, _sender(receiver.url), clock=system_clock,
                      backoff=Backoff(base=60))
        stats = d.run_once()
    finally:
        receiver.stop()
    assert (stats.delivered, stats.parked, stats.retried) == (1, 1, 1)
    with rt.uow() as session:
        rows = {r.key: r for r in session.scalars(select(OutboxMessage))}
        s = outbox.summary(session)
    assert rows[keys[0]].status == "delivered"  # 409: the receiver already has it
    assert rows[keys[1]].status == "parked" and "422" in rows[keys[1]].last_error
    assert rows[keys[2]].status == "pending" and rows[keys[2]].attempts == 1
    assert rows[keys[2]].next_attempt_at > system_clock()  # backed off
    assert (s.pending, s.delivered, s.parked, s.retrying) == (1, 1, 1, 1)
    with rt.uow() as session:
        assert outbox.requeue_parked(session, system_clock()) == 1


def test_nothing_listens_means_retry_not_loss(runtime, staff) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    rate_visits(rt, staff, 1)
    sender = _sender("http://127.0.0.1:9/nothing-here")  # discard port: refused
    d = Deliverer(rt.sessions, sender, clock=system_clock, backoff=Backoff(base=30))
    stats = d.run_once()
    assert stats.retried == 1
    with rt.uow() as session:
        row = session.scalars(select(OutboxMessage)).one()
    assert row.status == "pending" and "无法连接" in row.last_error


def test_two_deliverers_never_send_the_same_row(runtime, staff) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    expected = rate_visits(rt, staff, 12)
    sent: list[str] = []

    class Slow:
        def send(self, key: str, payload: dict) -> SendResult:  # type: ignore[type-arg]
            sent.append(key)
            time.sleep(0.02)
            return SendResult(201)

    a = Deliverer(rt.sessions, Slow(), clock=system_clock, owner="pc-a", batch=3).start()
    b = Deliverer(rt.sessions, Slow(), clock=system_clock, owner="pc-b", batch=3).start()
    try:
        def done() -> bool:
            with rt.uow() as session:
                return outbox.summary(session).delivered == len(expected)

        wait_for(done, 30)
    finally:
        a.stop()
        b.stop()
    assert sorted(sent) == sorted(expected)  # each exactly once


def test_the_outbox_row_is_part_of_the_rating_transaction(runtime, staff) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    desk = Desk(rt.settings.hall.code, "1", staff["1001"])
    case_no = accept_case(rt, desk)
    with rt.uow() as session:
        opened = ratings.open_session(session, rt.deps, desk,
                                      ratings.visit_of_case(session, case_no))
    with pytest.raises(RuntimeError), rt.uow() as session:
        ratings.record_rating(session, rt.deps, rt.settings, opened.id,
                              rating_input(Satisfaction.SATISFIED))
        raise RuntimeError("crash before commit")
    with rt.uow() as session:
        assert session.scalars(select(OutboxMessage)).all() == []
        assert session.scalars(select(Rating)).all() == []


def test_classify() -> None:
    assert classify(SendResult(200).status) == "delivered"
    assert classify(SendResult(409).status) == "delivered"
    assert classify(SendResult(500).status) == "retry"
    assert classify(SendResult(429).status) == "retry"
    assert classify(SendResult(None, "超时").status) == "retry"
    assert classify(SendResult(400).status) == "park"
    assert classify(SendResult(401).status) == "park"


def test_backoff_grows_and_caps() -> None:
    b = Backoff(base=2, cap=60, jitter=0)
    assert [b.delay(n) for n in (1, 2, 3, 4)] == [2, 4, 8, 16]
    assert b.delay(20) == 60


def test_api_key_never_in_logs(runtime, staff, caplog) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    rate_visits(rt, staff, 2)
    receiver = Receiver(fail_every=2).start()
    try:
        caplog.set_level("DEBUG")
        Deliverer(rt.sessions, _sender(receiver.url), clock=system_clock,
                  backoff=Backoff(base=0.01)).run_once(ignore_backoff=True)
    finally:
        receiver.stop()
    assert "test-key" not in caplog.text
    assert "11010519491231002X" not in caplog.text  # nor personal data
