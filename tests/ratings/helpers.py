"""Making visits for the rating tests: staff, cases accepted at a window, tickets."""

from __future__ import annotations

from datetime import datetime, timedelta

from counter_app.domain.application import (
    ApplicantInput,
    Application,
    MaterialDecision,
    MaterialStatus,
    plan_case,
)
from counter_app.runtime import Runtime
from counter_app.services import acceptance
from counter_app.services.context import Desk
from counter_app.services.users import Role, add_user

PEOPLE = [
    ApplicantInput("11010519491231002X", "王䶮", "13812345678", address="北京市西城区"),
    ApplicantInput("370102198001011237", "李娜", "13905311234", address="济南市历下区"),
    ApplicantInput("370103199505052340", "阿卜杜·热合曼", "15866661234"),
]
INSTANT_ITEM = "370100-JY-0001"


def add_staff(rt: Runtime) -> dict[str, int]:
    """Two tellers and a supervisor; {staff_no: user id}."""
    out = {}
    with rt.uow() as session:
        for staff, name, role in (("1001", "张敏", Role.TELLER), ("1002", "赵磊", Role.TELLER),
                                  ("9001", "王丽", Role.SUPERVISOR)):
            out[staff] = add_user(session, staff, name, "123456", role, None, rt.deps.clock).id
    return out


def accept_case(rt: Runtime, desk: Desk, *, person: int = 0, items: tuple[str, ...] = (
        INSTANT_ITEM,), bundle: str | None = None, at: datetime | None = None) -> str:
    """Accept a case with every material received; returns its number."""
    app = Application(PEOPLE[person % len(PEOPLE)], bundle, items,
                      accepted_at=at or rt.deps.clock())
    plan = plan_case(rt.deps.catalogue, app)
    app.materials = {
        m.code: MaterialDecision(MaterialStatus.SHARED if m.shareable else MaterialStatus.RECEIVED)
        for m in plan.materials
    }
    app.credit_promise_signed = True
    app.tolerance_promise_signed = True
    with rt.uow() as session:
        return acceptance.accept(session, rt.deps, desk, app, require_form=False).case_no


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
