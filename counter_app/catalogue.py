"""Load and validate the service catalogue (resources/catalogue/*.toml).

The catalogue is data a city administrator edits: responsible units, the material
dictionary, the form-field dictionary, items (one file per board) and bundles. Every
*.toml file of the directory is read; what a file holds is given by its tables
([[unit]], [[material]], [[field]], [[item]], [[bundle]]), so the split into files
is free. Validation collects every problem before giving up, and each message names
the file, the entry and the field, in Chinese, e.g.

    items_social_insurance.toml: 事项 370100-SB-0003 “失业保险金申领”: 字段 committed.days:
    承诺时限不能超过法定时限

Pinyin initials for search are computed here from the names (pypinyin), never typed.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import logging
import os
import pickle
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import resources
from counter_app.domain.catalogue import (
    BOARDS,
    ITEM_TYPES,
    ApplicantScope,
    Bundle,
    CaseKind,
    Catalogue,
    FieldDef,
    FieldKind,
    FieldNeed,
    Item,
    MaterialDef,
    MaterialForm,
    MaterialNeed,
    Situation,
    SituationOption,
    TimeLimit,
    Unit,
)
from counter_app.domain.workcal import LimitUnit

MAX_CODE = 24  # 实施编码
MAX_BASIC_CODE = 10  # 基本编码
# Lengths, checked before anything else reads a value. Names go onto papers and into
# String(128) columns (a case title is an item name plus "等N项"); codes of materials
# and keys of fields into String(32) columns and the JSON channel's 32-character keys.
MAX_NAME = 100
MAX_KEY = 32
MAX_TEXT = 100  # any other text: references, choices, aliases, option values
MAX_LONG_TEXT = 1000  # legal basis, description, material standard, hint
MAX_FILE_BYTES = 1024 * 1024  # the shipped files are 3–23 KB

PREFILL_SOURCES = {
    "applicant.name": "姓名",
    "applicant.id_number": "公民身份号码",
    "applicant.phone": "联系电话",
    "applicant.sex": "性别",
    "applicant.birth_date": "出生日期",
    "applicant.address": "住址",
    "unit.name": "单位名称（单位申请）",
    "unit.credit_code": "统一社会信用代码（单位申请）",
    "unit.legal_rep": "法定代表人（单位申请）",
}

# Words pypinyin reads wrongly out of context (initials only matter here).
_PHRASE_FIXES = {
    "重置": [["chóng"], ["zhì"]],  # 密码重置, read "zhòng zhì" without this
}

log = logging.getLogger(__name__)

_TABLES = {  # top-level array-of-tables name → Chinese entry kind
    "unit": "责任单位",
    "material": "材料",
    "field": "表单字段",
    "item": "事项",
    "bundle": "一件事",
}

_CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]*")
_KEY_RE = re.compile(r"[a-z][a-z0-9_]*")

_CASE_KIND_LABELS = {"instant": "即办件", "promised": "承诺件"}
_APPLICANT_LABELS = {s.value: s.label for s in ApplicantScope}
_FORM_LABELS = {"original": "原件", "copy": "复印件", "original_and_copy": "原件及复印件"}
_LIMIT_UNIT_LABELS = {"working": "工作日", "natural": "自然日"}
_FIELD_KIND_LABELS = {
    "text": "文本",
    "date": "日期",
    "number": "数字",
    "phone": "电话号码",
    "choice": "单项选择",
    "id_number": "公民身份号码",
    "bank_account": "银行账号",
}


class CatalogueError(ValueError):
    """The catalogue does not load; `problems` holds every message, one per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        head = f"事项目录有 {len(self.problems)} 个问题"
        super().__init__("\n".join([head, *self.problems]))


@functools.cache
def _pinyin() -> Callable[[str], list[str]]:
    """pypinyin, loaded on first use (0.4 s with its phrase table): a catalogue read
    from the cache never needs it."""
    from pypinyin import Style, lazy_pinyin, load_phrases_dict

    load_phrases_dict(_PHRASE_FIXES)
    return lambda text: lazy_pinyin(text, style=Style.FIRST_LETTER)


def pinyin_initials(text: str) -> str:
    """Lower-case pinyin initials of the Chinese text; other letters and digits kept."""
    joined = "".join(_pinyin()(text)).lower()
    return "".join(ch for ch in joined if ch.isascii() and ch.isalnum())


# --------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Read and validate every *.toml file of the directory (default: the shipped one)."""
    directory = Path(directory) if directory is not None else resources.CATALOGUE_DIR
    return _load_files(_directory_files(directory), str(directory))


@functools.cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process (cache_clear() to reload), from
    the compiled cache when its files have not changed."""
    return cached_catalogue(resources.CATALOGUE_DIR)


#: Bump when the loader builds a different Catalogue from the same files.
CACHE_FORMAT = "2"


def cached_catalogue(directory: Path, cache: Path | None = None) -> Catalogue:
    """`load_catalogue(directory)`, kept compiled in the cache folder (config.paths):
    a city's 2,000 items parse and validate in seconds, the compiled copy loads in a
    few tens of milliseconds. The copy is named by a hash of every file's name and
    bytes, so any change to the catalogue (or to this loader's format) builds it
    again; a cache that cannot be read or written is only a slower start."""
    from counter_app.config.paths import cache_dir

    files = _directory_files(Path(directory))
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    target = (cache or cache_dir()) / f"catalogue-{digest.hexdigest()[:32]}.pickle"
    try:
        with target.open("rb") as f:
            loaded = pickle.load(f)  # our own file, in the user's private cache folder
        if isinstance(loaded, Catalogue):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            TypeError, ValueError):
        pass
    catalogue = _load_files(files, str(directory))
    catalogue.prepare_search()  # kept in the compiled copy: the first keystroke is fast too
    _write_cache(target, catalogue)
    return catalogue


def _write_cache(target: Path, catalogue: Catalogue) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(catalogue, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
        for old in target.parent.glob("catalogue-*.pickle"):  # earlier versions
            if old != target:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.debug("catalogue cache not written: %s", exc)


def load_for_check(path: Path) -> Catalogue:
    """Load a directory, or a single file with the rest of the default directory as its
    context: the file replaces the default file of the same name, or joins them."""
    path = Path(path)
    if path.is_dir():
        return load_catalogue(path)
    if not path.exists():
        raise CatalogueError([f"{path}: 文件不存在"])
    files = {p.name: p for p in _directory_files(resources.CATALOGUE_DIR)}
    files[path.name] = path
    return _load_files(sorted(files.values(), key=lambda p: p.name), str(path))


def check_catalogue(path: Path) -> list[str]:
    """Every problem of a catalogue directory or of one file (see load_for_check)."""
    try:
        load_for_check(path)
    except CatalogueError as exc:
        return exc.problems
    return []


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------


def _directory_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise CatalogueError([f"{directory}: 目录不存在"])
    return sorted(directory.glob("*.toml"), key=lambda p: p.name)


@dataclass
class _Raw:
    """One entry as read from a file, before validation."""

    file: str
    index: int  # 1-based position among the file's entries of this kind
    table: Any
    duplicate: bool = False  # its code was defined before: reported, not built


def _load_files(paths: list[Path], where: str) -> Catalogue:
    problems: list[str] = []
    raw: dict[str, list[_Raw]] = {kind: [] for kind in _TABLES}
    if not paths:
        raise CatalogueError([f"{where}: 没有目录文件（*.toml）"])
    for path in paths:
        data = _read_toml(path, problems)
        if data is None:
            continue
        for key, value in data.items():
            if key not in _TABLES:
                hint = _suggest(key, _TABLES)
                problems.append(
                    f"{path.name}: 未知的表 [[{_cut(key)}]]{hint}"
                    f"（可用：{'、'.join(f'[[{t}]]' for t in _TABLES)}）"
                )
                continue
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                problems.append(f"{path.name}: {key} 应写成表数组 [[{key}]]")
                continue
            raw[key].extend(_Raw(path.name, i, table) for i, table in enumerate(value, 1))
    catalogue = _build(raw, problems)
    if not catalogue.items and not problems:
        problems.append(f"{where}: 目录中没有任何事项（[[item]]）")
    if problems:
        raise CatalogueError(problems)
    return catalogue


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(f"{path.name}: 文件过大（超过 {MAX_FILE_BYTES // 1024} KB），"
                            "不像是事项目录文件")
            return None
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(f"{path.name}: 文件不是 UTF-8 编码，请用 UTF-8 保存")
        return None
    except OSError as exc:
        problems.append(f"{path.name}: 无法读取文件: {exc.strerror or exc}")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = f"第 {match[1]} 行第 {match[2]} 列" if match else ""
        reason = message[: match.start()].strip() if match else message
        problems.append(f"{path.name}: {where}格式错误（TOML）: {reason}")
        return None
    except RecursionError:
        problems.append(f"{path.name}: 嵌套层数过深（数组或内联表套得太多），不是有效的目录文件")
        return None


def _cut(value: object, limit: int = 40) -> str:
    """A value as a message may quote it: short."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _suggest(word: str, choices: Iterable[str]) -> str:
    if len(word) > MAX_TEXT:  # difflib is quadratic
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"，是否应为 “{close[0]}”？" if close else ""


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "小数"
    if isinstance(value, str):
        return "文本"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "表"
    return type(value).__name__


# --------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------


_MISSING = object()


@dataclass
class _Ctx:
    """Where a problem is: the file and the entry; `add` names the field."""

    file: str
    entry: str
    problems: list[str]
    failed: bool = False

    def add(self, path: str, message: str) -> None:
        self.failed = True
        if path:
            self.problems.append(f"{self.file}: {self.entry}: 字段 {path}: {message}")
        else:
            self.problems.append(f"{self.file}: {self.entry}: {message}")

    def keys(self, table: dict[str, Any], allowed: Iterable[str], prefix: str = "") -> None:
        allowed = list(allowed)
        for key in table:
            if key not in allowed:
                hint = _suggest(key, allowed)
                self.add(prefix + _cut(key), f"未知字段{hint}（可用字段：{'、'.join(allowed)}）")

    def get(self, table: dict[str, Any], key: str, kind: type, path: str,
            required: bool = True, default: Any = None, max_len: int = MAX_TEXT) -> Any:
        """The value of a key checked against its type (and a text against `max_len`);
        None (and a problem) if bad."""
        value = table.get(key, _MISSING)
        if value is _MISSING:
            if required:
                self.add(path, "缺少必填项")
                return None
            return default
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            expected = {str: "文本", int: "整数", bool: "布尔值（true 或 false）", list: "列表",
                        dict: "表"}[kind]
            extra = "（请加引号）" if kind is str and isinstance(value, int | float) else ""
            self.add(path, f"应为{expected}{extra}，实际为{_type_name(value)}")
            return None
        if kind is str and len(value) > max_len:
            self.add(path, f"不能超过 {max_len} 个字符（现为 {len(value)} 个）")
            return None
        if kind is str and required and not value.strip():
            self.add(path, "不能为空")
            return None
        return value

    def text_list(self, table: dict[str, Any], key: str, path: str,
                  required: bool = False) -> list[str] | None:
        values = self.get(table, key, list, path, required=required, default=[])
        if values is None:
            return None
        result: list[str] = []
        for i, value in enumerate(values, 1):
            if not isinstance(value, str) or not value.strip():
                self.add(f"{path}[{i}]", f"应为非空文本，实际为{_type_name(value)}")
                return None
            if len(value) > MAX_TEXT:
                self.add(f"{path}[{i}]", f"不能超过 {MAX_TEXT} 个字符（现为 {len(value)} 个）")
                return None
            result.append(value.strip())
        return result

    def enum(self, table: dict[str, Any], key: str, path: str, labels: dict[str, str],
             required: bool = True, default: str | None = None) -> str | None:
        value = self.get(table, key, str, path, required=required, default=default)
        if value is None:
            return None
        if value not in labels:
            options = "、".join(f"{k}（{v}）" for k, v in labels.items())
            self.add(path, f"无效的值 “{_cut(value)}”{_suggest(value, labels)}（可用：{options}）")
            return None
        return value


def _entry_label(kind: str, raw: _Raw, code_key: str = "code") -> str:
    table = raw.table
    code = table.get(code_key)
    name = table.get("name") if kind != "field" else table.get("label")
    kind_cn = _TABLES[kind]
    code = _cut(code.strip()) if isinstance(code, str) and code.strip() else None
    name = _cut(name.strip()) if isinstance(name, str) and name.strip() else None
    if code and name:
        return f"{kind_cn} {code} “{name}”"
    if code:
        return f"{kind_cn} {code}"
    if name:
        return f"第 {raw.index} 个{kind_cn} “{name}”"
    return f"第 {raw.index} 个{kind_cn}"


# --------------------------------------------------------------------------------------
# building: one function per entry kind, sharing a registry of what is defined
# --------------------------------------------------------------------------------------


@dataclass
class _Registry:
    """What the entries built so far define, shared by the builders of each kind."""

    problems: list[str]
    units: dict[str, Unit] = field(default_factory=dict)
    materials: dict[str, MaterialDef] = field(default_factory=dict)
    fields: dict[str, FieldDef] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    bundles: dict[str, Bundle] = field(default_factory=dict)
    # every code defined, valid or not, with the kind, file and entry that defined it,
    # so that a broken entry is not also reported as missing wherever it is referred to
    defined: dict[str, dict[str, tuple[str, str, str]]] = field(default_factory=dict)


_Build = Callable[[_Registry, _Ctx, dict[str, Any]], None]


def _build(raw: dict[str, list[_Raw]], problems: list[str]) -> Catalogue:
    reg = _Registry(problems)
    _declare_all(reg, raw)
    _each(reg, raw["unit"], "unit", _build_unit)
    _each(reg, raw["material"], "material", _build_material)
    _each(reg, raw["field"], "field", _build_field, code_key="key")
    _each(reg, raw["item"], "item", _build_item)
    _check_dependency_cycles(reg)
    _each(reg, raw["bundle"], "bundle", _build_bundle)
    return Catalogue(
        items=reg.items,
        bundles=reg.bundles,
        units=reg.units,
        materials=reg.materials,
        fields=reg.fields,
    )


def _declare_all(reg: _Registry, raw: dict[str, list[_Raw]]) -> None:
    for kind in _TABLES:
        reg.defined[kind] = {}
    # item and bundle codes share one name space (search, case data)
    _declare(reg, "unit", raw["unit"], "code", reg.defined["unit"])
    _declare(reg, "material", raw["material"], "code", reg.defined["material"])
    _declare(reg, "field", raw["field"], "key", reg.defined["field"])
    shared: dict[str, tuple[str, str, str]] = {}
    _declare(reg, "item", raw["item"], "code", shared)
    _declare(reg, "bundle", raw["bundle"], "code", shared)
    reg.defined["item"] = {code: where for code, where in shared.items() if where[0] == "item"}


def _declare(reg: _Registry, kind: str, entries: list[_Raw], code_key: str,
             seen: dict[str, tuple[str, str, str]]) -> None:
    """Record every code; a code defined twice is a problem of the second entry."""
    for raw in entries:
        code = raw.table.get(code_key)
        if not isinstance(code, str) or not code.strip():
            continue
        code = code.strip()
        label = _entry_label(kind, raw, code_key)
        previous = seen.get(code)
        if previous is not None:
            what = "键" if code_key == "key" else "编码"
            reg.problems.append(
                f"{raw.file}: {label}: 字段 {code_key}: "
                f"{what}重复，{previous[1]} 中已有{previous[2]}"
            )
            raw.duplicate = True
            continue
        seen[code] = (kind, raw.file, label)


def _each(reg: _Registry, entries: list[_Raw], kind: str, build: _Build,
          code_key: str = "code") -> None:
    for raw in entries:
        ctx = _Ctx(raw.file, _entry_label(kind, raw, code_key), reg.problems)
        # a duplicate is checked like any entry, but never built (failed from start)
        ctx.failed = raw.duplicate
        build(reg, ctx, raw.table)


def _code(ctx: _Ctx, table: dict[str, Any], key: str, max_len: int,
          pattern: re.Pattern[str] = _CODE_RE, what: str = "编码") -> str | None:
    code = ctx.get(table, key, str, key)
    if code is None:
        return None
    code = code.strip()
    if not pattern.fullmatch(code):
        if pattern is _KEY_RE:
            ctx.add(key, f"{what}只能包含小写字母、数字和下划线，并以字母开头")
        else:
            ctx.add(key, f"{what}只能包含字母、数字、连字符和下划线")
        return None
    if len(code) > max_len:
        ctx.add(key, f"{what}不能超过 {max_len} 个字符（现为 {len(code)} 个）")
        return None
    return code


def _name(ctx: _Ctx, table: dict[str, Any], key: str = "name", path: str | None = None,
          ) -> str | None:
    """A name printed on papers and stored with cases: at most MAX_NAME characters,
    checked before anything else looks at it (pypinyin is slower than linear)."""
    return ctx.get(table, key, str, path or key, max_len=MAX_NAME)


# -- units, materials, fields ----------------------------------------------------------


def _build_unit(reg: _Registry, ctx: _Ctx, table: dict[str, Any]) -> None:
    ctx.keys(table, ("code", "name"))
    code = _code(ctx, table, "code", MAX_CODE, what="单位代码")
    name = _name(ctx, table)
    if not ctx.failed and code and name:
        reg.units[code] = Unit(code, name.strip())


def _build_material(reg: _Registry, ctx: _Ctx, table: dict[str, Any]) -> None:
    ctx.keys(table, ("code", "name", "standard", "shareable"))
    code = _code(ctx, table, "code", MAX_KEY, _KEY_RE, "材料代码")
    name = _name(ctx, table)
    standard = ctx.get(table, "standard", str, "standard", required=False, default="",
                       max_len=MAX_LONG_TEXT)
    shareable = ctx.get(table, "shareable", bool, "shareable", required=False, default=False)
    if not ctx.failed and code and name:
        reg.materials[code] = MaterialDef(code, name.strip(), standard.strip(), shareable)


def _build_field(reg: _Registry, ctx: _Ctx, table: dict[str, Any]) -> None:
    ctx.keys(table, ("key", "label", "kind", "choices", "prefill", "hint"))
    key = _code(ctx, table, "key", MAX_KEY, _KEY_RE, "字段键")
    label = _name(ctx, table, "label")
    kind = ctx.enum(table, "kind", "kind", _FIELD_KIND_LABELS, required=False, default="text")
    choices = ctx.text_list(table, "choices", "choices")
    if kind == "choice" and choices is not None:
        if len(choices) < 2:
            ctx.add("choices", "单项选择字段至少要有两个选项")
        elif len(set(choices)) != len(choices):
            ctx.add("choices", "选项重复")
    elif kind is not None and choices:
        ctx.add("choices", f"只有 kind = \"choice\" 的字段才能有选项（现为 {kind}）")
    prefill = ctx.get(table, "prefill", str, "prefill", required=False, default="")
    if prefill and prefill not in PREFILL_SOURCES:
        options = "、".join(f"{k}（{v}）" for k, v in PREFILL_SOURCES.items())
        ctx.add("prefill", f"无效的带入来源 “{prefill}”{_suggest(prefill, PREFILL_SOURCES)}"
                           f"（可用：{options}）")
    hint = ctx.get(table, "hint", str, "hint", required=False, default="",
                   max_len=MAX_LONG_TEXT)
    if not ctx.failed and key and label and kind:
        reg.fields[key] = FieldDef(
            key, label.strip(), FieldKind(kind), tuple(choices or ()), prefill, hint.strip(),
        )


# -- items -----------------------------------------------------------------------------

_ITEM_KEYS = (
    "code", "basic_code", "name", "board", "item_type", "case_kind", "statutory",
    "committed", "unit", "materials", "fields", "pays_money", "legal_basis", "aliases",
    "applicants", "depends_on",
)


def _build_item(reg: _Registry, ctx: _Ctx, table: dict[str, Any]) -> None:
    ctx.keys(table, _ITEM_KEYS)
    code = _code(ctx, table, "code", MAX_CODE, what="实施编码")
    basic_code = _code(ctx, table, "basic_code", MAX_BASIC_CODE, what="基本编码")
    name = _name(ctx, table)
    board = ctx.get(table, "board", str, "board")
    if board is not None and board not in BOARDS:
        ctx.add("board", f"无效的业务板块 “{board}”（可用：{'、'.join(BOARDS)}）")
    item_type = ctx.get(table, "item_type", str, "item_type")
    if item_type is not None and item_type not in ITEM_TYPES:
        options = "、".join(f"{k}（{v}）" for k, v in ITEM_TYPES.items())
        ctx.add("item_type", f"无效的事项类型 “{item_type}”（可用：{options}）")
    case_kind = ctx.enum(table, "case_kind", "case_kind", _CASE_KIND_LABELS)
    statutory = _limit(ctx, table, "statutory")
    committed = _limit(ctx, table, "committed")
    if statutory and committed:
        _check_limits(ctx, statutory, committed, case_kind)
    unit_code = ctx.get(table, "unit", str, "unit")
    if unit_code is not None and unit_code not in reg.defined["unit"]:
        ctx.add("unit", f"责任单位 “{unit_code}” 不存在{_suggest(unit_code, reg.units)}"
                        "（请在 units.toml 中定义）")
    materials = _material_needs(reg, ctx, table)
    fields = _field_needs(reg, ctx, table)
    pays_money = ctx.get(table, "pays_money", bool, "pays_money", required=False,
                         default=False)
    legal_basis = ctx.get(table, "legal_basis", str, "legal_basis", required=False,
                          default="", max_len=MAX_LONG_TEXT)
    aliases = ctx.text_list(table, "aliases", "aliases")
    applicants = ctx.enum(table, "applicants", "applicants", _APPLICANT_LABELS, required=False,
                          default="person")
    depends_on = _depends_on(reg, ctx, table, code)
    if ctx.failed or unit_code not in reg.units:
        return
    assert code and basic_code and name and board and item_type and case_kind
    assert statutory and committed and materials is not None and fields is not None
    reg.items[code] = Item(
        code=code,
        basic_code=basic_code,
        name=name.strip(),
        board=board,
        item_type=item_type,
        case_kind=CaseKind(case_kind),
        statutory=statutory,
        committed=committed,
        unit=reg.units[unit_code],
        materials=tuple(materials),
        fields=tuple(fields),
        pays_money=bool(pays_money),
        legal_basis=(legal_basis or "").strip(),
        pinyin=pinyin_initials(name),
        aliases=tuple(aliases or ()),
        applicants=ApplicantScope(applicants or "person"),
        depends_on=tuple(depends_on or ()),
    )


def _depends_on(reg: _Registry, ctx: _Ctx, table: dict[str, Any],
                code: str | None) -> list[str] | None:
    """分段办理: the item codes this item waits for when the case holds them."""
    codes = ctx.text_list(table, "depends_on", "depends_on")
    if codes is None:
        return None
    for i, other in enumerate(codes, 1):
        if other == code:
            ctx.add(f"depends_on[{i}]", "事项不能依赖自身")
        elif other not in reg.defined["item"]:
            ctx.add(f"depends_on[{i}]", f"事项 “{_cut(other)}” 不存在（请检查事项文件中的 code）")
    if len(set(codes)) != len(codes):
        ctx.add("depends_on", "前置事项重复")
    return codes


def _check_dependency_cycles(reg: _Registry) -> None:
    """Items that wait for each other (A on B, B on A) could never start."""
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(code: str, path: list[str]) -> None:
        state[code] = 1
        for other in reg.items[code].depends_on:
            if other not in reg.items:
                continue
            if state.get(other) == 1:
                loop = " → ".join([*path[path.index(other):], other]) if other in path else other
                _kind, file, label = reg.defined["item"][code]
                reg.problems.append(f"{file}: {label}: 字段 depends_on: 前置事项循环依赖（{loop}）")
            elif state.get(other) is None:
                visit(other, [*path, other])
        state[code] = 2

    for code in list(reg.items):
        if state.get(code) is None:
            visit(code, [code])


def _check_limits(ctx: _Ctx, statutory: TimeLimit, committed: TimeLimit,
                  case_kind: str | None) -> None:
    if committed.approx_working_days() > statutory.approx_working_days():
        ctx.add("committed.days",
                f"承诺时限不能超过法定时限（法定{_limit_text(statutory)}，"
                f"承诺{_limit_text(committed)}）")
    if case_kind == "instant" and committed.days != 0:
        ctx.add("committed.days", "即办件的承诺时限应为 0（即时办结）")
    if case_kind == "promised" and committed.days == 0:
        ctx.add("committed.days",
                "承诺件的承诺时限应大于 0；即时办结的事项请将 case_kind 设为 instant")


def _limit(ctx: _Ctx, table: dict[str, Any], key: str) -> TimeLimit | None:
    value = ctx.get(table, key, dict, key)
    if value is None:
        return None
    ctx.keys(value, ("days", "unit"), prefix=f"{key}.")
    days = ctx.get(value, "days", int, f"{key}.days")
    if days is not None and days < 0:
        ctx.add(f"{key}.days", "天数不能为负数")
        days = None
    unit = ctx.enum(value, "unit", f"{key}.unit", _LIMIT_UNIT_LABELS)
    if days is None or unit is None:
        return None
    return TimeLimit(days, LimitUnit(unit))


def _material_needs(reg: _Registry, ctx: _Ctx,
                    table: dict[str, Any]) -> list[MaterialNeed] | None:
    entries = ctx.get(table, "materials", list, "materials")
    if entries is None:
        return None
    needs: list[MaterialNeed] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        need = _material_need(reg, ctx, table, entry, i, seen)
        if need is not None:
            needs.append(need)
    return needs


def _material_need(reg: _Registry, ctx: _Ctx, table: dict[str, Any], entry: Any, index: int,
                   seen: set[str]) -> MaterialNeed | None:
    if isinstance(entry, str):
        entry = {"material": entry}
    if not isinstance(entry, dict):
        ctx.add(f"materials[{index}]", f"应为表 {{ material = \"...\" }}，"
                                       f"实际为{_type_name(entry)}")
        return None
    ref = entry.get("material")
    path = f"materials[{_cut(ref)}]" if isinstance(ref, str) and ref else f"materials[{index}]"
    ctx.keys(entry, ("material", "form", "count", "tolerable", "required"), prefix=f"{path}.")
    code = ctx.get(entry, "material", str, f"{path}.material")
    form = ctx.enum(entry, "form", f"{path}.form", _FORM_LABELS, required=False,
                    default="copy")
    count = ctx.get(entry, "count", int, f"{path}.count", required=False, default=1)
    if count is not None and count < 1:
        ctx.add(f"{path}.count", "份数至少为 1")
        count = None
    tolerable = ctx.get(entry, "tolerable", bool, f"{path}.tolerable", required=False,
                        default=False)
    required = ctx.get(entry, "required", bool, f"{path}.required", required=False,
                       default=True)
    if tolerable and required is False:
        ctx.add(f"{path}.tolerable", "非必须提交的材料不需要容缺（容缺只用于必须提交的材料）")
    if tolerable and table.get("case_kind") == "instant":
        ctx.add(f"{path}.tolerable", "即办件的材料不能容缺：容缺材料的补交期限不能超过承诺时限")
    if code is None:
        return None
    if code in seen:
        ctx.add(f"{path}.material", f"材料 “{code}” 在本事项中重复")
        return None
    seen.add(code)
    if code not in reg.defined["material"]:
        ctx.add(f"{path}.material", f"材料 “{code}” 不存在"
                f"{_suggest(code, reg.defined['material'])}（请在 materials.toml 中定义）")
        return None
    material = reg.materials.get(code)
    if material is None or None in (form, count, tolerable, required):
        return None
    return MaterialNeed(material, MaterialForm(form), count, tolerable, required)


def _field_needs(reg: _Registry, ctx: _Ctx, table: dict[str, Any]) -> list[FieldNeed] | None:
    entries = ctx.get(table, "fields", list, "fields")
    if entries is None:
        return None
    needs: list[FieldNeed] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        if isinstance(entry, str):
            entry = {"field": entry}
        if not isinstance(entry, dict):
            ctx.add(f"fields[{i}]", f"应为表 {{ field = \"...\" }}，实际为{_type_name(entry)}")
            continue
        ref = entry.get("field")
        path = f"fields[{_cut(ref)}]" if isinstance(ref, str) and ref else f"fields[{i}]"
        ctx.keys(entry, ("field", "required"), prefix=f"{path}.")
        key = ctx.get(entry, "field", str, f"{path}.field")
        required = ctx.get(entry, "required", bool, f"{path}.required", required=False,
                           default=True)
        if key is None:
            continue
        if key in seen:
            ctx.add(f"{path}.field", f"表单字段 “{key}” 在本事项中重复")
            continue
        seen.add(key)
        if key not in reg.defined["field"]:
            ctx.add(f"{path}.field", f"表单字段 “{key}” 不存在"
                    f"{_suggest(key, reg.defined['field'])}（请在 fields.toml 中定义）")
            continue
        field_def = reg.fields.get(key)
        if field_def is None or required is None:
            continue
        needs.append(FieldNeed(field_def, required))
    return needs


# -- bundles ---------------------------------------------------------------------------


def _item_ref(reg: _Registry, ctx: _Ctx, path: str, code: str) -> bool:
    if code in reg.defined["item"]:
        return True
    ctx.add(path, f"事项 “{code}” 不存在（请检查事项文件中的 code）")
    return False


def _build_bundle(reg: _Registry, ctx: _Ctx, table: dict[str, Any]) -> None:
    ctx.keys(table, ("code", "name", "description", "mandatory", "situation"))
    code = _code(ctx, table, "code", MAX_CODE, what="一件事编码")
    name = _name(ctx, table)
    description = ctx.get(table, "description", str, "description", required=False,
                          default="", max_len=MAX_LONG_TEXT)
    mandatory = _mandatory(reg, ctx, table)
    situations = _situations(reg, ctx, table, set(mandatory or ()))
    _check_option_targets(reg, ctx, table, mandatory or [], situations)
    if ctx.failed:
        return
    assert code and name and mandatory is not None
    reg.bundles[code] = Bundle(
        code=code,
        name=name.strip(),
        mandatory=tuple(mandatory),
        situations=tuple(situations),
        description=(description or "").strip(),
        pinyin=pinyin_initials(name),
    )


def _mandatory(reg: _Registry, ctx: _Ctx, table: dict[str, Any]) -> list[str] | None:
    mandatory = ctx.text_list(table, "mandatory", "mandatory", required=True)
    if mandatory is not None:
        if not mandatory:
            ctx.add("mandatory", "至少要有一个必做事项")
        if len(set(mandatory)) != len(mandatory):
            ctx.add("mandatory", "必做事项重复")
        for i, item_code in enumerate(mandatory, 1):
            _item_ref(reg, ctx, f"mandatory[{i}]", item_code)
    return mandatory


def _situations(reg: _Registry, ctx: _Ctx, table: dict[str, Any],
                mandatory: set[str]) -> list[Situation]:
    situations: list[Situation] = []
    entries = ctx.get(table, "situation", list, "situation", required=False, default=[])
    keys_seen: set[str] = set()
    for i, entry in enumerate(entries or [], 1):
        if not isinstance(entry, dict):
            ctx.add(f"situation[{i}]", f"应为表 [[bundle.situation]]，实际为{_type_name(entry)}")
            continue
        situation = _situation(reg, ctx, entry, i, mandatory, keys_seen)
        if situation is not None:
            situations.append(situation)
    return situations


def _situation(reg: _Registry, ctx: _Ctx, table: dict[str, Any], index: int,
               mandatory: set[str], keys_seen: set[str]) -> Situation | None:
    raw_key = table.get("key")
    path = f"situation[{_cut(raw_key)}]" if isinstance(raw_key, str) and raw_key else (
        f"situation[{index}]")
    ctx.keys(table, ("key", "question", "options", "default"), prefix=f"{path}.")
    key = ctx.get(table, "key", str, f"{path}.key")
    if key is not None:
        if not _KEY_RE.fullmatch(key):
            ctx.add(f"{path}.key", "问题键只能包含小写字母、数字和下划线，并以字母开头")
        elif key in keys_seen:
            ctx.add(f"{path}.key", f"问题键 “{key}” 在本一件事中重复")
        keys_seen.add(key)
    question = _name(ctx, table, "question", f"{path}.question")
    default = ctx.get(table, "default", str, f"{path}.default", required=False, default="")
    entries = ctx.get(table, "options", list, f"{path}.options")
    options: list[SituationOption] = []
    if entries is not None:
        if len(entries) < 2:
            ctx.add(f"{path}.options", "至少要有两个回答选项")
        values: set[str] = set()
        for i, entry in enumerate(entries, 1):
            option = _option(reg, ctx, entry, f"{path}.options", i, mandatory, values)
            if option is not None:
                options.append(option)
        if entries and all(isinstance(e, dict) and not e.get("adds") for e in entries):
            ctx.add(f"{path}.options", "任何回答都不增加事项：情形问题至少要有一个回答带 adds")
        if default and default not in values:
            available = "、".join(sorted(values))
            ctx.add(f"{path}.default",
                    f"默认回答 “{default}” 不是选项的 value（可用：{available}）")
    if key is None or question is None or entries is None:
        return None
    return Situation(key, question.strip(), tuple(options), default)


def _option(reg: _Registry, ctx: _Ctx, entry: Any, prefix: str, index: int,
            mandatory: set[str], values: set[str]) -> SituationOption | None:
    if not isinstance(entry, dict):
        ctx.add(f"{prefix}[{index}]", f"应为表 {{ value = \"...\", label = \"...\" }}，"
                                      f"实际为{_type_name(entry)}")
        return None
    raw_value = entry.get("value")
    path = f"{prefix}[{_cut(raw_value)}]" if isinstance(raw_value, str) and raw_value else (
        f"{prefix}[{index}]")
    ctx.keys(entry, ("value", "label", "adds", "exempt_materials", "exempt_fields", "form"),
             prefix=f"{path}.")
    value = ctx.get(entry, "value", str, f"{path}.value")
    if value is not None:
        if value in values:
            ctx.add(f"{path}.value", f"选项值 “{value}” 重复")
        values.add(value)
    label = _name(ctx, entry, "label", f"{path}.label")
    adds = ctx.text_list(entry, "adds", f"{path}.adds")
    for i, code in enumerate(adds or [], 1):
        if not _item_ref(reg, ctx, f"{path}.adds[{i}]", code):
            continue
        if code in mandatory:
            ctx.add(f"{path}.adds[{i}]", f"事项 “{code}” 已是必做事项，不需要由情形增加")
    if len(set(adds or ())) != len(adds or ()):
        ctx.add(f"{path}.adds", "增加的事项重复")
    exempt_materials = ctx.text_list(entry, "exempt_materials", f"{path}.exempt_materials")
    for i, code in enumerate(exempt_materials or [], 1):
        if code not in reg.defined["material"]:
            ctx.add(f"{path}.exempt_materials[{i}]", f"材料 “{_cut(code)}” 不存在"
                    f"{_suggest(code, reg.defined['material'])}（请在 materials.toml 中定义）")
    exempt_fields = ctx.text_list(entry, "exempt_fields", f"{path}.exempt_fields")
    for i, key in enumerate(exempt_fields or [], 1):
        if key not in reg.defined["field"]:
            ctx.add(f"{path}.exempt_fields[{i}]", f"表单字段 “{_cut(key)}” 不存在"
                    f"{_suggest(key, reg.defined['field'])}（请在 fields.toml 中定义）")
    form = _option_form(reg, ctx, entry, f"{path}.form")
    if value is None or label is None or adds is None or None in (
            exempt_materials, exempt_fields, form):
        return None
    return SituationOption(value, label.strip(), tuple(adds), tuple(exempt_materials or ()),
                           tuple(exempt_fields or ()), tuple((form or {}).items()))


def _option_form(reg: _Registry, ctx: _Ctx, entry: dict[str, Any],
                 path: str) -> dict[str, str] | None:
    """form = { field_key = "value" }: what the answer fills into the one form."""
    table = ctx.get(entry, "form", dict, path, required=False, default={})
    if table is None:
        return None
    out: dict[str, str] = {}
    for key, value in table.items():
        where = f"{path}.{_cut(key)}"
        if key not in reg.defined["field"]:
            ctx.add(where, f"表单字段 “{_cut(key)}” 不存在{_suggest(key, reg.defined['field'])}"
                           "（请在 fields.toml 中定义）")
            continue
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
            ctx.add(where, f"应为不超过 {MAX_TEXT} 个字符的非空文本")
            continue
        field_def = reg.fields.get(key)
        if field_def is not None and field_def.choices and value not in field_def.choices:
            options = "、".join(field_def.choices)
            ctx.add(where, f"“{_cut(value)}” 不是该字段的选项（可用：{options}）")
            continue
        out[key] = value
    return out


def _check_option_targets(reg: _Registry, ctx: _Ctx, table: dict[str, Any],
                          mandatory: list[str], situations: list[Situation]) -> None:
    """An option may only exempt or fill what the bundle's items ask for."""
    codes = set(mandatory) | {c for s in situations for o in s.options for c in o.adds}
    if not codes <= set(reg.items):  # a broken item is reported where it is defined
        return
    materials = {n.material.code for c in codes for n in reg.items[c].materials}
    field_keys = {n.field.key for c in codes for n in reg.items[c].fields}
    for situation in situations:
        for option in situation.options:
            path = f"situation[{situation.key}].options[{option.value}]"
            for code in option.exempt_materials:
                if code in reg.materials and code not in materials:
                    ctx.add(f"{path}.exempt_materials",
                            f"本一件事的事项都不要求材料 “{code}”，无需免予提交")
            for key in (*option.exempt_fields, *(k for k, _ in option.form)):
                if key in reg.fields and key not in field_keys:
                    ctx.add(f"{path}", f"本一件事的事项表单中没有字段 “{key}”")


def _limit_text(limit: TimeLimit) -> str:
    return f"{limit.days}个{_LIMIT_UNIT_LABELS[limit.unit.value]}"
