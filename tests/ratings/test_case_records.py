"""The provincial records of a case (issue 10, point 8), delivered to a local receiver
that fails every other request: a bundle's rating carries every item code, none
twice; rejected and 补正 cases carry their item codes; deptCode is the configured
one, never a unit's code; the case records (受理 / 办结) go through the same outbox,
each received exactly once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from counter_app.config import Settings
from counter_app.domain.clock import system_clock
from counter_app.domain.rating import Satisfaction, rating_input
from counter_app.domain.roles import Actor, Role
from counter_app.infra.deliverer import Backoff, Deliverer
from counter_app.infra.http_sender import HttpSender
from counter_app.runtime import open_runtime
from counter_app.services import hcp_export, ratings
from counter_app.services.context import Desk
from counter_app.store.models import OutboxMessage
from counter_app.usecases import backoffice as office
from counter_app.usecases import cases
from tests.ratings.helpers import PEOPLE
from tests.ratings.receiver import Receiver
from tests.test_lifecycle import CLERK, UNIT, all_in, submit

SSCARD = "370100-YJS-10"  # 申领社会保障卡一件事: 4 items by default


def _runtime(db_url, clock):  # type: ignore[no-untyped-def]
    return open_runtime(db_url, Settings.of(db_url=db_url, hcp_dept_code="11370100MB0000000X"),
                        clock=clock)


def _deliver(rt, target: str, receiver: Receiver, *, case_records: bool = False) -> None:  # type: ignore[no-untyped-def]
    sender = HttpSender(receiver.url, hcp_export.load_profile(), api_key=lambda: "k",
                        case_records=case_records)
    deliverer = Deliverer(rt.sessions, sender, target=target, clock=system_clock,
                          backoff=Backoff(base=0.01, cap=0.02))
    for _ in range(20):
        deliverer.run_once(ignore_backoff=True)
        with rt.uow() as session:
            pending = session.scalars(select(OutboxMessage).where(
                OutboxMessage.target == target, OutboxMessage.status == "pending")).all()
        if not pending:
            return
    raise AssertionError(f"{len(pending)} rows still pending")


def _rate(rt, case_no: str, level: Satisfaction) -> ratings.Recorded:  # type: ignore[no-untyped-def]
    desk = Desk(rt.settings.hall.code, "1", None)
    with rt.uow() as session:
        visit = ratings.visit_of_case(session, case_no)
        opened = ratings.open_session(session, rt.deps, desk, visit)
        return ratings.record_rating(session, rt.deps, rt.settings, opened.id,
                                     rating_input(level))


def test_a_bundles_rating_carries_every_item_once(db_url, clock) -> None:  # type: ignore[no-untyped-def]
    from counter_app.domain.application import Application

    rt = _runtime(db_url, clock)
    try:
        bundle = submit(rt, all_in(rt, Application(PEOPLE[0], bundle_code=SSCARD,
                                                   channel="online")))
        codes = [s.item_code for s in bundle.sub_items]
        assert len(codes) >= 3
        rejected = submit(rt, Application(PEOPLE[1], item_codes=("370100-SK-0004",),
                                          channel="online"),
                          outcome=cases.Outcome.REJECT, reason="已于2026-09-01挂失")
        done = _rate(rt, bundle.case_no, Satisfaction.SATISFIED)
        assert len(done.outbox_keys) == len(codes)
        other = _rate(rt, rejected.case_no, Satisfaction.BASIC)
        receiver = Receiver(fail_every=2).start()
        try:
            _deliver(rt, "hcp", receiver)
        finally:
            receiver.stop()
        data = receiver.data
        assert data.failed > 0  # half the requests failed, some after storing
        assert all(n == 1 for n in data.stored.values())  # none twice
        mine = [b for k, b in data.records.items() if k in done.outbox_keys]
        assert sorted(b["taskCode"] for b in mine) == sorted(codes)  # every item
        assert {b["projectNo"] for b in mine} == {bundle.case_no}
        assert {b["deptCode"] for b in data.records.values()} == {"11370100MB0000000X"}
        [refused] = [b for k, b in data.records.items() if k in other.outbox_keys]
        assert refused["taskCode"] == "370100-SK-0004" and refused["proStatus"] == 5
    finally:
        rt.close()


def test_case_records_reach_the_receiver_once(db_url, clock) -> None:  # type: ignore[no-untyped-def]
    from counter_app.domain.application import Application

    rt = _runtime(db_url, clock)
    try:
        unit_app = Application(UNIT, item_codes=("370100-LD-0005",), channel="online",
                               agent=CLERK)
        accepted = submit(rt, all_in(rt, unit_app))
        waiting = submit(rt, Application(PEOPLE[0], item_codes=("370100-SB-0026",),
                                         channel="online"))
        admin = Actor(None, "9", "管理员", Role.ADMIN)
        office.complete_case_items(rt, office.CompleteCaseItems(admin, accepted.case_no))
        cases.supply_material(rt, cases.SupplyMaterial(admin, waiting.case_no, "id_card"))
        receiver = Receiver(fail_every=2).start()
        try:
            _deliver(rt, "case", receiver, case_records=True)
            requests = receiver.data.requests
            _deliver(rt, "case", receiver, case_records=True)  # nothing new to send
            assert receiver.data.requests == requests
        finally:
            receiver.stop()
        data = receiver.data
        assert all(n == 1 for n in data.stored.values())
        kinds = Counter((b["projectNo"], b["dataType"]) for b in data.records.values())
        assert kinds == {
            (accepted.case_no, "SL"): 1, (accepted.case_no, "BJ"): 1,
            (waiting.case_no, "SJ"): 1, (waiting.case_no, "SL"): 1,
        }
        unit_accept = next(b for b in data.records.values()
                           if b["projectNo"] == accepted.case_no and b["dataType"] == "SL")
        assert unit_accept["userProp"] == 2  # a legal person
        assert unit_accept["certKeyGOV"] == "91370102MA3C123456"
        assert unit_accept["taskCode"] == "370100-LD-0005" and unit_accept["taskType"] == 1
        assert unit_accept["deptCode"] == "11370100MB0000000X"
        assert unit_accept["agentName"] == "李娜"
        late = next(b for b in data.records.values()
                    if b["projectNo"] == waiting.case_no and b["dataType"] == "SL")
        assert late["acceptStatus"] == 1 and late["acceptTime"]
    finally:
        rt.close()
