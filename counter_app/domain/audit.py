"""What the audit trail records (views of personal data and changes), no I/O."""

from __future__ import annotations

from counter_app.domain.transitions import LabelledEnum


class AuditAction(LabelledEnum):
    # views of personal data
    VIEW_CASE = "view_case", "查看办件"
    VIEW_UNMASKED = "view_unmasked", "查看完整证件号码"
    # changes
    CASE_ACCEPTED = "case_accepted", "受理"
    CASE_SUPPLEMENT = "case_supplement", "一次性告知"
    CASE_REJECTED = "case_rejected", "不予受理"
    MATERIAL_SUPPLIED = "material_supplied", "补交材料"
    CASE_TERMINATED = "case_terminated", "终止办理"
    CASE_WITHDRAWN = "case_withdrawn", "视为撤回"
    SUB_ITEM_DONE = "sub_item_done", "办结子事项"
    SUB_ITEM_RETURNED = "sub_item_returned", "退回子事项"
    TICKET_ACTION = "ticket_action", "窗口叫号操作"
    RATING_ASKED = "rating_asked", "请评价"
    FOLLOWUP_STEP = "followup_step", "差评工单步骤"
    OUTBOX_REQUEUED = "outbox_requeued", "好差评重新上报"
    USER_ADDED = "user_added", "新增账号"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    REPORT_VIEWED = "report_viewed", "查看统计报表"
