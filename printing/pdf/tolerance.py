"""容缺受理通知书, and on its own page the 申请容缺受理承诺书 the applicant signs.

The notice names the tolerated materials, how and by when to supply them (never
past the committed completion date) and what happens if late. The promise is the
applicant's own declaration, so it carries the full certificate number; the
notice, like every other paper, shows it masked.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak, Spacer

from printing.papers import CasePaper
from printing.pdf import blocks, layout
from printing.pdf.layout import InfoRow
from printing.pdf.texts import (
    BLANK_DATE,
    fmt_date,
    fmt_datetime,
    materials_with,
    teller_label,
    window_label,
)

TITLE = "容缺受理通知书"
PROMISE_TITLE = "申请容缺受理承诺书"


def _notice(paper: CasePaper) -> list[Flowable]:
    st = layout.styles()
    office = paper.office
    tolerated = materials_with(paper, "容缺")
    out: list[Flowable] = layout.title_block(TITLE, paper.doc_no)
    out.append(layout.info_table(blocks.applicant_rows(paper) + blocks.case_rows(paper)))
    out.append(layout.para(f"{paper.applicant_name}：", st.body_flush))
    you = "贵单位" if paper.is_unit else "您"
    out.append(layout.para(
        f"{you}于 {fmt_datetime(paper.accepted_at)} 申请办理的“{paper.title}”，基本条件具备、"
        "主要申请材料齐全，经审查符合容缺受理条件。根据您签署的《申请容缺受理承诺书》，"
        f"本机关决定予以容缺受理。以下 {len(tolerated)} 项材料准予容缺，请按期补交：",
        st.body,
    ))
    out.append(blocks.tolerated_table(paper, tolerated))
    if paper.notices:  # for the applicant; notes for staff stay on the screens
        out.append(layout.alert_box("【特别提示】", paper.notices))

    out += layout.heading("告知事项")
    out.append(layout.para(
        f"1. 补交方式：由申请人或代办人携带上述材料及有效身份证件，到{window_label(office)}"
        f"现场提交；经办人：{teller_label(office)}"
        + (f"，联系电话：{office.phone}。" if office.phone else "。"),
        st.tip,
    ))
    if paper.due is not None:
        limit = [("最迟不超过本件承诺办结日期 ", None),
                 (fmt_date(paper.due, weekday=True), blocks.ALERT_HEX)]
    else:
        limit = [("且不得超过本件承诺办结时限", None)]
    out.append(layout.rich(
        [
            ("2. 补交期限：各项材料须在上表所列期限前补齐，", None),
            *limit,
            ("。材料补齐且经审核符合要求后，本机关在承诺时限内办结。", None),
        ],
        st.tip,
    ))
    out.append(layout.rich(
        [
            ("3. 逾期后果：", None),
            ("逾期未补齐或所补材料不符合要求的，本件终止办理", blocks.ALERT_HEX),
            ("，由此产生的后果由申请人承担；违背承诺的情况将按规定记录，"
             "今后不再适用容缺受理。", None),
        ],
        st.tip,
    ))
    out.append(layout.closing(
        [layout.para(
            f"4. 如有疑问，请咨询经办人或拨打监督电话 {office.supervision_phone}。", st.tip
        )],
        layout.signature_block(
            blocks.applicant_sign_lines("申请人（签收）", paper),
            blocks.office_sign_lines(paper, seal="（受理专用章）"),
            keep=False,
        ),
        [layout.note("本通知书一式两份，受理单位与申请人各执一份。")],
    ))
    return out


def _promise(paper: CasePaper) -> list[Flowable]:
    st = layout.styles()
    tolerated = materials_with(paper, "容缺")
    out: list[Flowable] = layout.title_block(PROMISE_TITLE)
    out.append(layout.info_table(
        blocks.applicant_rows(paper, full_id=True)
        + [
            InfoRow("申请事项", paper.title, span=True),
            InfoRow("办件编号", paper.case_no, "承诺办结日期", fmt_date(paper.due)),
        ]
    ))
    we = "本单位" if paper.is_unit else "本人"
    out.append(layout.para(
        f"{we}申请办理“{paper.title}”，因下列材料暂时无法提供，申请容缺受理，"
        "并郑重承诺如下：",
        st.body,
    ))
    out.append(blocks.tolerated_table(paper, tolerated))
    out.append(Spacer(1, 6))
    promises = [
        f"{we}已提交的申请材料及所填信息真实、准确、完整，符合本事项的基本办理条件。",
        f"{we}将在上表所列期限前，按要求补齐容缺材料，且所补材料与本次申请内容一致。",
        f"如逾期未补齐或所补材料不符合要求，{we}同意本件终止办理，并承担由此产生的全部后果。",
        f"{we}知悉：违背本承诺的，将按规定记入信用记录，今后不再适用容缺受理；"
        "提供虚假材料的，依法承担相应法律责任。",
    ]
    clauses = layout.numbered(promises)
    out += clauses[:-1]
    out.append(layout.closing(
        clauses[-1:],
        layout.signature_block(
            promise_sign_lines(paper),
            [f"受理人：{paper.office.teller_name}", f"受理日期：{fmt_date(paper.accepted_at)}"],
            seal_space=0,
            keep=False,
        ),
        [layout.note("本承诺书由受理单位存档。")],
    ))
    return out


def promise_sign_lines(paper: CasePaper) -> list[str | Flowable]:
    """Who signs a promise: the person, or the unit's representative under its seal."""
    if paper.is_unit:
        return [layout.sign_field("法定代表人或委托代理人（签字）"), "承诺单位（盖章）",
                f"日期：{BLANK_DATE}"]
    return [layout.sign_field("承诺人（签字并按指印）"), f"日期：{BLANK_DATE}"]


def story(paper: CasePaper) -> list[Flowable]:
    return [*_notice(paper), PageBreak(), *_promise(paper)]
