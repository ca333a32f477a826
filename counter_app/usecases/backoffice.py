"""The back office (拆包分办 → 综合反馈): a unit's worklist; complete or return a
sub-item. When the last sub-item is done the case is complete and its completion
notice can be printed."""

from __future__ import annotations

from dataclasses import dataclass, replace

from counter_app.domain.audit import AuditAction
from counter_app.domain.case import CaseStatus, SubItemStatus
from counter_app.domain.roles import Actor, Permission
from counter_app.runtime import Runtime
from counter_app.services import audit, backoffice, case_records, caseviews, papers
from counter_app.services.backoffice import BackOfficeError, find_case
from counter_app.store.models import Case, CaseItem


def work_list(rt: Runtime, unit_code: str | None) -> list[caseviews.WorkRow]:
    """Sub-items of a unit (all units when None) to work on or waiting for a
    prerequisite, and those of cases terminated or withdrawn lately (with why), most
    urgent first."""
    with rt.read() as session:
        return caseviews.work_rows(session, rt.deps, unit_code,
                                   rt.settings.cases.tolerance_due_soon_days)


def _check_unit(actor: Actor, item: CaseItem) -> None:
    """拆包分办: a handler of a unit completes and returns that unit's sub-items only.
    Staff with no unit (the supervisor, an administrator, a handler set up for every
    unit) may act on any; everyone may look at the whole case."""
    if actor.unit_code and item.unit_code != actor.unit_code:
        raise BackOfficeError(
            f"“{item.item_name}”由{item.unit_name}办理，不是本单位的子事项，不能办结或退回"
        )


def _finished(session, rt: Runtime, case: Case) -> None:  # type: ignore[no-untyped-def]
    """The case's last sub-item is done: queue its provincial 办结 record."""
    if CaseStatus(case.status) is CaseStatus.COMPLETE:
        case_records.enqueue(session, rt.settings, case, "finish", rt.deps.clock())


@dataclass(frozen=True)
class CaseChanged:
    case_no: str
    status: CaseStatus


@dataclass(frozen=True)
class CompleteSubItem:
    actor: Actor
    item_id: int
    result: str = ""


@dataclass(frozen=True)
class ReturnSubItem:
    actor: Actor
    item_id: int
    reason: str


def complete_sub_item(rt: Runtime, cmd: CompleteSubItem) -> CaseChanged:
    cmd.actor.require(Permission.HANDLE_SUB_ITEM)
    with rt.write() as session:
        _check_unit(cmd.actor, backoffice.load_item(session, cmd.item_id))
        case = backoffice.complete_item(session, rt.deps, cmd.item_id, cmd.actor.user_id,
                                        cmd.result)
        audit.record(session, rt.deps.clock(), cmd.actor, AuditAction.SUB_ITEM_DONE, "case",
                     case.case_no, item_id=cmd.item_id)
        _finished(session, rt, case)
        return CaseChanged(case.case_no, CaseStatus(case.status))


def return_sub_item(rt: Runtime, cmd: ReturnSubItem) -> CaseChanged:
    cmd.actor.require(Permission.HANDLE_SUB_ITEM)
    with rt.write() as session:
        _check_unit(cmd.actor, backoffice.load_item(session, cmd.item_id))
        case = backoffice.return_item(session, rt.deps, cmd.item_id, cmd.actor.user_id,
                                      cmd.reason)
        audit.record(session, rt.deps.clock(), cmd.actor, AuditAction.SUB_ITEM_RETURNED,
                     "case", case.case_no, item_id=cmd.item_id)
        return CaseChanged(case.case_no, CaseStatus(case.status))


@dataclass(frozen=True)
class CompleteCaseItems:
    """Complete the named sub-items of a case (when none are named: all its pending
    ones, of the handler's unit if they have one)."""

    actor: Actor
    case_no: str
    item_codes: tuple[str, ...] = ()
    result: str = ""


@dataclass(frozen=True)
class ReturnCaseItem:
    actor: Actor
    case_no: str
    item_code: str
    reason: str


def complete_case_items(rt: Runtime, cmd: CompleteCaseItems) -> caseviews.CaseDetail:
    cmd.actor.require(Permission.HANDLE_SUB_ITEM)
    with rt.write() as session:
        case = _case(session, cmd.case_no)
        wanted = set(cmd.item_codes)
        unknown = wanted - {i.item_code for i in case.items}
        if unknown:
            raise BackOfficeError(f"办件{case.case_no}中没有事项：{'、'.join(sorted(unknown))}")
        for item in case.items:
            if item.item_code in wanted:
                _check_unit(cmd.actor, item)
        mine = [i for i in case.items
                if not cmd.actor.unit_code or i.unit_code == cmd.actor.unit_code]
        if not wanted and cmd.actor.unit_code and not any(
                i.status == SubItemStatus.PENDING for i in mine):
            raise BackOfficeError(f"办件{case.case_no}中没有本单位待办的子事项")
        done: set[int] = set()
        while True:  # an item that waited starts when its prerequisite is done
            targets = [
                i.id for i in mine
                if i.status == SubItemStatus.PENDING and i.id not in done
                and (not wanted or i.item_code in wanted)
            ]
            if not targets:
                break
            for item_id in targets:
                backoffice.complete_item(session, rt.deps, item_id, cmd.actor.user_id,
                                         cmd.result)
                done.add(item_id)
                audit.record(session, rt.deps.clock(), cmd.actor, AuditAction.SUB_ITEM_DONE,
                             "case", case.case_no, item_id=item_id)
        _finished(session, rt, case)
        return _detail(session, rt, case, cmd.actor)


def return_case_item(rt: Runtime, cmd: ReturnCaseItem) -> caseviews.CaseDetail:
    cmd.actor.require(Permission.HANDLE_SUB_ITEM)
    with rt.write() as session:
        case = _case(session, cmd.case_no)
        item = next((i for i in case.items if i.item_code == cmd.item_code), None)
        if item is None:
            raise BackOfficeError(f"办件{case.case_no}中没有事项 {cmd.item_code}")
        _check_unit(cmd.actor, item)
        backoffice.return_item(session, rt.deps, item.id, cmd.actor.user_id, cmd.reason)
        audit.record(session, rt.deps.clock(), cmd.actor, AuditAction.SUB_ITEM_RETURNED,
                     "case", case.case_no, item_id=item.id)
        return _detail(session, rt, case, cmd.actor)


def _detail(session, rt: Runtime, case: Case,  # type: ignore[no-untyped-def]
            actor: Actor) -> caseviews.CaseDetail:
    """The case as the case detail view shows it after the change (with its history)."""
    detail = caseviews.case_detail(case, deps=rt.deps,
                                   soon_days=rt.settings.cases.tolerance_due_soon_days)
    views = actor.can(Permission.VIEW_AUDIT)
    return replace(detail, history=caseviews.case_history(session, case, with_views=views),
                   papers=papers.available_papers(case))


def _case(session, case_no: str):  # type: ignore[no-untyped-def]
    case = find_case(session, case_no)
    if case is None:
        raise BackOfficeError(f"未找到办件 {case_no}")
    return case
