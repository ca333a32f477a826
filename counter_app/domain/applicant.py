"""Who applies, no I/O: a person or a unit (单位), and the agent (代办人) who acts
for them at the counter or online (domain.md §8).

A person is known by a certificate number (resident ID card, residence permit,
foreigner's permanent residence card); a unit by its 统一社会信用代码 (GB 32100),
which is public and printed in full. A unit always acts through a person (its
经办人): for a unit the agent is required. An agent's certificate number is personal
data and is masked on every paper.

Messages name the field and never repeat an ID or phone number (they are printed
and logged).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from counter_app.domain import creditcode, idnumber
from counter_app.domain.transitions import LabelledEnum

_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
_PERMIT_I = re.compile(r"^[A-Z]{3}\d{12}$")

# Longest accepted text per field: the columns of store/models (Applicant.name
# String(128), phone String(32), address String(255), id_number String(32)).
MAX_NAME = 128
MAX_PHONE = 32
MAX_ADDRESS = 255
MAX_ID_NUMBER = 32
MAX_RELATION = 32

SEXES = ("男", "女")
# Separators inside a name: the middle dot of minority and transliterated names
# (·, and the look-alikes people type for it), and for foreigners' Latin names the
# space, hyphen, apostrophe, full stop and comma.
NAME_SEPARATORS = frozenset("·•・‧ -'.,")
# Bidirectional controls (Trojan Source): format characters, refused in every text.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                 "\u2066\u2067\u2068\u2069")


class ApplicantKind(LabelledEnum):
    PERSON = "person", "个人"
    UNIT = "unit", "单位"


class IdType(StrEnum):
    RESIDENT = "resident"  # 居民身份证
    PERMIT_J = "J"  # 港澳台居民居住证
    FOREIGN_I = "I"  # 外国人永久居留身份证 (2017)
    FOREIGN_Y = "Y"  # 外国人永久居留身份证 (2023)
    CREDIT = "credit"  # 统一社会信用代码 (a unit's number)

    @property
    def label(self) -> str:
        return _ID_LABELS[self]


_ID_LABELS = {
    IdType.RESIDENT: "居民身份证",
    IdType.PERMIT_J: "港澳台居民居住证",
    IdType.FOREIGN_I: "外国人永久居留身份证",
    IdType.FOREIGN_Y: "外国人永久居留身份证",
    IdType.CREDIT: "统一社会信用代码",
}
#: The certificates a person (applicant or agent) may be known by.
PERSON_ID_TYPES = (IdType.RESIDENT, IdType.PERMIT_J, IdType.FOREIGN_I, IdType.FOREIGN_Y)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class ApplicantInput:
    """A person (`id_number`, `id_type`, `name` …) or a unit (`kind=UNIT`, `name` the
    unit's name, `credit_code`, `legal_rep`); `phone` and `address` are the contact."""

    id_number: str
    name: str
    phone: str = ""
    id_type: IdType = IdType.RESIDENT
    sex: str = ""
    birth_date: date | None = None
    address: str = ""
    kind: ApplicantKind = ApplicantKind.PERSON
    credit_code: str = ""
    legal_rep: str = ""  # 法定代表人（负责人）

    @classmethod
    def unit(cls, name: str, credit_code: str, legal_rep: str = "", phone: str = "",
             address: str = "") -> ApplicantInput:
        return cls("", name, phone, IdType.CREDIT, address=address, kind=ApplicantKind.UNIT,
                   credit_code=credit_code, legal_rep=legal_rep)

    @property
    def is_unit(self) -> bool:
        return self.kind is ApplicantKind.UNIT

    @property
    def number(self) -> str:
        """What the hall knows the applicant by: the credit code of a unit, the
        certificate number of a person (normalised)."""
        if self.is_unit:
            return creditcode.normalize(self.credit_code)
        return idnumber.normalize(self.id_number)

    @property
    def number_type(self) -> IdType:
        return IdType.CREDIT if self.is_unit else self.id_type


@dataclass(frozen=True)
class AgentInput:
    """代办人: a person acting for the applicant (a unit's 经办人, a relative, or a
    staff member helping, 帮办代办). `relation` says how they stand to the applicant."""

    name: str
    id_number: str
    phone: str = ""
    relation: str = ""
    id_type: IdType = IdType.RESIDENT

    @property
    def number(self) -> str:
        return idnumber.normalize(self.id_number)


# ---- text checks ----------------------------------------------------------------------------


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
        if category in ("Cc", "Cs") or ch in BIDI or category == "Zl" or category == "Zp":
            return f"含有不允许的控制字符（U+{ord(ch):04X}）"
    return None


def name_problem(name: str, what: str = "姓名") -> str | None:
    """What is wrong with a person's name, or None. Letters of any script (rare
    characters of the CJK extensions and private-use code points of rare-character
    fonts included), combining marks, and the separators of NAME_SEPARATORS between
    them; no digits, symbols, control or format (bidi, zero-width) characters."""
    if not name.strip():
        return f"{what}不能为空" if what != "姓名" else "申请人姓名不能为空"
    if len(name) > MAX_NAME:
        return f"{what}不能超过{MAX_NAME}个字符（现为{len(name)}个）"
    text = name.strip()
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LM" or category == "Co" or ch in NAME_SEPARATORS:
            continue
        if category[0] == "C" or ch in BIDI:
            return f"{what}含有不允许的控制或格式字符（U+{ord(ch):04X}）"
        return f"{what}含有不允许的字符“{ch}”（U+{ord(ch):04X}）"
    if text[0] in NAME_SEPARATORS or text[-1] in NAME_SEPARATORS:
        return f"{what}不能以分隔符开头或结尾"
    return None


def unit_name_problem(name: str) -> str | None:
    """A unit's name as registered: digits and brackets are part of many (济南市第一
    机械厂（有限合伙）), control and format characters are not."""
    if not name.strip():
        return "单位名称不能为空"
    problem = text_problem(name, MAX_NAME)
    if problem:
        return f"单位名称{problem}"
    for ch in name:
        if unicodedata.category(ch) == "Cf":
            return f"单位名称含有不允许的格式字符（U+{ord(ch):04X}）"
    return None


def number_kind(id_type: IdType) -> idnumber.NumberKind:
    return {
        IdType.PERMIT_J: idnumber.NumberKind.PERMIT,
        IdType.FOREIGN_Y: idnumber.NumberKind.FOREIGN_2023,
    }.get(id_type, idnumber.NumberKind.RESIDENT)


def _certificate(number: str, id_type: IdType, field: str, errors: list[FieldError],
                 today: date | None) -> idnumber.IdInfo | None:
    """Check a person's certificate number; the parsed number when it encodes one."""
    if len(number) > MAX_ID_NUMBER:
        errors.append(FieldError(field, "证件号码过长"))
        return None
    if id_type is IdType.CREDIT:
        errors.append(FieldError(field, "个人不能以统一社会信用代码作为证件"))
        return None
    if id_type is IdType.FOREIGN_I:
        if not _PERMIT_I.match(idnumber.normalize(number)):
            errors.append(FieldError(field, "外国人永久居留身份证号码应为3位字母加12位数字"))
        return None
    try:
        return idnumber.parse(number, number_kind(id_type), today)
    except idnumber.IdNumberError as exc:
        errors.append(FieldError(field, str(exc)))
        return None


def _phone(phone: str, field: str, errors: list[FieldError]) -> None:
    phone = phone.strip()
    if len(phone) > MAX_PHONE:
        errors.append(FieldError(field, f"联系电话不能超过{MAX_PHONE}个字符"))
    elif phone and not _PHONE.match(phone):
        errors.append(
            FieldError(field, "联系电话格式不正确：应为11位手机号或带区号的固定电话")
        )


def check_applicant(applicant: ApplicantInput, today: date | None = None) -> list[FieldError]:
    """Every problem of the applicant's fields."""
    if applicant.is_unit:
        return _check_unit(applicant)
    errors: list[FieldError] = []
    info = _certificate(applicant.id_number, applicant.id_type, "applicant.id_number", errors,
                        today)
    problem = name_problem(applicant.name)
    if problem:
        errors.append(FieldError("applicant.name", problem))
    _phone(applicant.phone, "applicant.phone", errors)
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
    if applicant.credit_code or applicant.legal_rep:
        field = "applicant.credit_code" if applicant.credit_code else "applicant.legal_rep"
        errors.append(FieldError(field, "个人申请不填此项；单位申请请将 applicant.kind 设为 unit"))
    return errors


def _check_unit(unit: ApplicantInput) -> list[FieldError]:
    errors: list[FieldError] = []
    problem = unit_name_problem(unit.name)
    if problem:
        errors.append(FieldError("applicant.name", problem))
    if not unit.credit_code.strip():
        errors.append(FieldError("applicant.credit_code", "单位申请须填写统一社会信用代码"))
    elif len(unit.credit_code) > MAX_ID_NUMBER:
        errors.append(FieldError("applicant.credit_code", "统一社会信用代码过长，应为18位"))
    else:
        try:
            creditcode.validate(unit.credit_code)
        except creditcode.CreditCodeError as exc:
            errors.append(FieldError("applicant.credit_code", str(exc)))
    problem = name_problem(unit.legal_rep, "法定代表人（负责人）姓名")
    if problem:
        errors.append(FieldError("applicant.legal_rep", problem))
    _phone(unit.phone, "applicant.phone", errors)
    problem = text_problem(unit.address, MAX_ADDRESS)
    if problem:
        errors.append(FieldError("applicant.address", f"地址{problem}"))
    if unit.id_number.strip():
        errors.append(FieldError("applicant.id_number",
                                 "单位申请人以统一社会信用代码（credit_code）登记，不填证件号码"))
    if unit.sex or unit.birth_date:
        errors.append(FieldError("applicant.sex" if unit.sex else "applicant.birth_date",
                                 "单位申请人没有性别和出生日期"))
    return errors


def check_agent(agent: AgentInput, applicant: ApplicantInput | None = None,
                today: date | None = None) -> list[FieldError]:
    """Every problem of the agent's fields (and an agent who is the applicant)."""
    errors: list[FieldError] = []
    problem = name_problem(agent.name, "代办人姓名")
    if problem:
        errors.append(FieldError("agent.name", problem))
    _certificate(agent.id_number, agent.id_type, "agent.id_number", errors, today)
    _phone(agent.phone, "agent.phone", errors)
    problem = text_problem(agent.relation, MAX_RELATION)
    if problem:
        errors.append(FieldError("agent.relation", f"与申请人关系{problem}"))
    if (applicant is not None and not applicant.is_unit
            and agent.number and agent.number == applicant.number):
        errors.append(FieldError("agent.id_number", "代办人不能是申请人本人"))
    return errors
