"""The acceptance service on both engines: one transaction, sub-items routed to
their units with due dates, the other outcomes, and nothing stored on bad input."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from counter_app.domain.application import (
    ApplicantInput,
    Application,
    ApplicationError,
    MaterialDecision,
    MaterialStatus,
    material_decisions,
    plan_case,
)
from counter_app.services import acceptance, backoffice, lifecycle
from counter_app.services.caseviews import desk_cases, work_rows
from counter_app.store.models import Applicant, Case

RETIREMENT = "370100-YJS-07"
PERSON = ApplicantInput("11010519491231002X", "王䶮", "13812345678", address="北京市西城区")


def retirement_application(rt, **overrides) -> Application:  # type: ignore[no-untyped-def]
    app = Application(PERSON, bundle_code=RETIREMENT, situations={"retire_type": "special"})
    plan = plan_case(rt.deps.catalogue, app)
    app.materials = {
        m.code: MaterialDecision(MaterialStatus.SHARED if m.shareable else MaterialStatus.RECEIVED)
        for m in plan.materials
    }
    app.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED)
    app.form_values = {
        "work_start_date": "1970-07-01",
        "bank_name": "中国工商银行",
        "bank_account": "6222021234567890",
        "employer_name": "济南某机械厂",
        "special_job_name": "高温作业",
        "special_job_years": "12",
        "retire_type": "特殊工种",
    }
    app.credit_promise_signed = True
    app.tolerance_promise_signed = True
    for key, value in overrides.items():
        setattr(app, key, value)
    return app


def count_cases(rt) -> int:  # type: ignore[no-untyped-def]
    with rt.uow() as session:
        return int(session.scalar(select(func.count(Case.id))))


def test_bundle_is_accepted_as_one_case_split_to_units(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    with rt.uow() as session:
        result = acceptance.accept(session, rt.deps, rt.desk(), retirement_application(rt))
    assert result.status == "accepted"
    assert result.case_no.startswith("3701020120260929")
    codes = [s.item_code for s in result.sub_items]
    assert codes[:2] == ["370100-SB-0007", "370100-SB-0008"]  # mandatory, then situational
    by_code = {s.item_code: s for s in result.sub_items}
    # accepted Tuesday 2026-09-29: 5 working days across National Day → 2026-10-12
    assert by_code["370100-SB-0026"].due_date == date(2026, 10, 12)
    assert by_code["370100-SB-0007"].due_date == date(2026, 10, 19)  # 10 working days
    assert by_code["370100-SB-0007"].unit_code != by_code["370100-SB-0008"].unit_code
    assert result.due_date == max(s.due_date for s in result.sub_items)
    assert set(result.papers) == {"receipt", "tolerance", "credit"}
    assert result.warnings == ()
    with rt.uow() as session:
        case = backoffice.find_case(session, result.case_no)
        materials = {m.material_code: m for m in case.materials}
        # one entry per distinct material across the three items
        assert len(materials) == len(case.materials) == 5
        assert materials["bank_card"].status == "tolerated"
        # the promise defaults to the committed limit of the item needing it
        assert materials["bank_card"].promised_date == date(2026, 10, 19)
        assert case.form_values["applicant_name"] == "王䶮"  # prefilled


def test_tolerated_promise_past_the_committed_limit_is_refused(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement_application(rt)
    app.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED, date(2026, 10, 20))
    with pytest.raises(ApplicationError) as err, rt.uow() as session:
        acceptance.accept(session, rt.deps, rt.desk(), app)
    assert [e.field for e in err.value.errors] == ["materials.bank_card"]
    assert "晚于承诺办结期限2026-10-19" in err.value.errors[0].message
    assert count_cases(rt) == 0


def test_main_material_cannot_be_tolerated(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement_application(rt)
    app.materials["id_card"] = MaterialDecision(MaterialStatus.TOLERATED)
    with pytest.raises(ApplicationError, match="不能容缺"), rt.uow() as session:
        acceptance.accept(session, rt.deps, rt.desk(), app)


def test_bad_input_names_every_field_and_stores_nothing(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement_application(
        rt,
        applicant=ApplicantInput("110105194912310021", "王䶮", "1381234"),
        credit_promise_signed=False,
    )
    with pytest.raises(ApplicationError) as err, rt.uow() as session:
        acceptance.accept(session, rt.deps, rt.desk(), app)
    fields = {e.field for e in err.value.errors}
    assert {"applicant.id_number", "applicant.phone"} <= fields
    assert count_cases(rt) == 0
    with rt.uow() as session:
        assert session.scalar(select(func.count(Applicant.id))) == 0


def test_window_requires_the_signed_credit_promise(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement_application(rt, credit_promise_signed=False)
    with pytest.raises(ApplicationError) as err, rt.uow() as session:
        acceptance.accept(session, rt.deps, rt.desk(), app)
    assert [e.field for e in err.value.errors] == ["credit_promise"]


def test_missing_materials_give_one_supplement_notice(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement_application(rt)
    del app.materials["personnel_archive"]
    app.materials["special_job_record"] = MaterialDecision(MaterialStatus.MISSING)
    with pytest.raises(ApplicationError, match="职工人事档案、特殊工种原始记录"), rt.uow() as s:
        acceptance.accept(s, rt.deps, rt.desk(), app)
    with rt.uow() as session:
        result = acceptance.supplement(session, rt.deps, rt.desk(), app)
    assert result.status == "supplement" and result.papers == ("supplement",)
    with rt.uow() as session:
        case = backoffice.find_case(session, result.case_no)
        missing = {m.material_code for m in case.materials if m.status == "missing"}
        assert missing == {"personnel_archive", "special_job_record"}
        assert case.supplement_deadline == date(2026, 10, 12)
    plan = plan_case(rt.deps.catalogue, app)
    assert material_decisions(plan, app)["personnel_archive"].status is MaterialStatus.MISSING


def test_rejection_needs_a_reason(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    app = retirement_application(rt)
    with pytest.raises(ApplicationError, match="理由"), rt.uow() as session:
        acceptance.reject(session, rt.deps, rt.desk(), app, "  ")
    with rt.uow() as session:
        result = acceptance.reject(session, rt.deps, rt.desk(), app, "未达到法定退休年龄")
    assert result.status == "rejected" and result.papers == ("rejection",)


def test_back_office_completes_every_sub_item(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    with rt.uow() as session:
        result = acceptance.accept(session, rt.deps, rt.desk(), retirement_application(rt))
    with rt.uow() as session:  # not before its 容缺 material is in (issue 10)
        case = backoffice.find_case(session, result.case_no)
        pension = next(i for i in case.items if i.item_code == "370100-SB-0007")
        with pytest.raises(backoffice.BackOfficeError, match="容缺材料.*尚未补交"):
            backoffice.complete_item(session, rt.deps, pension.id, None, "已办结")
    with rt.uow() as session:
        case = lifecycle.lock_case(session, result.case_no)
        lifecycle.supply(session, rt.deps, case, "bank_card", None, None)
    units = {s.unit_code for s in result.sub_items}
    for unit in units:
        with rt.uow() as session:
            rows = work_rows(session, rt.deps, unit)
            assert rows and all(r.case_no == result.case_no for r in rows)
            for row in rows:
                backoffice.complete_item(session, rt.deps, row.item_id, None, "已办结")
    with rt.uow() as session:
        case = backoffice.find_case(session, result.case_no)
        assert case.status == "complete" and case.completed_at is not None
        assert "completion" in acceptance.result_of(case).papers


def test_return_then_reopen(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    with rt.uow() as session:
        result = acceptance.accept(session, rt.deps, rt.desk(), retirement_application(rt))
    with rt.uow() as session:
        case = backoffice.find_case(session, result.case_no)
        item = case.items[0]
        with pytest.raises(backoffice.BackOfficeError, match="原因"):
            backoffice.return_item(session, rt.deps, item.id, None, "")
        backoffice.return_item(session, rt.deps, item.id, None, "档案缺页")
        assert case.status == "returned"
        backoffice.reopen_item(session, rt.deps, item.id, None)
        assert case.status == "accepted"


def test_sla_states_for_the_desk(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    rt = runtime
    instant = next(c for c, i in rt.deps.catalogue.items.items() if i.case_kind.value == "instant")
    app = Application(PERSON, item_codes=(instant,), credit_promise_signed=True)
    plan = plan_case(rt.deps.catalogue, app)
    app.materials = {m.code: MaterialDecision(MaterialStatus.RECEIVED) for m in plan.materials}
    with rt.uow() as session:
        acceptance.accept(session, rt.deps, rt.desk(), app, require_form=False)
        acceptance.accept(session, rt.deps, rt.desk(), retirement_application(rt))
    clock.now += timedelta(minutes=25)
    with rt.uow() as session:
        rows = desk_cases(session, rt.deps, rt.settings.hall.window_no,
                          hall_code=rt.settings.hall.code)
    assert rows[0].sla.value == "due_soon" and "即办剩" in rows[0].sla_text
    clock.now += timedelta(minutes=10)
    with rt.uow() as session:
        rows = desk_cases(session, rt.deps, rt.settings.hall.window_no,
                          hall_code=rt.settings.hall.code)
    assert rows[0].sla.value == "overdue" and "超时" in rows[0].sla_text
    clock.now += timedelta(days=30)
    with rt.uow() as session:
        rows = desk_cases(session, rt.deps, rt.settings.hall.window_no,
                          hall_code=rt.settings.hall.code)
    assert all(r.sla.value == "overdue" for r in rows)


def test_due_date_reaching_into_2027_carries_a_warning(runtime, clock) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    rt = runtime
    clock.now = datetime(2026, 12, 24, 2, 0, tzinfo=UTC)
    with rt.uow() as session:
        result = acceptance.accept(session, rt.deps, rt.desk(), retirement_application(rt))
    years = {s.item_code: s.due_date.year for s in result.sub_items}
    assert years["370100-SB-0007"] == 2027 and years["370100-SB-0026"] == 2026
    late = sorted({s.due_date for s in result.sub_items if s.due_date.year == 2027})
    assert len(result.warnings) == len(late)  # one per distinct estimated deadline
    for warning, due in zip(result.warnings, late, strict=True):
        assert "2027年" in warning and due.isoformat() in warning
    with rt.uow() as session:
        case = backoffice.find_case(session, result.case_no)
        assert {i.item_code for i in case.items if i.due_estimated} == {
            c for c, y in years.items() if y == 2027
        }
        assert case.warnings == list(result.warnings)
