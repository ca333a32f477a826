"""The PDF counter papers: content, privacy, embedded fonts, barcode and QR code."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from barcode.charsets.code128 import CODES, STOP

from printing import fonts
from printing.papers import CasePaper, PaperMaterial
from printing.pdf import DOCUMENT_TITLES, DOCUMENTS, PageMarks, pdf_bytes
from printing.pdf.codes import qr_matrix
from tests.printing.printing_pdf_reading import (
    page_fonts,
    page_rects,
    page_texts,
    reader,
    text_past_the_margin,
)
from tests.printing.printing_samples import CASE_NO, FULL_ID, ITEMS, MASKED_ID, OFFICE, sample_paper

KINDS = ("receipt", "supplement", "tolerance", "credit", "rejection", "completion")


@pytest.fixture(scope="module")
def paper() -> CasePaper:
    return sample_paper()


@pytest.fixture(scope="module")
def rendered(paper: CasePaper) -> dict[str, bytes]:
    return {kind: pdf_bytes(kind, paper) for kind in KINDS}


def _text(rendered: dict[str, bytes], kind: str) -> str:
    return "".join(page_texts(rendered[kind]))


def test_registry_lists_the_six_papers() -> None:
    assert tuple(DOCUMENTS) == KINDS
    assert set(DOCUMENT_TITLES) == set(KINDS)
    assert DOCUMENT_TITLES["receipt"] == "受理通知书（回执）"


@pytest.mark.parametrize("kind", KINDS)
def test_renderer_writes_a_pdf(kind: str, paper: CasePaper, tmp_path: Path) -> None:
    target = tmp_path / "out" / f"{kind}.pdf"
    DOCUMENTS[kind](paper, target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temp left


@pytest.mark.parametrize("kind", KINDS)
def test_every_paper_names_case_hall_applicant_and_title(
    kind: str, rendered: dict[str, bytes], paper: CasePaper
) -> None:
    text = _text(rendered, kind)
    title = DOCUMENT_TITLES[kind]
    assert title in text
    assert CASE_NO in text
    assert paper.office.hall_name in text
    assert "王䶮" in text  # rare character, via the fallback font
    assert "阿卜杜·热合曼" in text  # the teller's name with "·"
    assert paper.office.supervision_phone.replace(" ", "") in text


@pytest.mark.parametrize("kind", KINDS)
def test_rendering_is_reproducible(kind: str, rendered: dict[str, bytes], paper: CasePaper) -> None:
    assert pdf_bytes(kind, paper) == rendered[kind]


def test_receipt_content(rendered: dict[str, bytes], paper: CasePaper) -> None:
    text = _text(rendered, "receipt")
    assert paper.doc_no in text
    for item in ITEMS:
        assert item.name in text
        assert item.code in text
        assert item.unit_name in text
    assert "2026-10-12" in text  # due date, ISO
    assert "2026-10-12（星期一）" in text
    assert "2026-09-2910:12" in text  # accepted at
    assert "【提速办】" in text
    assert MASKED_ID in text
    assert "138****5678" in text
    assert "J0301" in text
    for m in paper.materials:
        assert m.name.replace(" ", "") in text
    assert "承诺于2026-10-09前补交" in text  # 容缺 with its promised date
    assert "共享获取" in text
    assert "无需提供" in text
    assert paper.notices[0].replace(" ", "") in text  # for the applicant
    assert "后台" not in text and "补录" not in text  # notes for staff are not (issue 10)
    assert "《失业保险条例》第十六条" in text
    assert "受理专用章" in text
    assert "申请人（签收）" in text
    assert "好差评" in text


def test_supplement_lists_every_missing_material(
    rendered: dict[str, bytes], paper: CasePaper
) -> None:
    text = _text(rendered, "supplement")
    missing = [m for m in paper.materials if m.status == "未提供"]
    assert missing
    for m in missing:
        assert m.name in text
        assert m.form in text
    assert "加盖发证机构印章" in text  # the material's standard
    for name in ("居民身份证", "户口簿", "解除或终止劳动关系证明"):  # not missing ones
        assert name not in text
    assert "2026-10-09" in text  # supplement_deadline
    assert OFFICE.phone in text
    assert "J0301" in text


def test_tolerance_notice_and_promise(rendered: dict[str, bytes], paper: CasePaper) -> None:
    pages = page_texts(rendered["tolerance"])
    assert len(pages) == 2
    notice, promise = pages
    assert "容缺受理通知书" in notice
    assert "申请容缺受理承诺书" in promise
    for page in pages:
        assert "解除或终止劳动关系证明" in page
        assert "2026-10-09" in page  # the promised date
        assert "居民身份证" not in page  # only tolerated materials are named
    assert "终止办理" in notice
    assert "终止办理" in promise
    assert MASKED_ID in notice and FULL_ID not in notice
    assert FULL_ID in promise
    assert "承诺人（签字并按指印）" in promise


def test_tolerance_date_never_past_the_committed_limit() -> None:
    late = PaperMaterial("解除劳动合同证明", "原件", 1, "容缺", promised=date(2026, 10, 20))
    data = pdf_bytes("tolerance", sample_paper(materials=(late,)))
    text = "".join(page_texts(data))
    assert "2026-10-20" not in text
    assert "解除劳动合同证明" in text


def test_credit_promise(rendered: dict[str, bytes], paper: CasePaper) -> None:
    text = _text(rendered, "credit")
    assert FULL_ID in text
    for item in paper.items:
        assert item.name in text
    for phrase in ("真实", "追回", "信用记录", "法律责任", "承诺人（签字并按指印）"):
        assert phrase in text


def test_rejection(rendered: dict[str, bytes], paper: CasePaper) -> None:
    text = _text(rendered, "rejection")
    assert paper.reason in text
    assert "《失业保险条例》第十六条" in text
    assert "六十日内" in text and "行政复议" in text
    assert "六个月内" in text and "行政诉讼" in text
    assert MASKED_ID in text


def test_completion(rendered: dict[str, bytes], paper: CasePaper) -> None:
    text = _text(rendered, "completion")
    assert "2026-10-0915:30" in text  # completed_at
    for item in paper.items:
        assert item.name in text
        assert item.result.replace(" ", "") in text
    assert "已办结" in text
    assert "已退回" in text and "培训合格证书未上传" in text
    assert "申请人确认（签字）" in text


def test_full_id_only_where_the_applicant_signs(rendered: dict[str, bytes]) -> None:
    with_full = {kind for kind in KINDS if FULL_ID in _text(rendered, kind)}
    assert with_full == {"tolerance", "credit"}
    for kind in KINDS:
        # The header metadata carries no personal data either.
        meta = reader(rendered[kind]).metadata
        assert FULL_ID not in str(meta) and "王" not in str(meta)


@pytest.mark.parametrize("kind", KINDS)
def test_fonts_are_embedded(kind: str, rendered: dict[str, bytes]) -> None:
    names: set[str] = set()
    for page in reader(rendered[kind]).pages:
        for font in page_fonts(page):
            names.add(str(font["/BaseFont"]))
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
    assert any("WenQuanYiMicroHei" in n for n in names)
    assert any("DroidSansFallback" in n for n in names)  # 䶮


@pytest.mark.parametrize("kind", KINDS)
def test_no_text_runs_past_the_right_margin(kind: str, rendered: dict[str, bytes]) -> None:
    assert text_past_the_margin(rendered[kind]) == []


@pytest.mark.parametrize("kind", KINDS)
def test_rendered_text_has_every_glyph(kind: str, rendered: dict[str, bytes]) -> None:
    """Everything printed, fixed phrases included, is covered by the bundled fonts."""
    assert fonts.missing_glyphs(_text(rendered, kind)) == set()


# ----------------------------------------------------------------- barcode and QR


def _decode_code128(modules: str) -> str:
    """Decode a Code 128 module string with the standard symbol table; checks the
    checksum. Independent of how the renderer drew it."""
    assert modules.endswith(STOP + "11"), "stop symbol and termination bar"
    body = modules[: -len(STOP) - 2]
    assert len(body) % 11 == 0
    values = [CODES.index(body[i : i + 11]) for i in range(0, len(body), 11)]
    start, *data, check = values
    assert start in (103, 104, 105)
    assert (start + sum(i * v for i, v in enumerate(data, 1))) % 103 == check
    charset = {103: "A", 104: "B", 105: "C"}[start]
    out = []
    for v in data:
        if charset == "C":
            if v == 100:
                charset = "B"
            elif v == 101:
                charset = "A"
            else:
                out.append(f"{v:02d}")
        elif v == 99:
            charset = "C"
        elif v in (100, 101) and charset != {100: "B", 101: "A"}[v]:
            charset = {100: "B", 101: "A"}[v]
        elif charset == "B":
            out.append(chr(v + 32))
        else:
            out.append(chr(v + 32) if v < 64 else chr(v - 64))
    return "".join(out)


@pytest.mark.parametrize("kind", ["receipt", "tolerance"])
def test_code128_bars_on_every_page_decode_to_the_case_number(
    kind: str, paper: CasePaper
) -> None:
    marks = PageMarks()
    data = pdf_bytes(kind, paper, marks=marks)
    drawn = marks.barcode
    assert drawn is not None
    pdf = reader(data)
    for page in pdf.pages:
        bars = [
            r for r in page_rects(page, pdf)
            if abs(r.h - drawn.height) < 0.01 and abs(r.y - drawn.y) < 0.01
        ]
        assert len(bars) > 20
        pattern = ["0"] * len(drawn.modules)
        for r in bars:
            start = round((r.x - drawn.x) / drawn.module_width)
            width = round(r.w / drawn.module_width)
            pattern[start : start + width] = ["1"] * width
        modules = "".join(pattern)
        assert modules == drawn.modules
        assert _decode_code128(modules) == CASE_NO


def test_qr_code_is_drawn_with_the_rating_url(paper: CasePaper) -> None:
    marks = PageMarks()
    data = pdf_bytes("receipt", paper, marks=marks)
    expected = f"https://hcp.example.gov.cn/rate?case={CASE_NO}"
    assert marks.qr_data == expected
    matrix = qr_matrix(expected)
    assert marks.qr == matrix
    n = len(matrix)

    pdf = reader(data)
    rects = page_rects(pdf.pages[0], pdf)
    # The quiet-zone background is the one square; the modules sit inside it.
    box = max((r for r in rects if abs(r.w - r.h) < 0.01), key=lambda r: r.w)
    module = box.w / (n + 8)
    left, top = box.x + 4 * module, box.y + box.h - 4 * module
    drawn = [[False] * n for _ in range(n)]
    for r in rects:
        inside = box.x <= r.x < box.x + box.w and box.y <= r.y < box.y + box.h
        if inside and abs(r.h - module) < 0.01:
            row = round((top - r.y) / module) - 1
            col = round((r.x - left) / module)
            for c in range(col, col + round(r.w / module)):
                drawn[row][c] = True
    assert drawn == matrix


def test_qr_falls_back_to_the_case_number_without_rating_url() -> None:
    marks = PageMarks()
    pdf_bytes("supplement", sample_paper(office=replace(OFFICE, rating_url="")), marks=marks)
    assert marks.qr_data == CASE_NO


def test_case_number_code128_cannot_carry_still_prints() -> None:
    marks = PageMarks()
    data = pdf_bytes("receipt", sample_paper(case_no="受2026-0001"), marks=marks)
    assert marks.barcode is None
    assert "受2026-0001" in "".join(page_texts(data))


def test_long_content_flows_onto_more_pages() -> None:
    many = tuple(
        PaperMaterial(f"证明材料第{i}号（须加盖单位公章，写明起止时间）", "原件", 1, "已收取")
        for i in range(60)
    )
    data = pdf_bytes("receipt", sample_paper(materials=many))
    pages = page_texts(data)
    assert len(pages) >= 3
    assert f"第1页/共{len(pages)}页" in pages[0]
    assert "证明材料第59号" in "".join(pages)
    assert all(CASE_NO in p for p in pages)  # header on every page


@pytest.mark.parametrize("kind", KINDS)
def test_sparse_paper_still_renders(kind: str) -> None:
    """No due date, no completion time, no items or materials, no phone: no crash,
    no "None" printed."""
    sparse = sample_paper(
        due=None,
        completed_at=None,
        supplement_deadline=None,
        items=(),
        materials=(),
        warnings=(),
        reason="",
        office=replace(OFFICE, phone="", rating_url="", teller_staff_no=""),
    )
    text = "".join(page_texts(pdf_bytes(kind, sparse)))
    assert CASE_NO in text
    assert "None" not in text
