"""The export boundary to the provincial 好差评 system: the canonical record and the
profile that turns it into a target's fields and codes.

The canonical record (stored in the outbox) holds meanings only:

| source            | meaning                                                    |
|-------------------|------------------------------------------------------------|
| key               | idempotency key: case number + rating number (+ item seq)  |
| rating_no         | the hall's rating number                                   |
| project_no        | 办件编号 (or the visit's ticket for a visit without a case)   |
| item_code, item_name | the item rated (事项编码, 名称): one record per item of a |
|                   | bundle, or all of them joined (profile `rating_records`)   |
| dept_code, area_code | the hall's department and area codes (settings only)    |
| pro_status        | case status: accepted/supplement/complete/returned/rejected/ |
|                   | terminated/withdrawn, or consultation (a visit without case) |
| handler_name      | the teller (经办人)                                          |
| channel           | window_pad / soft_pad / online / mobile / qr_code           |
| applicant_name, applicant_cert_no | the rater, when known (real-name)           |
| applicant_kind    | person / legal_person                                      |
| satisfaction      | Satisfaction value (very_satisfied …)                      |
| reasons           | list of Reason values                                      |
| comment           | written evaluation, ID and phone numbers in it masked      |
| assessed_at       | ISO 8601 instant (UTC)                                     |
| assess_number     | 1 at the window, 2 added later                             |

A profile (TOML, resources/hcp/reference.toml) maps target fields to sources and
meanings to codes, so another province is a new file, not new code. Its
[case_fields] do the same for the case records (services.case_records, sources
CASE_SOURCES), sent to the target "case".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import resources
from counter_app.domain.rating import CodeOrder, Satisfaction, satisfaction_code
from counter_app.logs import scrub

SOURCES = frozenset(
    {
        "key", "rating_no", "project_no", "item_code", "item_name", "dept_code", "area_code",
        "pro_status", "handler_name", "channel", "applicant_name", "applicant_cert_no",
        "applicant_kind", "satisfaction", "reasons", "comment", "assessed_at", "assess_number",
    }
)
CASE_SOURCES = frozenset(
    {
        "key", "record_type", "project_no", "item_seq", "item_count", "item_code", "basic_code",
        "item_name", "case_kind", "handle_unit", "dept_code", "area_code", "case_channel",
        "applicant_kind", "applicant_name", "applicant_cert_type", "applicant_cert_no",
        "agent_name", "agent_cert_no", "accept_status", "received_at", "accepted_at",
        "promised_date", "handler_name", "result", "item_result", "finished_at", "reason",
    }
)
_TIMES = frozenset({"received_at", "accepted_at", "finished_at"})
RATING_RECORDS = ("per_item", "per_case")
REFERENCE_PROFILE = resources.HCP_PROFILES_DIR / "reference.toml"


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    fields: dict[str, str]
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    satisfaction_order: CodeOrder = CodeOrder.REPORT
    assess_time_format: str = "%Y-%m-%d %H:%M:%S"
    timezone: str = "Asia/Shanghai"
    list_separator: str = ","
    api_key_secret: str = "hcp:api_key"
    api_key_header: str = "X-Api-Key"
    timeout_seconds: float = 15.0
    rating_records: str = "per_item"  # a bundle's rating: one record per item, or per case
    case_fields: dict[str, str] = field(default_factory=dict)
    case_time_format: str = "%Y-%m-%d %H:%M:%S"

    def record(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The target's JSON object for one canonical record."""
        return {name: self._value(source, payload.get(source)) for name, source in
                self.fields.items()}

    def case_record(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The target's JSON object for one case record (受理 / 办结)."""
        out = {}
        for name, source in self.case_fields.items():
            value = payload.get(source)
            if source in _TIMES and value:
                at = datetime.fromisoformat(value)
                out[name] = at.astimezone(ZoneInfo(self.timezone)).strftime(
                    self.case_time_format)
            else:
                out[name] = self._value(source, value)
        return out

    def _value(self, source: str, value: Any) -> Any:
        if value is None:
            return ""
        if source == "satisfaction":
            return satisfaction_code(Satisfaction(value), self.satisfaction_order)
        if source == "assessed_at":
            at = datetime.fromisoformat(value)
            return at.astimezone(ZoneInfo(self.timezone)).strftime(self.assess_time_format)
        if source == "comment":  # masked again: records queued before masking existed
            return scrub(str(value))
        if source == "reasons":
            table = self.codes.get("reasons", {})
            return self.list_separator.join(str(table.get(r, r)) for r in value or ())
        table = self.codes.get(source)
        if table is not None and value in table:
            return table[value]
        return "" if value is None else value


def load_profile(path: Path | str | None = None) -> Profile:
    """Read a profile; the reference profile when `path` is empty."""
    return _load(str(path or REFERENCE_PROFILE))


@lru_cache(maxsize=8)
def _load(path_text: str) -> Profile:
    path = Path(path_text)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"好差评接口配置文件不存在: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path.name}: 格式错误: {exc}") from exc
    fields_ = data.get("fields")
    if not isinstance(fields_, dict) or not fields_:
        raise ProfileError(f"{path.name}: 缺少 [fields]")
    for name, source in fields_.items():
        if source not in SOURCES:
            raise ProfileError(f"{path.name}: [fields] {name} = {source!r} 不是已知的数据项")
    try:
        order = CodeOrder(data.get("satisfaction_order", "report"))
    except ValueError:
        raise ProfileError(
            f"{path.name}: satisfaction_order 须为 report 或 gbt39046"
        ) from None
    codes = data.get("codes", {})
    if not isinstance(codes, dict):
        raise ProfileError(f"{path.name}: [codes] 应为表")
    case_fields = data.get("case_fields", {})
    if not isinstance(case_fields, dict):
        raise ProfileError(f"{path.name}: [case_fields] 应为表")
    for name, source in case_fields.items():
        if source not in CASE_SOURCES:
            raise ProfileError(f"{path.name}: [case_fields] {name} = {source!r} 不是已知的数据项")
    rating_records = str(data.get("rating_records", "per_item"))
    if rating_records not in RATING_RECORDS:
        raise ProfileError(f"{path.name}: rating_records 须为 per_item 或 per_case")
    return Profile(
        name=str(data.get("name", path.stem)),
        title=str(data.get("title", path.stem)),
        fields={str(k): str(v) for k, v in fields_.items()},
        codes={str(k): dict(v) for k, v in codes.items()},
        satisfaction_order=order,
        assess_time_format=str(data.get("assess_time_format", "%Y-%m-%d %H:%M:%S")),
        timezone=str(data.get("timezone", "Asia/Shanghai")),
        list_separator=str(data.get("list_separator", ",")),
        api_key_secret=str(data.get("api_key_secret", "hcp:api_key")),
        api_key_header=str(data.get("api_key_header", "X-Api-Key")),
        timeout_seconds=float(data.get("timeout_seconds", 15)),
        rating_records=rating_records,
        case_fields={str(k): str(v) for k, v in case_fields.items()},
        case_time_format=str(data.get("case_time_format", "%Y-%m-%d %H:%M:%S")),
    )
