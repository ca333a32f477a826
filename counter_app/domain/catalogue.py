"""The service catalogue: items (事项), bundles (一件事), materials, form fields.

Plain frozen dataclasses built by counter_app.catalogue (the loader) from the TOML
files in resources/catalogue. Everything here is pure: search, merging of the one
form and the one set of materials across the items of a case.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from counter_app.domain.applicant import ApplicantKind
from counter_app.domain.transitions import LabelledEnum
from counter_app.domain.workcal import LimitUnit

# the five boards of 人社, and 住房公积金 for an agency hosted in the hall (驻厅): its
# items are no social insurance and must not be tagged so in search or on papers
BOARDS = ("就业创业", "社会保险", "人事人才", "劳动关系", "社保卡", "住房公积金")

# GB/T 39046-2020 item types: the "6+1" kinds that are rated.
ITEM_TYPES: dict[str, str] = {
    "01": "行政许可",
    "05": "行政给付",
    "07": "行政确认",
    "08": "行政奖励",
    "09": "行政裁决",
    "10": "其他行政权力",
    "20": "公共服务",
}


class CaseKind(StrEnum):
    INSTANT = "instant"  # 即办件
    PROMISED = "promised"  # 承诺件

    @property
    def label(self) -> str:
        return "即办件" if self is CaseKind.INSTANT else "承诺件"


class ApplicantScope(LabelledEnum):
    """Who may apply for an item (domain.md §8)."""

    PERSON = "person", "个人"
    UNIT = "unit", "单位"
    BOTH = "both", "个人或单位"

    def allows(self, kind: ApplicantKind | str) -> bool:
        return self is ApplicantScope.BOTH or self.value == str(kind)


class MaterialForm(StrEnum):
    ORIGINAL = "original"  # 原件 (shown and returned)
    COPY = "copy"  # 复印件
    ORIGINAL_AND_COPY = "original_and_copy"

    @property
    def label(self) -> str:
        return {"original": "原件", "copy": "复印件", "original_and_copy": "原件及复印件"}[
            self.value
        ]

    @property
    def strictness(self) -> int:
        return {"copy": 0, "original": 1, "original_and_copy": 2}[self.value]


class FieldKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    PHONE = "phone"
    CHOICE = "choice"
    ID_NUMBER = "id_number"
    BANK_ACCOUNT = "bank_account"


@dataclass(frozen=True)
class TimeLimit:
    days: int
    unit: LimitUnit

    @property
    def label(self) -> str:
        if self.days == 0:
            return "即时办结"
        return f"{self.days}{self.unit.label}"

    def approx_working_days(self) -> float:
        """For comparisons across units: 5 working days ≈ 7 natural days."""
        return self.days if self.unit is LimitUnit.WORKING else self.days * 5 / 7


@dataclass(frozen=True)
class Unit:
    """A responsible back-office unit (责任单位) a sub-item is routed to."""

    code: str
    name: str


@dataclass(frozen=True)
class MaterialDef:
    """A material as the applicant knows it, shared by every item that asks for it."""

    code: str
    name: str
    standard: str = ""  # what counts as valid (出具单位, 要求)
    shareable: bool = False  # may come from shared data (材料从"网上来")


@dataclass(frozen=True)
class MaterialNeed:
    """What one item asks of one material."""

    material: MaterialDef
    form: MaterialForm = MaterialForm.COPY
    count: int = 1
    tolerable: bool = False  # 可容缺
    required: bool = True


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    choices: tuple[str, ...] = ()
    prefill: str = ""  # "applicant.name", "applicant.id_number", "applicant.phone", ...
    hint: str = ""


@dataclass(frozen=True)
class FieldNeed:
    field: FieldDef
    required: bool = True


@dataclass(frozen=True)
class Item:
    code: str  # 实施编码 (≤24 chars)
    basic_code: str  # 基本编码 (≤10 chars)
    name: str
    board: str
    item_type: str  # key of ITEM_TYPES
    case_kind: CaseKind
    statutory: TimeLimit
    committed: TimeLimit
    unit: Unit
    materials: tuple[MaterialNeed, ...]
    fields: tuple[FieldNeed, ...]
    pays_money: bool = False  # 涉及资金支付 → 信用承诺
    legal_basis: str = ""
    pinyin: str = ""  # initials, computed by the loader from the name (pypinyin)
    aliases: tuple[str, ...] = ()
    applicants: ApplicantScope = ApplicantScope.PERSON  # who may apply
    # 分段办理: items of the same case this one waits for (its clock starts when
    # they are done); an item the case does not hold is no prerequisite
    depends_on: tuple[str, ...] = ()

    @property
    def item_type_label(self) -> str:
        return ITEM_TYPES.get(self.item_type, self.item_type)

    @property
    def is_speedup(self) -> bool:
        """提速办: the committed limit is at most half of the statutory one."""
        if self.statutory.days == 0:
            return False
        return self.committed.approx_working_days() * 2 <= self.statutory.approx_working_days()


@dataclass(frozen=True)
class SituationOption:
    value: str
    label: str
    adds: tuple[str, ...] = ()  # item codes added when chosen
    exempt_materials: tuple[str, ...] = ()  # material codes not needed when chosen
    exempt_fields: tuple[str, ...] = ()  # form fields not required when chosen
    form: tuple[tuple[str, str], ...] = ()  # (field key, value) the answer fills in


@dataclass(frozen=True)
class Situation:
    key: str
    question: str
    options: tuple[SituationOption, ...]
    default: str = ""

    def option(self, value: str) -> SituationOption | None:
        for opt in self.options:
            if value in (opt.value, opt.label):
                return opt
        return None


@dataclass(frozen=True)
class Bundle:
    code: str
    name: str
    mandatory: tuple[str, ...]  # item codes (必做事项)
    situations: tuple[Situation, ...]
    description: str = ""
    pinyin: str = ""


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "bundle" or "item"
    code: str
    name: str
    score: int


@dataclass(frozen=True)
class MergedMaterial:
    """One entry of the one set of materials: a distinct material across the items."""

    material: MaterialDef
    form: MaterialForm
    count: int
    tolerable: bool  # only when every item that needs it tolerates its absence
    required: bool
    item_codes: tuple[str, ...]
    # a required material a situation answer exempts: why (printed on the papers)
    exempt_reason: str = ""

    @property
    def code(self) -> str:
        return self.material.code

    @property
    def shareable(self) -> bool:
        return self.material.shareable


@dataclass(frozen=True)
class MergedField:
    field: FieldDef
    required: bool
    item_codes: tuple[str, ...]


class SituationError(ValueError):
    pass


@dataclass(frozen=True)
class SituationEffects:
    """What the answered situations of a bundle do beyond adding items: materials and
    fields they exempt (with the reason printed on the papers) and form values they
    fill in (the question is not asked twice)."""

    exempt_materials: dict[str, str] = field(default_factory=dict)  # code → reason
    exempt_fields: dict[str, str] = field(default_factory=dict)  # key → reason
    form: dict[str, str] = field(default_factory=dict)  # key → value


@dataclass
class Catalogue:
    items: dict[str, Item] = field(default_factory=dict)
    bundles: dict[str, Bundle] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    materials: dict[str, MaterialDef] = field(default_factory=dict)
    fields: dict[str, FieldDef] = field(default_factory=dict)

    # -- search ---------------------------------------------------------------
    _index: list[_Entry] | None = field(default=None, init=False, repr=False, compare=False)
    # the last query and the entries that contained it: the teller types on, and an
    # entry that contains "sbd" is among those that contained "sb"
    _last: tuple[str, list[_Entry]] | None = field(default=None, init=False, repr=False,
                                                   compare=False)

    def search(self, query: str, limit: int = 30) -> list[SearchHit]:
        """Bundles and items by name, code or pinyin initials, best first. Each keystroke
        tests the entries that contained the query one key shorter (all of them at the
        first key), and scores only the entries that contain the query at all; only
        the best `limit` are ordered."""
        q = query.strip().lower()
        if not q:
            hits = [SearchHit("bundle", b.code, b.name, 0) for b in self.bundles.values()]
            return hits[:limit]
        last = self._last
        pool = last[1] if last is not None and q.startswith(last[0]) else self.prepare_search()
        found = [entry for entry in pool if q in entry.text]
        self._last = (q, found)
        scored = []
        for entry in found:
            score = entry.score(q)
            if score:
                scored.append((-(score + entry.bonus), entry.kind != "bundle", entry.name, entry))
        best = heapq.nsmallest(limit, scored, key=lambda t: t[:3])  # = sorted(…)[:limit]
        return [SearchHit(e.kind, e.code, e.name, -neg) for neg, _b, _n, e in best]

    def prepare_search(self) -> list[_Entry]:
        """The search index (built once; the compiled catalogue carries it)."""
        if self._index is None:
            index = [_Entry.of("bundle", b.code, b.name, b.pinyin, (), (), 5)
                     for b in self.bundles.values()]
            index += [_Entry.of("item", i.code, i.name, i.pinyin, i.aliases,
                                (i.basic_code,), 0) for i in self.items.values()]
            self._index = index
        return self._index

    # -- resolution -----------------------------------------------------------
    def resolve_items(
        self, bundle_code: str | None, situations: Mapping[str, str], item_codes: Iterable[str]
    ) -> list[Item]:
        """The items a case consists of: a bundle's mandatory items plus the items its
        answered situations add, or the single items chosen; duplicates removed."""
        codes: list[str] = []
        if bundle_code:
            bundle = self.bundles[bundle_code]
            codes.extend(bundle.mandatory)
            for situation in bundle.situations:
                answer = situations.get(situation.key, situation.default)
                if not answer:
                    continue
                option = situation.option(answer)
                if option is None:
                    labels = "、".join(o.label for o in situation.options)
                    raise SituationError(
                        f"情形“{situation.question}”的回答“{answer}”无效，可选：{labels}"
                    )
                codes.extend(option.adds)
        codes.extend(item_codes)
        seen: dict[str, Item] = {}
        for code in codes:
            if code not in seen:
                seen[code] = self.items[code]
        return list(seen.values())

    def resolved_answers(
        self, bundle_code: str | None, situations: Mapping[str, str]
    ) -> dict[str, str]:
        """Every question of the bundle with the answer the case is decided by: the
        one given (by its value or its label) or else the question's default, as the
        option's value. What a case records, whichever door it came through (the
        window sends every answer, an online channel may send only some)."""
        return {situation.key: option.value
                for situation, option in self._chosen_options(bundle_code, situations)}

    def _chosen_options(
        self, bundle_code: str | None, situations: Mapping[str, str]
    ) -> Iterator[tuple[Situation, SituationOption]]:
        """Each question of the bundle with the option its answer (or its default)
        chooses; answers that match no option are skipped (resolve_items refuses them)."""
        bundle = self.bundles.get(bundle_code or "")
        for situation in bundle.situations if bundle is not None else ():
            answer = situations.get(situation.key, situation.default)
            option = situation.option(answer) if answer else None
            if option is not None:
                yield situation, option

    def situation_effects(
        self, bundle_code: str | None, situations: Mapping[str, str]
    ) -> SituationEffects:
        """Exemptions and form values of the answers (defaults included); answers that
        match no option are left to resolve_items to refuse."""
        effects = SituationEffects()
        for situation, option in self._chosen_options(bundle_code, situations):
            reason = f"情形“{situation.question.rstrip('？?')}：{option.label}”"
            for code in option.exempt_materials:
                effects.exempt_materials.setdefault(code, reason)
            for key in option.exempt_fields:
                effects.exempt_fields.setdefault(key, reason)
            for key, value in option.form:
                effects.form.setdefault(key, value)
        return effects

    def materials_for(
        self, bundle_code: str | None, situations: Mapping[str, str], items: Iterable[Item]
    ) -> list[MergedMaterial]:
        """The one set of materials with the situations' exemptions applied (an
        exempted material is no longer required and says why)."""
        return merge_materials(items, self.situation_effects(bundle_code, situations)
                               .exempt_materials)

    def fields_for(
        self, bundle_code: str | None, situations: Mapping[str, str], items: Iterable[Item]
    ) -> list[MergedField]:
        """The one form with the situations' exempted fields made optional."""
        exempt = self.situation_effects(bundle_code, situations).exempt_fields
        return [
            MergedField(f.field, False, f.item_codes) if f.field.key in exempt else f
            for f in merge_fields(items)
        ]


def merge_materials(
    items: Iterable[Item], exempt: Mapping[str, str] | None = None
) -> list[MergedMaterial]:
    """One entry per distinct material; the strictest form and the largest count win.
    `exempt` (material code → reason): required materials a situation exempts."""
    merged: dict[str, MergedMaterial] = {}
    for item in items:
        for need in item.materials:
            code = need.material.code
            old = merged.get(code)
            if old is None:
                merged[code] = MergedMaterial(
                    need.material,
                    need.form,
                    need.count,
                    need.tolerable,
                    need.required,
                    (item.code,),
                )
                continue
            form = need.form if need.form.strictness > old.form.strictness else old.form
            merged[code] = MergedMaterial(
                old.material,
                form,
                max(old.count, need.count),
                old.tolerable and need.tolerable,
                old.required or need.required,
                (*old.item_codes, item.code),
            )
    exempt = exempt or {}
    return [
        replace(m, required=False, tolerable=False, exempt_reason=exempt[m.code])
        if m.required and m.code in exempt else m
        for m in merged.values()
    ]


def merge_fields(items: Iterable[Item]) -> list[MergedField]:
    """The one form: every field once, required when any item requires it."""
    merged: dict[str, MergedField] = {}
    for item in items:
        for need in item.fields:
            key = need.field.key
            old = merged.get(key)
            if old is None:
                merged[key] = MergedField(need.field, need.required, (item.code,))
            else:
                merged[key] = MergedField(
                    old.field, old.required or need.required, (*old.item_codes, item.code)
                )
    return list(merged.values())


@dataclass(frozen=True)
class _Entry:
    """A bundle or an item as the search reads it: lower-cased once."""

    kind: str
    code: str
    name: str
    code_l: str
    codes_l: tuple[str, ...]  # other codes (the basic code)
    name_l: str
    pinyin: str
    aliases_l: tuple[str, ...]
    text: str  # everything a query can match, for the first test
    bonus: int

    @classmethod
    def of(cls, kind: str, code: str, name: str, pinyin: str, aliases: Iterable[str],
           codes: Iterable[str], bonus: int) -> _Entry:
        codes_l = tuple(c.lower() for c in codes if c)
        aliases_l = tuple(a.lower() for a in aliases)
        text = "\x00".join((code.lower(), *codes_l, name.lower(), *aliases_l, pinyin))
        return cls(kind, code, name, code.lower(), codes_l, name.lower(), pinyin, aliases_l,
                   text, bonus)

    def score(self, q: str) -> int:
        if q == self.code_l or q in self.codes_l:
            return 100
        if self.name == q:
            return 95
        if self.code_l.startswith(q) or any(c.startswith(q) for c in self.codes_l):
            return 80
        if self.pinyin.startswith(q):
            return 70
        if q in self.name_l or any(q in a for a in self.aliases_l):
            return 60 - min(len(self.name), 30) // 3
        if q in self.pinyin:
            return 40
        return 0
