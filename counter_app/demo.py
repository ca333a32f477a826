"""Sample data for `counter-app demo`: staff accounts and a few cases in every state
(instant running, promised, due soon, complete; a unit's case through its clerk, a
容缺 material still to come, a 一次性告知 waiting for a material, 分段办理),
on a throw-away database.

Importing this module is cheap (no SQLAlchemy): the window is built with
`demo_teller()` while `seed` fills the database behind it."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from counter_app.domain.application import (
    AgentInput,
    ApplicantInput,
    Application,
    MaterialDecision,
    MaterialStatus,
    plan_case,
)
from counter_app.domain.roles import Actor, Role

if TYPE_CHECKING:
    from counter_app.runtime import Runtime

DEMO_PASSWORD = "123456"
#: scrypt of DEMO_PASSWORD with a fixed salt: the demo starts without hashing it
#: three times (add_user checks it once, 0.1 s, instead of hashing 3 × 0.1 s).
DEMO_HASH = (
    "scrypt$16384$8$1$6b75616962616e2d64656d6f2d73616c$cd2fac953f8ab507a4e5b4e8591f6e4ed3372bcc"
    "76284b75a651fc6045daf4bf84a64e032a0b34aae65ce2907286f389e80a9b8b26dc86b7a1486d59ba4e6dc4"
)
DEMO_USERS = [
    ("1001", "张敏", Role.TELLER),
    ("2001", "李强", Role.BACKOFFICE),
    ("9001", "王丽", Role.SUPERVISOR),
]


def demo_teller() -> Actor:
    """The demo teller as `seed` returns it on a fresh database (the first account
    made, so user 1): known before the database is, so the window need not wait."""
    staff_no, name, role = DEMO_USERS[0]
    return Actor(1, staff_no, name, role)
PEOPLE = [
    ApplicantInput("11010519491231002X", "王䶮", "13812345678", address="北京市西城区"),
    ApplicantInput("370102198001011237", "李娜", "13905311234", address="济南市历下区"),
    ApplicantInput("370103199505052340", "阿卜杜·热合曼", "15866661234", address="济南市市中区"),
]
# (person, bundle, single items, minutes ago, complete it)
SAMPLES = [
    (0, None, ("370100-JY-0001",), 20, False),
    (1, "370100-YJS-03", (), 60 * 24 * 8, False),
    (2, "370100-YJS-10", (), 90, False),
    (1, None, ("370100-SK-0004",), 240, True),
]


def with_all_materials(rt: Runtime, app: Application) -> Application:
    plan = plan_case(rt.deps.catalogue, app)
    app.materials = {
        m.code: MaterialDecision(
            MaterialStatus.SHARED if m.shareable else MaterialStatus.RECEIVED
        )
        for m in plan.materials
    }
    app.credit_promise_signed = True
    return app


def seed(rt: Runtime) -> Actor:
    """Fill a fresh database; returns the demo teller (张敏, 1001), logged in."""
    from counter_app.services import acceptance
    from counter_app.services.backoffice import complete_item, find_case
    from counter_app.services.users import actor_of, add_user

    with rt.write() as session:
        users = {
            staff: add_user(session, staff, name, DEMO_PASSWORD, role, None, rt.deps.clock,
                            password_hash=DEMO_HASH)
            for staff, name, role in DEMO_USERS
        }
        teller = actor_of(users["1001"])
    now = rt.deps.clock()
    desk = rt.desk(users["1001"].id)
    for person, bundle, items, minutes_ago, complete in SAMPLES:
        if bundle and bundle not in rt.deps.catalogue.bundles:
            continue
        if any(code not in rt.deps.catalogue.items for code in items):
            continue
        app = Application(
            PEOPLE[person], bundle, items, accepted_at=now - timedelta(minutes=minutes_ago)
        )
        with rt.write() as session:
            result = acceptance.accept(
                session, rt.deps, desk, with_all_materials(rt, app), require_form=False
            )
        with rt.write() as session:
            case = find_case(session, result.case_no)
            assert case is not None
            for item in case.items:
                # instant items of older cases were done on the day; one case is all done
                if complete or (item.case_kind == "instant" and minutes_ago > 60):
                    complete_item(session, rt.deps, item.id, users["2001"].id, "已办结")
    _lifecycle_samples(rt, desk)
    return teller


def _lifecycle_samples(rt: Runtime, desk) -> None:  # type: ignore[no-untyped-def]
    """A unit through its clerk; 容缺 due tomorrow; 补正 waiting; 病退 waiting for its
    劳动能力鉴定 (skipped when a local catalogue lacks the items)."""
    from counter_app.services import acceptance

    catalogue = rt.deps.catalogue
    unit = ApplicantInput.unit("济南泉城劳务派遣有限公司", "91370102MA3C123456", "张建国",
                               "0531-86001234")
    clerk = AgentInput("李娜", "370102198001011237", "13905311234", "单位员工")
    samples = [
        ("accept", Application(unit, item_codes=("370100-LD-0005",), agent=clerk)),
        ("accept", Application(PEOPLE[2], "370100-YJS-07", situations={"retire_type": "illness"})),
        ("accept", Application(PEOPLE[1], "370100-YJS-07", situations={"retire_type": "normal"},
                               tolerance_promise_signed=True)),
        ("supplement", Application(PEOPLE[0], item_codes=("370100-SB-0026",))),
    ]
    for outcome, app in samples:
        codes = set(app.item_codes)
        if app.bundle_code:
            codes |= set(catalogue.bundles.get(app.bundle_code, None).mandatory
                         if app.bundle_code in catalogue.bundles else {"?"})
        if any(code not in catalogue.items for code in codes):
            continue
        if outcome == "supplement":
            app.credit_promise_signed = True
            with rt.write() as session:
                acceptance.supplement(session, rt.deps, desk, app,
                                      rt.settings.cases.supplement_days)
            continue
        with_all_materials(rt, app)
        if app.tolerance_promise_signed and "bank_card" in app.materials:
            # promised for the committed limit: the case goes on until then
            app.materials["bank_card"] = MaterialDecision(MaterialStatus.TOLERATED)
        with rt.write() as session:
            acceptance.accept(session, rt.deps, desk, app, require_form=False)
