"""拆包分办: a back-office handler of a unit completes and returns that unit's
sub-items only, through every door (use case, command line); staff with no unit
(the supervisor) handle any. A try on another unit's sub-item changes nothing and
says in Chinese whose it is."""

from __future__ import annotations

import pytest

from counter_app.demo import with_all_materials
from counter_app.domain.application import ApplicantInput, Application
from counter_app.services import acceptance
from counter_app.services.backoffice import BackOfficeError, find_case
from counter_app.services.users import Role, actor_of, add_user
from counter_app.usecases import backoffice

PASSWORD = "secret1"
CARD, JOB = "370100-SK-0004", "370100-JY-0001"  # 市社会保障卡服务中心 / 就业服务科


def _setup(rt):  # type: ignore[no-untyped-def]
    """A case with a sub-item for each of two units; a handler of the card centre
    (2003) and a supervisor (9001)."""
    unit = rt.deps.catalogue.items[CARD].unit.code
    with rt.uow() as session:
        card = actor_of(add_user(session, "2003", "赵敏", PASSWORD, Role.BACKOFFICE, unit,
                                 rt.deps.clock))
        boss = actor_of(add_user(session, "9001", "王丽", PASSWORD, Role.SUPERVISOR, None,
                                 rt.deps.clock))
        person = ApplicantInput("370102198001011237", "李娜", "13905311234")
        app = with_all_materials(rt, Application(person, item_codes=(CARD, JOB)))
        case_no = acceptance.accept(session, rt.deps, rt.desk(), app,
                                    require_form=False).case_no
    return card, boss, case_no


def _items(rt, case_no: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with rt.uow() as session:
        return {i.item_code: str(i.status) for i in find_case(session, case_no).items}


def _item_id(rt, case_no: str, code: str) -> int:  # type: ignore[no-untyped-def]
    with rt.uow() as session:
        return next(i.id for i in find_case(session, case_no).items if i.item_code == code)


def test_use_case_door(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    card, boss, case_no = _setup(rt)
    job_id = _item_id(rt, case_no, JOB)
    with pytest.raises(BackOfficeError, match="就业服务科办理，不是本单位的子事项"):
        backoffice.complete_sub_item(rt, backoffice.CompleteSubItem(card, job_id))
    with pytest.raises(BackOfficeError, match="不是本单位的子事项"):
        backoffice.return_sub_item(rt, backoffice.ReturnSubItem(card, job_id, "材料不全"))
    with pytest.raises(BackOfficeError, match="不是本单位的子事项"):
        backoffice.complete_case_items(rt, backoffice.CompleteCaseItems(card, case_no, (JOB,)))
    with pytest.raises(BackOfficeError, match="不是本单位的子事项"):
        backoffice.return_case_item(rt, backoffice.ReturnCaseItem(card, case_no, JOB, "材料不全"))
    assert _items(rt, case_no) == {CARD: "pending", JOB: "pending"}

    # "complete the case" by the card centre: its own sub-item, not the other unit's
    backoffice.complete_case_items(rt, backoffice.CompleteCaseItems(card, case_no))
    assert _items(rt, case_no) == {CARD: "done", JOB: "pending"}
    with pytest.raises(BackOfficeError, match="没有本单位待办的子事项"):
        backoffice.complete_case_items(rt, backoffice.CompleteCaseItems(card, case_no))
    # the supervisor, of no unit, may
    backoffice.complete_sub_item(rt, backoffice.CompleteSubItem(boss, job_id))
    assert _items(rt, case_no) == {CARD: "done", JOB: "done"}


def test_command_line_door(runtime, staff_cli) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    _card, _boss, case_no = _setup(rt)
    url = rt.engine.url.render_as_string(hide_password=False)
    code, _, err = staff_cli("2003", "--db", url, "case", "complete", case_no, "--item", JOB)
    assert code == 2 and "不是本单位的子事项" in err and "Traceback" not in err
    code, _, err = staff_cli("2003", "--db", url, "case", "return", case_no, "--item", JOB,
                             "--reason", "材料不全")
    assert code == 2 and "不是本单位的子事项" in err
    assert _items(rt, case_no) == {CARD: "pending", JOB: "pending"}
    code, _, err = staff_cli("2003", "--db", url, "case", "complete", case_no)
    assert code == 0, err
    assert _items(rt, case_no) == {CARD: "done", JOB: "pending"}
