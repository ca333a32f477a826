"""The back-office worklist (拆包分办): the split sub-items of accepted cases with
their deadlines; mark done (after a question, with an optional note) or return
(a preset reason by its number, or one written); print the completion notice when
the whole case is complete (综合反馈). Enter on a row opens the case in full (read
only here, with its own 办结 / 退回).

Nothing happens to a case unasked: Ctrl+D names the sub-item and waits for Enter;
after it the cursor stays where the finished row was, with nothing selected, so a
second Ctrl+D completes nothing until the handler has chosen the next row."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from counter_app.services import caseviews
from counter_app.usecases import backoffice, cases
from counter_app.usecases.backoffice import CaseChanged, CompleteSubItem, ReturnSubItem
from counter_app.usecases.errors import user_message
from ui.bridge.tasks import TaskRunner
from ui.context import AppContext
from ui.panels.confirm import ConfirmDialog, ReasonDialog
from ui.panels.papers import PapersDialog
from ui.panels.table_model import Column, Fit, RowTable
from ui.style import BAD, MUTED, OK, SLA_COLOURS
from ui.windows.case_detail import RETURN_REASONS, CaseDetailDialog

WorkRow = caseviews.WorkRow


def _note(r: WorkRow) -> str:
    """Why a row stands as it does: the case ended (终止 / 撤回, with the reason), the
    case's 容缺 materials outstanding, or the sub-item's own state."""
    if r.reason:
        return r.reason
    if r.tolerance is not None:
        return f"容缺：{'、'.join(r.tolerance.materials)} {r.tolerance.due.isoformat()}前补交"
    if r.waits_for:
        return f"待{r.waits_for}办结后计时"
    return "" if r.status == "pending" else r.status_label


def _tip(r: WorkRow) -> str:
    """Everything about the row, for the tooltip of any cell."""
    lines = [f"办件 {r.case_no}", f"{r.item_name}（{r.item_code}）",
             f"申请人 {r.applicant} {r.applicant_id}", f"责任单位 {r.unit_name}",
             f"受理 {r.accepted_at}"]
    if r.due_date:
        lines.append(f"办结期限 {r.due_date.isoformat()}（{r.sla_text}）")
    if _note(r):
        lines.append(_note(r))
    lines.append("Enter：查看办件详情　Ctrl+D：办结　Ctrl+R：退回")
    return "\n".join(lines)


def _short_time(accepted_at: str) -> str:
    """"2026-09-29 10:00" → "09-29 10:00" (the year is in the tooltip)."""
    return accepted_at[5:] if len(accepted_at) >= 16 else accepted_at


# what to act on first (the clock and why), then who and where. Case numbers, the
# clock and the deadline are never cut (they fit their text), nor a person's name
# with the masked ID; the item, the note, a unit's long name and the responsible
# unit share what is left and give way in the middle, the full text in the tooltip.
COLUMNS: list[Column[WorkRow]] = [
    Column("办件编号", lambda r: r.case_no, tooltip=_tip),
    Column("事项", lambda r: r.item_name, fit=Fit.STRETCH, tooltip=_tip),
    Column("时限", lambda r: r.sla_text, colour=lambda r: SLA_COLOURS[r.sla.value],
           tooltip=_tip),
    Column("说明", _note, tooltip=_tip, fit=Fit.FREE),
    Column("办结期限", lambda r: r.due_date.isoformat() if r.due_date else "", tooltip=_tip),
    Column("申请人", lambda r: f"{r.applicant} {r.applicant_id}", tooltip=_tip),
    Column("责任单位", lambda r: r.unit_name, tooltip=_tip, fit=Fit.FREE),
    Column("受理时间", lambda r: _short_time(r.accepted_at), tooltip=_tip),
]
NOTE_COLUMN, APPLICANT_COLUMN, UNIT_COLUMN = 3, 5, 6
# a person's name and masked ID fit whole (the column fits its rows up to this); a
# unit's long name with its credit code gives way in the middle
NOTE_WIDTH, APPLICANT_MAX, UNIT_WIDTH = 150, 280, 140


class BackOfficeWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt, self.user = ctx.rt, ctx.actor
        rt, user = self.rt, self.user
        self.runner = TaskRunner(self)
        self._loads = 0
        self.pending_dialog: QDialog | None = None  # the question open now
        self.detail_dialog: CaseDetailDialog | None = None
        self.setWindowTitle(f"快办柜台 · 后台工作台 · {user.name}")
        self.resize(1280, 700)  # shown maximized (ui/app.py); this is the size restored
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 4, 6, 4)
        top = QHBoxLayout()
        who = QLabel(f"{user.name}（{user.staff_no}）")  # also where no title bar shows it
        who.setObjectName("topbar")
        top.addWidget(who)
        top.addSpacing(12)
        top.addWidget(QLabel("责任单位"))
        self.unit = QComboBox()
        self.unit.addItem("全部单位", None)
        for unit in rt.deps.catalogue.units.values():
            self.unit.addItem(unit.name, unit.code)
        if user.unit_code:
            self.unit.setCurrentIndex(max(0, self.unit.findData(user.unit_code)))
        self.unit.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.unit.currentIndexChanged.connect(self._unit_changed)
        top.addWidget(self.unit)
        self.summary = QLabel("")
        top.addWidget(self.summary, 1)
        hint = QLabel("↑↓ 选择　Enter 详情　Ctrl+D 办结　Ctrl+R 退回　F9 刷新")
        hint.setStyleSheet(f"color: {MUTED};")
        top.addWidget(hint)
        layout.addLayout(top)
        self.table: RowTable[WorkRow] = RowTable(
            COLUMNS, key=lambda r: r.item_id, select_first=True
        )
        self.table.setAlternatingRowColors(True)
        # the end of a name tells most ("…养老保险科", "…10-09前补交", a credit code)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        header.resizeSection(NOTE_COLUMN, NOTE_WIDTH)
        header.resizeSection(UNIT_COLUMN, UNIT_WIDTH)
        header.setMinimumSectionSize(48)
        self.table.activated.connect(lambda _i: self.open_selected())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.detail_button = QPushButton("详情 Enter")
        self.done_button = QPushButton("办结 Ctrl+D")
        self.done_button.setObjectName("primary")
        self.return_button = QPushButton("退回 Ctrl+R")
        self.refresh_button = QPushButton("刷新 F9")
        self.detail_button.clicked.connect(self.open_selected)
        self.done_button.clicked.connect(self.complete_selected)
        self.return_button.clicked.connect(self.return_selected)
        self.refresh_button.clicked.connect(self.refresh)
        for b in (self.detail_button, self.done_button, self.return_button,
                  self.refresh_button):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            buttons.addWidget(b)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        buttons.addWidget(self.message, 1)
        layout.addLayout(buttons)
        self.setCentralWidget(central)
        self.runner.on_failure(lambda text: self.say(text, bad=True))
        for key, slot in (
            ("Ctrl+D", self.complete_selected),
            ("Ctrl+R", self.return_selected),
            ("F9", self.refresh),
        ):
            QShortcut(QKeySequence(key), self, activated=slot)
        self._show_unit_column()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(30_000)
        self.refresh()
        self.table.setFocus()

    # -- the list ------------------------------------------------------------------------
    def _unit_changed(self) -> None:
        self._show_unit_column()
        self.refresh()

    def _show_unit_column(self) -> None:
        """One unit chosen: its name on every row says nothing; the room goes to the
        item's name."""
        self.table.setColumnHidden(UNIT_COLUMN, self.unit.currentData() is not None)

    def refresh(self) -> None:
        self._load()

    def _load(self, then: Callable[[], None] | None = None) -> None:
        """Reload the list; `then` runs once it is shown. Of loads that overlap (timer,
        F9, after a change) only the latest is shown: an older one may finish last."""
        unit = self.unit.currentData()
        self._loads += 1
        load_no = self._loads

        def loaded(rows: list[WorkRow]) -> None:
            if load_no == self._loads:
                self.show_rows(rows)
            if then is not None:
                then()

        self.ctx.call(lambda rt: backoffice.work_list(rt, unit), loaded, self._failed,
                      runner=self.runner)

    @property
    def rows(self) -> list[WorkRow]:
        return self.table.rows

    def show_rows(self, rows: list[WorkRow]) -> None:
        self.table.set_rows(rows)
        header = self.table.horizontalHeader()
        if header.sectionSize(APPLICANT_COLUMN) > APPLICANT_MAX:
            header.resizeSection(APPLICANT_COLUMN, APPLICANT_MAX)
        overdue = sum(1 for r in rows if r.sla.value == "overdue")
        soon = sum(1 for r in rows if r.sla.value == "due_soon")
        waiting = sum(1 for r in rows if r.status == "waiting")
        stopped = sum(1 for r in rows if r.status == "stopped")
        todo = len(rows) - stopped
        text = f"  待办 {todo}  即将到期 {soon}  逾期 {overdue}"
        if waiting:
            text += f"  待前置事项 {waiting}"
        if stopped:
            text += f"  近期终止 {stopped}"
        self.summary.setText(text)

    def selected(self) -> WorkRow | None:
        return self.table.current()

    def say(self, text: str, bad: bool = False) -> None:
        self.message.setStyleSheet(f"color: {BAD if bad else OK};")
        self.message.setText(text)

    def _asking(self) -> bool:
        dialog = self.pending_dialog
        return dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible()

    def _chosen(self, verb: str) -> WorkRow | None:
        """The row the keys act on; none chosen (after a change nothing is) is said."""
        row = self.selected()
        if row is None:
            self.say(f"请先用 ↑↓ 选择要{verb}的子事项", bad=True)
        return row

    # -- 办结 ----------------------------------------------------------------------------
    def complete_selected(self) -> None:
        if self._asking():
            return
        row = self._chosen("办结")
        if row is None:
            return
        refusal = _why_not_complete(row)
        if refusal:
            self.say(refusal, bad=True)
            return
        ask = ConfirmDialog(
            "办结", f"办结“{row.item_name}”？", self, note_label="办结说明（可不填）",
            ok_text="办结",
            detail=f"办件 {row.case_no} · 申请人 {row.applicant} {row.applicant_id}",
        )
        ask.confirmed.connect(lambda note, item_id=row.item_id: self._complete(item_id, note))
        self.pending_dialog = ask
        ask.open()

    def _complete(self, item_id: int, note: str) -> None:
        cmd = CompleteSubItem(self.user, item_id, note)
        self.ctx.call(lambda rt: backoffice.complete_sub_item(rt, cmd), self._after_change,
                      self._failed, runner=self.runner)

    # -- 退回 ----------------------------------------------------------------------------
    def return_selected(self) -> None:
        if self._asking():
            return
        row = self._chosen("退回")
        if row is None:
            return
        if row.status != "pending":
            self.say(f"“{row.item_name}”{row.status_label}，不能退回", bad=True)
            return
        ask = ReasonDialog("退回", f"退回“{row.item_name}”（办件 {row.case_no}）的原因：",
                           RETURN_REASONS, self)
        ask.chosen.connect(lambda reason, item_id=row.item_id: self._return(item_id, reason))
        self.pending_dialog = ask
        ask.open()

    def _return(self, item_id: int, reason: str) -> None:
        cmd = ReturnSubItem(self.user, item_id, reason)
        self.ctx.call(lambda rt: backoffice.return_sub_item(rt, cmd), self._after_change,
                      self._failed, runner=self.runner)

    # -- the case in full ------------------------------------------------------------------
    def open_selected(self) -> None:
        row = self._chosen("查看")
        if row is None:
            return
        dialog = CaseDetailDialog(self.ctx, self.runner, row.case_no, self, backoffice=True,
                                  item_code=row.item_code)
        dialog.changed.connect(lambda _case_no: self.refresh())
        self.detail_dialog = dialog

    # -- after a change ----------------------------------------------------------------------
    def _after_change(self, changed: CaseChanged) -> None:
        case_no = changed.case_no
        if changed.status != "complete":
            self.say(f"已更新办件 {case_no}（{changed.status.label}）；请用 ↑↓ 选择下一件")
            self.refresh()
            return
        self.say(f"办件 {case_no} 已全部办结，正在生成办结通知…")
        # the notice after the list that no longer holds the case
        self._load(then=lambda: self.ctx.call(
            lambda rt: cases.write_case_papers(rt, case_no, ("completion",)),
            lambda out: self._show_completion(case_no, out.papers),
            self._failed, runner=self.runner,
        ))

    def _show_completion(self, case_no: str, papers: dict) -> None:  # type: ignore[type-arg]
        self.say(f"办件 {case_no} 已全部办结；请用 ↑↓ 选择下一件")
        dialog = PapersDialog(
            case_no,
            f"办件 {case_no} 已全部办结（综合反馈）",
            papers,
            self.runner,
            self.rt.settings.cases.a4_printer,
            self,
        )
        dialog.show()
        self.completion_dialog = dialog

    def _failed(self, exc: BaseException) -> None:
        self.say(user_message(exc), bad=True)


def _why_not_complete(row: WorkRow) -> str:
    """Why the sub-item cannot be completed now (said before asking), or ""."""
    if row.status == "waiting":
        return f"“{row.item_name}”待前置事项：{row.waits_for}办结后才能办结"
    if row.status == "stopped":
        return f"“{row.item_name}”已终止（{row.reason or row.sla_text}），不能办结"
    if row.status != "pending":
        return f"“{row.item_name}”{row.status_label}，不能办结"
    if row.tolerance is not None:
        names = "、".join(f"“{n}”" for n in row.tolerance.materials)
        return f"“{row.item_name}”：容缺材料{names}尚未补交，补齐后才能办结（窗口补交）"
    return ""
