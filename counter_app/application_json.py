"""Read an application handed in as JSON (online and self-service channels).

Keys: `applicant` (`id_number`, `name`, `phone`, optional `id_type`), `bundle` (code)
or `items` (codes), `situations` (question key or question text → answer),
`materials` (material code or name → status, or {"status", "promised_date"}),
optional `form`, `credit_promise`, `tolerance_promise`, `accepted_at` (ISO time;
without an offset it is China time), `channel`, `outcome` ("accept", "reject"), `reason`.
Every problem is reported with the field it is in.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from counter_app.domain.application import (
    ApplicantInput,
    Application,
    ApplicationError,
    FieldError,
    IdType,
    MaterialDecision,
    MaterialStatus,
)
from counter_app.domain.catalogue import Catalogue
from counter_app.domain.clock import CHINA

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
}


def parse_application(data: Any, catalogue: Catalogue) -> tuple[Application, str, str]:
    """Returns (application, outcome, reason). Raises ApplicationError."""
    errors: list[FieldError] = []
    if not isinstance(data, dict):
        raise ApplicationError([FieldError("(根)", "申请内容应为 JSON 对象")])
    for key in data:
        if key not in KNOWN_KEYS:
            errors.append(FieldError(key, "无法识别的字段"))
    applicant = _applicant(data.get("applicant"), errors)
    bundle = data.get("bundle")
    if bundle is not None and not isinstance(bundle, str):
        errors.append(FieldError("bundle", "应为一件事编码（字符串）"))
        bundle = None
    items = data.get("items", [])
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        errors.append(FieldError("items", "应为事项编码列表"))
        items = []
    situations = _situations(data.get("situations", {}), bundle, catalogue, errors)
    materials = _materials(data.get("materials", {}), errors)
    form = data.get("form", {})
    if not isinstance(form, dict):
        errors.append(FieldError("form", "应为 字段→值 的对象"))
        form = {}
    accepted_at = _time(data.get("accepted_at"), errors)
    outcome = str(data.get("outcome", "accept"))
    if outcome not in ("accept", "reject"):
        errors.append(FieldError("outcome", "应为 accept 或 reject"))
    if errors:
        raise ApplicationError(errors)
    app = Application(
        applicant=applicant,  # type: ignore[arg-type]
        bundle_code=bundle,
        item_codes=tuple(items),
        situations=situations,
        form_values={str(k): str(v) for k, v in form.items()},
        materials=materials,
        credit_promise_signed=bool(data.get("credit_promise", False)),
        tolerance_promise_signed=bool(data.get("tolerance_promise", False)),
        accepted_at=accepted_at,
        channel=str(data.get("channel", "online")),
    )
    return app, outcome, str(data.get("reason", ""))


def _applicant(raw: Any, errors: list[FieldError]) -> ApplicantInput | None:
    if not isinstance(raw, dict):
        errors.append(FieldError("applicant", "缺少申请人信息（id_number、name、phone）"))
        return None
    for key in ("id_number", "name"):
        if not str(raw.get(key, "")).strip():
            errors.append(FieldError(f"applicant.{key}", "不能为空"))
    id_type = str(raw.get("id_type", "resident"))
    if id_type not in {t.value for t in IdType}:
        errors.append(FieldError("applicant.id_type", "应为 resident、J、I 或 Y"))
        id_type = "resident"
    birth = raw.get("birth_date")
    return ApplicantInput(
        id_number=str(raw.get("id_number", "")),
        name=str(raw.get("name", "")),
        phone=str(raw.get("phone", "")),
        id_type=IdType(id_type),
        sex=str(raw.get("sex", "")),
        birth_date=_date(birth, "applicant.birth_date", errors) if birth else None,
        address=str(raw.get("address", "")),
    )


def _situations(
    raw: Any, bundle: str | None, catalogue: Catalogue, errors: list[FieldError]
) -> dict[str, str]:
    if not isinstance(raw, dict):
        errors.append(FieldError("situations", "应为 问题→回答 的对象"))
        return {}
    by_question = {}
    if bundle and bundle in catalogue.bundles:
        by_question = {s.question: s.key for s in catalogue.bundles[bundle].situations}
    return {by_question.get(k, k): str(v) for k, v in raw.items()}


def _materials(raw: Any, errors: list[FieldError]) -> dict[str, MaterialDecision]:
    if not isinstance(raw, dict):
        errors.append(FieldError("materials", "应为 材料→状态 的对象"))
        return {}
    result = {}
    for key, value in raw.items():
        promised = None
        if isinstance(value, dict):
            word = str(value.get("status", ""))
            if value.get("promised_date"):
                promised = _date(value["promised_date"], f"materials.{key}.promised_date", errors)
        else:
            word = str(value)
        status = STATUS_WORDS.get(word)
        if status is None:
            errors.append(
                FieldError(
                    f"materials.{key}",
                    f"状态“{word}”无效，可选：received、shared、tolerated、not_needed、missing",
                )
            )
            continue
        result[key] = MaterialDecision(status, promised)
    return result


def _date(raw: Any, field: str, errors: list[FieldError]) -> date | None:
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        errors.append(FieldError(field, f"日期“{raw}”无效，应为 YYYY-MM-DD"))
        return None


def _time(raw: Any, errors: list[FieldError]) -> datetime | None:
    if raw in (None, ""):
        return None
    try:
        value = datetime.fromisoformat(str(raw))
    except ValueError:
        errors.append(FieldError("accepted_at", f"时间“{raw}”无效，应为 ISO 格式"))
        return None
    return value if value.tzinfo else value.replace(tzinfo=CHINA)
