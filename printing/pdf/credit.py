"""信用承诺书: the applicant's promise on items that pay out money (待遇、补贴).

The lead passes only the paying items in ``paper.items``. The applicant signs it,
so it carries the full certificate number.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from printing.papers import CasePaper
from printing.pdf import blocks, layout
from printing.pdf.layout import InfoRow
from printing.pdf.texts import fmt_date
from printing.pdf.tolerance import promise_sign_lines

TITLE = "信用承诺书"

PROMISES = (
    "本人提交的申请材料和填报的信息真实、准确、完整、有效，不存在隐瞒、虚构、伪造等情况。",
    "本人符合所申领待遇（补贴）的条件；享受期间如本人情况发生变化、不再符合条件，"
    "将及时主动告知经办机构并停止领取。",
    "本人同意经办机构通过数据共享、部门协查等方式核实上述信息。",
)

LIABILITY = (
    "如有虚假承诺，或以欺诈、伪造证明材料等手段骗取待遇（补贴）资金的，本人自愿接受以下处理："
)
CONSEQUENCES = (
    "由经办机构追回已发放的全部资金；",
    "将失信行为纳入信用记录，并按规定共享、公示；",
    "依法追究相应的法律责任。",
)


def story(paper: CasePaper) -> list[Flowable]:
    st = layout.styles()
    out: list[Flowable] = layout.title_block(TITLE, paper.doc_no)
    out.append(layout.info_table(
        blocks.applicant_rows(paper, full_id=True)
        + [InfoRow("申请业务", paper.title, span=True),
           InfoRow("办件编号", paper.case_no, "受理日期", fmt_date(paper.accepted_at))]
    ))
    we = "本单位" if paper.is_unit else "本人"

    def ours(text: str) -> str:
        return text.replace("本人", we)

    out.append(layout.para(f"{we}申请办理下列涉及资金发放的事项：", st.body))
    out.append(blocks.simple_items_table(paper.items))
    out.append(Spacer(1, 6))
    out.append(layout.para(f"{we}郑重承诺：", st.body))
    clauses = [ours(c) for c in (*PROMISES, LIABILITY)]
    out += layout.numbered(clauses)
    out += [layout.para(f"（{i}）{c}", layout.styles().clause_sub)
            for i, c in enumerate(CONSEQUENCES, 1)]
    out.append(Spacer(1, 4))
    out.append(layout.closing(
        [layout.para(f"{we}已认真阅读并充分理解上述内容，自愿作出以上承诺。", st.body)],
        layout.signature_block(
            promise_sign_lines(paper),
            [f"受理人：{paper.office.teller_name}", f"受理日期：{fmt_date(paper.accepted_at)}"],
            seal_space=0,
            keep=False,
        ),
        [layout.note("本承诺书由经办机构存档，作为待遇（补贴）发放及信用管理的依据。")],
    ))
    return out
