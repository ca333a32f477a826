"""One bad-rating follow-up in detail: what was rated, every step (who, when, what),
the deadlines, and the buttons for the next step. Each step opens a small dialog;
the service call runs on the task runner, never on the GUI thread."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.clock import business_date
from counter_app.domain.followup import Finding, FollowUpStatus, RectifyMode, StepKind
from counter_app.services.followup import FollowUpRow
from counter_app.usecases import followups
from counter_app.usecases.errors import user_message
from ui.bridge.tasks import TaskRunner
from ui.context import AppContext
from ui.panels.confirm import give_back_focus
from ui.style import SLA_COLOURS

#: The step buttons, in order: every step a person takes (the labels are StepKind's).
ACTIONS = {s.value: s.label for s in StepKind if s is not StepKind.OPENED}


class StepDialog(QDialog):
    """What was done in this step; extra fields for the kinds that need them."""

    def __init__(self, kind: str, row: FollowUpRow, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(f"差评工单 #{row.id} · {ACTIONS[kind]}")
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        form.addRow("评价", QLabel(f"{row.level} · {'、'.join(row.reasons) or '—'} · "
                                   f"{row.window_no}号窗口 {row.teller}"))
        self.reached = QCheckBox("已联系上申请人")
        self.reached.setChecked(True)
        self.finding = QComboBox()
        for f in Finding:
            self.finding.addItem(f.label, f.value)
        self.mode = QComboBox()
        for m in RectifyMode:
            self.mode.addItem(m.label, m.value)
        self.deadline = QDateEdit()
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        due = row.rectify_due or today
        self.deadline.setDate(QDate(due.year, due.month, due.day))
        self.upheld = QComboBox()
        self.upheld.addItem("申诉成立：差评不予采纳", True)
        self.upheld.addItem("申诉不成立：转整改", False)
        if kind == "callback":
            form.addRow("", self.reached)
        elif kind == "verify":
            form.addRow("核实结论", self.finding)
        elif kind == "rectify":
            form.addRow("整改方式", self.mode)
            form.addRow("台账整改期限", self.deadline)
            self.mode.currentIndexChanged.connect(self._mode_changed)
            self._mode_changed()
        elif kind == "review":
            form.addRow("复核结果", self.upheld)
        self.what = QPlainTextEdit()
        self.what.setPlaceholderText(_PROMPTS.get(kind, "情况说明")
                                     + "（Ctrl+Enter 确定，Tab 到下一项）")
        self.what.setMinimumHeight(110)
        self.what.setTabChangesFocus(True)  # Tab leaves the box, as in every other field
        form.addRow("情况", self.what)
        self.error = QLabel("")
        self.error.setObjectName("error")
        form.addRow("", self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, activated=self._accept)
        # The keys start in the first choice this step asks for, else in the note
        # (never on the 已联系上申请人 box, which a space typed into the note would untick).
        first = {"verify": self.finding, "rectify": self.mode, "review": self.upheld}
        self.first_field: QWidget = first.get(kind, self.what)
        self.first_field.setFocus()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        self.activateWindow()  # the keys go to the question, whatever the window manager
        self.first_field.setFocus()

    def done(self, result: int) -> None:
        super().done(result)
        give_back_focus(self)

    def _mode_changed(self) -> None:
        self.deadline.setEnabled(self.mode.currentData() == RectifyMode.LEDGER.value)

    def _accept(self) -> None:
        if not self.what.toPlainText().strip():
            self.error.setText("请填写情况说明")
            return
        self.accept()

    @property
    def text(self) -> str:
        return self.what.toPlainText().strip()


_PROMPTS = {
    "callback": "回访方式、时间、申请人反映的情况",
    "verify": "调阅录像、询问经办人等核实经过",
    "appeal": "申诉理由（误评或恶意差评的依据）",
    "review": "复核意见",
    "rectify": "整改措施；列入台账的写明整改计划",
    "rectify_done": "整改完成情况",
    "feedback": "向申请人反馈的方式和内容、申请人意见",
    "report": "报送对象与方式",
}


class FollowUpPane(QWidget):
    changed = Signal()
    message = Signal(str)

    def __init__(self, ctx: AppContext, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.rt, self.user = ctx.rt, ctx.actor
        self.row: FollowUpRow | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.head = QLabel("选择左侧工单查看详情")
        self.head.setWordWrap(True)
        self.head.setObjectName("topbar")
        layout.addWidget(self.head)
        self.deadlines = QLabel("")
        self.deadlines.setWordWrap(True)
        layout.addWidget(self.deadlines)
        box = QGroupBox("办理过程（谁 · 何时 · 做了什么）")
        bl = QVBoxLayout(box)
        self.steps = QTextBrowser()
        bl.addWidget(self.steps)
        layout.addWidget(box, 1)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for i, (kind, label) in enumerate(ACTIONS.items()):
            button = QPushButton(f"&{i + 1} {label}")  # Alt+digit, underlined in the label
            button.setEnabled(False)
            button.clicked.connect(lambda _c=False, k=kind: self.step(k))
            self.buttons[kind] = button
            grid.addWidget(button, i // 4, i % 4)
        self.sheet_button = QPushButton("生成报告单 PDF")
        self.sheet_button.setObjectName("primary")
        self.sheet_button.setEnabled(False)
        self.sheet_button.clicked.connect(self.sheet)
        grid.addWidget(self.sheet_button, 2, 0, 1, 4)
        layout.addLayout(grid)
        self.last_sheet: Path | None = None
        self.step_dialog: StepDialog | None = None  # the question open now

    @property
    def current_id(self) -> int | None:
        return self.row.id if self.row else None

    def show_row(self, row: FollowUpRow) -> None:
        self.row = row
        rater = f"{row.applicant}（实名）" if row.real_name else "匿名"
        # three short lines: one long one broke inside the masked name at 1280 px
        # (王 / *（实名）)
        self.head.setText(f"差评工单 #{row.id} · {row.level} · {row.status_label}\n"
                          f"{row.business} · 办件 {row.case_no or '—'}\n"
                          f"{row.window_no}号窗口 {row.teller} · 评价人 {rater}")
        colour = SLA_COLOURS[row.sla.value]
        due = row.rectify_due.isoformat() if row.rectify_due else "—"
        report = row.report_due.isoformat() if row.report_due else "整改后确定"
        self.deadlines.setText(
            f"原因：{'、'.join(row.reasons) or '—'}"
            f"{'　内容：' + _escape(row.comment) if row.comment else ''}"
            f"<br>整改期限 {due}　报告单期限 {report}　"
            f'<span style="color:{colour}; font-weight:bold">{row.sla_text}</span>'
        )
        html = "".join(
            f"<p><b>{s.at_text}</b> {s.actor or '—'} · <b>{s.label}</b><br>{_escape(s.what)}</p>"
            for s in row.steps
        )
        self.steps.setHtml(html)
        allowed = set(row.next_actions)
        actions = [*self.buttons.values(), self.sheet_button]
        had_keys = any(b.hasFocus() for b in actions)
        for kind, button in self.buttons.items():
            button.setEnabled(kind in allowed and not (kind == "report" and row.reported_at))
        self.sheet_button.setEnabled(row.rectified_at is not None or row.status in (
            FollowUpStatus.NOT_ADOPTED, FollowUpStatus.CLOSED))
        if had_keys and not any(b.hasFocus() and b.isEnabled() for b in actions):
            # the step just taken is no longer offered: the keys go to the next one,
            # not back to the top of the window
            nxt = next((b for b in actions if b.isEnabled()), None)
            if nxt is not None:
                nxt.setFocus()

    def step(self, kind: str) -> None:
        """Ask what was done (a window-modal question, not a nested event loop: the
        board keeps refreshing behind it), then record it in the background."""
        row = self.row
        if row is None or self.step_dialog is not None:
            return
        dialog = StepDialog(kind, row, business_date(self.rt.deps.clock()), self)
        self.step_dialog = dialog

        def answered() -> None:
            self.run_step(kind, row.id, dialog.text, reached=dialog.reached.isChecked(),
                          finding=dialog.finding.currentData(), mode=dialog.mode.currentData(),
                          deadline=_date(dialog.deadline.date()),
                          upheld=dialog.upheld.currentData())

        def closed(_result: int) -> None:
            self.step_dialog = None
            dialog.deleteLater()

        dialog.accepted.connect(answered)
        dialog.finished.connect(closed)
        dialog.open()

    def run_step(self, kind: str, followup_id: int, what: str, *, reached: bool = True,
                 finding: str = "valid", mode: str = "now", deadline: date | None = None,
                 upheld: bool = True) -> None:
        """Record a step in the background (also called by tests)."""
        rectify_mode = RectifyMode(mode)
        cmd = followups.TakeStep(
            self.user, followup_id, StepKind(kind), what, reached=reached,
            finding=Finding(finding), mode=rectify_mode, upheld=upheld,
            deadline=deadline if rectify_mode is RectifyMode.LEDGER else None,
        )
        self.ctx.call(lambda rt: followups.take_step(rt, cmd),
                      lambda row: self._stepped(kind, followup_id, row.status_label),
                      lambda exc: self.message.emit(f"未保存：{user_message(exc)}"),
                      runner=self.runner)

    def _stepped(self, kind: str, followup_id: int, status: str) -> None:
        self.message.emit(f"工单 #{followup_id} 已记录{ACTIONS[kind]}，当前：{status}")
        self.changed.emit()

    def sheet(self) -> None:
        row = self.row
        if row is None:
            return
        cmd = followups.WriteReportSheet(self.user, row.id)
        self.ctx.call(lambda rt: followups.write_report_sheet(rt, cmd), self._sheet_done,
                      lambda exc: self.message.emit(f"报告单生成失败：{user_message(exc)}"),
                      runner=self.runner)

    def _sheet_done(self, path: Path) -> None:
        self.last_sheet = path
        self.message.emit(f"已生成 {path}")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _date(qd: QDate) -> date:
    return date(qd.year(), qd.month(), qd.day())


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br>"))
