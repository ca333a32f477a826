"""Typed settings, split by concern.

The config file is flat TOML (`hall_code = "37010201"`, `queue_recall_max = 3`) and
every key can be overridden by an environment variable `COUNTER_<KEY>`; in code the
values are grouped by what they are for, so a function takes only the part it needs
(`settings.queue`, `settings.ratings` …) instead of the whole bag.

Each field names its file key, its meaning (the configuration reference in
docs/configuration.md is generated from these docs) and its limits; `loader` checks
every value against them and says, in Chinese, which file, key and type is wrong.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

from counter_app.config.paths import data_dir, default_db_url
from counter_app.domain.announce import DEFAULT_TEMPLATE, TEMPLATE_PATTERN


def setting(
    key: str,
    default: Any,
    doc: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    pattern: str | None = None,
    max_length: int = 512,
    secret_free: bool = True,
) -> Any:
    """A settings field: its flat key in the file/environment, default, meaning, limits."""
    meta = {
        "key": key,
        "doc": doc,
        "minimum": minimum,
        "maximum": maximum,
        "pattern": pattern,
        "max_length": max_length,
        "secret_free": secret_free,
    }
    if isinstance(default, dict):
        frozen = dict(default)
        return field(default_factory=lambda: dict(frozen), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class HallSettings:
    """Where this PC stands: the hall and the window."""

    code: str = setting(
        "hall_code", "37010201", "大厅编码，办件编号和号票以它开头（2–16 位字母或数字）",
        pattern=r"^[0-9A-Za-z]{2,16}$",
    )
    name: str = setting(
        "hall_name", "济南市历下区人力资源和社会保障局政务服务大厅", "大厅名称，印在文书和号票上",
        max_length=64,
    )
    phone: str = setting(
        "hall_phone", "0531-12333", "监督咨询电话，印在文书上", pattern=r"^[0-9+\-() ]{3,20}$"
    )
    window_no: str = setting(
        "window_no", "1", "本机窗口号（命令行 --window 可临时改）", pattern=r"^[0-9A-Za-z]{1,8}$"
    )
    organ_name: str = setting(
        "organ_name", "济南市历下区人力资源和社会保障局",
        "行政机关名称：不予受理等决定以它的名义作出，印在文书落款", max_length=64,
    )
    review_body: str = setting(
        "review_body", "济南市历下区人民政府",
        "行政复议机关：不予受理通知书告知申请人可在60日内向它申请行政复议"
        "（一般为本级人民政府，以本地规定为准）", max_length=64,
    )
    court: str = setting(
        "court", "济南市历下区人民法院",
        "行政诉讼管辖法院：不予受理通知书告知申请人可在6个月内向它起诉"
        "（实行行政案件集中管辖的地方填集中管辖法院）", max_length=64,
    )


@dataclass(frozen=True)
class CaseSettings:
    """Cases and their papers."""

    supplement_days: int = setting(
        "supplement_days", 5,
        "一次性告知：申请人补齐材料的期限（工作日）；逾期未补正的申请视为撤回",
        minimum=1, maximum=60,
    )
    tolerance_ban_days: int = setting(
        "tolerance_ban_days", 365,
        "违背容缺承诺（逾期未补交、办件终止）后多少个自然日内不再适用容缺受理",
        minimum=1, maximum=3650,
    )
    tolerance_due_soon_days: int = setting(
        "tolerance_due_soon_days", 2, "容缺材料距承诺补交日期几个工作日内提示即将到期",
        minimum=0, maximum=20,
    )
    sweep_minutes: int = setting(
        "sweep_minutes", 10,
        "各窗口后台检查到期办件（容缺逾期终止、补正逾期撤回）的间隔分钟数",
        minimum=1, maximum=24 * 60,
    )
    papers_dir: str = setting(
        "papers_dir", "", "各办件文书 PDF 的保存目录（空 = 数据目录下 papers）"
    )
    a4_printer: str = setting(
        "a4_printer", "", "A4 文书打印机：系统打印队列名、folder:目录，空 = 系统默认打印机"
    )
    rating_url: str = setting(
        "rating_url", "https://hcp.example.invalid/rate?case=",
        "文书上评价二维码的地址，办件编号接在末尾",
    )

    @property
    def effective_papers_dir(self) -> Path:
        return Path(self.papers_dir) if self.papers_dir else data_dir() / "papers"


@dataclass(frozen=True)
class DeviceSettings:
    """The counter's devices. Attribute names are those `devices.hub` reads."""

    idcard_port: str = setting(
        "idcard_port", "", "身份证阅读器：串口如 /dev/ttyUSB0、COM3?baud=115200，或 sdtapi"
    )
    sscard_port: str = setting("sscard_port", "", "社保卡读卡器：pcsc、sim 或串口")
    scanner_port: str = setting("scanner_port", "", "扫码枪（串口模式）；键盘模式无需配置")
    pad_port: str = setting("pad_port", "", "评价器串口；soft = 第二屏上的软件评价器")
    slip_printer: str = setting(
        "slip_printer", "",
        "号票打印机：serial:PORT?baud=9600、tcp:HOST:9100、file:PATH 或 pdf:打印队列",
    )


@dataclass(frozen=True)
class QueueSettings:
    """The hall queue (叫号)."""

    categories: dict[str, str] = setting(
        "queue_categories",
        {"A": "就业创业", "B": "社会保险", "C": "人事人才", "D": "劳动关系", "E": "社保卡"},
        "业务类别：TOML 表 {A = \"就业创业\"}；环境变量写作 A=就业创业,B=社会保险",
    )
    window_categories: str = setting(
        "queue_window_categories", "", "本窗口叫哪些类别，如 AB；空 = 全部",
        pattern=r"^[A-Za-z, ，]*$",
    )
    recall_max: int = setting("queue_recall_max", 3, "重呼次数上限", minimum=0, maximum=10)
    recall_gap_seconds: int = setting(
        "queue_recall_gap_seconds", 30,
        "重呼前与上次呼叫至少间隔的秒数（F2 过早时告诉柜员几秒后可再重呼）",
        minimum=0, maximum=600,
    )
    walk_in_category: str = setting(
        "queue_walk_in_category", "",
        "无号现场办理（Shift+F1）记入的业务类别前缀；空 = 本窗口的第一个类别",
        pattern=r"^[A-Za-z]{0,2}$",
    )
    no_show_minutes: int = setting(
        "queue_no_show_minutes", 30, "过号后可激活的分钟数", minimum=0, maximum=24 * 60
    )
    rejoin_behind: int = setting(
        "queue_rejoin_behind", 3, "过号激活后顺延的人数", minimum=0, maximum=100
    )
    priority_run: int = setting(
        "queue_priority_run", 0, "连续叫几个优先号后插一个普通号（0 = 优先号总在前）",
        minimum=0, maximum=100,
    )
    priority_age: int = setting(
        "queue_priority_age", 70, "刷身份证取号时自动优先的年龄（0 = 不自动优先）",
        minimum=0, maximum=120,
    )
    slip_qr_url: str = setting(
        "slip_qr_url", "https://hall.example.invalid/queue?hall={hall}&no={number}",
        "号票二维码地址，可用 {hall} {number} {day}",
    )


@dataclass(frozen=True)
class DisplaySettings:
    """The hall display (叫号屏) and its voice."""

    voice: str = setting(
        "display_voice", "auto",
        "叫号语音：auto = 有中文语音的系统语音（Windows 语音、speech-dispatcher）优先，"
        "否则 espeak-ng；qt = 只用系统语音；espeak-ng = 只用 espeak-ng；off = 不播报",
        pattern=r"^(auto|qt|espeak-ng|off)$",
    )
    announce_template: str = setting(
        "display_announce_template", DEFAULT_TEMPLATE,
        "叫号播报和屏幕显示的文字：{number} 为号码（逐位读，A005 读作 A零零五），"
        "{window} 为窗口号（按数读，12 读作十二）；必须含 {number}",
        pattern=TEMPLATE_PATTERN, max_length=80,
    )
    announce_repeat: int = setting(
        "display_announce_repeat", 2, "每次叫号播报几遍", minimum=1, maximum=5
    )
    announce_pause_ms: int = setting(
        "display_announce_pause_ms", 800, "两遍播报之间、两次叫号之间停顿的毫秒数",
        minimum=0, maximum=10_000,
    )
    voice_rate: int = setting(
        "display_voice_rate", 100, "语速百分比（100 = 正常；大厅嘈杂时可调慢到 80）",
        minimum=50, maximum=200,
    )
    espeak_voice: str = setting(
        "display_espeak_voice", "cmn-latn-pinyin",
        "espeak-ng 的语音：cmn-latn-pinyin（普通话）；粤语大厅可用 yue。"
        "不用 cmn：espeak-ng 1.51 的 cmn 把汉字读成英文字母",
        pattern=r"^[A-Za-z][A-Za-z0-9_/+-]{0,40}$",
    )


@dataclass(frozen=True)
class RatingSettings:
    """好差评 at the window."""

    auto: bool = setting("rating_auto", False, "受理后自动请申请人评价（否则按 F8）")
    timeout_s: int = setting(
        "rating_timeout_s", 60, "评价器等待按键的秒数", minimum=10, maximum=255
    )
    good_counts_basic: bool = setting(
        "good_rate_counts_basic", True, "好评率是否把“基本满意”算作好评"
    )


@dataclass(frozen=True)
class DeliverySettings:
    """Delivery of records to the provincial 好差评 system (the outbox)."""

    url: str = setting("hcp_url", "", "省好差评接口地址；空 = 评价留在待发送队列", max_length=1024)
    profile: str = setting("hcp_profile", "", "字段对照文件；空 = resources/hcp/reference.toml")
    dept_code: str = setting(
        "hcp_dept_code", "", "实施部门编码（deptCode），随每条评价上报",
        pattern=r"^[0-9A-Za-z]{0,32}$",
    )
    area_code: str = setting(
        "hcp_area_code", "", "行政区划代码；空 = 大厅编码前 6 位",
        pattern=r"^(\d{6}|\d{9}|\d{12})?$",
    )
    case_url: str = setting(
        "case_report_url", "",
        "办件信息（受理、办结记录）上报接口地址；空 = 记录留在待发送队列", max_length=1024,
    )


@dataclass(frozen=True)
class FollowUpSettings:
    """The bad-rating loop (差评整改)."""

    rectify_days: int = setting(
        "followup_rectify_days", 5, "差评整改期限（工作日，自评价日起）", minimum=1, maximum=60
    )
    report_days: int = setting(
        "followup_report_days", 5, "整改情况报告单期限（工作日，自整改完成起）",
        minimum=1, maximum=60,
    )
    due_soon_days: int = setting(
        "followup_due_soon_days", 1, "提前几个工作日提示即将到期", minimum=0, maximum=10
    )


SECTIONS: dict[str, type] = {
    "hall": HallSettings,
    "cases": CaseSettings,
    "devices": DeviceSettings,
    "queue": QueueSettings,
    "display": DisplaySettings,
    "ratings": RatingSettings,
    "delivery": DeliverySettings,
    "followup": FollowUpSettings,
}


@dataclass(frozen=True)
class Settings:
    """Every setting of one PC, grouped by concern."""

    db_url: str = setting(
        "db_url", "",
        "数据库地址；空 = 本机 SQLite。大厅用 postgresql://用户@服务器/库（密码存系统密钥环）",
        max_length=1024,
    )
    hall: HallSettings = field(default_factory=HallSettings)
    cases: CaseSettings = field(default_factory=CaseSettings)
    devices: DeviceSettings = field(default_factory=DeviceSettings)
    queue: QueueSettings = field(default_factory=QueueSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    ratings: RatingSettings = field(default_factory=RatingSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    followup: FollowUpSettings = field(default_factory=FollowUpSettings)

    @property
    def effective_db_url(self) -> str:
        return self.db_url or default_db_url()

    @classmethod
    def of(cls, **values: Any) -> Settings:
        """Settings from flat keys, checked like the file (tests, the demo, --window):
        `Settings.of(db_url=url, window_no="3")`."""
        return build(check_values(values, source="参数"))

    def with_values(self, **values: Any) -> Settings:
        """A copy with some flat keys changed (checked)."""
        return build(check_values(values, source="参数"), base=self)

    def flat(self) -> dict[str, Any]:
        """{file key: value} of every setting (config show, docs)."""
        out: dict[str, Any] = {}
        for spec, section in all_fields():
            owner = self if section is None else getattr(self, section)
            out[spec.metadata["key"]] = getattr(owner, spec.name)
        return out


def all_fields() -> list[tuple[Field[Any], str | None]]:
    """(field, section attribute or None for top level) of every setting, in order."""
    out: list[tuple[Field[Any], str | None]] = []
    for spec in fields(Settings):
        if "key" in spec.metadata:
            out.append((spec, None))
    for section, cls in SECTIONS.items():
        out.extend((spec, section) for spec in fields(cls))
    return out


def field_default(spec: Field[Any]) -> Any:
    if spec.default is not MISSING:
        return spec.default
    assert spec.default_factory is not MISSING
    return spec.default_factory()


def build(values: dict[str, Any], base: Settings | None = None) -> Settings:
    """Settings from checked flat values (keys are file keys), over `base`."""
    base = base or Settings()
    by_key = {spec.metadata["key"]: (spec, section) for spec, section in all_fields()}
    top: dict[str, Any] = {}
    parts: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    for key, value in values.items():
        spec, section = by_key[key]
        (top if section is None else parts[section])[spec.name] = value
    changes = dict(top)
    for name, changed in parts.items():
        if changed:
            changes[name] = replace(getattr(base, name), **changed)
    return replace(base, **changes)


def key_pattern(spec: Field[Any]) -> re.Pattern[str] | None:
    pattern = spec.metadata.get("pattern")
    return re.compile(pattern) if pattern else None


# ---- checking values against the fields' limits -----------------------------------------


class SettingsError(ValueError):
    """A bad setting; the message is Chinese and names the file or variable and key."""


def value_types() -> dict[str, tuple[Field[Any], type | Any]]:
    out: dict[str, tuple[Field[Any], Any]] = {}
    hints_of = {None: get_type_hints(Settings)}
    for name, cls in SECTIONS.items():
        hints_of[name] = get_type_hints(cls)  # type: ignore[index]
    for spec, section in all_fields():
        out[spec.metadata["key"]] = (spec, hints_of[section][spec.name])  # type: ignore[index]
    return out


def known_keys() -> list[str]:
    return [spec.metadata["key"] for spec, _ in all_fields()]


def _type_label(kind: Any) -> str:
    if kind is bool:
        return "布尔值 true 或 false（不加引号）"
    if kind is int:
        return "整数（不加引号）"
    if kind is str:
        return "文本（加引号）"
    return "表，如 { A = \"就业创业\" }"


def _actual(value: Any) -> str:
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, int):
        return f"整数 {value}"
    if isinstance(value, float):
        return f"小数 {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return f"文本“{shown}”"
    if isinstance(value, list):
        return "数组"
    if isinstance(value, dict):
        return "表"
    return type(value).__name__


def value_check(key: str, value: Any, where: str) -> Any:
    spec, kind = value_types()[key]
    meta = spec.metadata
    if kind is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"{where}: {key} 应为{_type_label(bool)}，实际是{_actual(value)}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{where}: {key} 应为{_type_label(int)}，实际是{_actual(value)}")
        low, high = meta.get("minimum"), meta.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            raise SettingsError(f"{where}: {key} 应在 {low}–{high} 之间，实际是 {value}")
        return value
    if kind is str:
        if not isinstance(value, str):
            raise SettingsError(f"{where}: {key} 应为{_type_label(str)}，实际是{_actual(value)}")
        if len(value) > meta["max_length"] or any(ord(c) < 32 for c in value):
            raise SettingsError(
                f"{where}: {key} 过长或含控制字符（最多 {meta['max_length']} 个字符）"
            )
        pattern = key_pattern(spec)
        if pattern is not None and not pattern.match(value):
            raise SettingsError(f"{where}: {key} 的值“{value[:40]}”格式不对（{meta['doc']}）")
        return value
    # dict[str, str]: the queue categories
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: {key} 应为{_type_label(dict)}，实际是{_actual(value)}")
    from counter_app.domain.queue import parse_categories

    try:
        parse_categories(value)
    except ValueError as exc:
        raise SettingsError(f"{where}: {key}：{exc}") from None
    return {str(k).strip().upper(): str(v).strip() for k, v in value.items()}


def check_values(values: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Check {file key: value}; unknown keys and bad values raise SettingsError."""
    types = value_types()
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in types:
            raise SettingsError(f"{source}: 未知配置项 {key}{_suggest(key)}")
        out[key] = value_check(key, value, source)
    return out


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, known_keys(), n=1)
    return f"（是否想写 {close[0]}？）" if close else ""
