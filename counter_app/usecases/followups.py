"""The bad-rating follow-up (差评工单): every step by one command, the ledger, the
报告单 (政务服务差评事项核查整改情况报告单).

Steps are the supervisor's (值班长) and the administrator's; the person who was
rated never verifies or reviews a bad rating about themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from counter_app.domain.audit import AuditAction
from counter_app.domain.followup import Finding, RectifyMode, StepKind
from counter_app.domain.roles import Actor, Permission, PermissionDenied
from counter_app.runtime import Runtime
from counter_app.services import audit, followup
from counter_app.services.followup import Alert, FollowUpError, FollowUpRow
from counter_app.store.models import FollowUp

#: Steps the rated person may never take on their own bad rating.
_NOT_ABOUT_ONESELF = (StepKind.VERIFY, StepKind.REVIEW)


@dataclass(frozen=True)
class TakeStep:
    actor: Actor
    followup_id: int
    step: StepKind
    what: str
    reached: bool = True  # callback: the applicant was reached
    finding: Finding | None = None  # verify
    mode: RectifyMode | None = None  # rectify
    deadline: date | None = None  # rectify in the ledger
    upheld: bool = False  # review: the appeal stands, the rating is not adopted


def take_step(rt: Runtime, cmd: TakeStep) -> FollowUpRow:
    """Record one step; refused when it does not fit the follow-up's state."""
    cmd.actor.require(Permission.FOLLOW_UP)
    deps, settings, fid, actor, what = rt.deps, rt.settings, cmd.followup_id, cmd.actor, cmd.what
    with rt.write() as session:
        fu = session.get(FollowUp, fid)
        if fu is None:
            raise FollowUpError(f"差评工单 {fid} 不存在")
        if cmd.step in _NOT_ABOUT_ONESELF and actor.user_id is not None \
                and actor.user_id == fu.teller_id:
            raise PermissionDenied(f"被评价人不能{cmd.step.label}本人的差评，请由其他值班长办理")
        step = cmd.step
        if step is StepKind.CALLBACK:
            followup.callback(session, deps, fid, actor, what, reached=cmd.reached)
        elif step is StepKind.VERIFY:
            if cmd.finding is None:
                raise FollowUpError("核实须给出核实结论")
            followup.verify(session, deps, fid, actor, cmd.finding, what)
        elif step is StepKind.APPEAL:
            followup.appeal(session, deps, fid, actor, what)
        elif step is StepKind.REVIEW:
            followup.review_appeal(session, deps, settings, fid, actor, cmd.upheld, what)
        elif step is StepKind.RECTIFY:
            if cmd.mode is None:
                raise FollowUpError("整改须选择整改方式")
            followup.rectify(session, deps, settings, fid, actor, cmd.mode, what,
                             deadline=cmd.deadline)
        elif step is StepKind.RECTIFY_DONE:
            followup.rectify_done(session, deps, settings, fid, actor, what)
        elif step is StepKind.FEEDBACK:
            followup.feedback(session, deps, fid, actor, what)
        elif step is StepKind.REPORT:
            followup.mark_reported(session, deps, fid, actor, what)
        else:
            raise FollowUpError(f"不能手工记录“{step.label}”")
        audit.record(session, deps.clock(), actor, AuditAction.FOLLOWUP_STEP, "followup",
                     str(fid), step=step.value)
        return followup.get_row(session, deps, settings, fid)


def ledger(rt: Runtime, *, open_only: bool = False, everything: bool = False,
           with_steps: bool = True) -> list[FollowUpRow]:
    """The hall's follow-ups, overdue first: the open ones and those of the last
    week (`everything`: all of them, for an export); `with_steps=False` as a list
    on screen shows them (the pane fetches one follow-up's steps)."""
    with rt.read() as session:
        return followup.ledger(session, rt.deps, rt.settings, rt.settings.hall.code,
                               open_only=open_only,
                               recent_days=None if everything else followup.RECENT_DAYS,
                               with_steps=with_steps)


def ledger_page(rt: Runtime, before_id: int | None = None, limit: int = 100,
                window_no: str | None = None) -> followup.LedgerPage:
    """Older finished follow-ups, newest first, a page at a time."""
    with rt.read() as session:
        return followup.ledger_page(session, rt.deps, rt.settings, rt.settings.hall.code,
                                    before_id=before_id, limit=limit, window_no=window_no)


def followup_row(rt: Runtime, followup_id: int) -> FollowUpRow:
    with rt.read() as session:
        return followup.get_row(session, rt.deps, rt.settings, followup_id)


@dataclass(frozen=True)
class WriteReportSheet:
    actor: Actor
    followup_id: int
    out: Path | None = None  # default: papers folder / followups / 报告单-CP000123.pdf


def write_report_sheet(rt: Runtime, cmd: WriteReportSheet) -> Path:
    """The 报告单 as a PDF (the one place it is generated)."""
    from printing.pdf import followup_report  # reportlab: loaded on first use

    cmd.actor.require(Permission.FOLLOW_UP)
    with rt.read() as session:
        data = followup.report_sheet_data(session, rt.deps, rt.settings, cmd.followup_id)
    out = cmd.out or (
        rt.settings.cases.effective_papers_dir / "followups" / f"报告单-{data.sheet_no}.pdf"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    return followup_report.render(data, out)


def alerts_since(rt: Runtime, last_id: int) -> list[Alert]:
    """Follow-ups opened after `last_id` (the supervisor's new bad ratings)."""
    with rt.read() as session:
        return followup.alerts_since(session, rt.settings.hall.code, last_id)
