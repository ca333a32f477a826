"""Cases: submit an application once (accept, 一次性告知 or 不予受理) from the window or
an online channel, write its papers, show a case, the teller's list; supply a
material later (容缺 or 补正), and the sweep that applies the overdue rules.

The same application gives the same outcome whichever door it comes through: the
teller window and `counter-app case accept` both call `submit_application`, the
case detail view and `counter-app case supply` both call `supply_material`, every
window's background worker and `counter-app case sweep` both call `sweep`. Each
change of a case queues its provincial case record (受理 / 办结) in the same
transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from counter_app.domain.applicant import ApplicantKind
from counter_app.domain.application import (
    Application,
    MaterialStatus,
    material_decisions,
    plan_case,
)
from counter_app.domain.audit import AuditAction
from counter_app.domain.case import CaseChannel, CaseStatus
from counter_app.domain.roles import Actor, Permission
from counter_app.domain.transitions import LabelledEnum
from counter_app.runtime import Runtime
from counter_app.services import acceptance, applicants, audit, case_records, caseviews, papers
from counter_app.services import lifecycle as lifecycle_service
from counter_app.services.acceptance import AcceptResult
from counter_app.services.backoffice import find_case
from counter_app.services.context import Desk
from counter_app.services.lifecycle import (  # noqa: F401 - re-exported for callers:
    # supply_material refuses (LifecycleError), or refuses after an overdue rule closed
    # the case (ClosedByRule: PromiseBroken, SupplementLapsed)
    ClosedByRule,
    LifecycleError,
    PromiseBroken,
    SupplementLapsed,
)
from counter_app.store.models import Case

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
    fails to render never undoes the stored case; it can be printed again).

    The same `application_id` from the same channel is one case: a second submission
    (or two at once) returns the first case, marked duplicate, and stores nothing."""
    app = cmd.application
    window = CaseChannel(app.channel) is CaseChannel.WINDOW
    cmd.actor.require(Permission.ACCEPT_AT_WINDOW if window else Permission.ACCEPT_ONLINE)
    if app.application_id:
        earlier = _earlier(rt, app)
        if earlier is not None:
            return Submitted(earlier)
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
    rules = rt.settings.cases
    try:
        with rt.write() as session:
            if outcome is Outcome.ACCEPT:
                # Online forms may lack fields the back office fills in; at the window
                # the teller completes the one form before accepting.
                result = acceptance.accept(session, rt.deps, desk, app, require_form=window,
                                           ban_days=rules.tolerance_ban_days)
            elif outcome is Outcome.SUPPLEMENT:
                result = acceptance.supplement(session, rt.deps, desk, app,
                                               rules.supplement_days,
                                               ban_days=rules.tolerance_ban_days)
            else:
                result = acceptance.reject(session, rt.deps, desk, app, cmd.reason)
            _record_case(session, rt, result.case_no)
            audit.record(session, rt.deps.clock(), cmd.actor, _AUDIT[outcome], "case",
                         result.case_no, channel=str(app.channel))
    except IntegrityError:
        # the same application_id stored a moment ago by another window or process
        earlier = _earlier(rt, app) if app.application_id else None
        if earlier is None:
            raise
        return Submitted(earlier)
    if not cmd.write_papers:
        return Submitted(result)
    written = write_case_papers(rt, result.case_no)
    return Submitted(result, written.papers, written.errors)


def _earlier(rt: Runtime, app: Application) -> AcceptResult | None:
    """The case an earlier submission of this application_id made, if any."""
    with rt.read() as session:
        case = session.scalar(select(Case).where(
            Case.channel == CaseChannel(app.channel),
            Case.application_id == app.application_id,
        ))
        if case is None:
            return None
        case = find_case(session, case.case_no)
        assert case is not None
        return acceptance.result_of(case, duplicate=True)


def _record_case(session: Session, rt: Runtime, case_no: str) -> None:
    """Queue the provincial case record the case's status calls for."""
    case = find_case(session, case_no)
    assert case is not None
    record = case_records.for_status(case)
    if record is not None:
        case_records.enqueue(session, rt.settings, case, record, rt.deps.clock())


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
    """A case with its applicant, agent, sub-items and materials (masked unless
    asked). Every view is on the audit trail, the unmasked ones as such."""
    cmd.actor.require(Permission.VIEW_UNMASKED if cmd.unmasked else Permission.VIEW_CASE)
    with rt.write() as session:
        case = find_case(session, cmd.case_no)
        if case is None:
            raise CaseNotFound(f"未找到办件 {cmd.case_no}")
        action = AuditAction.VIEW_UNMASKED if cmd.unmasked else AuditAction.VIEW_CASE
        audit.record(session, rt.deps.clock(), cmd.actor, action, "case", case.case_no)
        return _detail(rt, case, session, cmd.actor, unmasked=cmd.unmasked)


def _detail(rt: Runtime, case: Case, session: Session | None = None,
            actor: Actor | None = None, *, unmasked: bool = False) -> caseviews.CaseDetail:
    """The case in full; inside a session also its history (with who looked at it
    for those who may read the audit trail)."""
    detail = caseviews.case_detail(case, unmasked=unmasked, deps=rt.deps,
                                   soon_days=rt.settings.cases.tolerance_due_soon_days)
    if session is None:
        return detail
    views = actor is not None and actor.can(Permission.VIEW_AUDIT)
    return replace(detail, history=caseviews.case_history(session, case, with_views=views),
                   papers=papers.available_papers(case))


def desk_cases(rt: Runtime, window_no: str | None = None) -> list[caseviews.CaseRow]:
    """The teller's list: today's cases at this window and every open one (补正 cases
    waiting for materials too), 容缺 promises due soon or overdue among the urgent."""
    with rt.read() as session:
        return caseviews.desk_cases(
            session, rt.deps,
            window_no if window_no is not None else rt.settings.hall.window_no,
            rt.settings.cases.tolerance_due_soon_days, hall_code=rt.settings.hall.code,
        )


def history_count(rt: Runtime, id_number: str,
                  kind: ApplicantKind = ApplicantKind.PERSON) -> int:
    """How many earlier cases the applicant has (the applicant panel)."""
    with rt.read() as session:
        return caseviews.history_count(session, id_number, kind)


def tolerance_ban(rt: Runtime, kind: ApplicantKind, number: str
                  ) -> applicants.ToleranceBan | None:
    """Why the applicant may not be offered 容缺 now (a broken promise within the
    configured period), or None; `.message` says it in Chinese for the teller."""
    with rt.read() as session:
        return applicants.tolerance_ban(session, kind, number, rt.today(),
                                        rt.settings.cases.tolerance_ban_days)


# ---- after the receipt ---------------------------------------------------------------------


@dataclass(frozen=True)
class SupplyMaterial:
    """A tolerated (容缺) or missing (补正) material handed in: at the window (the case
    detail view), or online (`counter-app case supply`)."""

    actor: Actor
    case_no: str
    material_code: str  # the material's code (or its name)
    supplied_at: datetime | None = None  # default: now


def supply_material(rt: Runtime, cmd: SupplyMaterial) -> caseviews.CaseDetail:
    """The material becomes 已收取 with the time it came. The last missing material
    of a 补正 case accepts it from that day (sub-items routed, deadlines counted from
    it). A material that comes too late is refused and the rule the sweep applies is
    applied then and there: PromiseBroken (容缺 promise past: terminated) or
    SupplementLapsed (补正 deadline past: withdrawn)."""
    cmd.actor.require(Permission.SUPPLY_MATERIAL)
    broken: ClosedByRule | None = None
    with rt.write() as session:
        case = lifecycle_service.lock_case(session, cmd.case_no)
        if case is None:
            raise CaseNotFound(f"未找到办件 {cmd.case_no}")
        now = rt.deps.clock()
        try:
            done = lifecycle_service.supply(session, rt.deps, case, cmd.material_code,
                                            cmd.supplied_at, cmd.actor.user_id)
        except ClosedByRule as exc:  # the rule's outcome is kept: commit, then say so
            broken = exc
            action = (AuditAction.CASE_TERMINATED if case.status == CaseStatus.TERMINATED
                      else AuditAction.CASE_WITHDRAWN)
            audit.record(session, now, cmd.actor, action, "case", case.case_no,
                         reason=case.reason)
            case_records.enqueue(session, rt.settings, case, "finish", now)
        else:
            audit.record(session, now, cmd.actor, AuditAction.MATERIAL_SUPPLIED, "case",
                         case.case_no, material=done.material.material_code,
                         accepted=done.accepted_now or None)
            if done.accepted_now:
                case_records.enqueue(session, rt.settings, case, "accept", now)
        detail = _detail(rt, case, session, cmd.actor)
    if broken is not None:
        raise broken
    return detail


@dataclass(frozen=True)
class Sweep:
    actor: Actor


@dataclass(frozen=True)
class Swept:
    terminated: tuple[str, ...]  # case numbers: 容缺 promise broken → 终止办理
    withdrawn: tuple[str, ...]  # 补正 not answered → 视为撤回
    skipped: int  # held by another sweeper or a window at that moment (next pass)

    def as_json(self) -> dict[str, object]:
        return {"terminated": list(self.terminated), "withdrawn": list(self.withdrawn),
                "skipped": self.skipped}


def sweep(rt: Runtime, cmd: Sweep) -> Swept:
    """Apply the overdue rules once: idempotent, safe with many sweepers at once."""
    cmd.actor.require(Permission.SWEEP)
    with rt.write() as session:
        done = lifecycle_service.sweep(session, rt.deps)
        now = rt.deps.clock()
        for case_no, action in [*((c, AuditAction.CASE_TERMINATED) for c in done.terminated),
                                *((c, AuditAction.CASE_WITHDRAWN) for c in done.withdrawn)]:
            case = find_case(session, case_no)
            assert case is not None
            audit.record(session, now, cmd.actor, action, "case", case_no, reason=case.reason)
            case_records.enqueue(session, rt.settings, case, "finish", now)
    if done.changed:
        log.info("sweep: %d terminated, %d withdrawn", len(done.terminated),
                 len(done.withdrawn))
    return Swept(tuple(done.terminated), tuple(done.withdrawn), done.skipped)
