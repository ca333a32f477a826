"""The applicant record: find or add a person or unit safely when many windows do it
at once, keep its history, and know its broken 容缺 promises.

Adding is an INSERT … ON CONFLICT DO NOTHING on (kind, id_number) followed by a read:
two windows accepting for the same new applicant at once both succeed, neither sees
an IntegrityError (on PostgreSQL the second insert waits for the first transaction
and then does nothing; SQLite serialises writers). A change of details leaves the old
values in applicant_versions; cases keep their own copy as accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from counter_app.domain.applicant import ApplicantInput, ApplicantKind, IdType
from counter_app.store.models import Applicant, ApplicantVersion, BrokenPromise

#: The details a new acceptance may change; their old values go to the history.
TRACKED = ("name", "phone", "address", "legal_rep", "sex", "birth_date")


def _insert(session: Session):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Applicant)


def find_or_add(session: Session, now: datetime, kind: ApplicantKind, number: str,
                id_type: IdType, name: str, **details: Any) -> tuple[Applicant, bool]:
    """The record of (kind, number), added with these details when it is new; and
    whether it was added now."""
    values = {
        "kind": kind, "id_number": number, "id_type": id_type, "name": name,
        "phone": details.get("phone", ""), "sex": details.get("sex", ""),
        "birth_date": details.get("birth_date"), "address": details.get("address", ""),
        "legal_rep": details.get("legal_rep", ""), "created_at": now, "updated_at": now,
    }
    stmt = _insert(session).values(**values).on_conflict_do_nothing(
        index_elements=["kind", "id_number"]
    )
    added = session.execute(stmt).rowcount == 1
    found = session.scalar(
        select(Applicant).where(Applicant.kind == kind, Applicant.id_number == number)
        .execution_options(populate_existing=True)
    )
    assert found is not None  # inserted, or there already
    return found, added


def upsert(session: Session, now: datetime, data: ApplicantInput) -> Applicant:
    """The applicant's record with today's details (the old ones kept as history)."""
    details: dict[str, Any] = {
        "name": data.name.strip(),
        "phone": data.phone.strip(),
        "address": data.address.strip(),
        "legal_rep": data.legal_rep.strip(),
        "sex": data.sex,
        "birth_date": data.birth_date,
    }
    record, added = find_or_add(session, now, data.kind, data.number, data.number_type,
                                **details)
    # blank values given now never erase what is known
    new = {k: v for k, v in details.items() if v not in ("", None)}
    old = {k: getattr(record, k) for k in TRACKED}
    changed = {k: v for k, v in new.items() if old[k] != v}
    if changed and not added:
        session.add(ApplicantVersion(
            applicant_id=record.id, replaced_at=now,
            values={k: (v.isoformat() if isinstance(v, date) else v) for k, v in old.items()},
        ))
    for key, value in changed.items():
        setattr(record, key, value)
    record.id_type = data.number_type
    record.updated_at = now
    return record


@dataclass(frozen=True)
class ToleranceBan:
    """Why an applicant is not offered 容缺 now."""

    case_no: str
    materials: tuple[str, ...]
    promised_date: date
    broken_on: date
    until: date  # the last day of the ban

    @property
    def message(self) -> str:
        names = "、".join(f"“{m}”" for m in self.materials) or "容缺材料"
        return (
            f"该申请人在办件{self.case_no}中承诺于{self.promised_date.isoformat()}前补交"
            f"{names}，逾期未补交，已按承诺终止办理；{self.until.isoformat()}前不再适用容缺受理，"
            "请补齐材料后受理或出具一次性告知书"
        )


def tolerance_ban(session: Session, kind: ApplicantKind | str, number: str, today: date,
                  ban_days: int) -> ToleranceBan | None:
    """The latest broken promise of the applicant still inside the ban period."""
    earliest = today - timedelta(days=ban_days)
    row = session.execute(
        select(BrokenPromise)
        .join(Applicant, Applicant.id == BrokenPromise.applicant_id)
        .where(Applicant.kind == kind, Applicant.id_number == number,
               BrokenPromise.broken_on > earliest)
        .order_by(BrokenPromise.broken_on.desc(), BrokenPromise.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    return ToleranceBan(row.case_no, tuple(row.materials or ()), row.promised_date,
                        row.broken_on, row.broken_on + timedelta(days=ban_days - 1))
