"""A hall's day never runs out of case numbers (both engines)."""

from __future__ import annotations

from counter_app.domain.application import ApplicantInput, Application, MaterialDecision
from counter_app.domain.application import MaterialStatus as S
from counter_app.domain.caseno import doc_no
from counter_app.services import acceptance
from counter_app.store.models import CaseCounter


def test_the_ten_thousandth_case_of_a_day_gets_a_number(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    with rt.uow() as session:
        session.add(CaseCounter(hall_code="37010201", day="20260929", last_seq=9_999))
    app = Application(
        ApplicantInput("11010519491231002X", "王䶮", "13812345678"),
        item_codes=("370100-SB-0026",),
        materials={"id_card": MaterialDecision(S.RECEIVED)},
    )
    with rt.uow() as session:
        first = acceptance.accept(session, rt.deps, rt.desk(), app, require_form=False)
    with rt.uow() as session:
        second = acceptance.accept(session, rt.deps, rt.desk(), app, require_form=False)
    assert first.case_no == "370102012026092910000"
    assert second.case_no == "370102012026092910001"
    assert doc_no(first.case_no) == "受字〔2026〕第092910000号"
