"""The papers as issue 10 wants them: a unit addressed by name and credit code, the
agent with a masked number, 收件时间 where nothing was accepted, each item's own
basis, the working/natural-day wording per item, the 不予受理 notice's remedies and
organ, no staff notes, the signature never alone on a page, and no line starting
with closing punctuation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from printing.papers import PaperItem, PaperMaterial
from printing.pdf import pdf_bytes
from tests.printing.printing_pdf_reading import page_texts, reader
from tests.printing.printing_samples import ITEMS, sample_paper

KINDS = ("receipt", "supplement", "tolerance", "credit", "rejection", "completion")
UNIT = dict(
    applicant_kind="unit", applicant_name="济南泉城劳务派遣有限公司",
    applicant_id_masked="91370102MA3C123456", applicant_id_full="91370102MA3C123456",
    credit_code="91370102MA3C123456", legal_rep="张建国", applicant_phone_masked="0531-86001234",
    agent="李娜（370102********1237，单位员工）",
)
# the last words before each paper's signature block: they share its page
BEFORE_SIGNATURE = {
    "receipt": "如对办理过程有意见或建议",
    "supplement": "3.经办人：",
    "tolerance": "依法承担相应法律责任",
    "credit": "自愿作出以上承诺",
    "rejection": "可以重新提出申请",
    "completion": "如对办理结果有意见或建议",
}
SIGNATURE = {"receipt": "（签收）", "supplement": "（签收）", "tolerance": "承诺人（签字并按指印）",
             "credit": "承诺人（签字并按指印）", "rejection": "（签收）",
             "completion": "申请人确认（签字）"}


def text(kind: str, **changes: object) -> str:
    return "".join(page_texts(pdf_bytes(kind, sample_paper(**changes))))


@pytest.mark.parametrize("kind", KINDS)
def test_a_unit_is_addressed_by_name_and_credit_code(kind: str) -> None:
    got = text(kind, **UNIT)
    assert "济南泉城劳务派遣有限公司" in got and "91370102MA3C123456" in got
    assert "单位经办人" in got and "370102********1237" in got
    assert "370102198001011237" not in got


def test_a_units_promises_speak_for_the_unit() -> None:
    for kind in ("tolerance", "credit"):
        got = text(kind, **UNIT)
        assert "本单位" in got and "本人" not in got
        assert "承诺单位（盖章）" in got


def test_papers_of_a_case_not_accepted_say_received() -> None:
    for kind in ("supplement", "rejection"):
        got = text(kind, time_label="收件时间")
        assert "收件时间" in got and "受理时间" not in got


def test_each_item_has_its_own_basis_and_limit_wording() -> None:
    got = text("receipt")
    for item in ITEMS:
        assert f"{item.name}：{item.legal_basis}" in got
    natural = (replace(ITEMS[1], committed="40个自然日", limit_unit="natural"),)
    only = text("receipt", items=natural)
    assert "按自然日计算" in only and "法定节假日和休息日计入" in only
    assert "不计入" not in only
    working = text("receipt", items=ITEMS[1:2])
    assert "法定节假日和休息日不计入" in working and "自然日" not in working


def test_the_rejection_notice_names_the_bodies_and_the_organ() -> None:
    got = text("rejection", organ_name="济南市历下区人力资源和社会保障局",
               review_body="济南市历下区人民政府", court="济南铁路运输法院")
    assert "六十日内向济南市历下区人民政府申请行政复议" in got
    assert "六个月内向济南铁路运输法院提起行政诉讼" in got
    for item in ITEMS:
        assert item.name in got and item.code in got
    tail = got[got.index("（签收）"):]
    assert "济南市历下区人力资源和社会保障局（印章）" in tail


def test_a_reason_citing_its_law_is_the_basis_and_no_article_is_named_twice() -> None:
    from ui.panels.reject import REJECT_REASONS

    pension = replace(ITEMS[0], legal_basis="《中华人民共和国社会保险法》第十六条；"
                      "《国务院关于完善企业职工基本养老保险制度的决定》（国发〔2005〕38号）")
    cited = next(r.wording for r in REJECT_REASONS if "第十六条" in r.wording)
    got = text("rejection", items=(pension,), reason=cited)
    assert got.count("第十六条") == 1
    assert "因申请人未达到法定退休年龄" in got and "本机关决定不予受理" in got
    plain = text("rejection", items=(pension,), reason="申请人不具备本事项的申请资格")
    assert "根据《中华人民共和国社会保险法》第十六条" in plain  # no law in the reason: the item's


def test_notes_for_staff_are_never_printed() -> None:
    note = "表单未填写：开户银行，请后台核实补录"
    for kind in KINDS:
        assert "补录" not in text(kind, warnings=(note,), notices=())


def test_a_waiting_item_says_when_its_clock_starts() -> None:
    waiting = PaperItem("370100-SB-0009", "因病或非因工致残提前退休审批", "市养老保险处",
                        "承诺件", "20个工作日", "15个工作日", None, waits_for="“劳动能力鉴定申请”")
    got = text("receipt", items=(*ITEMS[:2], waiting),
               notices=("“因病或非因工致残提前退休审批”须待“劳动能力鉴定申请”办结后办理（分段办理）。",))
    assert "前置事项办结后起算" in got and "除分段办理的事项外" in got


@pytest.mark.parametrize("kind", KINDS)
def test_the_signature_is_never_alone_on_a_page(kind: str) -> None:
    for n in range(0, 34, 2):
        materials = tuple(
            PaperMaterial(f"证明材料第{i}号", "原件", 1, "容缺" if i % 5 == 0 else "未提供",
                          promised=date(2026, 10, 9))
            for i in range(n)
        )
        pages = page_texts(pdf_bytes(kind, sample_paper(materials=materials)))
        [page] = [p for p in pages if SIGNATURE[kind] in p]
        assert BEFORE_SIGNATURE[kind] in page, (kind, n, len(pages))


@pytest.mark.parametrize("kind", KINDS)
def test_no_line_starts_with_closing_punctuation(kind: str) -> None:
    """Line by line as the PDF holds them, over many line lengths."""
    for extra in range(0, 24, 3):
        name = "王" + "䶮" * (extra % 5)
        paper = dict(
            title="退休人员基本医疗保险待遇核定" + "等" * extra,
            applicant_name=name,
            reason="申请人已于2026-06-30办理退休（见《职工退休审批表》），不属于失业保险金申领对象"
                   + "，" + "材料" * extra,
        )
        for page in reader(pdf_bytes(kind, sample_paper(**paper))).pages:
            for line in page.extract_text().splitlines():
                first = line.strip()[:1]
                assert not first or first not in "：。，；）”", (kind, extra, line)
