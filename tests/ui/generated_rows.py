"""Rows for the list windows in the thousands, as the plain dataclasses the core
returns (a hall's backlog: 3,000 rows), without 3,000 cases in a database. Each
`refresh` number gives a slightly different list, as a real refresh would: some rows
gone, some new, clocks moved on, the order changed."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from counter_app.domain.sla import Sla
from counter_app.services import followup, outbox, reports
from counter_app.services.caseviews import CaseRow, WorkRow

UNITS = ("市社会保险事业中心养老保险科", "市公共就业和人才服务中心就业服务科",
         "市社会保障卡服务中心", "市劳动人事争议仲裁院")
ITEMS = ("基本养老保险待遇申领", "失业保险金申领", "就业登记", "社会保障卡挂失",
         "职工退休一件事", "特殊工种提前退休审批", "灵活就业人员参保登记")
NAMES = ("王䶮", "李娜", "阿卜杜·热合曼", "张伟", "刘洋", "陈静", "赵磊", "孙丽")
SLAS = ((Sla.OK, "剩3个工作日"), (Sla.DUE_SOON, "今日到期"), (Sla.OVERDUE, "逾期1个工作日"),
        (Sla.OK, "即办剩12分钟"), (Sla.DONE, ""))
DAY = date(2026, 9, 29)


def _keys(n: int, refresh: int) -> list[int]:
    """Row keys of a list of about `n` rows: ~2% gone and ~2% new each refresh."""
    rng = random.Random(refresh)
    drop = set(rng.sample(range(n), n // 50))
    keys = [k for k in range(n) if k not in drop] + [n + refresh * 100 + i for i in
                                                      range(n // 50)]
    rng.shuffle(keys)  # urgency moves rows around
    return keys


def work_rows(n: int, refresh: int = 0) -> list[WorkRow]:
    rows = []
    for k in _keys(n, refresh):
        sla, text = SLAS[(k + refresh) % 4]
        rows.append(WorkRow(
            item_id=k + 1, case_no=f"3701020120260929{k:04d}", item_code=f"370100-SB-{k % 40:04d}",
            item_name=ITEMS[k % len(ITEMS)], unit_code=f"U{k % len(UNITS)}",
            unit_name=UNITS[k % len(UNITS)],
            applicant=NAMES[k % len(NAMES)], applicant_id="110105********002X",
            accepted_at=f"2026-09-{1 + k % 28:02d} 10:{k % 60:02d}",
            due_date=DAY + timedelta(days=k % 20), sla=sla, sla_text=text,
            case_status="accepted",
        ))
    return rows


def case_rows(n: int, refresh: int = 0) -> list[CaseRow]:
    rows = []
    for k in _keys(n, refresh):
        sla, text = SLAS[(k + refresh) % len(SLAS)]
        rows.append(CaseRow(
            case_no=f"3701020120260929{k:04d}", title=ITEMS[k % len(ITEMS)],
            applicant=NAMES[k % len(NAMES)], applicant_id="370102********1237",
            status="complete" if sla is Sla.DONE else "accepted",
            status_label="已办结" if sla is Sla.DONE else "办理中",
            kind=("即办", "承诺", "混合")[k % 3], sla=sla, sla_text=text,
            accepted_at=f"09-29 {8 + k % 9:02d}:{k % 60:02d}",
            due_date=DAY + timedelta(days=k % 20), of_today=True,
        ))
    return rows


def followup_rows(model: followup.FollowUpRow, n: int, refresh: int = 0
                  ) -> tuple[followup.FollowUpRow, ...]:
    """`n` tickets shaped like a real one (`model`, read from the database)."""
    states = tuple(followup.Sla)
    return tuple(
        replace(model, id=k + 1, teller=NAMES[k % len(NAMES)], window_no=str(1 + k % 12),
                case_no=f"3701020120260929{k:04d}", sla=states[(k + refresh) % len(states)],
                sla_text=f"整改剩{k % 10}个工作日")
        for k in _keys(n, refresh)
    )


def teller_lines(model: reports.TellerLine, n: int, refresh: int = 0
                 ) -> tuple[reports.TellerLine, ...]:
    return tuple(
        replace(model, teller_id=k + 1, staff_no=f"{1000 + k}", name=NAMES[k % len(NAMES)],
                windows=str(1 + k % 12), visits=k % 40 + refresh % 3, bad=int(k % 7 == 0),
                followups_open=int(k % 5 == 0))
        for k in _keys(n, refresh)
    )


def parked_rows(n: int, refresh: int = 0) -> tuple[outbox.ParkedRow, ...]:
    at = datetime(2026, 9, 29, 1, 0, tzinfo=UTC)
    return tuple(
        outbox.ParkedRow(id=k + 1, key=f"hcp-{k:06d}", attempts=1 + k % 5,
                         last_status=(400, 422, None)[k % 3],
                         last_error="评价编码不存在" if k % 2 else "字段缺失：evaluateTime",
                         created_at=at + timedelta(minutes=k))
        for k in _keys(n, refresh)
    )
