"""A sample case for the paper tests (and for rendering previews by hand)."""

from __future__ import annotations

from datetime import date, datetime

from printing.papers import CasePaper, Office, PaperItem, PaperMaterial

FULL_ID = "11010519491231002X"
MASKED_ID = "110105********002X"
CASE_NO = "SL20260929-0007"

OFFICE = Office(
    hall_name="济南市历下区人力资源和社会保障局政务服务大厅",
    window_no="3",
    teller_name="阿卜杜·热合曼",
    teller_staff_no="J0301",
    phone="0531-86661234",
    supervision_phone="12345 / 12333",
    rating_url="https://hcp.example.gov.cn/rate?case={case_no}",
)

ITEMS = (
    PaperItem(
        code="370102-RS-0101",
        name="失业登记",
        unit_name="历下区公共就业和人才服务中心",
        case_kind="即办件",
        statutory="5个工作日",
        committed="即时办结",
        due=date(2026, 9, 29),
        speedup=True,
        legal_basis="《就业服务与就业管理规定》第六十三条",
        status="已办结",
        result="已办理失业登记，《就业创业证》已更新",
    ),
    PaperItem(
        code="370102-RS-0305",
        name="失业保险金申领",
        unit_name="历下区社会保险事业中心",
        case_kind="承诺件",
        statutory="10个工作日",
        committed="5个工作日",
        due=date(2026, 10, 12),
        speedup=True,
        legal_basis="《失业保险条例》第十六条",
        status="已办结",
        result="核定领取失业保险金12个月，自2026年10月起按月发放至社会保障卡金融账户",
    ),
    PaperItem(
        code="370102-RS-0412",
        name="职业培训补贴申领",
        unit_name="历下区公共就业和人才服务中心",
        case_kind="承诺件",
        statutory="20个工作日",
        committed="10个工作日",
        due=date(2026, 10, 12),
        legal_basis="《山东省职业技能提升行动实施方案》",
        status="已退回：培训合格证书未上传",
        result="请补充培训合格证书后重新申请",
    ),
)

MATERIALS = (
    PaperMaterial("居民身份证", "原件", 1, "已收取"),
    PaperMaterial("解除或终止劳动关系证明", "原件", 1, "容缺", promised=date(2026, 10, 9)),
    PaperMaterial("社会保障卡", "原件", 1, "共享获取"),
    PaperMaterial("户口簿", "原件及复印件", 1, "无需提供"),
    PaperMaterial(
        "职业资格证书或职业技能等级证书",
        "复印件",
        1,
        "未提供",
        standard="加盖发证机构印章；证书编号可在技能人才评价证书查询系统查到",
    ),
    PaperMaterial("本人银行账户信息（社会保障卡金融账户除外）", "复印件", 1, "未提供"),
)


def sample_paper(**changes: object) -> CasePaper:
    base = dict(
        case_no=CASE_NO,
        doc_no="受字〔2026〕第20260929-0007号",
        title="失业一件事",
        applicant_name="王䶮",
        applicant_id_masked=MASKED_ID,
        applicant_id_full=FULL_ID,
        applicant_phone_masked="138****5678",
        accepted_at=datetime(2026, 9, 29, 10, 12),
        office=OFFICE,
        items=ITEMS,
        materials=MATERIALS,
        due=date(2026, 10, 12),
        warnings=("表单未填写：开户银行，请后台核实补录",),  # a note for staff: never printed
        notices=("2027年节假日安排尚未公布，跨年办结日期按周末休息估算，以实际办结为准。",),
        reason="申请人已于2026-06-30办理退休，不属于失业保险金申领对象",
        completed_at=datetime(2026, 10, 9, 15, 30),
        supplement_deadline=date(2026, 10, 9),
        agent="",
    )
    base.update(changes)
    return CasePaper(**base)  # type: ignore[arg-type]
