"""What an applicant hands in, and the pure checks on it (no database).

`plan_case` resolves the items of a bundle or a list of items, merges the one form and
the one set of materials, and collects every problem as a FieldError naming the input
field, so the teller (or the online channel) sees all of them at once.
"""

from __future__ import annotations

import re
import unicodedata
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

# Longest accepted text per field: the columns of store/models.py (Applicant.name
# String(128), phone String(32), address String(255), id_number String(32), Case.channel
# String(16)) and, for values kept in JSON or Text columns, what a paper can print.
MAX_NAME = 128
MAX_PHONE = 32
MAX_ADDRESS = 255
MAX_ID_NUMBER = 32
MAX_FORM_VALUE = 500
MAX_REASON = 1000
MAX_CODE = 32  # bundle, item, material codes and keys (CaseItem.item_code String(32))
MAX_MATERIAL_KEY = 128  # a material may be named by its name (CaseMaterial.name String(128))
MAX_ANSWER = 64  # a situation answer or question key

CHANNELS = {"window": "窗口", "online": "网上", "selfservice": "自助"}
SEXES = ("男", "女")
# Separators inside a name: the middle dot of minority and transliterated names
# (·, and the look-alikes people type for it), and for foreigners' Latin names the
# space, hyphen, apostrophe, full stop and comma.
NAME_SEPARATORS = frozenset("·•・‧ -'.,")
# Bidirectional controls (Trojan Source): format characters, refused in every text.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                  "\u2066\u2067\u2068\u2069")


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


def text_problem(value: str, max_len: int, *, multiline: bool = False) -> str | None:
    """What is wrong with a free text for the database and the papers, or None:
    too long, or holding control characters (NUL …), lone surrogates or
    bidirectional overrides. Newlines and tabs only where `multiline`."""
    if len(value) > max_len:
        return f"不能超过{max_len}个字符（现为{len(value)}个）"
    for ch in value:
        if multiline and ch in "\n\t":
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs") or ch in _BIDI or category == "Zl" or category == "Zp":
            return f"含有不允许的控制字符（U+{ord(ch):04X}）"
    return None


def name_problem(name: str) -> str | None:
    """What is wrong with a person's name, or None. Letters of any script (rare
    characters of the CJK extensions and private-use code points of rare-character
    fonts included), combining marks, and the separators of NAME_SEPARATORS between
    them; no digits, symbols, control or format (bidi, zero-width) characters."""
    if not name.strip():
        return "申请人姓名不能为空"
    if len(name) > MAX_NAME:
        return f"姓名不能超过{MAX_NAME}个字符（现为{len(name)}个）"
    text = name.strip()
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LM" or category == "Co" or ch in NAME_SEPARATORS:
            continue
        if category[0] == "C" or ch in _BIDI:
            return f"姓名含有不允许的控制或格式字符（U+{ord(ch):04X}）"
        return f"姓名含有不允许的字符“{ch}”（U+{ord(ch):04X}）"
    if text[0] in NAME_SEPARATORS or text[-1] in NAME_SEPARATORS:
        return "姓名不能以分隔符开头或结尾"
    return None


def _number_kind(id_type: IdType) -> idnumber.NumberKind:
    return {
        IdType.PERMIT_J: idnumber.NumberKind.PERMIT,
        IdType.FOREIGN_Y: idnumber.NumberKind.FOREIGN_2023,
    }.get(id_type, idnumber.NumberKind.RESIDENT)


def check_applicant(applicant: ApplicantInput, today: date | None = None) -> list[FieldError]:
    """Every problem of the applicant's fields; messages never repeat an ID number
    or a phone number (they are printed and logged)."""
    errors: list[FieldError] = []
    info: idnumber.IdInfo | None = None
    if len(applicant.id_number) > MAX_ID_NUMBER:
        errors.append(FieldError("applicant.id_number", "证件号码过长"))
    elif applicant.id_type is IdType.FOREIGN_I:
        if not _PERMIT_I.match(idnumber.normalize(applicant.id_number)):
            errors.append(
                FieldError("applicant.id_number", "外国人永久居留身份证号码应为3位字母加12位数字")
            )
    else:
        try:
            info = idnumber.parse(applicant.id_number, _number_kind(applicant.id_type), today)
        except idnumber.IdNumberError as exc:
            errors.append(FieldError("applicant.id_number", str(exc)))
    problem = name_problem(applicant.name)
    if problem:
        errors.append(FieldError("applicant.name", problem))
    phone = applicant.phone.strip()
    if len(phone) > MAX_PHONE:
        errors.append(FieldError("applicant.phone", f"联系电话不能超过{MAX_PHONE}个字符"))
    elif phone and not _PHONE.match(phone):
        errors.append(
            FieldError("applicant.phone", "联系电话格式不正确：应为11位手机号或带区号的固定电话")
        )
    if applicant.sex and applicant.sex not in SEXES:
        errors.append(FieldError("applicant.sex", "性别应为“男”或“女”"))
    elif info is not None and applicant.sex and applicant.sex != info.sex:
        errors.append(FieldError("applicant.sex", "性别与证件号码不符"))
    born = applicant.birth_date
    if born is not None:
        if born > (today or date.today()) or born < idnumber.EARLIEST_BIRTH:
            errors.append(FieldError("applicant.birth_date", "出生日期不在合理范围内"))
        elif info is not None and born != info.birth_date:
            errors.append(FieldError("applicant.birth_date", "出生日期与证件号码不符"))
    problem = text_problem(applicant.address, MAX_ADDRESS)
    if problem:
        errors.append(FieldError("applicant.address", f"住址{problem}"))
    return errors


def prefill(fields: list[MergedField], applicant: ApplicantInput) -> dict[str, str]:
    """Form values taken from the ID card / applicant record (one form, prefilled);
    sex and birth date follow from a valid 18-character number (resident ID card,
    residence permit, 2023 foreigner's card) when not given."""
    number = idnumber.normalize(applicant.id_number)
    sex, birth = applicant.sex, applicant.birth_date
    kind = _number_kind(applicant.id_type)
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
    if app.channel not in CHANNELS:
        options = "、".join(f"{k}（{v}）" for k, v in CHANNELS.items())
        errors.append(FieldError("channel", f"无效的受理渠道，可选：{options}"))
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
    if bundle is not None:
        title = bundle.name
    elif items:
        title = items[0].name if len(items) == 1 else f"{items[0].name}等{len(items)}项"
    fields = merge_fields(items)
    materials = merge_materials(items)
    if items:  # without the items, which materials belong to them is unknown
        errors.extend(_check_materials(materials, app))
    errors.extend(_check_form_values(app.form_values))
    if errors:
        raise ApplicationError(errors)
    values = prefill(fields, app.applicant)
    values.update({k: str(v) for k, v in app.form_values.items() if str(v).strip()})
    known_keys = {f.field.key for f in fields}
    stray = [k for k in app.form_values if k not in known_keys]
    if stray:
        raise ApplicationError(
            [FieldError(f"form.{shown(k)}", "本次办理的表单中没有这个字段") for k in stray]
        )
    missing = tuple(f for f in fields if f.required and not values.get(f.field.key))
    return CasePlan(tuple(items), tuple(fields), tuple(materials), title, values, missing)


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
