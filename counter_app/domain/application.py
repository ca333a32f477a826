"""What an applicant hands in, and the pure checks on it (no database).

`plan_case` resolves the items of a bundle or a list of items, merges the one form and
the one set of materials, and collects every problem as a FieldError naming the input
field, so the teller (or the online channel) sees all of them at once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from counter_app.domain import idnumber
from counter_app.domain.applicant import (
    BIDI,
    MAX_ADDRESS,
    MAX_ID_NUMBER,
    MAX_NAME,
    MAX_PHONE,
    MAX_RELATION,
    NAME_SEPARATORS,
    PERSON_ID_TYPES,
    SEXES,
    AgentInput,
    ApplicantInput,
    ApplicantKind,
    FieldError,
    IdType,
    check_agent,
    check_applicant,
    name_problem,
    number_kind,
    text_problem,
)
from counter_app.domain.catalogue import (
    Catalogue,
    Item,
    MaterialDef,
    MaterialForm,
    MergedField,
    MergedMaterial,
    SituationEffects,
    SituationError,
)
from counter_app.domain.transitions import LabelledEnum, Transitions

__all__ = [
    # the applicant's types live in domain.applicant; importing them from here works too
    "MAX_ADDRESS", "MAX_ID_NUMBER", "MAX_NAME", "MAX_PHONE", "MAX_RELATION",
    "NAME_SEPARATORS", "PERSON_ID_TYPES", "SEXES", "AgentInput", "ApplicantInput",
    "ApplicantKind", "FieldError", "IdType", "check_agent", "check_applicant",
    "name_problem", "text_problem",
    # this module's own
    "AGENT_MATERIALS", "CHANNELS", "MATERIAL_TRANSITIONS", "MAX_ANSWER",
    "MAX_APPLICATION_ID", "MAX_CODE", "MAX_FORM_VALUE", "MAX_MATERIAL_KEY", "MAX_REASON",
    "Application", "ApplicationError", "CasePlan", "MaterialAction", "MaterialDecision",
    "MaterialStatus", "material_decisions", "plan_case", "prefill", "shown",
]

# Longest accepted text per field, for values kept in JSON or Text columns: what a
# paper can print (the applicant's own fields: domain.applicant).
MAX_FORM_VALUE = 500
MAX_REASON = 1000
MAX_CODE = 32  # bundle, item, material codes and keys (CaseItem.item_code String(32))
MAX_MATERIAL_KEY = 128  # a material may be named by its name (CaseMaterial.name String(128))
MAX_ANSWER = 64  # a situation answer or question key
MAX_APPLICATION_ID = 64  # the channel's own id of an application (Case.application_id)

CHANNELS = {"window": "窗口", "online": "网上", "selfservice": "自助"}
_BIDI = BIDI

#: Materials an agent brings (domain.md §8): the letter of authorisation and the
#: agent's own certificate. The catalogue's entries are used when it has them.
AGENT_MATERIALS: dict[str, tuple[str, str]] = {
    "power_of_attorney": ("授权委托书", "须载明委托事项、权限和期限，由委托人签字（单位加盖公章）"),
    "agent_id_card": ("代办人居民身份证", "代办人有效身份证件原件"),
}


class MaterialStatus(LabelledEnum):
    RECEIVED = "received", "已收取"
    SHARED = "shared", "共享获取"
    TOLERATED = "tolerated", "容缺"
    NOT_NEEDED = "not_needed", "无需提供"
    MISSING = "missing", "未提供"  # 一次性告知


class MaterialAction(LabelledEnum):
    SUPPLY = "supply", "补交"


#: A 容缺 material supplied later, or a material missing at 一次性告知 handed in:
#: either becomes 已收取 (with the time it was supplied).
MATERIAL_TRANSITIONS: Transitions[MaterialStatus, MaterialAction] = Transitions.of(
    "材料",
    [
        (MaterialStatus.TOLERATED, MaterialAction.SUPPLY, MaterialStatus.RECEIVED),
        (MaterialStatus.MISSING, MaterialAction.SUPPLY, MaterialStatus.RECEIVED),
    ],
)


class ApplicationError(ValueError):
    """Bad input. Every problem names its field; nothing is stored."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("；".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class MaterialDecision:
    status: MaterialStatus
    promised_date: date | None = None


@dataclass
class Application:
    applicant: ApplicantInput
    bundle_code: str | None = None
    item_codes: tuple[str, ...] = ()
    situations: dict[str, str] = field(default_factory=dict)
    form_values: dict[str, str] = field(default_factory=dict)
    materials: dict[str, MaterialDecision] = field(default_factory=dict)
    credit_promise_signed: bool = False
    tolerance_promise_signed: bool = False
    accepted_at: datetime | None = None
    channel: str = "window"  # window / online / selfservice
    agent: AgentInput | None = None  # 代办人 (required for a unit: its 经办人)
    application_id: str = ""  # the channel's own id: the same id is one case


@dataclass(frozen=True)
class CasePlan:
    """A checked application: its items, the one form and the one set of materials."""

    items: tuple[Item, ...]
    fields: tuple[MergedField, ...]
    materials: tuple[MergedMaterial, ...]
    title: str
    form_values: dict[str, str]
    missing_fields: tuple[MergedField, ...]
    answers: dict[str, str] = field(default_factory=dict)  # situations, defaults included

    @property
    def pays_money(self) -> bool:
        return any(item.pays_money for item in self.items)


def prefill(fields: list[MergedField], applicant: ApplicantInput) -> dict[str, str]:
    """Form values taken from the ID card / applicant record (one form, prefilled);
    sex and birth date follow from a valid 18-character number (resident ID card,
    residence permit, 2023 foreigner's card) when not given. For a unit only the
    unit's own fields (name, credit code, legal representative) are filled: the
    person fields of its forms are about someone else (the new employee …)."""
    if applicant.is_unit:
        source = {
            "unit.name": applicant.name.strip(),
            "unit.credit_code": applicant.number,
            "unit.legal_rep": applicant.legal_rep.strip(),
        }
    else:
        number = idnumber.normalize(applicant.id_number)
        sex, birth = applicant.sex, applicant.birth_date
        kind = number_kind(applicant.id_type)
        if not (sex and birth) and applicant.id_type is not IdType.FOREIGN_I:
            try:
                info = idnumber.parse(number, kind)
            except idnumber.IdNumberError:
                pass
            else:
                sex, birth = sex or info.sex, birth or info.birth_date
        source = {
            "applicant.name": applicant.name,
            "applicant.id_number": number,
            "applicant.phone": applicant.phone,
            "applicant.sex": sex,
            "applicant.birth_date": birth.isoformat() if birth else "",
            "applicant.address": applicant.address,
        }
    values = {}
    for merged in fields:
        value = source.get(merged.field.prefill, "")
        if value:
            values[merged.field.key] = value
    return values


def plan_case(catalogue: Catalogue, app: Application) -> CasePlan:
    """Resolve and check everything that needs no database. Raises ApplicationError."""
    errors = check_applicant(app.applicant)
    if app.agent is not None:
        errors.extend(check_agent(app.agent, app.applicant))
    elif app.applicant.is_unit:
        errors.append(FieldError(
            "agent", "单位申请须由单位经办人办理：请填写经办人（agent）的姓名、证件号码和联系电话"
        ))
    if app.channel not in CHANNELS:
        options = "、".join(f"{k}（{v}）" for k, v in CHANNELS.items())
        errors.append(FieldError("channel", f"无效的受理渠道，可选：{options}"))
    problem = text_problem(app.application_id, MAX_APPLICATION_ID)
    if problem:
        errors.append(FieldError("application_id", problem))
    items: list[Item] = []
    title = ""
    choice: list[FieldError] = []  # problems of the bundle, items and situations
    if app.bundle_code and app.bundle_code not in catalogue.bundles:
        choice.append(FieldError("bundle", f"未找到一件事“{shown(app.bundle_code)}”"))
    unknown = [shown(c) for c in app.item_codes if c not in catalogue.items]
    if unknown:
        choice.append(FieldError("items", f"未找到事项：{'、'.join(unknown[:10])}"))
    if not app.bundle_code and not app.item_codes:
        choice.append(FieldError("bundle", "请选择一件事或至少一个事项"))
    bundle = catalogue.bundles.get(app.bundle_code or "")
    if bundle is not None:
        keys = {s.key for s in bundle.situations}
        for key in app.situations:
            if key not in keys:
                choice.append(
                    FieldError(f"situations.{shown(key)}", "该一件事没有这个情形问题")
                )
    if not choice:
        try:
            items = catalogue.resolve_items(app.bundle_code, app.situations, app.item_codes)
        except SituationError as exc:
            choice.append(FieldError("situations", str(exc)))
    errors.extend(choice)
    errors.extend(_check_scope(items, app.applicant))
    if bundle is not None:
        title = bundle.name
    elif items:
        title = items[0].name if len(items) == 1 else f"{items[0].name}等{len(items)}项"
    effects = catalogue.situation_effects(app.bundle_code, app.situations) if items \
        else SituationEffects()
    fields = catalogue.fields_for(app.bundle_code, app.situations, items)
    materials = catalogue.materials_for(app.bundle_code, app.situations, items)
    if app.agent is not None and items:
        materials = _with_agent_materials(catalogue, materials, items)
    if items:  # without the items, which materials belong to them is unknown
        errors.extend(_check_materials(materials, app))
    errors.extend(_check_form_values(app.form_values))
    if errors:
        raise ApplicationError(errors)
    values = prefill(fields, app.applicant)
    known_keys = {f.field.key for f in fields}
    values.update({k: v for k, v in effects.form.items() if k in known_keys})
    values.update({k: str(v) for k, v in app.form_values.items() if str(v).strip()})
    stray = [k for k in app.form_values if k not in known_keys]
    if stray:
        raise ApplicationError(
            [FieldError(f"form.{shown(k)}", "本次办理的表单中没有这个字段") for k in stray]
        )
    missing = tuple(f for f in fields if f.required and not values.get(f.field.key))
    answers = catalogue.resolved_answers(app.bundle_code, app.situations)
    return CasePlan(tuple(items), tuple(fields), tuple(materials), title, values, missing,
                    answers)


def _check_scope(items: list[Item], applicant: ApplicantInput) -> list[FieldError]:
    """Items the applicant's kind may not apply for (a unit's licence for a person …)."""
    wrong = [i for i in items if not i.applicants.allows(applicant.kind)]
    if not wrong:
        return []
    names = "、".join(f"“{i.name}”" for i in wrong[:5])
    who = wrong[0].applicants.label
    return [FieldError(
        "applicant.kind",
        f"{names}只能由{who}申请（本次申请人为{applicant.kind.label}）",
    )]


def _with_agent_materials(
    catalogue: Catalogue, materials: list[MergedMaterial], items: list[Item]
) -> list[MergedMaterial]:
    """An agent's letter of authorisation and certificate join the one set of
    materials, required, never tolerated."""
    codes = tuple(i.code for i in items)
    out = list(materials)
    for code, (name, standard) in AGENT_MATERIALS.items():
        material = catalogue.materials.get(code) or MaterialDef(code, name, standard)
        merged = MergedMaterial(material, MaterialForm.ORIGINAL, 1, False, True, codes)
        for n, old in enumerate(out):
            if old.code == code:
                out[n] = merged
                break
        else:
            out.append(merged)
    return out


def _check_form_values(values: dict[str, str]) -> list[FieldError]:
    errors = []
    for key, value in values.items():
        if len(key) > MAX_CODE:
            errors.append(FieldError(f"form.{shown(key)}", "字段键过长"))
            continue
        problem = text_problem(str(value), MAX_FORM_VALUE)
        if problem:
            errors.append(FieldError(f"form.{shown(key)}", problem))
    return errors


def shown(text: str, limit: int = 40) -> str:
    """A user-typed value as it may appear inside a message: cut short, and with
    control and bidi characters made visible, so a message stays one honest line."""
    cut = text[:limit]
    cleaned = "".join(
        ch if unicodedata.category(ch)[0] != "C" and ch not in _BIDI else f"\\u{ord(ch):04x}"
        for ch in cut
    )
    return cleaned + ("…" if len(text) > limit else "")


def _check_materials(materials: list[MergedMaterial], app: Application) -> list[FieldError]:
    errors: list[FieldError] = []
    by_code = {m.code: m for m in materials}
    by_name = {m.material.name: m.code for m in materials}
    for key, decision in app.materials.items():
        code = key if key in by_code else by_name.get(key)
        if code is None:
            errors.append(FieldError(f"materials.{shown(key)}", "本次办理不需要这份材料"))
            continue
        merged = by_code[code]
        name = merged.material.name
        if decision.status is MaterialStatus.TOLERATED and not merged.tolerable:
            errors.append(FieldError(f"materials.{key}", f"“{name}”是主要材料，不能容缺"))
        if decision.status is MaterialStatus.SHARED and not merged.shareable:
            errors.append(FieldError(f"materials.{key}", f"“{name}”不能通过共享获取"))
        if decision.status is MaterialStatus.NOT_NEEDED and merged.required:
            errors.append(FieldError(
                f"materials.{key}",
                f"“{name}”是必须提交的材料，本次情形不免予提交，不能选“无需提供”；"
                "缺少时请容缺受理或出具一次性告知书",
            ))
    return errors


def material_decisions(plan: CasePlan, app: Application) -> dict[str, MaterialDecision]:
    """Decisions keyed by material code; undecided required materials are missing,
    undecided optional or exempted ones not needed."""
    by_name = {m.material.name: m.code for m in plan.materials}
    decided = {by_name.get(k, k): v for k, v in app.materials.items()}
    result = {}
    for merged in plan.materials:
        default = MaterialStatus.MISSING if merged.required else MaterialStatus.NOT_NEEDED
        result[merged.code] = decided.get(merged.code, MaterialDecision(default))
    return result
