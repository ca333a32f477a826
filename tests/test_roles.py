"""Roles are enforced in the use cases, so every door gives the same answer: a
teller (or a back-office handler) cannot take a supervisor's step through a use
case, the command line or a window; the person who was rated never verifies or
reviews their own bad rating; viewing a case unmasked is the supervisor's and
leaves a row on the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from counter_app.domain.followup import Finding, StepKind
from counter_app.domain.rating import Reason, Satisfaction, rating_input
from counter_app.domain.roles import PermissionDenied
from counter_app.services import ratings
from counter_app.services.context import Desk
from counter_app.services.users import actor_of
from counter_app.store.models import AuditEntry, User
from counter_app.usecases import cases, followups, staff
from tests.ratings.helpers import accept_case, add_staff

PASSWORD = "123456"  # add_staff's


def _actors(rt):  # type: ignore[no-untyped-def]
    add_staff(rt)  # 1001, 1002 tellers; 9001 supervisor
    with rt.uow() as session:
        from counter_app.services.users import Role, add_user

        add_user(session, "2001", "李强", PASSWORD, Role.BACKOFFICE, None, rt.deps.clock)
        add_user(session, "9002", "周洁", PASSWORD, Role.SUPERVISOR, None, rt.deps.clock)
        add_user(session, "9999", "管理员", PASSWORD, Role.ADMIN, None, rt.deps.clock)
        return {
            u.staff_no: actor_of(u) for u in session.scalars(select(User)).all()
        }


def _bad_rating_of(rt, user_id: int) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """A bad rating of a visit served by `user_id`; (case number, follow-up id)."""
    desk = Desk(rt.settings.hall.code, "3", user_id)
    case_no = accept_case(rt, desk)
    with rt.uow() as session:
        opened = ratings.open_session(session, rt.deps, desk,
                                      ratings.visit_of_case(session, case_no))
        done = ratings.record_rating(session, rt.deps, rt.settings, opened.id,
                                     rating_input(Satisfaction.DISSATISFIED, [Reason.ATTITUDE]))
    assert done.followup_id is not None
    return case_no, done.followup_id


def _step(actor, fid: int, step: StepKind, **kw) -> followups.TakeStep:  # type: ignore[no-untyped-def]
    return followups.TakeStep(actor, fid, step, "记录", **kw)


def test_use_case_door(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    who = _actors(rt)
    _, fid = _bad_rating_of(rt, who["1001"].user_id)
    for staff_no in ("1001", "1002", "2001"):  # tellers and the back office
        with pytest.raises(PermissionDenied, match="无权处理差评工单"):
            followups.take_step(rt, _step(who[staff_no], fid, StepKind.CALLBACK))
    followups.take_step(rt, _step(who["9001"], fid, StepKind.CALLBACK))
    row = followups.take_step(rt, _step(who["9999"], fid, StepKind.VERIFY,
                                        finding=Finding.WRONG))
    assert row.status == "verified"
    followups.take_step(rt, _step(who["9001"], fid, StepKind.APPEAL))
    with pytest.raises(PermissionDenied):  # the rated teller cannot decide the appeal …
        followups.take_step(rt, _step(who["1001"], fid, StepKind.REVIEW, upheld=True))
    row = followups.take_step(rt, _step(who["9002"], fid, StepKind.REVIEW, upheld=True))
    assert row.status == "not_adopted"  # … another supervisor does


def test_a_supervisor_rated_badly_does_not_review_it(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    who = _actors(rt)
    _, fid = _bad_rating_of(rt, who["9001"].user_id)  # the supervisor served at a window
    followups.take_step(rt, _step(who["9002"], fid, StepKind.CALLBACK))
    with pytest.raises(PermissionDenied, match="被评价人不能核实本人的差评"):
        followups.take_step(rt, _step(who["9001"], fid, StepKind.VERIFY,
                                      finding=Finding.MALICIOUS))
    followups.take_step(rt, _step(who["9002"], fid, StepKind.VERIFY, finding=Finding.MALICIOUS))
    followups.take_step(rt, _step(who["9001"], fid, StepKind.APPEAL))  # may file the appeal
    with pytest.raises(PermissionDenied, match="被评价人不能申诉复核"):
        followups.take_step(rt, _step(who["9001"], fid, StepKind.REVIEW, upheld=True))


def test_command_line_door(runtime, staff_cli) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    who = _actors(rt)
    _, fid = _bad_rating_of(rt, who["1001"].user_id)
    url = rt.engine.url.render_as_string(hide_password=False)
    for staff_no in ("1001", "2001"):
        code, _, err = staff_cli(staff_no, "--db", url, "followup", "step", str(fid),
                                 "callback", "--what", "已回访", password=PASSWORD)
        assert code == 2 and "无权处理差评工单" in err
    code, _, err = staff_cli("1001", "--db", url, "followup", "step", str(fid), "callback",
                             "--what", "已回访", password="wrong-password")
    assert code == 2 and "工号或密码错误" in err  # a staff number alone is not believed
    code, out, err = staff_cli("9001", "--db", url, "followup", "step", str(fid), "callback",
                               "--what", "已回访", "--json", password=PASSWORD)
    assert code == 0, err
    code, _, err = staff_cli("1001", "--db", url, "user", "add", "7777", "--name", "某某",
                             "--role", "admin", "--new-password-stdin", password=PASSWORD)
    assert code == 2 and "无权管理账号" in err


def test_window_door(qtbot, runtime, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from ui import app
    from ui.bridge.tasks import TaskRunner
    from ui.context import AppContext
    from ui.panels.followup_actions import FollowUpPane

    rt = runtime
    who = _actors(rt)
    _, fid = _bad_rating_of(rt, who["1001"].user_id)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    assert app._surface("supervisor", AppContext(rt, who["1001"]), "none") is None
    assert app._surface("backoffice", AppContext(rt, who["1001"]), "none") is None
    assert len(warned) == 2
    # Even a pane put in front of a teller refuses the step: the use case decides.
    pane = FollowUpPane(AppContext(rt, who["1001"]), TaskRunner())
    qtbot.addWidget(pane)
    messages: list[str] = []
    pane.message.connect(messages.append)
    pane.run_step("callback", fid, "已回访")
    qtbot.waitUntil(lambda: bool(messages), timeout=5_000)
    assert "未保存" in messages[0] and "无权处理差评工单" in messages[0]


def test_viewing_a_case_unmasked_leaves_an_audit_row(runtime) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    who = _actors(rt)
    case_no = accept_case(rt, Desk(rt.settings.hall.code, "3", who["1001"].user_id))
    masked = cases.show_case(rt, cases.ShowCase(who["1001"], case_no))
    assert "********" in masked.applicant.id_number
    with pytest.raises(PermissionDenied):
        cases.show_case(rt, cases.ShowCase(who["1001"], case_no, unmasked=True))
    full = cases.show_case(rt, cases.ShowCase(who["9001"], case_no, unmasked=True))
    assert full.applicant.id_number == "11010519491231002X"
    with rt.uow() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.subject == case_no)
                               .order_by(AuditEntry.id)).all()
        trail = [(r.action, r.staff_no) for r in rows]
        assert all(r.workstation and r.at for r in rows)
    assert ("view_case", "1001") in trail and ("view_unmasked", "9001") in trail
    lines = staff.audit_trail(rt, staff.AuditQuery(who["9001"], subject=case_no))
    assert any(line.action == "view_unmasked" and "王丽" in line.who for line in lines)
    with pytest.raises(PermissionDenied):
        staff.audit_trail(rt, staff.AuditQuery(who["1001"]))
