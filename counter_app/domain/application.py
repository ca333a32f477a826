"""What an applicant hands in, and the pure checks on it (no database).

`plan_case` resolves the items of a bundle or a list of items, merges the one form and
the one set of materials, and collects every problem as a FieldError naming the input
field, so the teller (or the online channel) sees all of them at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from counter_app.domain import idnumber
from counter_app.domain.catalogue import (
    Catalogue,
    Item,
    MergedField,
    MergedMaterial,
    SituationError,
    merge_fields,
    merge_materials,
)
from counter_app.domain.transitions import LabelledEnum

_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
_PERMIT_I = re.compile(r"^[A-Z]{3}\d{12}$")


class MaterialStatus(LabelledEnum):
    RECEIVED = "received", "已收取"
    SHARED = "shared", "共享获取"
    TOLERATED = "tolerated", "容缺"
    NOT_NEEDED = "not_needed", "无需提供"
    MISSING = "missing", "未提供"  # 一次性告知


class IdType(StrEnum):
    RESIDENT = "resident"  # 居民身份证
    PERMIT_J = "J"  # 港澳台居民居住证
    FOREIGN_I = "I"  # 外国人永久居留身份证 (2017)
    FOREIGN_Y = "Y"  # 外国人永久居留身份证 (2023)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ApplicationError(ValueError):
    """Bad input. Every problem names its field; nothing is stored."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("；".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ApplicantInput:
    id_number: str
    name: str
    phone: str = ""
    id_type: IdType = IdType.RESIDENT
    sex: str = ""
    birth_date: date | None = None
    address: str = ""


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


@dataclass(frozen=True)
class CasePlan:
    """A checked application: its items, the one form and the one set of materials."""

    items: tuple[Item, ...]
    fields: tuple[MergedField, ...]
    materials: tuple[MergedMaterial, ...]
    title: str
    form_values: dict[str, str]
    missing_fields: tuple[MergedField, ...]

    @property
    def pays_money(self) -> bool:
        return any(item.pays_money for item in self.items)


def check_applicant(applicant: ApplicantInput) -> list[FieldError]:
    errors: list[FieldError] = []
    number = idnumber.normalize(applicant.id_number)
    if applicant.id_type in (IdType.RESIDENT, IdType.PERMIT_J, IdType.FOREIGN_Y):
        try:
            idnumber.parse(number)
        except idnumber.IdNumberError as exc:
            errors.append(FieldError("applicant.id_number", str(exc)))
    elif not _PERMIT_I.match(number):
        errors.append(
            FieldError("applicant.id_number", "外国人永久居留身份证号码应为3位字母加12位数字")
        )
    if not applicant.name.strip():
        errors.append(FieldError("applicant.name", "申请人姓名不能为空"))
    phone = applicant.phone.strip()
    if phone and not _PHONE.match(phone):
        errors.append(FieldError("applicant.phone", f"联系电话“{phone}”格式不正确"))
    return errors


def prefill(fields: list[MergedField], applicant: ApplicantInput) -> dict[str, str]:
    """Form values taken from the ID card / applicant record (one form, prefilled);
    sex and birth date follow from a valid resident ID number when not given."""
    number = idnumber.normalize(applicant.id_number)
    sex, birth = applicant.sex, applicant.birth_date
    if not (sex and birth) and idnumber.is_valid(number):
        info = idnumber.parse(number)
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
    items: list[Item] = []
    title = ""
    if app.bundle_code and app.bundle_code not in catalogue.bundles:
        errors.append(FieldError("bundle", f"未找到一件事“{app.bundle_code}”"))
    unknown = [c for c in app.item_codes if c not in catalogue.items]
    if unknown:
        errors.append(FieldError("items", f"未找到事项：{'、'.join(unknown)}"))
    if not app.bundle_code and not app.item_codes:
        errors.append(FieldError("bundle", "请选择一件事或至少一个事项"))
    bundle = catalogue.bundles.get(app.bundle_code or "")
    if bundle is not None:
        keys = {s.key for s in bundle.situations}
        for key in app.situations:
            if key not in keys:
                errors.append(FieldError(f"situations.{key}", "该一件事没有这个情形问题"))
    if not errors:
        try:
            items = catalogue.resolve_items(app.bundle_code, app.situations, app.item_codes)
        except SituationError as exc:
            errors.append(FieldError("situations", str(exc)))
    if bundle is not None:
        title = bundle.name
    elif items:
        title = items[0].name if len(items) == 1 else f"{items[0].name}等{len(items)}项"
    fields = merge_fields(items)
    materials = merge_materials(items)
    errors.extend(_check_materials(materials, app))
    if errors:
        raise ApplicationError(errors)
    values = prefill(fields, app.applicant)
    values.update({k: str(v) for k, v in app.form_values.items() if str(v).strip()})
    known_keys = {f.field.key for f in fields}
    stray = [k for k in app.form_values if k not in known_keys]
    if stray:
        raise ApplicationError(
            [FieldError(f"form.{k}", "本次办理的表单中没有这个字段") for k in stray]
        )
    missing = tuple(f for f in fields if f.required and not values.get(f.field.key))
    return CasePlan(tuple(items), tuple(fields), tuple(materials), title, values, missing)


def _check_materials(materials: list[MergedMaterial], app: Application) -> list[FieldError]:
    errors: list[FieldError] = []
    by_code = {m.code: m for m in materials}
    by_name = {m.material.name: m.code for m in materials}
    for key, decision in app.materials.items():
        code = key if key in by_code else by_name.get(key)
        if code is None:
            errors.append(FieldError(f"materials.{key}", "本次办理不需要这份材料"))
            continue
        merged = by_code[code]
        name = merged.material.name
        if decision.status is MaterialStatus.TOLERATED and not merged.tolerable:
            errors.append(FieldError(f"materials.{key}", f"“{name}”是主要材料，不能容缺"))
        if decision.status is MaterialStatus.SHARED and not merged.shareable:
            errors.append(FieldError(f"materials.{key}", f"“{name}”不能通过共享获取"))
    return errors


def material_decisions(plan: CasePlan, app: Application) -> dict[str, MaterialDecision]:
    """Decisions keyed by material code; undecided required materials are missing."""
    by_name = {m.material.name: m.code for m in plan.materials}
    decided = {by_name.get(k, k): v for k, v in app.materials.items()}
    result = {}
    for merged in plan.materials:
        default = MaterialStatus.MISSING if merged.required else MaterialStatus.NOT_NEEDED
        result[merged.code] = decided.get(merged.code, MaterialDecision(default))
    return result
