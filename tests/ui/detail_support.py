"""Cases for the case detail, papers and back-office tests: made through the use
cases as the window makes them (a teller accepts at window 3)."""

from __future__ import annotations

from datetime import date

from counter_app.demo import with_all_materials
from counter_app.domain.application import (
    ApplicantInput,
    Application,
    MaterialDecision,
    MaterialStatus,
    plan_case,
)
from counter_app.domain.catalogue import FieldKind
from counter_app.usecases import cases

RETIREMENT = "370100-YJS-07"
PERSON = ApplicantInput("11010519491231002X", "王䶮", "13812345678", address="北京市西城区")
OTHER = ApplicantInput("370102198001011237", "李娜", "13905311234", address="济南市历下区")

_SAMPLE = {
    FieldKind.DATE: "2026-09-01",
    FieldKind.NUMBER: "12",
    FieldKind.PHONE: "13812345678",
    FieldKind.ID_NUMBER: "11010519491231002X",
    FieldKind.BANK_ACCOUNT: "6222020200112233445",
}


def filled(rt, app: Application) -> Application:  # type: ignore[no-untyped-def]
    """Every material received (or shared) and every form field the plan still
    misses filled, as the teller does before Ctrl+Enter."""
    app = with_all_materials(rt, app)
    plan = plan_case(rt.deps.catalogue, app)
    for need in plan.missing_fields:
        spec = need.field
        app.form_values[spec.key] = spec.choices[0] if spec.choices else _SAMPLE.get(
            spec.kind, "测试")
    return app


def retirement(rt, applicant: ApplicantInput = PERSON, *,  # type: ignore[no-untyped-def]
               tolerated: dict[str, date] | None = None,
               missing: tuple[str, ...] = ()) -> Application:
    """职工退休一件事 (正常退休), optionally with 容缺 materials promised by a date or
    materials missing (一次性告知)."""
    app = filled(rt, Application(applicant, bundle_code=RETIREMENT,
                                 situations={"retire_type": "normal", "medical": "no"}))
    for code, promised in (tolerated or {}).items():
        app.materials[code] = MaterialDecision(MaterialStatus.TOLERATED, promised)
        app.tolerance_promise_signed = True
    for code in missing:
        app.materials[code] = MaterialDecision(MaterialStatus.MISSING)
    return app


def accept(rt, actor, app: Application, outcome=cases.Outcome.AUTO,  # type: ignore[no-untyped-def]
           write_papers: bool = False) -> cases.Submitted:
    return cases.submit_application(
        rt, cases.SubmitApplication(actor, app, outcome, write_papers=write_papers))
