"""A case past its receipt, through the use cases, on SQLite and PostgreSQL (issue 10):
units and agents, 容缺 supplied or broken (terminated, refused next time), 补正
answered (accepted from that day) or not (withdrawn), one rule for every channel,
dependent items, and the applicant as they were at acceptance."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from counter_app.domain.applicant import AgentInput, ApplicantInput, ApplicantKind
from counter_app.domain.application import (
    Application,
    ApplicationError,
    MaterialDecision,
    MaterialStatus,
    plan_case,
)
from counter_app.domain.roles import Actor
from counter_app.services import backoffice
from counter_app.store.models import (
    ApplicantVersion,
    BrokenPromise,
    Case,
    OutboxMessage,
)
from counter_app.usecases import backoffice as office
from counter_app.usecases import cases
from counter_app.usecases.cases import Outcome, SubmitApplication

PERSON = ApplicantInput("11010519491231002X", "王䶮", "13812345678")
OTHER = ApplicantInput("370102198001011237", "李娜", "13905311234")
UNIT = ApplicantInput.unit("济南泉城劳务派遣有限公司", "91370102MA3C123456", "张建国",
                           "0531-86001234")
CLERK = AgentInput("李娜", "370102198001011237", "13905311234", "单位员工")
RETIREMENT = "370100-YJS-07"
ONLINE = Actor.system("网上办事大厅")


def day(d: int, month: int = 10, hour: int = 10) -> datetime:
    """A moment in 2026, China time."""
    return datetime(2026, month, d, hour - 8, 0, tzinfo=UTC)


def all_in(rt, app: Application, **status) -> Application:  # type: ignore[no-untyped-def]
    """Every material received (or shared); `status` overrides some."""
    plan = plan_case(rt.deps.catalogue, app)
    app.materials = {
        m.code: MaterialDecision(MaterialStatus.SHARED if m.shareable else MaterialStatus.RECEIVED)
        for m in plan.materials if m.required
    }
    app.materials.update(status)
    return app


def retirement(rt, applicant=PERSON, situation="special", **kw) -> Application:  # type: ignore[no-untyped-def]
    kw = {"credit_promise_signed": True, "tolerance_promise_signed": True, **kw}
    app = Application(applicant, bundle_code=RETIREMENT,
                      situations={"retire_type": situation, "medical": "no"},
                      channel="online", **kw)
    return all_in(rt, app)


def submit(rt, app, actor=ONLINE, outcome=Outcome.AUTO, reason=""):  # type: ignore[no-untyped-def]
    return cases.submit_application(
        rt, SubmitApplication(actor, app, outcome, reason, write_papers=False)
    ).result


def count(rt, model) -> int:  # type: ignore[no-untyped-def]
    with rt.uow() as session:
        return int(session.scalar(select(func.count()).select_from(model)))


def show(rt, case_no: str):  # type: ignore[no-untyped-def]
    return cases.show_case(rt, cases.ShowCase(ONLINE, case_no))


# ---- units and agents -------------------------------------------------------------------


def test_a_unit_applies_through_its_clerk(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = all_in(rt, Application(UNIT, item_codes=("370100-LD-0001",), agent=CLERK,
                                 channel="online", form_values={"registered_capital": "300"}))
    assert {"power_of_attorney", "agent_id_card"} <= set(app.materials)  # the agent's papers
    result = submit(rt, app)
    assert result.status == "accepted"
    detail = show(rt, result.case_no)
    assert detail.applicant.kind == "unit" and detail.applicant.name == UNIT.name
    assert detail.applicant.id_number == "91370102MA3C123456"  # public: in full
    assert detail.applicant.legal_rep == "张建国"
    assert detail.agent is not None and detail.agent.name == "李娜"
    assert detail.agent.id_number == "370102********1237"
    assert detail.form_values["employer_name"] == UNIT.name  # the unit's own fields
    assert detail.form_values["employer_credit_code"] == "91370102MA3C123456"
    codes = {m.code for m in detail.materials}
    assert {"power_of_attorney", "agent_id_card"} <= codes
    data = detail.as_json()
    assert data["applicant"]["kind"] == "unit" and data["agent"]["relation"] == "单位员工"


def test_unit_rules(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    bad = ApplicantInput.unit(UNIT.name, "91370102MA3C123457", "张建国")
    for app, field in (
        (Application(bad, item_codes=("370100-LD-0001",), agent=CLERK), "applicant.credit_code"),
        (Application(UNIT, item_codes=("370100-LD-0001",)), "agent"),  # a unit needs its clerk
        (Application(PERSON, item_codes=("370100-LD-0001",)), "applicant.kind"),  # units only
        (Application(PERSON, item_codes=("370100-SB-0026",),
                     agent=AgentInput("王䶮", PERSON.id_number)), "agent.id_number"),
    ):
        app.channel = "online"
        with pytest.raises(ApplicationError) as err:
            submit(rt, app)
        assert field in {e.field for e in err.value.errors}, err.value
    assert count(rt, Case) == 0


def test_a_person_may_send_an_agent(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    son = AgentInput("王小明", "370102198001011237", "13905311234", "子女")
    result = submit(rt, all_in(rt, Application(PERSON, item_codes=("370100-SB-0026",),
                                                agent=son, channel="online")))
    detail = show(rt, result.case_no)
    assert detail.applicant.kind == "person" and detail.agent.relation == "子女"  # type: ignore[union-attr]


# ---- the applicant as accepted -----------------------------------------------------------


def test_a_later_case_leaves_the_first_as_it_was(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    first = submit(rt, all_in(rt, Application(PERSON, item_codes=("370100-SB-0026",),
                                              channel="online")))
    moved = ApplicantInput(PERSON.id_number, "王䶮", "13900001111", address="济南市历下区")
    second = submit(rt, all_in(rt, Application(moved, item_codes=("370100-SB-0026",),
                                               channel="online")))
    a = cases.show_case(rt, cases.ShowCase(_admin(rt), first.case_no, unmasked=True))
    b = cases.show_case(rt, cases.ShowCase(_admin(rt), second.case_no, unmasked=True))
    assert a.applicant.phone == "13812345678"  # as it was at acceptance
    assert b.applicant.phone == "13900001111"
    with rt.uow() as session:
        [version] = session.scalars(select(ApplicantVersion)).all()
        assert version.values["phone"] == "13812345678"  # the record keeps its history


def test_windows_at_once_for_one_new_applicant(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    found: list[str] = []
    errors: list[BaseException] = []

    def go() -> None:
        try:
            app = all_in(rt, Application(OTHER, item_codes=("370100-SB-0026",),
                                         channel="online"))
            found.append(submit(rt, app).case_no)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(set(found)) == 8
    from counter_app.store.models import Applicant

    assert count(rt, Applicant) == 1


_ADMIN: dict[int, Actor] = {}


def _admin(rt) -> Actor:  # type: ignore[no-untyped-def]
    from counter_app.services.users import Role, actor_of, add_user

    key = id(rt)
    if key not in _ADMIN:
        with rt.uow() as session:
            _ADMIN[key] = actor_of(add_user(session, "9000", "管理员", "secret1", Role.ADMIN,
                                            clock=rt.deps.clock))
    return _ADMIN[key]


# ---- 容缺 to the end ------------------------------------------------------------------------


def test_tolerated_material_supplied_later(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement(rt)
    app.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED, date(2026, 10, 9))
    result = submit(rt, app)
    clock.now = day(9, hour=15)
    rows = cases.desk_cases(rt, "1")
    [row] = [r for r in rows if r.case_no == result.case_no]
    assert row.tolerance is not None and row.tolerance.state.value == "due_soon"
    assert row.sla.value == "due_soon" and "容缺" in row.sla_text
    detail = cases.supply_material(rt, cases.SupplyMaterial(ONLINE, result.case_no, "bank_card"))
    bank = next(m for m in detail.materials if m.code == "bank_card")
    assert bank.status == "received" and bank.supplied_at == clock.now
    assert detail.status == "accepted" and detail.tolerance is None
    clock.now = day(20)
    assert cases.sweep(rt, cases.Sweep(ONLINE)).terminated == ()  # supplied: goes on
    with pytest.raises(cases.LifecycleError, match="无需补交"):
        cases.supply_material(rt, cases.SupplyMaterial(ONLINE, result.case_no, "bank_card"))


def test_a_broken_promise_terminates_and_bars_tolerance(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement(rt)
    app.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED, date(2026, 10, 9))
    result = submit(rt, app)
    clock.now = day(10)  # the day after the promise
    rows = {r.item_code: r for r in office.work_list(rt, None) if r.case_no == result.case_no}
    pension = rows["370100-SB-0007"]  # the item that needs the bank card
    assert pension.sla.value == "overdue" and "容缺" in pension.sla_text
    assert rows["370100-SB-0008"].tolerance is None
    swept = cases.sweep(rt, cases.Sweep(ONLINE))
    assert swept.terminated == (result.case_no,)
    assert cases.sweep(rt, cases.Sweep(ONLINE)).terminated == ()  # idempotent
    detail = show(rt, result.case_no)
    assert detail.status == "terminated" and "逾期未补交" in detail.reason
    assert {i.status for i in detail.sub_items} == {"stopped"}
    rows = [r for r in office.work_list(rt, None) if r.case_no == result.case_no]
    assert rows and all(r.status == "stopped" and "逾期未补交" in r.reason for r in rows)
    assert count(rt, BrokenPromise) == 1
    # the same applicant asks for 容缺 again: refused with the reason
    again = retirement(rt)
    again.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED)
    with pytest.raises(ApplicationError) as err:
        submit(rt, again)
    [problem] = err.value.errors
    assert problem.field == "materials.bank_card"
    assert result.case_no in problem.message and "不再适用容缺受理" in problem.message
    assert "2027-10-09" in problem.message  # a year from the broken promise
    ban = cases.tolerance_ban(rt, ApplicantKind.PERSON, PERSON.id_number)
    assert ban is not None and ban.case_no == result.case_no
    # … while someone else still may, and the applicant with every material too
    other = retirement(rt, OTHER)
    other.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED)
    assert submit(rt, other).status == "accepted"
    assert submit(rt, retirement(rt)).status == "accepted"
    clock.now = day(10) + timedelta(days=366)
    assert cases.tolerance_ban(rt, ApplicantKind.PERSON, PERSON.id_number) is None


def test_supplying_after_the_promise_terminates(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement(rt)
    app.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED, date(2026, 10, 9))
    result = submit(rt, app)
    clock.now = day(12)  # nobody swept yet
    with pytest.raises(cases.PromiseBroken, match="终止办理"):
        cases.supply_material(rt, cases.SupplyMaterial(ONLINE, result.case_no, "bank_card"))
    assert show(rt, result.case_no).status == "terminated"  # kept although refused
    assert count(rt, BrokenPromise) == 1


def test_the_back_office_cannot_finish_before_the_material(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement(rt)
    app.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED)
    result = submit(rt, app)
    admin = _admin(rt)
    with pytest.raises(backoffice.BackOfficeError, match="尚未补交"):
        office.complete_case_items(rt, office.CompleteCaseItems(admin, result.case_no))
    cases.supply_material(rt, cases.SupplyMaterial(admin, result.case_no, "bank_card"))
    done = office.complete_case_items(rt, office.CompleteCaseItems(admin, result.case_no))
    assert done.status == "complete"


def test_sweepers_at_once_terminate_each_case_once(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    numbers = []
    for person in (PERSON, OTHER):
        app = retirement(rt, person)
        app.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED, date(2026, 10, 9))
        numbers.append(submit(rt, app).case_no)
    clock.now = day(13)
    results: list[cases.Swept] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(cases.sweep(rt, cases.Sweep(ONLINE)))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    terminated = [n for r in results for n in r.terminated]
    assert sorted(terminated) == sorted(numbers)  # each once, by one sweeper
    assert count(rt, BrokenPromise) == 2
    with rt.uow() as session:
        keys = session.scalars(select(OutboxMessage.key).where(OutboxMessage.target == "case",
                                                               OutboxMessage.kind == "case_finish"))
        finish = list(keys)
    assert len(finish) == len(set(finish)) == sum(
        len(show(rt, n).sub_items) for n in numbers)


# ---- 补正 to the end -------------------------------------------------------------------------


def test_a_supplement_case_is_accepted_when_complete(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = Application(PERSON, item_codes=("370100-SB-0026",), channel="online")
    result = submit(rt, app)  # nothing handed in: 一次性告知
    assert result.status == "supplement"
    assert [s.status for s in result.sub_items] == ["held"]
    detail = show(rt, result.case_no)
    assert detail.supplement_deadline == date(2026, 10, 12)
    assert [m.status for m in detail.materials] == ["missing"]
    clock.now = day(9)  # Friday 2026-10-09
    detail = cases.supply_material(rt, cases.SupplyMaterial(ONLINE, result.case_no, "id_card"))
    assert detail.status == "accepted"
    assert detail.materials_complete_at == clock.now
    [item] = detail.sub_items
    assert item.status == "pending"
    assert item.due_date == date(2026, 10, 15)  # 5 working days from 10-09 (Sat 10-10 works)
    rows = office.work_list(rt, item.unit)
    assert [r.case_no for r in rows] == [result.case_no]


def test_an_unanswered_supplement_is_withdrawn(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    result = submit(rt, Application(PERSON, item_codes=("370100-SB-0026",), channel="online"))
    clock.now = day(12, hour=18)  # the deadline itself: still open
    assert cases.sweep(rt, cases.Sweep(ONLINE)).withdrawn == ()
    clock.now = day(13)
    assert cases.sweep(rt, cases.Sweep(ONLINE)).withdrawn == (result.case_no,)
    detail = show(rt, result.case_no)
    assert detail.status == "withdrawn" and "视为撤回" in detail.reason
    assert [i.status for i in detail.sub_items] == ["stopped"]
    with pytest.raises(cases.LifecycleError, match="视为撤回"):
        cases.supply_material(rt, cases.SupplyMaterial(ONLINE, result.case_no, "id_card"))


def test_supplement_days_are_honoured(db_url, clock) -> None:  # type: ignore[no-untyped-def]
    from counter_app.config import Settings
    from counter_app.runtime import open_runtime

    rt = open_runtime(db_url, Settings.of(db_url=db_url, supplement_days=10), clock=clock)
    try:
        result = submit(rt, Application(PERSON, item_codes=("370100-SB-0026",),
                                        channel="online"))
        assert show(rt, result.case_no).supplement_deadline == date(2026, 10, 19)
    finally:
        rt.close()


# ---- one rule for every channel ---------------------------------------------------------------


def test_money_needs_the_credit_promise_online(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement(rt, credit_promise_signed=False)
    for outcome in (Outcome.AUTO, Outcome.SUPPLEMENT):
        with pytest.raises(ApplicationError) as err:
            if outcome is Outcome.SUPPLEMENT:
                app.materials.pop("personnel_archive", None)
            submit(rt, app)
        assert [e.field for e in err.value.errors] == ["credit_promise"]
        assert "信用承诺书" in err.value.errors[0].message
    assert count(rt, Case) == 0


def test_the_same_application_id_is_one_case(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement(rt, application_id="WS-2026-000123")
    first = submit(rt, app)
    second = submit(rt, app)
    assert second.case_no == first.case_no and second.duplicate and not first.duplicate
    assert count(rt, Case) == 1


def test_application_ids_at_once_make_one_case(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement(rt, application_id="WS-2026-000777")
    found: list[str] = []
    errors: list[BaseException] = []

    def go() -> None:
        try:
            found.append(submit(rt, app).case_no)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(set(found)) == 1 and len(found) == 5
    assert count(rt, Case) == 1


def test_not_needed_only_where_a_situation_exempts(runtime, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    graduates = "370100-YJS-05"
    employed = Application(PERSON, bundle_code=graduates, situations={"employment_way": "employer"},
                           channel="online")
    all_in(rt, employed, labour_contract=MaterialDecision(MaterialStatus.NOT_NEEDED))
    with pytest.raises(ApplicationError) as err:
        submit(rt, employed)
    assert [e.field for e in err.value.errors] == ["materials.labour_contract"]
    flexible = Application(PERSON, bundle_code=graduates, credit_promise_signed=True,
                           situations={"employment_way": "flexible"}, channel="window")
    plan = plan_case(rt.deps.catalogue, flexible)
    contract = next(m for m in plan.materials if m.code == "labour_contract")
    assert not contract.required and "灵活就业" in contract.exempt_reason
    assert "employer_name" not in {f.field.key for f in plan.missing_fields}
    all_in(rt, flexible)
    flexible.form_values = {f.field.key: "2026-07-01" if f.field.kind == "date" else "x"
                            for f in plan.missing_fields}
    result = submit(rt, flexible, actor=_teller(rt))
    detail = show(rt, result.case_no)
    contract = next(m for m in detail.materials if m.code == "labour_contract")
    assert contract.status == "not_needed" and "免予提交" in contract.note
    out = cases.print_paper(rt, result.case_no, "receipt", tmp_path / "receipt.pdf")
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert "情形“就业方式：灵活就业”免予提交" in text  # the exemption is printed


def _teller(rt) -> Actor:  # type: ignore[no-untyped-def]
    from counter_app.services.users import Role, actor_of, add_user

    with rt.uow() as session:
        return actor_of(add_user(session, "1024", "张敏", "secret1", Role.TELLER,
                                 clock=rt.deps.clock))


def test_the_situation_fills_the_form(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    for answer, value in (("special", "特殊工种提前退休"), ("flexible_early", "弹性提前退休"),
                          ("normal", "正常退休")):
        plan = plan_case(rt.deps.catalogue, Application(
            PERSON, bundle_code=RETIREMENT, situations={"retire_type": answer}))
        assert plan.form_values["retire_type"] == value
        assert "retire_type" not in {f.field.key for f in plan.missing_fields}


# ---- 分段办理 ------------------------------------------------------------------------------


def test_sick_retirement_waits_for_the_appraisal(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    result = submit(rt, retirement(rt, situation="illness"))
    by_code = {s.item_code: s for s in result.sub_items}
    sick, appraisal = by_code["370100-SB-0009"], by_code["370100-SB-0010"]
    assert sick.status == "waiting" and sick.due_date is None
    assert sick.waits_for == ("370100-SB-0010",)
    assert appraisal.status == "pending" and appraisal.due_date is not None
    rows = {r.item_code: r for r in office.work_list(rt, None) if r.case_no == result.case_no}
    assert rows["370100-SB-0009"].status == "waiting"
    assert "劳动能力鉴定申请" in rows["370100-SB-0009"].waits_for
    admin = _admin(rt)
    with pytest.raises(backoffice.BackOfficeError, match="待前置事项"):
        office.complete_sub_item(rt, office.CompleteSubItem(admin, rows["370100-SB-0009"].item_id))
    clock.now = day(20)
    office.complete_sub_item(rt, office.CompleteSubItem(admin, rows["370100-SB-0010"].item_id))
    detail = show(rt, result.case_no)
    sick_line = next(i for i in detail.sub_items if i.item_code == "370100-SB-0009")
    assert sick_line.status == "pending"
    assert sick_line.due_date == date(2026, 11, 10)  # 15 working days from 10-20
    assert detail.due_date is not None and detail.due_date >= sick_line.due_date


def test_every_window_sweeps_in_the_background(runtime, clock, app_context) -> None:  # type: ignore[no-untyped-def]
    from tests.support import wait_for
    from ui.app import _start_sweeper

    rt = runtime
    app = retirement(rt)
    app.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED, date(2026, 10, 9))
    result = submit(rt, app)
    clock.now = day(12)
    ctx = app_context(rt)
    _start_sweeper(ctx)  # what ui/app.py starts for every window
    ctx.sweeper.first_delay = 0
    ctx.sweeper.stop()
    ctx.sweeper.start()
    wait_for(lambda: ctx.sweeper.passes >= 1, 30)
    ctx.close()
    assert not ctx.sweeper.running
    with rt.uow() as session:
        assert backoffice.find_case(session, result.case_no).status == "terminated"


def test_a_tellers_list_holds_only_its_own_halls_cases(runtime, db_url, clock) -> None:  # type: ignore[no-untyped-def]
    """A city's halls may share one database and every hall has a window 1: the
    teller's list of hall A never shows hall B's cases (today's or open ones)."""
    from counter_app.config import Settings
    from counter_app.runtime import open_runtime

    other = open_runtime(db_url, Settings.of(db_url=db_url, hall_code="370112"), clock=clock)
    try:
        ours = submit(runtime, retirement(runtime))
        theirs = submit(other, retirement(other))
        clock.now = day(9)  # ours and theirs are open cases of earlier days now
        for rt, own, foreign in ((runtime, ours, theirs), (other, theirs, ours)):
            listed = {r.case_no for r in cases.desk_cases(rt, "1")}
            assert own.case_no in listed and foreign.case_no not in listed
    finally:
        other.close()
