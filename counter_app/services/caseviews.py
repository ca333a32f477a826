"""Plain read models for screens: rows to show, no ORM objects across threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter_app.domain.applicant import ApplicantKind, IdType
from counter_app.domain.application import MaterialStatus
from counter_app.domain.audit import AuditAction
from counter_app.domain.case import CaseStatus, SubItemStatus
from counter_app.domain.catalogue import CaseKind, FieldKind
from counter_app.domain.clock import business_date, fmt_local, local
from counter_app.domain.masking import mask_card, mask_id, mask_phone
from counter_app.domain.sla import Sla, SlaView, working_day_sla, worst
from counter_app.domain.workcal import WorkCalendar
from counter_app.services.acceptance import waits_for
from counter_app.services.backoffice import cases_of_day, open_cases, sla_of, worklist
from counter_app.services.context import Deps
from counter_app.store.models import Applicant, AuditEntry, Case, CaseEvent, CaseItem, User

#: 容缺 materials due within this many working days show as due soon (the use cases
#: pass settings.cases.tolerance_due_soon_days).
TOLERANCE_DUE_SOON_DAYS = 2


@dataclass(frozen=True)
class ToleranceView:
    """Where a case's outstanding 容缺 materials stand against their promised date."""

    due: date  # the earliest promised date of a material not yet supplied
    state: Sla  # OK / DUE_SOON / OVERDUE
    text: str  # "容缺材料剩2个工作日" / "容缺材料逾期未补交"
    materials: tuple[str, ...]  # names of the outstanding materials


def tolerance_view(case: Case, today: date, calendar: WorkCalendar,
                   soon_days: int = TOLERANCE_DUE_SOON_DAYS,
                   item_code: str | None = None) -> ToleranceView | None:
    """The case's outstanding 容缺 materials (those `item_code` needs, when given)."""
    if CaseStatus(case.status) not in (CaseStatus.ACCEPTED, CaseStatus.RETURNED):
        return None
    open_ = [m for m in case.materials
             if m.status == MaterialStatus.TOLERATED and m.promised_date is not None
             and (item_code is None or item_code in (m.item_codes or ()))]
    if not open_:
        return None
    due = min(m.promised_date for m in open_ if m.promised_date)
    names = tuple(m.name for m in open_)
    if today > due:
        return ToleranceView(due, Sla.OVERDUE, "容缺材料逾期未补交，待终止办理", names)
    left = calendar.working_days_left(today, due)
    if left <= soon_days:
        text = "容缺材料今日到期" if left == 0 else f"容缺材料剩{left}个工作日补交"
        return ToleranceView(due, Sla.DUE_SOON, text, names)
    return ToleranceView(due, Sla.OK, f"容缺材料{due.isoformat()}前补交", names)


def agent_text(case: Case) -> str:
    """代办人 as lists and papers show it: name and masked certificate number."""
    if not case.agent_name:
        return ""
    return f"{case.agent_name}（{mask_id(case.agent_id_number)}）"


def applicant_number(case: Case, *, unmasked: bool = False) -> str:
    """A unit's credit code in full (it is public), a person's number masked."""
    number = case.applicant.id_number
    if case.applicant_kind == ApplicantKind.UNIT or unmasked:
        return number
    return mask_id(number)


@dataclass(frozen=True)
class CaseRow:
    case_no: str
    title: str
    applicant: str  # name (a unit's name)
    applicant_id: str  # masked (a unit's credit code in full)
    status: str
    status_label: str
    kind: str  # 即办 / 承诺 / 混合
    sla: Sla  # the most urgent of the sub-items' clocks and the 容缺 promise
    sla_text: str
    accepted_at: str
    due_date: date | None
    applicant_kind: str = ApplicantKind.PERSON.value
    agent: str = ""  # 代办人, certificate number masked; "" when none
    tolerance: ToleranceView | None = None  # outstanding 容缺 materials
    waiting: int = 0  # sub-items waiting for a prerequisite (分段办理)
    reason: str = ""  # why it was terminated, withdrawn or rejected
    supplement_deadline: date | None = None  # 补正: supply by
    of_today: bool = False  # received today (the teller's 今日办件; else an older open one)


@dataclass(frozen=True)
class WorkRow:
    item_id: int
    case_no: str
    item_code: str
    item_name: str
    unit_code: str
    unit_name: str
    applicant: str
    applicant_id: str
    accepted_at: str
    due_date: date | None
    sla: Sla
    sla_text: str
    case_status: str
    status: str = SubItemStatus.PENDING.value  # the sub-item's
    status_label: str = SubItemStatus.PENDING.label
    waits_for: str = ""  # names of the prerequisites it waits for
    tolerance: ToleranceView | None = None  # the case's outstanding 容缺 materials
    reason: str = ""  # why the case was terminated or withdrawn
    applicant_kind: str = ApplicantKind.PERSON.value


def _case_row(case: Case, deps: Deps, now: datetime,
              soon_days: int = TOLERANCE_DUE_SOON_DAYS) -> CaseRow:
    today = business_date(now)
    views = [sla_of(i, now, deps.calendar) for i in case.items
             if i.status in (SubItemStatus.PENDING, SubItemStatus.RETURNED,
                             SubItemStatus.WAITING)]
    kinds = {CaseKind(i.case_kind) for i in case.items}
    kind = {frozenset({CaseKind.INSTANT}): "即办", frozenset({CaseKind.PROMISED}): "承诺"}.get(
        frozenset(kinds), "混合"
    )
    status = CaseStatus(case.status)
    tolerance = tolerance_view(case, today, deps.calendar, soon_days)
    if status is CaseStatus.SUPPLEMENT and case.supplement_deadline is not None:
        view = working_day_sla(case.supplement_deadline, today, deps.calendar, what="补正")
        sla, text = view.state, view.text
    elif not status.is_open or not views:
        sla, text = Sla.DONE, status.label
    else:
        if tolerance is not None:
            views.append(SlaView(tolerance.state, tolerance.text))
        most = worst(views)
        assert most is not None
        sla, text = most.state, most.text
    return CaseRow(
        case_no=case.case_no,
        title=case.title,
        applicant=case.applicant_name or case.applicant.name,
        applicant_id=applicant_number(case),
        status=case.status,
        status_label=status.label,
        kind=kind,
        sla=sla,
        sla_text=text,
        accepted_at=fmt_local(case.accepted_at),
        due_date=case.due_date,
        applicant_kind=str(case.applicant_kind),
        agent=agent_text(case),
        tolerance=tolerance,
        waiting=sum(1 for i in case.items if i.status == SubItemStatus.WAITING),
        reason=case.reason if status in (CaseStatus.TERMINATED, CaseStatus.WITHDRAWN,
                                         CaseStatus.REJECTED) else "",
        supplement_deadline=case.supplement_deadline,
        of_today=case.accepted_at is not None and business_date(case.accepted_at) == today,
    )


def desk_cases(session: Session, deps: Deps, window_no: str | None,
               soon_days: int = TOLERANCE_DUE_SOON_DAYS, *, hall_code: str) -> list[CaseRow]:
    """Today's cases at this window of the hall plus every open one (补正 cases
    waiting for materials included), most urgent first."""
    now = deps.clock()
    seen: dict[str, Case] = {}
    for case in open_cases(session, hall_code=hall_code, window_no=window_no,
                           with_supplement=True) + cases_of_day(
        session, business_date(now), hall_code=hall_code, window_no=window_no
    ):
        seen.setdefault(case.case_no, case)
    rows = [_case_row(c, deps, now, soon_days) for c in seen.values()]
    rows.sort(key=lambda r: (r.sla.rank, r.due_date or date.max, r.case_no))
    return rows


def _names_of(case: Case, codes: tuple[str, ...]) -> str:
    names = {i.item_code: i.item_name for i in case.items}
    return "、".join(f"“{names.get(c, c)}”" for c in codes)


def work_rows(session: Session, deps: Deps, unit_code: str | None,
              soon_days: int = TOLERANCE_DUE_SOON_DAYS) -> list[WorkRow]:
    now = deps.clock()
    today = business_date(now)
    rows = []
    for item in worklist(session, unit_code, now=now):
        case = item.case
        status = SubItemStatus(item.status)
        view = sla_of(item, now, deps.calendar)
        waiting = _names_of(case, waits_for(case, item)) if status is SubItemStatus.WAITING \
            else ""
        if waiting:
            view = SlaView(Sla.OK, "待前置事项办结")
        tolerance = tolerance_view(case, today, deps.calendar, soon_days, item.item_code)
        if tolerance is not None and status is SubItemStatus.PENDING \
                and tolerance.state.rank < view.state.rank:
            view = SlaView(tolerance.state, tolerance.text)
        stopped = status is SubItemStatus.STOPPED
        rows.append(
            WorkRow(
                item_id=item.id,
                case_no=case.case_no,
                item_code=item.item_code,
                item_name=item.item_name,
                unit_code=item.unit_code,
                unit_name=item.unit_name,
                applicant=case.applicant_name or case.applicant.name,
                applicant_id=applicant_number(case),
                accepted_at=fmt_local(case.accepted_at),
                due_date=item.due_date,
                sla=view.state if not stopped else Sla.DONE,
                sla_text=view.text if not stopped else CaseStatus(case.status).label,
                case_status=case.status,
                status=status.value,
                status_label=status.label,
                waits_for=waiting,
                tolerance=tolerance,
                reason=case.reason if stopped else "",
                applicant_kind=str(case.applicant_kind),
            )
        )
    rows.sort(key=lambda r: (r.sla.rank, r.due_date or date.max, r.item_id))
    return rows


def history_count(session: Session, id_number: str,
                  kind: ApplicantKind = ApplicantKind.PERSON) -> int:
    """How many earlier cases the applicant has (shown on the applicant panel)."""
    stmt = select(func.count(Case.id)).join(Applicant).where(
        Applicant.kind == kind, Applicant.id_number == id_number)
    return int(session.scalar(stmt) or 0)


# ---- one case in full (case show, the case detail view) ------------------------------------


@dataclass(frozen=True)
class ApplicantLine:
    name: str  # a person's name or a unit's name
    id_number: str  # masked unless asked; a unit's credit code in full (public)
    phone: str  # masked unless asked
    kind: str = ApplicantKind.PERSON.value  # person / unit
    kind_label: str = ApplicantKind.PERSON.label
    id_type: str = IdType.RESIDENT.value
    id_type_label: str = IdType.RESIDENT.label
    legal_rep: str = ""  # a unit's 法定代表人


@dataclass(frozen=True)
class AgentLine:
    """代办人 (a unit's 经办人)."""

    name: str
    id_number: str  # masked unless asked
    phone: str  # masked unless asked
    relation: str
    id_type: str
    id_type_label: str


@dataclass(frozen=True)
class SubItemLine:
    item_code: str
    item_name: str
    unit: str
    unit_name: str
    status: str
    status_label: str
    due_date: date | None
    note: str
    waits_for: tuple[str, ...] = ()  # item codes of its prerequisites (分段办理)
    waits_for_text: str = ""  # "待“劳动能力鉴定申请”办结后计时"
    legal_basis: str = ""
    item_id: int = 0
    # its clock (with deps): 即办 minutes or working days left, overdue, done
    sla: Sla | None = None
    sla_text: str = ""
    days_left: int | None = None  # working days to its due date (negative: overdue)
    case_kind: str = ""  # 即办件 / 承诺件
    handled_at: datetime | None = None


@dataclass(frozen=True)
class MaterialLine:
    code: str
    name: str
    status: str
    status_label: str
    promised_date: date | None
    supplied_at: datetime | None
    note: str = ""  # e.g. why it is exempted
    can_supply: bool = False  # tolerated or missing, and the case takes it now
    state: Sla | None = None  # a tolerated material against its promised date
    state_text: str = ""


@dataclass(frozen=True)
class FormLine:
    """One field of the one form, by its label in the catalogue."""

    key: str
    label: str
    value: str


@dataclass(frozen=True)
class SituationLine:
    key: str
    question: str
    answer: str  # the option's label


@dataclass(frozen=True)
class HistoryLine:
    """One step in a case's history: what happened to it (its events), and, for
    those who may read the audit trail, who looked at it."""

    at: datetime
    at_text: str  # local time, "2026-09-29 10:00"
    who: str  # "张敏（1024）", "系统"
    what: str  # 受理, 补交材料, 办结子事项 …
    detail: str = ""
    audit: bool = False  # from the audit trail (a view), not a change of the case


@dataclass(frozen=True)
class CaseDetail:
    case_no: str
    status: str
    status_label: str
    title: str
    bundle: str | None
    channel: str
    accepted_at: datetime  # received (收件); see effective_accepted_at
    due_date: date | None
    completed_at: datetime | None  # ended: 办结, 终止 or 撤回
    applicant: ApplicantLine
    sub_items: tuple[SubItemLine, ...]
    materials: tuple[MaterialLine, ...]
    form_values: dict[str, str]
    situations: dict[str, str]
    warnings: tuple[str, ...]  # notes for staff
    reason: str  # 不予受理 / 终止办理 / 视为撤回: why
    agent: AgentLine | None = None
    supplement_deadline: date | None = None
    materials_complete_at: datetime | None = None  # a 补正 case accepted from then
    tolerance: ToleranceView | None = None
    application_id: str = ""
    form_lines: tuple[FormLine, ...] = ()  # the form by its labels (with deps)
    situation_lines: tuple[SituationLine, ...] = ()
    history: tuple[HistoryLine, ...] = ()  # oldest first
    papers: tuple[str, ...] = ()  # the papers that fit its state now (receipt, …)
    window_no: str = ""
    teller: str = ""  # who received it at the window

    @property
    def effective_accepted_at(self) -> datetime:
        """When the case counts as accepted (行政许可法 §32 for a 补正 case)."""
        return self.materials_complete_at or self.accepted_at

    @property
    def can_supply(self) -> bool:
        return any(m.can_supply for m in self.materials)

    def as_json(self) -> dict[str, object]:
        def day(d: date | None) -> str | None:
            return d.isoformat() if d else None

        def moment(t: datetime | None) -> str | None:
            # on the hall's clock (+08:00), as the papers print it: the date part is
            # the hall's day, not UTC's
            return local(t).isoformat() if t else None

        return {
            "case_no": self.case_no,
            "status": self.status,
            "status_label": self.status_label,
            "title": self.title,
            "bundle": self.bundle,
            "channel": self.channel,
            "application_id": self.application_id or None,
            "accepted_at": moment(self.accepted_at),
            "materials_complete_at": moment(self.materials_complete_at),
            "due_date": day(self.due_date),
            "supplement_deadline": day(self.supplement_deadline),
            "completed_at": moment(self.completed_at),
            "applicant": {
                "kind": self.applicant.kind,
                "name": self.applicant.name,
                "id_type": self.applicant.id_type,
                "id_number": self.applicant.id_number,
                "credit_code": self.applicant.id_number
                if self.applicant.kind == ApplicantKind.UNIT else None,
                "legal_rep": self.applicant.legal_rep or None,
                "phone": self.applicant.phone,
            },
            "agent": None if self.agent is None else {
                "name": self.agent.name,
                "id_type": self.agent.id_type,
                "id_number": self.agent.id_number,
                "phone": self.agent.phone,
                "relation": self.agent.relation,
            },
            "sub_items": [
                {
                    "item_code": i.item_code,
                    "item_name": i.item_name,
                    "unit": i.unit,
                    "unit_name": i.unit_name,
                    "status": i.status,
                    "due_date": day(i.due_date),
                    "waits_for": list(i.waits_for),
                    "note": i.note,
                }
                for i in self.sub_items
            ],
            "materials": [
                {
                    "code": m.code,
                    "name": m.name,
                    "status": m.status,
                    "promised_date": day(m.promised_date),
                    "supplied_at": moment(m.supplied_at),
                    "note": m.note,
                }
                for m in self.materials
            ],
            "tolerance": None if self.tolerance is None else {
                "due": self.tolerance.due.isoformat(),
                "state": self.tolerance.state.value,
                "text": self.tolerance.text,
            },
            "form": dict(self.form_values),
            "situations": dict(self.situations),
            "warnings": list(self.warnings),
            "reason": self.reason,
        }


def case_detail(case: Case, *, unmasked: bool = False, deps: Deps | None = None,
                soon_days: int = TOLERANCE_DUE_SOON_DAYS) -> CaseDetail:
    """One case in full; with `deps` the 容缺 states and the sub-items' clocks are
    computed for now, and the form and situations are given by their labels."""
    person = case.applicant
    status = CaseStatus(case.status)
    kind = ApplicantKind(case.applicant_kind)
    id_type = IdType(person.id_type)
    tolerance = None
    now = deps.clock() if deps is not None else None
    if deps is not None and now is not None:
        tolerance = tolerance_view(case, business_date(now), deps.calendar, soon_days)
    takes = {
        MaterialStatus.TOLERATED: status in (CaseStatus.ACCEPTED, CaseStatus.RETURNED),
        MaterialStatus.MISSING: status is CaseStatus.SUPPLEMENT,
    }
    agent = None
    if case.agent_name:
        agent_type = IdType(case.agent_id_type or IdType.RESIDENT)
        agent = AgentLine(
            case.agent_name,
            case.agent_id_number if unmasked else mask_id(case.agent_id_number),
            case.agent_phone if unmasked else mask_phone(case.agent_phone),
            case.agent_relation, agent_type.value, agent_type.label,
        )

    def material_state(m) -> tuple[Sla | None, str]:  # type: ignore[no-untyped-def]
        if m.status != MaterialStatus.TOLERATED or m.promised_date is None or deps is None:
            return None, ""
        if not takes[MaterialStatus.TOLERATED]:
            return None, ""
        view = working_day_sla(m.promised_date, business_date(deps.clock()), deps.calendar,
                               soon_days=soon_days, what="补交")
        return view.state, view.text

    materials = []
    for m in case.materials:
        state, text = material_state(m)
        current = MaterialStatus(m.status)
        materials.append(MaterialLine(
            m.material_code, m.name, current.value, current.label, m.promised_date,
            m.supplied_at, m.note or "", takes.get(current, False), state, text,
        ))
    form_values = {str(k): str(v) for k, v in (case.form_values or {}).items()}
    situations = {str(k): str(v) for k, v in (case.situations or {}).items()}
    teller = case.teller
    return CaseDetail(
        case_no=case.case_no,
        status=status.value,
        status_label=status.label,
        title=case.title,
        bundle=case.bundle_code,
        channel=str(case.channel),
        accepted_at=case.accepted_at,
        due_date=case.due_date,
        completed_at=case.completed_at,
        applicant=ApplicantLine(
            case.applicant_name or person.name,
            applicant_number(case, unmasked=unmasked),
            case.applicant_phone if unmasked else mask_phone(case.applicant_phone),
            kind.value, kind.label, id_type.value, id_type.label, case.applicant_legal_rep,
        ),
        sub_items=tuple(_sub_item_line(case, i, deps, now) for i in case.items),
        materials=tuple(materials),
        form_values=form_values,
        situations=situations,
        warnings=tuple(case.warnings or ()),
        reason=case.reason,
        agent=agent,
        supplement_deadline=case.supplement_deadline,
        materials_complete_at=case.materials_complete_at,
        tolerance=tolerance,
        application_id=case.application_id or "",
        form_lines=_form_lines(form_values, deps, unmasked),
        situation_lines=_situation_lines(case.bundle_code, situations, deps),
        window_no=case.window_no or "",
        teller=f"{teller.name}（{teller.staff_no}）" if teller is not None else "",
    )


_MASKS = {
    FieldKind.ID_NUMBER: mask_id,
    FieldKind.PHONE: mask_phone,
    FieldKind.BANK_ACCOUNT: mask_card,
}


def _form_lines(values: dict[str, str], deps: Deps | None,
                unmasked: bool = False) -> tuple[FormLine, ...]:
    """The form's values under their catalogue labels (unknown keys by their key);
    ID numbers, phones and bank accounts masked unless asked."""
    fields_ = deps.catalogue.fields if deps is not None else {}
    lines = []
    for key, value in values.items():
        spec = fields_.get(key)
        mask = _MASKS.get(spec.kind) if spec is not None and not unmasked else None
        lines.append(FormLine(key, spec.label if spec is not None else key,
                              mask(value) if mask is not None and value else value))
    return tuple(lines)


def _situation_lines(bundle_code: str | None, answers: dict[str, str],
                     deps: Deps | None) -> tuple[SituationLine, ...]:
    bundle = deps.catalogue.bundles.get(bundle_code or "") if deps is not None else None
    questions = {s.key: s for s in bundle.situations} if bundle is not None else {}
    lines = []
    for key, answer in answers.items():
        situation = questions.get(key)
        if situation is None:
            lines.append(SituationLine(key, key, answer))
            continue
        option = situation.option(answer)
        lines.append(SituationLine(key, situation.question,
                                   option.label if option is not None else answer))
    return tuple(lines)


def _sub_item_line(case: Case, item: CaseItem, deps: Deps | None = None,
                   now: datetime | None = None) -> SubItemLine:
    prerequisites = waits_for(case, item)
    status = SubItemStatus(item.status)
    text = ""
    if status is SubItemStatus.WAITING:
        text = f"待{_names_of(case, prerequisites)}办结后计时"
    sla: Sla | None = None
    sla_text = ""
    days_left: int | None = None
    if deps is not None and now is not None:
        view = sla_of(item, now, deps.calendar)
        sla, sla_text = view.state, view.text
        if status is SubItemStatus.PENDING and item.due_date is not None \
                and item.instant_due_at is None:
            today = business_date(now)
            left = deps.calendar.working_days_left(today, item.due_date)
            days_left = left if today <= item.due_date else -max(1, -left)
    return SubItemLine(
        item.item_code, item.item_name, item.unit_code, item.unit_name, status.value,
        status.label, item.due_date, item.note, prerequisites, text, item.legal_basis,
        item_id=item.id, sla=sla, sla_text=sla_text, days_left=days_left,
        case_kind=CaseKind(item.case_kind).label, handled_at=item.handled_at,
    )


# ---- a case's history (the case detail view) -----------------------------------------------

_EVENT_LABELS = {
    "accepted": "受理",
    "supplement": "一次性告知（待补正）",
    "rejected": "不予受理",
    "material_supplied": "补交材料",
    "items_started": "前置事项办结，开始计时",
    "item_done": "办结子事项",
    "item_returned": "退回子事项",
    "item_reopened": "子事项重新办理",
    "complete": "全部办结",
    "terminated": "终止办理（容缺材料逾期未补交）",
    "withdrawn": "视为撤回（逾期未补正）",
}


def _event_detail(case: Case, kind: str, detail: dict[str, object]) -> str:
    items = {i.item_code: i.item_name for i in case.items}
    materials = {m.material_code: m.name for m in case.materials}
    if kind in ("item_done", "item_returned", "item_reopened"):
        text = items.get(str(detail.get("item", "")), str(detail.get("item", "")))
        reason = detail.get("reason")
        return f"{text}：{reason}" if reason else text
    if kind == "material_supplied":
        code = str(detail.get("material", ""))
        return materials.get(code, code)
    if kind == "items_started":
        return "、".join(items.get(str(c), str(c)) for c in detail.get("items", []) or [])
    if kind == "supplement":
        return "缺：" + "、".join(materials.get(str(c), str(c))
                                 for c in detail.get("missing", []) or [])
    if kind == "terminated":
        return "、".join(materials.get(str(c), str(c)) for c in detail.get("materials", []) or [])
    if kind == "accepted" and detail.get("materials_complete"):
        return "材料补齐，自该日起受理"
    if kind == "accepted":
        return "、".join(items.get(str(c), str(c)) for c in detail.get("items", []) or [])
    if kind == "rejected":
        return str(detail.get("reason", ""))
    if kind == "withdrawn":
        return f"补正期限 {detail.get('deadline', '')}"
    return ""


def case_history(session: Session, case: Case, *, with_views: bool = False,
                 limit: int = 500) -> tuple[HistoryLine, ...]:
    """What happened to the case, oldest first; with `with_views` (those who may read
    the audit trail) also who looked at it, from the audit trail."""
    names: dict[int, str] = {}
    events = list(session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        .limit(limit)))
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if ids:
        for user in session.scalars(select(User).where(User.id.in_(ids))):
            names[user.id] = f"{user.name}（{user.staff_no}）"
    lines = [
        HistoryLine(e.at, fmt_local(e.at),
                    names.get(e.actor_id, "") if e.actor_id is not None else "系统",
                    _EVENT_LABELS.get(e.kind, e.kind), _event_detail(case, e.kind, e.detail or {}))
        for e in events
    ]
    if with_views:
        views = (AuditAction.VIEW_CASE, AuditAction.VIEW_UNMASKED)
        for entry in session.scalars(
                select(AuditEntry).where(AuditEntry.subject_kind == "case",
                                         AuditEntry.subject == case.case_no,
                                         AuditEntry.action.in_(views))
                .order_by(AuditEntry.id.desc()).limit(limit)):
            who = f"{entry.actor_name}（{entry.staff_no}）" if entry.staff_no \
                else entry.actor_name
            where = f"{entry.window_no}号窗口" if entry.window_no else entry.workstation
            lines.append(HistoryLine(entry.at, fmt_local(entry.at), who,
                                     AuditAction(entry.action).label, where, audit=True))
    lines.sort(key=lambda line: line.at)
    return tuple(lines)
