"""Cases: submit an application once (accept, 一次性告知 or 不予受理) from the window or
an online channel, write its papers, show a case, the teller's list.

The same application gives the same outcome whichever door it comes through: the
teller window and `counter-app case accept` both call `submit_application`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from counter_app.domain.application import (
    Application,
    MaterialStatus,
    material_decisions,
    plan_case,
)
from counter_app.domain.audit import AuditAction
from counter_app.domain.case import CaseChannel
from counter_app.domain.roles import Actor, Permission
from counter_app.domain.transitions import LabelledEnum
from counter_app.runtime import Runtime
from counter_app.services import acceptance, audit, caseviews, papers
from counter_app.services.acceptance import AcceptResult
from counter_app.services.backoffice import find_case
from counter_app.services.context import Desk

log = logging.getLogger(__name__)


class Outcome(LabelledEnum):
    ACCEPT = "accept", "受理"
    SUPPLEMENT = "supplement", "一次性告知"
    REJECT = "reject", "不予受理"
    AUTO = "auto", "按材料判断"  # a required material missing → 一次性告知, else accept


class CaseNotFound(LookupError):
    pass


_AUDIT = {
    Outcome.ACCEPT: AuditAction.CASE_ACCEPTED,
    Outcome.SUPPLEMENT: AuditAction.CASE_SUPPLEMENT,
    Outcome.REJECT: AuditAction.CASE_REJECTED,
}


@dataclass(frozen=True)
class SubmitApplication:
    actor: Actor
    application: Application
    outcome: Outcome = Outcome.AUTO
    reason: str = ""  # 不予受理
    ticket_id: int | None = None  # the queue visit the case belongs to
    window_no: str | None = None  # default: this PC's window
    write_papers: bool = True


@dataclass(frozen=True)
class Submitted:
    result: AcceptResult
    papers: dict[str, Path] = field(default_factory=dict)
    paper_errors: dict[str, str] = field(default_factory=dict)


def submit_application(rt: Runtime, cmd: SubmitApplication) -> Submitted:
    """Store the outcome in one transaction, then write its papers (a paper that
    fails to render never undoes the stored case; it can be printed again)."""
    app = cmd.application
    window = CaseChannel(app.channel) is CaseChannel.WINDOW
    cmd.actor.require(Permission.ACCEPT_AT_WINDOW if window else Permission.ACCEPT_ONLINE)
    desk = Desk(
        rt.settings.hall.code,
        cmd.window_no if cmd.window_no is not None else rt.settings.hall.window_no,
        cmd.actor.user_id,
        cmd.ticket_id,
    )
    outcome = cmd.outcome
    if outcome is Outcome.AUTO:
        decisions = material_decisions(plan_case(rt.deps.catalogue, app), app)
        missing = any(d.status is MaterialStatus.MISSING for d in decisions.values())
        outcome = Outcome.SUPPLEMENT if missing else Outcome.ACCEPT
    with rt.write() as session:
        if outcome is Outcome.ACCEPT:
            # Online forms may lack fields the back office fills in; at the window the
            # teller completes the one form before accepting.
            result = acceptance.accept(session, rt.deps, desk, app, require_form=window)
        elif outcome is Outcome.SUPPLEMENT:
            result = acceptance.supplement(
                session, rt.deps, desk, app, rt.settings.cases.supplement_days
            )
        else:
            result = acceptance.reject(session, rt.deps, desk, app, cmd.reason)
        audit.record(session, rt.deps.clock(), cmd.actor, _AUDIT[outcome], "case",
                     result.case_no, channel=str(app.channel))
    if not cmd.write_papers:
        return Submitted(result)
    written = write_case_papers(rt, result.case_no)
    return Submitted(result, written.papers, written.errors)


@dataclass(frozen=True)
class CasePapers:
    case_no: str
    papers: dict[str, Path]
    errors: dict[str, str]


def write_case_papers(rt: Runtime, case_no: str, docs: tuple[str, ...] = ()) -> CasePapers:
    """Write the case's papers (all that fit its state, or `docs`) to its folder."""
    folder = rt.settings.cases.effective_papers_dir / case_no
    written: dict[str, Path] = {}
    errors: dict[str, str] = {}
    with rt.read() as session:
        case = find_case(session, case_no)
        if case is None:
            raise CaseNotFound(f"未找到办件 {case_no}")
        for doc in docs or papers.available_papers(case):
            try:
                written[doc] = papers.render(
                    case, rt.settings.hall, rt.settings.cases, doc, folder / f"{doc}.pdf"
                )
            except Exception as exc:  # one bad paper must not hide the others
                log.exception("paper %s of %s failed", doc, case_no)
                errors[doc] = str(exc)
    return CasePapers(case_no, written, errors)


def print_paper(rt: Runtime, case_no: str, doc: str, out: Path) -> Path:
    """One paper of a case to a PDF file (`counter-app case print`)."""
    with rt.read() as session:
        case = find_case(session, case_no)
        if case is None:
            raise CaseNotFound(f"未找到办件 {case_no}")
        return papers.render(case, rt.settings.hall, rt.settings.cases, doc, out)


@dataclass(frozen=True)
class ShowCase:
    actor: Actor
    case_no: str
    unmasked: bool = False


def show_case(rt: Runtime, cmd: ShowCase) -> caseviews.CaseDetail:
    """A case with its applicant, sub-items and materials (masked unless asked). Every
    view is on the audit trail, the unmasked ones as such."""
    cmd.actor.require(Permission.VIEW_UNMASKED if cmd.unmasked else Permission.VIEW_CASE)
    with rt.write() as session:
        case = find_case(session, cmd.case_no)
        if case is None:
            raise CaseNotFound(f"未找到办件 {cmd.case_no}")
        action = AuditAction.VIEW_UNMASKED if cmd.unmasked else AuditAction.VIEW_CASE
        audit.record(session, rt.deps.clock(), cmd.actor, action, "case", case.case_no)
        return caseviews.case_detail(case, unmasked=cmd.unmasked)


def desk_cases(rt: Runtime, window_no: str | None = None) -> list[caseviews.CaseRow]:
    """The teller's list: today's cases at this window and every open one."""
    with rt.read() as session:
        return caseviews.desk_cases(
            session, rt.deps, window_no if window_no is not None else rt.settings.hall.window_no
        )


def history_count(rt: Runtime, id_number: str) -> int:
    """How many earlier cases the applicant has (the applicant panel)."""
    with rt.read() as session:
        return caseviews.history_count(session, id_number)
