"""好差评上报: what waits to be sent to the provincial system, what it refused (parked,
with the reason in words), and putting refused records back in line."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.domain.clock import local
from counter_app.services import outbox
from ui.panels.charts import KpiTile
from ui.panels.table_model import Column, Fit
from ui.style import MUTED
from ui.windows.supervisor.common import table


def answer_text(status: int | None) -> str:
    """The provincial system's answer in words (the HTTP code stays in the log)."""
    if status is None:
        return "未收到答复"
    if status in (401, 403):
        return "身份认证未通过"
    if status in (400, 422):
        return "数据不合格，被拒收"
    if status == 404:
        return "接口地址有误"
    if 400 <= status < 500:
        return "被拒收"
    if status >= 500:
        return "省平台故障"
    return "已答复"


OUTBOX_COLUMNS: list[Column[outbox.ParkedRow]] = [
    Column("#", lambda r: str(r.id)),
    Column("评价记录", lambda r: r.key),
    Column("尝试次数", lambda r: str(r.attempts)),
    Column("省平台答复", lambda r: answer_text(r.last_status)),
    Column("原因", lambda r: r.last_error, fit=Fit.STRETCH),
    Column("产生时间", lambda r: f"{local(r.created_at):%m-%d %H:%M}"),
]

RULES = ("省平台确认收到（含重复上报的）即为送达；网络中断、省平台繁忙时自动隔一段时间重发；"
         "被省平台拒收的记录不再自动重发，列在下面，处理原因后点“已搁置的重新发送”。")


class OutboxTab(QWidget):
    requeue = Signal()

    def __init__(self, endpoint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.endpoint = endpoint
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.tiles = {k: KpiTile(label) for k, label in (
            ("pending", "待发送"), ("retrying", "重发中"), ("delivered", "今日已送达"),
            ("parked", "已搁置（需处理）"))}
        for tile in self.tiles.values():
            row.addWidget(tile)
        layout.addLayout(row)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED};")
        layout.addWidget(self.note)
        self.table = table(OUTBOX_COLUMNS, key=lambda r: r.id)
        layout.addWidget(self.table, 1)
        self.empty = QLabel("没有搁置的记录。被省平台拒收的评价会列在这里，处理原因后可重新发送。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(f"color: {MUTED}; padding: 40px;")
        layout.addWidget(self.empty, 1)
        buttons = QHBoxLayout()
        again = QPushButton("已搁置的重新发送")
        again.clicked.connect(self.requeue)
        buttons.addWidget(again)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def show_summary(self, box: outbox.Summary) -> None:
        self.tiles["pending"].set(str(box.pending))
        self.tiles["retrying"].set(str(box.retrying), alert=box.retrying > 0)
        self.tiles["delivered"].set(str(box.delivered))
        self.tiles["parked"].set(str(box.parked), alert=box.parked > 0)
        endpoint = self.endpoint or "未配置（评价保存在本机待发送，配置接口地址后自动补发）"
        self.note.setText(f"省平台接口：{endpoint}　{_oldest(box.oldest_pending)}。\n{RULES}")
        self.table.set_rows(box.parked_rows)
        self.empty.setVisible(not box.parked_rows)
        self.table.setVisible(bool(box.parked_rows))


def _oldest(at: datetime | None) -> str:
    return f"最早待发送：{local(at):%m-%d %H:%M}" if at else "没有待发送的记录"
