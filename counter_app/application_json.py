"""Read an application handed in as JSON (online and self-service channels).

Keys: `applicant` — a person (`id_number`, `name`, `phone`, optional `id_type`, `sex`,
`birth_date`, `address`) or, with `"kind": "unit"`, a unit (`name`, `credit_code`,
`legal_rep`, `phone`, `address`) —, `agent` (代办人, required for a unit: `name`,
`id_number`, `phone`, `relation`, optional `id_type`), `bundle` (code) or `items`
(codes), `situations` (question key or question text → answer), `materials`
(material code or name → status, or {"status", "promised_date"}), optional `form`,
`credit_promise`, `tolerance_promise` (the applicant's e-signature), `accepted_at`
(ISO time; without an offset it is China time), `channel`, `application_id` (the
channel's own id: the same id again returns the same case), `outcome` ("accept",
"reject"), `reason`. Every problem is reported with the field it is in.

Types are strict: texts are JSON strings (a number, `null` or `true` is refused, not
turned into "123", "None" or "True"), the promises are JSON booleans, lists are lists.
Every text is limited to what its column in store/models.py holds and refused when it
carries control characters (NUL …), lone surrogates or bidirectional overrides, so
nothing reaches the database that it would refuse or that would mislead on paper.
Messages never repeat an ID number or phone number.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from counter_app.domain.application import (
    CHANNELS,
    MAX_ANSWER,
    MAX_APPLICATION_ID,
    MAX_CODE,
    MAX_FORM_VALUE,
    MAX_ID_NUMBER,
    MAX_MATERIAL_KEY,
    MAX_NAME,
    MAX_PHONE,
    MAX_REASON,
    MAX_RELATION,
    PERSON_ID_TYPES,
    AgentInput,
    ApplicantInput,
    ApplicantKind,
    Application,
    ApplicationError,
    FieldError,
    IdType,
    MaterialDecision,
    MaterialStatus,
    check_agent,
    check_applicant,
    shown,
    text_problem,
)
from counter_app.domain.catalogue import Catalogue
from counter_app.domain.clock import CHINA
from counter_app.domain.workcal import WorkCalendar

STATUS_WORDS: dict[str, MaterialStatus] = {
    "received": MaterialStatus.RECEIVED,
    "已收取": MaterialStatus.RECEIVED,
    "已收": MaterialStatus.RECEIVED,
    "shared": MaterialStatus.SHARED,
    "共享": MaterialStatus.SHARED,
    "共享获取": MaterialStatus.SHARED,
    "tolerated": MaterialStatus.TOLERATED,
    "容缺": MaterialStatus.TOLERATED,
    "not_needed": MaterialStatus.NOT_NEEDED,
    "无需提供": MaterialStatus.NOT_NEEDED,
    "无需": MaterialStatus.NOT_NEEDED,
    "missing": MaterialStatus.MISSING,
    "未提供": MaterialStatus.MISSING,
    "缺": MaterialStatus.MISSING,
}

KNOWN_KEYS = {
    "applicant",
    "bundle",
    "items",
    "situations",
    "materials",
    "form",
    "credit_promise",
    "tolerance_promise",
    "accepted_at",
    "channel",
    "outcome",
    "reason",
    "agent",
    "application_id",
}
APPLICANT_KEYS = ("kind", "id_number", "name", "phone", "id_type", "sex", "birth_date",
                  "address")
UNIT_KEYS = ("kind", "name", "credit_code", "legal_rep", "phone", "address")
AGENT_KEYS = ("name", "id_number", "phone", "relation", "id_type")
MATERIAL_KEYS = ("status", "promised_date")
OUTCOMES = ("accept", "reject")
MAX_ITEMS = 50  # codes in "items"
MAX_ENTRIES = 200  # keys of "situations", "materials", "form"
MAX_QUESTION = 200  # a situation may be named by its question text
MAX_ADDRESS = 255
_ID_TYPES = "、".join(t.value for t in PERSON_ID_TYPES)
_KINDS = "、".join(k.value for k in ApplicantKind)


def parse_application(data: Any, catalogue: Catalogue) -> tuple[Application, str, str]:
    """Returns (application, outcome, reason). Raises ApplicationError."""
    errors: list[FieldError] = []
    if not isinstance(data, dict):
        raise ApplicationError([FieldError("(根)", "申请内容应为 JSON 对象")])
    for key in data:
        if key not in KNOWN_KEYS:
            errors.append(FieldError(shown(key), "无法识别的字段"))
    applicant = _applicant(data.get("applicant"), errors)
    agent = _agent(data["agent"], applicant, errors) if data.get("agent") is not None else None
    application_id = _text(data, "application_id", "application_id", MAX_APPLICATION_ID,
                           errors, default="")
    bundle = _text(data, "bundle", "bundle", MAX_CODE, errors, default=None)
    items = _items(data.get("items", []), errors)
    situations = _situations(data.get("situations", {}), bundle, catalogue, errors)
    materials = _materials(data.get("materials", {}), errors)
    form = _form(data.get("form", {}), errors)
    credit = _bool(data, "credit_promise", errors)
    tolerance = _bool(data, "tolerance_promise", errors)
    accepted_at = _time(data.get("accepted_at"), errors)
    channel = _choice(data, "channel", tuple(CHANNELS), "online", errors)
    outcome = _choice(data, "outcome", OUTCOMES, "accept", errors)
    reason = _text(data, "reason", "reason", MAX_REASON, errors, default="", multiline=True)
    if errors:
        raise ApplicationError(errors)
    assert applicant is not None
    app = Application(
        applicant=applicant,
        bundle_code=bundle,
        item_codes=tuple(items),
        situations=situations,
        form_values=form,
        materials=materials,
        credit_promise_signed=credit,
        tolerance_promise_signed=tolerance,
        accepted_at=accepted_at,
        channel=channel,
        agent=agent,
        application_id=(application_id or "").strip(),
    )
    return app, outcome, reason or ""


# -- typed fields ---------------------------------------------------------------------


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, int | float):
        return "数字"
    if isinstance(value, str):
        return "文本"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "对象"
    return type(value).__name__


def _check_text(
    value: Any, field: str, max_len: int, errors: list[FieldError], *, multiline: bool = False
) -> str | None:
    """`value` if it is an acceptable text, else None with the problem recorded."""
    if not isinstance(value, str):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        hint = "（请加引号）" if number else ""
        errors.append(FieldError(field, f"应为文本，实际为{_type_name(value)}{hint}"))
        return None
    problem = text_problem(value, max_len, multiline=multiline)
    if problem:
        errors.append(FieldError(field, problem))
        return None
    return value


def _text(
    table: dict[str, Any],
    key: str,
    field: str,
    max_len: int,
    errors: list[FieldError],
    *,
    default: Any,
    multiline: bool = False,
) -> Any:
    """An optional text key: absent → `default`; present → a checked string (or the
    default, with the problem recorded)."""
    if key not in table:
        return default
    checked = _check_text(table[key], field, max_len, errors, multiline=multiline)
    return default if checked is None else checked


def _required_text(
    table: dict[str, Any], key: str, field: str, max_len: int, errors: list[FieldError]
) -> str:
    if key not in table:
        errors.append(FieldError(field, "缺少必填项"))
        return ""
    checked = _check_text(table[key], field, max_len, errors)
    if checked is not None and not checked.strip():
        errors.append(FieldError(field, "不能为空"))
    return checked or ""


def _bool(data: dict[str, Any], key: str, errors: list[FieldError]) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        errors.append(
            FieldError(key, f"应为布尔值 true 或 false（不加引号），实际为{_type_name(value)}")
        )
        return False
    return value


def _choice(
    data: dict[str, Any], key: str, options: tuple[str, ...], default: str,
    errors: list[FieldError],
) -> str:
    value = _text(data, key, key, 32, errors, default=None)
    if value is None:
        return default
    if value not in options:
        errors.append(FieldError(key, f"应为 {'、'.join(options)} 之一"))
        return default
    return value


def _applicant(raw: Any, errors: list[FieldError]) -> ApplicantInput | None:
    if not isinstance(raw, dict):
        errors.append(FieldError("applicant", "缺少申请人信息（id_number、name、phone）"))
        return None
    kind = _text(raw, "kind", "applicant.kind", 16, errors, default="person")
    if kind not in {k.value for k in ApplicantKind}:
        errors.append(FieldError("applicant.kind", f"应为 {_KINDS} 之一（个人或单位）"))
        return None
    if kind == ApplicantKind.UNIT:
        return _unit(raw, errors)
    before = len(errors)
    for key in raw:
        if key not in APPLICANT_KEYS:
            hint = "（个人申请没有此项；单位申请请加 \"kind\": \"unit\"）" \
                if key in UNIT_KEYS else ""
            errors.append(FieldError(f"applicant.{shown(key)}", f"无法识别的字段{hint}"))
    id_number = _required_text(raw, "id_number", "applicant.id_number", MAX_ID_NUMBER, errors)
    name = _required_text(raw, "name", "applicant.name", MAX_NAME, errors)
    phone = _text(raw, "phone", "applicant.phone", MAX_PHONE, errors, default="")
    id_type = _text(raw, "id_type", "applicant.id_type", 16, errors, default="resident")
    if id_type not in {t.value for t in PERSON_ID_TYPES}:
        errors.append(FieldError("applicant.id_type", f"应为 {_ID_TYPES} 之一"))
        id_type = "resident"
    sex = _text(raw, "sex", "applicant.sex", 4, errors, default="")
    birth_text = _text(raw, "birth_date", "applicant.birth_date", 10, errors, default="")
    birth = _date(birth_text, "applicant.birth_date", errors) if birth_text else None
    address = _text(raw, "address", "applicant.address", MAX_ADDRESS, errors, default="")
    applicant = ApplicantInput(
        id_number=id_number,
        name=name,
        phone=phone,
        id_type=IdType(id_type),
        sex=sex,
        birth_date=birth,
        address=address,
    )
    # what the fields say, for those whose shape was right
    shaped = {e.field for e in errors[before:]}
    if "applicant.id_type" in shaped:
        shaped.add("applicant.id_number")
    errors.extend(e for e in check_applicant(applicant) if e.field not in shaped)
    return applicant


def _unit(raw: dict[str, Any], errors: list[FieldError]) -> ApplicantInput:
    before = len(errors)
    for key in raw:
        if key not in UNIT_KEYS:
            errors.append(FieldError(f"applicant.{shown(key)}", "单位申请人无此字段（可用："
                                     f"{'、'.join(UNIT_KEYS)}）"))
    name = _required_text(raw, "name", "applicant.name", MAX_NAME, errors)
    credit_code = _required_text(raw, "credit_code", "applicant.credit_code", MAX_ID_NUMBER,
                                 errors)
    legal_rep = _required_text(raw, "legal_rep", "applicant.legal_rep", MAX_NAME, errors)
    phone = _text(raw, "phone", "applicant.phone", MAX_PHONE, errors, default="")
    address = _text(raw, "address", "applicant.address", MAX_ADDRESS, errors, default="")
    unit = ApplicantInput.unit(name, credit_code, legal_rep, phone, address)
    shaped = {e.field for e in errors[before:]}
    errors.extend(e for e in check_applicant(unit) if e.field not in shaped)
    return unit


def _agent(raw: Any, applicant: ApplicantInput | None,
           errors: list[FieldError]) -> AgentInput | None:
    """代办人: an object with name, id_number, phone, relation (id_type optional)."""
    if not isinstance(raw, dict):
        errors.append(FieldError("agent", f"应为代办人对象（name、id_number、phone、relation），"
                                          f"实际为{_type_name(raw)}"))
        return None
    before = len(errors)
    for key in raw:
        if key not in AGENT_KEYS:
            errors.append(FieldError(f"agent.{shown(key)}", "无法识别的字段"))
    name = _required_text(raw, "name", "agent.name", MAX_NAME, errors)
    id_number = _required_text(raw, "id_number", "agent.id_number", MAX_ID_NUMBER, errors)
    phone = _text(raw, "phone", "agent.phone", MAX_PHONE, errors, default="")
    relation = _text(raw, "relation", "agent.relation", MAX_RELATION, errors, default="")
    id_type = _text(raw, "id_type", "agent.id_type", 16, errors, default="resident")
    if id_type not in {t.value for t in PERSON_ID_TYPES}:
        errors.append(FieldError("agent.id_type", f"应为 {_ID_TYPES} 之一"))
        id_type = "resident"
    agent = AgentInput(name, id_number, phone, relation, IdType(id_type))
    shaped = {e.field for e in errors[before:]}
    if "agent.id_type" in shaped:
        shaped.add("agent.id_number")
    errors.extend(e for e in check_agent(agent, applicant) if e.field not in shaped)
    return agent


def _items(raw: Any, errors: list[FieldError]) -> list[str]:
    if not isinstance(raw, list):
        errors.append(FieldError("items", f"应为事项编码列表，实际为{_type_name(raw)}"))
        return []
    if len(raw) > MAX_ITEMS:
        errors.append(FieldError("items", f"事项不能超过{MAX_ITEMS}个（现为{len(raw)}个）"))
        return []
    codes = []
    for i, value in enumerate(raw, 1):
        code = _check_text(value, f"items[{i}]", MAX_CODE, errors)
        if code is not None:
            codes.append(code)
    return codes


def _object(raw: Any, field: str, what: str, errors: list[FieldError]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        errors.append(FieldError(field, f"应为 {what} 的对象，实际为{_type_name(raw)}"))
        return {}
    if len(raw) > MAX_ENTRIES:
        errors.append(FieldError(field, f"不能超过{MAX_ENTRIES}项（现为{len(raw)}项）"))
        return {}
    return raw


def _key_ok(key: str, field: str, max_len: int, errors: list[FieldError]) -> bool:
    problem = text_problem(key, max_len)
    if problem:
        errors.append(FieldError(field, f"键{problem}"))
        return False
    return True


def _situations(
    raw: Any, bundle: str | None, catalogue: Catalogue, errors: list[FieldError]
) -> dict[str, str]:
    raw = _object(raw, "situations", "问题→回答", errors)
    by_question = {}
    if bundle and bundle in catalogue.bundles:
        by_question = {s.question: s.key for s in catalogue.bundles[bundle].situations}
    result = {}
    for key, value in raw.items():
        field = f"situations.{shown(key)}"
        if not _key_ok(key, field, MAX_QUESTION, errors):
            continue
        answer = _check_text(value, field, MAX_ANSWER, errors)
        if answer is not None:
            result[by_question.get(key, key)] = answer
    return result


def _materials(raw: Any, errors: list[FieldError]) -> dict[str, MaterialDecision]:
    raw = _object(raw, "materials", "材料→状态", errors)
    result = {}
    for key, value in raw.items():
        field = f"materials.{shown(key)}"
        if not _key_ok(key, field, MAX_MATERIAL_KEY, errors):
            continue
        promised = None
        if isinstance(value, dict):
            for extra in value:
                if extra not in MATERIAL_KEYS:
                    errors.append(FieldError(f"{field}.{shown(extra)}", "无法识别的字段"))
            word = _check_text(value.get("status"), f"{field}.status", 32, errors)
            promised_text = _text(value, "promised_date", f"{field}.promised_date", 10,
                                  errors, default="")
            if promised_text:
                promised = _date(promised_text, f"{field}.promised_date", errors)
        else:
            word = _check_text(value, field, 32, errors)
        if word is None:
            continue
        status = STATUS_WORDS.get(word)
        if status is None:
            errors.append(
                FieldError(
                    field,
                    f"状态“{shown(word)}”无效，可选：received、shared、tolerated、not_needed、missing",
                )
            )
            continue
        result[key] = MaterialDecision(status, promised)
    return result


def _form(raw: Any, errors: list[FieldError]) -> dict[str, str]:
    raw = _object(raw, "form", "字段→值", errors)
    result = {}
    for key, value in raw.items():
        field = f"form.{shown(key)}"
        if not _key_ok(key, field, MAX_CODE, errors):
            continue
        text = _check_text(value, field, MAX_FORM_VALUE, errors)
        if text is not None:
            result[key] = text
    return result


def _date(raw: str, field: str, errors: list[FieldError]) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(FieldError(field, f"日期“{shown(raw, 12)}”无效，应为 YYYY-MM-DD"))
        return None


def _time(raw: Any, errors: list[FieldError]) -> datetime | None:
    """An ISO time; China time without an offset. A day the working calendar has no
    data for in the past (before 2004) cannot be a real acceptance: due dates could
    not be computed; times in the future are refused by the acceptance service."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or len(raw) > 40:
        errors.append(
            FieldError("accepted_at", "应为 ISO 格式的时间文本，如 2026-09-29T10:00:00+08:00")
        )
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        errors.append(FieldError("accepted_at", f"时间“{shown(raw)}”无效，应为 ISO 格式"))
        return None
    value = value if value.tzinfo else value.replace(tzinfo=CHINA)
    try:
        day = value.astimezone(CHINA).date()
    except OverflowError:
        errors.append(FieldError("accepted_at", "时间超出范围"))
        return None
    if day < date.today() and not WorkCalendar().is_known(day):
        errors.append(
            FieldError(
                "accepted_at", f"受理时间{day.year}年早于工作日历收录的年份，不可能是真实受理时间"
            )
        )
        return None
    return value
