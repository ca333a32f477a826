"""The case records for the provincial platform (GB/T 39046-2020 tables 6–8: 受理,
办理, 办结; domain.md §4), through the same outbox as the ratings: written in the
transaction that makes the fact, delivered at least once, received exactly once (the
key is the idempotency key), to the target "case" (setting case_report_url).

One record per item of the case (办件事项), keyed "<case no>-<record>-<item seq>":

| record   | when                                                        |
|----------|-------------------------------------------------------------|
| receive  | 收件 of a 一次性告知 case (accept_status supplement)          |
| accept   | 受理 (accepted, or accepted when the 补正 was complete) or 不予受理 (rejected) |
| finish   | 办结 (complete), 终止办理 (terminated) or 视为撤回 (withdrawn) |

Payloads hold meanings (see hcp_export.CASE_SOURCES); the profile's [case_fields]
and [codes.*] turn them into the target's fields and codes when sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.config import Settings
from counter_app.domain.case import CaseStatus
from counter_app.services import outbox
from counter_app.store.models import Case, CaseItem, OutboxMessage, User

TARGET = "case"
RECORDS = ("receive", "accept", "finish")


def _record(settings: Settings, case: Case, item: CaseItem, record: str,
            teller: User | None) -> dict[str, Any]:
    status = CaseStatus(case.status)
    accepted_at = case.materials_complete_at or case.accepted_at
    return {
        "key": f"{case.case_no}-{record}-{item.seq}",
        "record_type": record,
        "project_no": case.case_no,
        "item_seq": item.seq,
        "item_count": len(case.items),
        "item_code": item.item_code,
        "basic_code": item.basic_code or "",
        "item_name": item.item_name,
        "case_kind": str(item.case_kind),
        "handle_unit": item.unit_name,
        "dept_code": settings.delivery.dept_code,
        "area_code": settings.delivery.area_code or case.hall_code[:6],
        "case_channel": str(case.channel),
        "applicant_kind": "legal_person" if case.applicant_kind == "unit" else "person",
        "applicant_name": case.applicant_name or case.applicant.name,
        "applicant_cert_type": str(case.applicant.id_type),
        "applicant_cert_no": case.applicant.id_number,
        "agent_name": case.agent_name,
        "agent_cert_no": case.agent_id_number,
        "accept_status": {"receive": "supplement"}.get(
            record, "rejected" if status is CaseStatus.REJECTED else "accepted"),
        "received_at": case.accepted_at.isoformat(),
        "accepted_at": accepted_at.isoformat() if record == "accept" else None,
        "promised_date": item.due_date.isoformat() if item.due_date else None,
        "handler_name": teller.name if teller else "",
        "result": str(status) if record == "finish" else None,
        "item_result": str(item.status) if record == "finish" else None,
        "finished_at": (item.handled_at or case.completed_at).isoformat()
        if record == "finish" and (item.handled_at or case.completed_at) else None,
        "reason": case.reason or "",
    }


def enqueue(session: Session, settings: Settings, case: Case, record: str,
            now: datetime) -> list[str]:
    """Queue the `record` of every item of the case, in the caller's transaction;
    a record already queued (the same key) is not queued again. Returns the keys."""
    if record not in RECORDS:
        raise ValueError(f"unknown case record {record!r}")
    session.flush()  # the case, its items and numbers exist
    teller = session.get(User, case.teller_id) if case.teller_id else None
    payloads = [_record(settings, case, item, record, teller) for item in case.items]
    keys = [p["key"] for p in payloads]
    have = set(session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(keys))))
    for payload in payloads:
        if payload["key"] not in have:
            outbox.enqueue(session, now, payload["key"], payload, target=TARGET,
                           kind=f"case_{record}")
    return keys


def for_status(case: Case) -> str | None:
    """The record a case's current status calls for (None: nothing new to report)."""
    status = CaseStatus(case.status)
    if status is CaseStatus.SUPPLEMENT:
        return "receive"
    if status in (CaseStatus.ACCEPTED, CaseStatus.REJECTED):
        return "accept"
    if status in (CaseStatus.COMPLETE, CaseStatus.TERMINATED, CaseStatus.WITHDRAWN):
        return "finish"
    return None
