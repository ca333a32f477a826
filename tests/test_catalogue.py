"""The shipped catalogue, its validation messages, search, merging and the CLI."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

import resources
from counter_app.catalogue import (
    CatalogueError,
    check_catalogue,
    default_catalogue,
    load_catalogue,
    pinyin_initials,
)
from counter_app.cli import catalogue as cli_catalogue
from counter_app.cli.runner import CliError, common_options
from counter_app.domain.catalogue import BOARDS, CaseKind, merge_fields, merge_materials

NATIONAL_BUNDLES = {
    "企业招用员工一件事",
    "企业与员工解除/终止劳动合同一件事",
    "失业一件事",
    "创业一件事",
    "高校毕业生就业一件事",
    "事业单位聘用工作人员一件事",
    "职工退休一件事",
    "申领工亡人员有关待遇一件事",
    "退休人员过世（身后）一件事",
    "申领社会保障卡一件事",
}

SI_FILE = "items_social_insurance.toml"
UI_BENEFIT = "370100-SB-0003"  # 失业保险金申领
ENTRY = "事项 370100-SB-0003 “失业保险金申领”"


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def _bundle(cat, name):
    return next(b for b in cat.bundles.values() if b.name == name)


# -- the shipped data ------------------------------------------------------------------


def test_shipped_catalogue_checks_clean():
    assert check_catalogue(resources.CATALOGUE_DIR) == []


def test_counts_and_boards(cat):
    assert {b.name for b in cat.bundles.values()} == NATIONAL_BUNDLES
    assert len(cat.bundles) == 10
    assert len(cat.items) >= 40
    assert sum(item.is_speedup for item in cat.items.values()) >= 10
    assert {item.board for item in cat.items.values()} == set(BOARDS)


def test_bundles_have_mandatory_items_and_situations_that_add_existing_items(cat):
    for bundle in cat.bundles.values():
        assert bundle.mandatory, bundle.name
        assert all(code in cat.items for code in bundle.mandatory), bundle.name
        assert bundle.situations, bundle.name
        adds = [code for s in bundle.situations for o in s.options for code in o.adds]
        assert adds, f"{bundle.name}: no situation adds an item"
        assert all(code in cat.items for code in adds), bundle.name
        for situation in bundle.situations:
            assert not situation.default or situation.option(situation.default)
        # the default answers resolve without error
        items = cat.resolve_items(bundle.code, {}, [])
        assert [i.code for i in items[: len(bundle.mandatory)]] == list(bundle.mandatory)


def test_limits_are_consistent(cat):
    for item in cat.items.values():
        assert item.committed.approx_working_days() <= item.statutory.approx_working_days()
        if item.case_kind is CaseKind.INSTANT:
            assert item.committed.days == 0, item.name
            assert not any(need.tolerable for need in item.materials), item.name
        else:
            assert item.committed.days > 0, item.name
        assert len(item.code) <= 24 and len(item.basic_code) <= 10


def test_sourced_limits(cat):
    by_name = {item.name: item for item in cat.items.values()}
    benefit = by_name["失业保险金申领"]
    assert (benefit.statutory.days, benefit.statutory.unit.value) == (10, "working")
    assert benefit.pays_money and benefit.is_speedup
    injury = by_name["工伤认定申请"]
    assert (injury.statutory.days, injury.statutory.unit.value) == (60, "natural")
    assert by_name["就业登记"].case_kind is CaseKind.INSTANT
    for name in ("基本养老保险待遇申领", "丧葬补助金和抚恤金申领", "供养亲属抚恤金申领",
                 "创业担保贷款贴息申领", "一次性创业补贴申领"):
        assert by_name[name].pays_money, name


def test_speedup_and_pinyin_are_never_typed():
    for path in resources.CATALOGUE_DIR.glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entries in data.values():
            for entry in entries:
                assert "pinyin" not in entry and "speedup" not in entry, path.name


def test_pinyin_initials(cat):
    assert pinyin_initials("职工退休一件事") == "zgtxyjs"
    assert pinyin_initials("社会保障卡密码重置") == "shbzkmmcz"
    assert pinyin_initials("退休人员过世（身后）一件事") == "txrygsshyjs"
    for item in cat.items.values():
        assert item.pinyin == pinyin_initials(item.name)
        assert re.fullmatch(r"[a-z0-9]+", item.pinyin)


def test_default_catalogue_is_cached():
    assert default_catalogue() is default_catalogue()
    assert len(default_catalogue().items) >= 40


# -- search ----------------------------------------------------------------------------


def test_search_by_pinyin_initials(cat):
    hits = cat.search("zgtx")
    assert hits[0].kind == "bundle" and hits[0].name == "职工退休一件事"


def test_search_by_name_fragment_and_alias(cat):
    names = [h.name for h in cat.search("退休")]
    assert "职工退休一件事" in names
    assert "基本养老保险待遇申领" in names  # alias 退休
    assert cat.search("失业金")[0].code == UI_BENEFIT


def test_search_by_code(cat):
    hit = cat.search(UI_BENEFIT)[0]
    assert (hit.kind, hit.code, hit.name) == ("item", UI_BENEFIT, "失业保险金申领")
    assert cat.search("05SB003")[0].code == UI_BENEFIT  # basic code


# -- one set of materials, one form ----------------------------------------------------


def test_typing_on_finds_what_a_fresh_search_finds(cat):
    """Each keystroke tests only the entries the shorter query found: typing a query
    key by key, deleting back and typing another gives, at every step, what the
    query searched afresh gives."""
    fresh = load_catalogue()
    typed = []
    for query in ("shbx", "370100-SB-00", "退休", "tx", "s", "社会保险登记", "zgtxyjs"):
        typed += [query[:k] for k in range(1, len(query) + 1)]
        typed += [query[:k] for k in range(len(query) - 1, 0, -1)]  # Backspace
    for q in typed:
        fresh._last = None  # noqa: SLF001 - the search as if nothing was typed before
        assert cat.search(q, limit=40) == fresh.search(q, limit=40), q


def test_merge_materials_one_entry_per_material(cat):
    retire = _bundle(cat, "职工退休一件事")
    items = cat.resolve_items(retire.code, {"retire_type": "special", "medical": "yes"}, [])
    assert len(items) >= 3
    merged = merge_materials(items)
    codes = [m.code for m in merged]
    assert len(codes) == len(set(codes))
    id_card = next(m for m in merged if m.code == "id_card")
    assert id_card.material.name == "居民身份证"
    assert len(id_card.item_codes) >= 3
    asked = sum(1 for i in items for need in i.materials if need.material.code == "id_card")
    assert asked == len(id_card.item_codes)
    # the bank account may be 容缺 for the pension: the bundle keeps that
    bank = next(m for m in merged if m.code == "bank_card")
    assert bank.tolerable
    fields = merge_fields(items)
    keys = [f.field.key for f in fields]
    assert len(keys) == len(set(keys))
    assert "id_number" in keys


def test_situation_adds_items(cat):
    retire = _bundle(cat, "职工退休一件事")
    plain = {i.code for i in cat.resolve_items(retire.code, {"retire_type": "normal"}, [])}
    special = {i.code for i in cat.resolve_items(retire.code, {"retire_type": "special"}, [])}
    added = special - plain
    assert [cat.items[c].name for c in added] == ["特殊工种提前退休审批"]


# -- validation messages ---------------------------------------------------------------


def _item_block_replace(text: str, code: str, old: str, new: str) -> str:
    """Replace `old` by `new` once, inside the [[item]] entry whose code is `code`."""
    start = text.index(f'code = "{code}"')
    end = text.find("[[item]]", start)
    end = len(text) if end < 0 else end
    block = text[start:end]
    assert old in block, (code, old)
    return text[:start] + block.replace(old, new, 1) + text[end:]


def _broken_copy(tmp_path: Path, name: str, edit) -> Path:
    source = resources.CATALOGUE_DIR / name
    target = tmp_path / name
    target.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    return target


BROKEN_ITEMS = [
    pytest.param(
        lambda t: _item_block_replace(t, UI_BENEFIT, 'unit = "SYK"', 'unit = "SYKX"'),
        f"{SI_FILE}: {ENTRY}: 字段 unit: 责任单位 “SYKX” 不存在",
        id="unknown-unit",
    ),
    pytest.param(
        lambda t: _item_block_replace(
            t, UI_BENEFIT, 'committed = { days = 5,', 'committed = { days = 15,'
        ),
        f"{SI_FILE}: {ENTRY}: 字段 committed.days: 承诺时限不能超过法定时限",
        id="committed-over-statutory",
    ),
    pytest.param(
        lambda t: _item_block_replace(t, UI_BENEFIT, "aliases =", "alias ="),
        f"{SI_FILE}: {ENTRY}: 字段 alias: 未知字段，是否应为 “aliases”",
        id="misspelled-key",
    ),
    pytest.param(
        lambda t: _item_block_replace(
            t, "370100-SB-0005", 'code = "370100-SB-0005"', f'code = "{UI_BENEFIT}"'
        ),
        f"{SI_FILE}: 事项 {UI_BENEFIT} “失业保险关系转移”: 字段 code: 编码重复",
        id="duplicate-code",
    ),
    pytest.param(
        lambda t: _item_block_replace(t, UI_BENEFIT, 'item_type = "05"', 'item_type = "06"'),
        f"{SI_FILE}: {ENTRY}: 字段 item_type: 无效的事项类型 “06”",
        id="bad-item-type",
    ),
    pytest.param(
        lambda t: _item_block_replace(t, UI_BENEFIT, 'item_type = "05"', "item_type = 5"),
        f"{SI_FILE}: {ENTRY}: 字段 item_type: 应为文本（请加引号）",
        id="unquoted-item-type",
    ),
    pytest.param(
        lambda t: _item_block_replace(
            t, UI_BENEFIT, 'case_kind = "promised"', 'case_kind = "instant"'
        ),
        f"{SI_FILE}: {ENTRY}: 字段 committed.days: 即办件的承诺时限应为 0",
        id="instant-with-committed-days",
    ),
    pytest.param(
        lambda t: _item_block_replace(
            t, UI_BENEFIT, 'material = "bank_card"', 'material = "bank_crad"'
        ),
        f"{SI_FILE}: {ENTRY}: 字段 materials[bank_crad].material: 材料 “bank_crad” 不存在，"
        "是否应为 “bank_card”",
        id="unknown-material",
    ),
    pytest.param(
        lambda t: _item_block_replace(t, UI_BENEFIT, 'form = "copy"', 'form = "copies"'),
        f"{SI_FILE}: {ENTRY}: 字段 materials[separation_certificate].form: 无效的值 “copies”",
        id="bad-material-form",
    ),
    pytest.param(
        lambda t: _item_block_replace(t, UI_BENEFIT, 'field = "phone"', 'field = "mobile"'),
        f"{SI_FILE}: {ENTRY}: 字段 fields[mobile].field: 表单字段 “mobile” 不存在",
        id="unknown-field",
    ),
    pytest.param(
        lambda t: _item_block_replace(
            t, UI_BENEFIT, 'code = "370100-SB-0003"', 'code = "370100-SB-0003-XXXXXXXXXXXX"'
        ),
        "字段 code: 实施编码不能超过 24 个字符",
        id="code-too-long",
    ),
    pytest.param(
        lambda t: _item_block_replace(
            t, UI_BENEFIT, 'basic_code = "05SB003"', 'basic_code = "05SB003XXXX"'
        ),
        f"{SI_FILE}: {ENTRY}: 字段 basic_code: 基本编码不能超过 10 个字符",
        id="basic-code-too-long",
    ),
    pytest.param(
        lambda t: _item_block_replace(t, UI_BENEFIT, 'board = "社会保险"', 'board = "社保"'),
        f"{SI_FILE}: {ENTRY}: 字段 board: 无效的业务板块 “社保”",
        id="bad-board",
    ),
    pytest.param(
        lambda t: _item_block_replace(t, UI_BENEFIT, 'name = "失业保险金申领"\n', ""),
        f"{SI_FILE}: 事项 {UI_BENEFIT}: 字段 name: 缺少必填项",
        id="missing-name",
    ),
]


@pytest.mark.parametrize(("edit", "expected"), BROKEN_ITEMS)
def test_broken_item_file_names_file_entry_and_field(tmp_path, edit, expected):
    path = _broken_copy(tmp_path, SI_FILE, edit)
    problems = check_catalogue(path)
    assert any(expected in p for p in problems), problems


def test_broken_copy_of_whole_directory_raises_with_every_problem(tmp_path):
    directory = tmp_path / "catalogue"
    shutil.copytree(resources.CATALOGUE_DIR, directory)
    path = directory / SI_FILE
    text = path.read_text(encoding="utf-8")
    text = _item_block_replace(text, UI_BENEFIT, 'unit = "SYK"', 'unit = "NOPE"')
    text = _item_block_replace(text, UI_BENEFIT, "committed = { days = 5,",
                               "committed = { days = 50,")
    text = _item_block_replace(text, UI_BENEFIT, "pays_money =", "pay_money =")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(directory)
    problems = info.value.problems
    assert len(problems) == 3, problems
    assert all(p.startswith(f"{SI_FILE}: {ENTRY}: 字段 ") for p in problems)
    assert "NOPE" in str(info.value)


def test_bundle_problems_name_the_situation(tmp_path):
    def edit(text: str) -> str:
        text = text.replace('adds = ["370100-SB-0008"]', 'adds = ["370100-SB-9999"]', 1)
        return text.replace('key = "transfer"\nquestion = "是否有外地参保经历',
                            'key = "transfer"\nquestoin = "是否有外地参保经历', 1)

    problems = check_catalogue(_broken_copy(tmp_path, "bundles.toml", edit))
    prefix = "bundles.toml: 一件事 370100-YJS-07 “职工退休一件事”: 字段 "
    adds = "situation[retire_type].options[special].adds[1]"
    assert f"{prefix}{adds}: 事项 “370100-SB-9999” 不存在" in "\n".join(problems)
    assert any(p.startswith(prefix + "situation[transfer].questoin: 未知字段") for p in problems)
    assert any(p.startswith(prefix + "situation[transfer].question: 缺少必填项")
               for p in problems)


def test_bundle_needs_mandatory_items_and_valid_default(tmp_path):
    def edit(text: str) -> str:
        text = text.replace('mandatory = [\n  "370100-SK-0001",  # 社会保障卡申领\n]',
                            "mandatory = []", 1)
        return text.replace('key = "lost_card"\nquestion = "是否有旧卡遗失、需要挂失？"\n'
                            'default = "no"', 'key = "lost_card"\nquestion = "是否有旧卡遗失、'
                            '需要挂失？"\ndefault = "maybe"', 1)

    problems = "\n".join(check_catalogue(_broken_copy(tmp_path, "bundles.toml", edit)))
    prefix = "bundles.toml: 一件事 370100-YJS-10 “申领社会保障卡一件事”: 字段 "
    assert prefix + "mandatory: 至少要有一个必做事项" in problems
    assert prefix + "situation[lost_card].default: 默认回答 “maybe” 不是选项的 value" in problems


def test_unknown_table_and_syntax_error(tmp_path):
    units = _broken_copy(tmp_path, "units.toml", lambda t: t.replace("[[unit]]", "[[units]]"))
    problems = check_catalogue(units)
    assert any(p.startswith("units.toml: 未知的表 [[units]]，是否应为 “unit”") for p in problems)
    # every item now refers to a unit that is gone: reported per item and field
    assert any(": 字段 unit: 责任单位 " in p for p in problems)

    broken = _broken_copy(tmp_path, "fields.toml",
                          lambda t: t.replace('label = "姓名"', 'label = "姓名'))
    problems = check_catalogue(broken)
    assert len(problems) >= 1
    assert re.match(r"fields\.toml: 第 \d+ 行第 \d+ 列格式错误（TOML）", problems[0]), problems


def test_field_and_material_definitions_are_checked(tmp_path):
    fields = _broken_copy(
        tmp_path,
        "fields.toml",
        lambda t: t.replace('prefill = "applicant.phone"', 'prefill = "applicant.mobile"', 1)
        .replace('choices = ["男", "女"]', 'choices = ["男"]', 1),
    )
    problems = "\n".join(check_catalogue(fields))
    phone = "fields.toml: 表单字段 phone “联系电话”: 字段 prefill: "
    assert phone + "无效的带入来源 “applicant.mobile”" in problems
    sex = "fields.toml: 表单字段 sex “性别”: 字段 choices: "
    assert sex + "单项选择字段至少要有两个选项" in problems

    materials = _broken_copy(
        tmp_path,
        "materials.toml",
        lambda t: t.replace("shareable = true", 'shareable = "yes"', 1),
    )
    problems = "\n".join(check_catalogue(materials))
    assert "materials.toml: 材料 household_register “居民户口簿”: 字段 shareable: " \
        "应为布尔值（true 或 false），实际为文本" in problems


def test_single_file_is_checked_against_the_default_directory(tmp_path):
    copy = tmp_path / "items_sscard.toml"
    shutil.copy(resources.CATALOGUE_DIR / "items_sscard.toml", copy)
    assert check_catalogue(copy) == []
    # a file of another name joins the directory: its codes now clash
    other = tmp_path / "items_extra.toml"
    shutil.copy(resources.CATALOGUE_DIR / "items_sscard.toml", other)
    problems = check_catalogue(other)
    assert problems and all("编码重复" in p for p in problems)
    assert problems[0].startswith("items_sscard.toml: 事项 370100-SK-0001")


# -- CLI -------------------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="counter-app")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_catalogue.register(sub, common_options())
    args = parser.parse_args(argv)
    return args.handler(args)


def test_cli_check_passes(capsys, cat):
    assert _run(["catalogue", "check"]) == 0
    out = capsys.readouterr().out.strip()
    speedup = sum(i.is_speedup for i in cat.items.values())
    assert out == f"目录检查通过: 10 个一件事, {len(cat.items)} 个事项, {speedup} 个提速办事项"


def test_cli_check_reports_problems_on_stderr(tmp_path, capsys):
    path = _broken_copy(
        tmp_path, SI_FILE,
        lambda t: _item_block_replace(t, UI_BENEFIT, 'unit = "SYK"', 'unit = "SYKX"'),
    )
    assert _run(["catalogue", "check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{SI_FILE}: {ENTRY}: 字段 unit: 责任单位 “SYKX” 不存在" in captured.err
    assert "目录检查未通过: 1 个问题" in captured.err


def test_cli_check_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(CliError) as info:
        _run(["catalogue", "check", str(tmp_path / "nope.toml")])
    assert "不存在" in str(info.value)


def test_cli_list_json(capsys, cat):
    assert _run(["catalogue", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["bundles"] == 10
    assert data["counts"]["items"] == len(data["items"]) >= 40
    assert data["counts"]["speedup"] == sum(i["speedup"] for i in data["items"]) >= 10
    retire = next(b for b in data["bundles"] if b["name"] == "职工退休一件事")
    assert retire["mandatory"] and retire["situations"]
    option = retire["situations"][0]["options"][1]
    assert set(option) >= {"value", "label", "adds"}
    item = next(i for i in data["items"] if i["code"] == UI_BENEFIT)
    assert item["statutory"]["days"] == 10 and item["statutory"]["unit"] == "working"
    assert item["committed"]["days"] == 5
    assert item["speedup"] is True and item["pays_money"] is True
    assert item["item_type_label"] == "行政给付"
    assert item["unit"]["code"] == "SYK" and item["unit"]["name"]
    assert item["pinyin"] == "sybxjsl"
    assert {"code", "name", "form", "count", "tolerable", "required", "shareable"} <= set(
        item["materials"][0]
    )
    assert {"key", "label", "kind", "required", "prefill"} <= set(item["fields"][0])


def test_cli_list_text(capsys):
    assert _run(["catalogue", "list"]) == 0
    out = capsys.readouterr().out
    assert "职工退休一件事" in out and "【社保卡】" in out
    line = next(line for line in out.splitlines() if line.startswith(UI_BENEFIT))
    assert "失业保险金申领" in line and "提速" in line and "信用" in line


# -- hostile files: refused quickly with exit 2 ------------------------------------------


@pytest.mark.timeout(60)  # a hang guard: a 10 MB name once ran past 300 s in pypinyin
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "嵌套层数过深"),
        ("x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n", "嵌套层数过深"),
        ('[[unit]]\ncode = "X"\nname = "' + "王" * (10 * 1024 * 1024 // 3) + '"\n', "文件过大"),
        ('[[unit]]\ncode = "X"\nname = "' + "王" * 300_000 + '"\n',
         "字段 name: 不能超过 100 个字符（现为 300000 个）"),
        ("[[item]]\n" + "k" * 300_000 + ' = 1\n', "未知字段"),
    ],
    ids=["deep-array", "deep-table", "10MB-name", "long-name", "long-key"],
)
def test_hostile_files_are_refused_with_exit_2(tmp_path, run_cli, content, message):  # type: ignore[no-untyped-def]
    path = tmp_path / "units.toml"
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli("catalogue", "check", str(path))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert max(len(line) for line in err.splitlines()) < 300  # quoted values are cut short


def test_lengths_match_the_case_columns(tmp_path, run_cli):  # type: ignore[no-untyped-def]
    path = tmp_path / "materials.toml"
    text = (resources.CATALOGUE_DIR / "materials.toml").read_text(encoding="utf-8")
    path.write_text(text + '\n[[material]]\ncode = "' + "m" * 33 + '"\nname = "x"\n',
                    encoding="utf-8")
    code, _, err = run_cli("catalogue", "check", str(path))
    assert code == 2 and "材料代码不能超过 32 个字符" in err
