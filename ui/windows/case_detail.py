"""One case in full (Enter on a case in the teller's list or the back office's
worklist): the applicant (masked; the unit and its agent), the situations and the
one form, the materials with their 容缺 state, the sub-items with their clocks, the
papers (shown in the application, printed), and the history.

At the window a material brought later is recorded here: choose it in 材料 with the
arrows, Enter, Enter again to confirm (`cases.supply_material`). The back office
reads the case (no supply) and completes or returns a sub-item from 子事项 with the
same keys as its worklist (Ctrl+D asks first, Ctrl+R offers the preset reasons).

Keys: Alt+1…4 the tabs, Ctrl+P the papers, F9 read again, Esc close; F1–F12 go on
to the window behind (the teller's F8 请评价 works while this is open).

    CaseDetailDialog(ctx, runner, case_no, parent)          # opens itself, maximized
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.clock import fmt_local
from counter_app.domain.roles import Permission
from counter_app.services.caseviews import CaseDetail, HistoryLine, MaterialLine, SubItemLine
from counter_app.usecases import backoffice, cases
from counter_app.usecases.backoffice import CompleteCaseItems, ReturnCaseItem
from counter_app.usecases.cases import (
    PromiseBroken,
    ShowCase,
    SupplementLapsed,
    SupplyMaterial,
)
from counter_app.usecases.errors import user_message
from ui.bridge.tasks import TaskRunner
from ui.context import AppContext
from ui.panels.confirm import ConfirmDialog, ReasonDialog
from ui.panels.materials import STATUS_COLOURS, SYMBOLS
from ui.panels.papers import TITLES, PapersDialog, forward_function_key
from ui.panels.table_model import Column, Fit, RowTable
from ui.style import BAD, MUTED, OK, SLA_COLOURS, WARN

#: 退回 reasons a back-office handler picks by number (free text besides).
RETURN_REASONS = (
    "材料不齐全或不符合要求，请补齐后重新提交",
    "表单信息有误或缺项，请核实更正",
    "申请人身份信息与证件不一致，请核实",
    "不属于本单位办理范围，请转至相应单位",
    "需申请人本人到场核实",
    "系统数据不一致，请核对后重新提交",
)

_MATERIAL_STATUSES = {m.value: m for m in SYMBOLS}


def _day(d: date | None) -> str:
    return d.isoformat() if d else ""


def _moment(t: datetime | None) -> str:
    return fmt_local(t) if t else ""


def _material_state(m: MaterialLine) -> str:
    """Where a material stands: supplied when, or its 容缺 clock, or why exempted."""
    if m.supplied_at is not None:
        return f"已于 {_moment(m.supplied_at)} 补交"
    if m.state_text:
        return m.state_text
    if m.status == "tolerated" and m.promised_date is not None:
        return "未补交"
    if m.status == "missing":
        return "待补正" if m.can_supply else "未提供"
    return m.note


def _material_colour(m: MaterialLine) -> str | None:
    if m.state is not None:
        return SLA_COLOURS[m.state.value]
    status = _MATERIAL_STATUSES.get(m.status)
    return STATUS_COLOURS.get(status) if status is not None else None


MATERIAL_COLUMNS: list[Column[MaterialLine]] = [
    Column("材料", lambda m: m.name, fit=Fit.STRETCH, tooltip=lambda m: m.note or m.name),
    Column("状态", lambda m: SYMBOLS.get(_MATERIAL_STATUSES.get(m.status), m.status_label)
           if m.status in _MATERIAL_STATUSES else m.status_label, colour=_material_colour),
    Column("承诺补交日", lambda m: _day(m.promised_date)),
    Column("补交情况", _material_state, colour=_material_colour),
    Column("", lambda m: "Enter 补交" if m.can_supply else ""),
]


def _item_note(i: SubItemLine) -> str:
    return i.waits_for_text or (i.note if i.status != "pending" else "")


# the item's name and its unit whole (up to their caps, then they give way in the
# middle), the clock whole, the note takes the rest; full texts in the tooltips
ITEM_COLUMNS: list[Column[SubItemLine]] = [
    Column("事项", lambda i: i.item_name,
           tooltip=lambda i: f"{i.item_name}（{i.item_code}）\n{i.legal_basis}".strip()),
    Column("类型", lambda i: i.case_kind),
    Column("状态", lambda i: i.status_label),
    Column("办结期限", lambda i: _day(i.due_date)),
    Column("时限", lambda i: i.sla_text if i.status in ("pending", "waiting") else "",
           colour=lambda i: SLA_COLOURS[i.sla.value] if i.sla is not None else None),
    Column("责任单位", lambda i: i.unit_name, tooltip=lambda i: i.unit_name),
    Column("说明", _item_note, tooltip=_item_note, fit=Fit.STRETCH),
]
ITEM_NAME_MAX, ITEM_UNIT_MAX = 320, 320  # a unit name of 17 characters whole

PAPER_COLUMNS: list[Column[str]] = [
    Column("文书", lambda doc: TITLES.get(doc, doc), fit=Fit.STRETCH),
    Column("", lambda _doc: "Enter 查看、打印"),
]

HISTORY_COLUMNS: list[Column[HistoryLine]] = [
    Column("时间", lambda h: h.at_text),
    Column("人员", lambda h: h.who),
    Column("事项", lambda h: h.what, colour=lambda h: MUTED if h.audit else None),
    Column("说明", lambda h: h.detail, fit=Fit.STRETCH, tooltip=lambda h: h.detail),
]


class CaseDetailDialog(QDialog):
    """The case detail view. `changed(case_no)` after a supply, 办结 or 退回."""

    changed = Signal(str)

    def __init__(self, ctx: AppContext, runner: TaskRunner, case_no: str,
                 parent: QWidget | None = None, *, backoffice: bool = False,
                 item_code: str | None = None, show: bool = True) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.runner, self.case_no = ctx, runner, case_no
        self.actor = ctx.actor
        self.backoffice = backoffice
        self.want_item = item_code
        self.detail: CaseDetail | None = None
        self.pending_dialog: QDialog | None = None  # the question open now (tests)
        self.papers_dialog: PapersDialog | None = None
        self._loads = 0
        self.setWindowTitle(f"办件详情 · {case_no}")
        self.may_supply = not backoffice and self.actor.can(Permission.SUPPLY_MATERIAL)
        self.may_handle = backoffice and self.actor.can(Permission.HANDLE_SUB_ITEM)
        self._build()
        self._keys()
        self.load()
        if show:
            self.open_maximized()

    # -- building --------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(8, 6, 8, 6)
        self.heading = QLabel(f"办件 {self.case_no}")
        self.heading.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel("正在读取…")
        self.status_label.setStyleSheet("font-size: 16px; font-weight: bold;")
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.status_label)
        root.addLayout(top)
        self.facts = QLabel("")
        self.facts.setWordWrap(True)
        root.addWidget(self.facts)
        self.alert = QLabel("")
        self.alert.setWordWrap(True)
        self.alert.hide()
        root.addWidget(self.alert)

        body = QHBoxLayout()
        root.addLayout(body, 1)
        left = QWidget()
        self.left_layout = QVBoxLayout(left)
        self.left_layout.setContentsMargins(0, 0, 0, 0)
        self.applicant_box = QGroupBox("申请人")
        self.applicant_form = QFormLayout(self.applicant_box)
        self.situation_box = QGroupBox("情形")
        self.situation_form = QFormLayout(self.situation_box)
        self.form_box = QGroupBox("表单")
        self.form_form = QFormLayout(self.form_box)
        for form in (self.applicant_form, self.situation_form, self.form_form):
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.left_layout.addWidget(self.applicant_box)
        self.left_layout.addWidget(self.situation_box)
        self.left_layout.addWidget(self.form_box)
        self.left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left)
        scroll.setMinimumWidth(370)  # a unit's name and an 18-digit code on one line
        scroll.setMaximumWidth(440)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body.addWidget(scroll)

        self.tabs = QTabWidget()
        self.materials = RowTable(MATERIAL_COLUMNS, key=lambda m: m.code)
        self.items = RowTable(ITEM_COLUMNS, key=lambda i: i.item_code)
        self.items.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.paper_list: RowTable[str] = RowTable(PAPER_COLUMNS, key=lambda d: d)
        self.history = RowTable(HISTORY_COLUMNS)
        self.material_hint = QLabel("")
        self.material_hint.setStyleSheet(f"color: {MUTED};")
        self.item_hint = QLabel("")
        self.item_hint.setStyleSheet(f"color: {MUTED};")
        for title, table, hint in (("材料", self.materials, self.material_hint),
                                   ("子事项", self.items, self.item_hint),
                                   ("文书", self.paper_list, None),
                                   ("历史", self.history, None)):
            page = QWidget()
            box = QVBoxLayout(page)
            box.setContentsMargins(4, 4, 4, 4)
            box.addWidget(table, 1)
            if hint is not None:
                box.addWidget(hint)
            n = self.tabs.count() + 1
            self.tabs.addTab(page, f"{title} Alt+{n}")
        self.materials.activated.connect(lambda _i: self.supply_selected())
        self.paper_list.activated.connect(lambda _i: self.open_papers())
        self.tabs.currentChanged.connect(self._tab_changed)
        body.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bottom.addWidget(self.message, 1)
        self.supply_button = QPushButton("补交材料 Enter")
        self.supply_button.clicked.connect(self.supply_selected)
        self.supply_button.setVisible(self.may_supply)
        self.done_button = QPushButton("办结 Ctrl+D")
        self.done_button.clicked.connect(self.complete_selected)
        self.return_button = QPushButton("退回 Ctrl+R")
        self.return_button.clicked.connect(self.return_selected)
        for b in (self.done_button, self.return_button):
            b.setVisible(self.may_handle)
        papers = QPushButton("文书 Ctrl+P")
        papers.clicked.connect(self.open_papers)
        reload_button = QPushButton("刷新 F9")
        reload_button.clicked.connect(self.load)
        close = QPushButton("关闭 Esc")
        close.clicked.connect(self.reject)
        for b in (self.supply_button, self.done_button, self.return_button, papers,
                  reload_button, close):
            b.setAutoDefault(False)
            bottom.addWidget(b)
        root.addLayout(bottom)

    def _keys(self) -> None:
        bindings: dict[str, Callable[[], None]] = {
            "Ctrl+P": self.open_papers,
            "F9": self.load,
        }
        for n in range(4):
            bindings[f"Alt+{n + 1}"] = lambda n=n: self.show_tab(n)
        if self.may_handle:
            bindings["Ctrl+D"] = self.complete_selected
            bindings["Ctrl+R"] = self.return_selected
        for key, slot in bindings.items():
            QShortcut(QKeySequence(key), self, activated=slot)

    def open_maximized(self) -> None:
        """As large as the screen's free area (a dialog has no maximize of its own on
        every window manager): 1366×768 and 1280×720 show it whole."""
        parent = self.parentWidget()
        screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.setGeometry(area)
        self.show()
        self.showMaximized()
        self.activateWindow()  # the keys go here, whatever the window manager does

    def show_tab(self, n: int) -> None:
        self.tabs.setCurrentIndex(n)
        self._focus_tab()

    def _tab_changed(self, _n: int) -> None:
        self._focus_tab()

    def _focus_tab(self) -> None:
        table = (self.materials, self.items, self.paper_list, self.history)[
            self.tabs.currentIndex()]
        table.setFocus()
        if table.current() is None and table.rows:
            table.selectRow(0)

    # -- loading -------------------------------------------------------------------
    def load(self) -> None:
        self._loads += 1
        load_no = self._loads
        cmd = ShowCase(self.actor, self.case_no)

        def shown(detail: CaseDetail) -> None:
            if load_no == self._loads:
                self.show_detail(detail)

        self.ctx.call(lambda rt: cases.show_case(rt, cmd), self._alive(shown),
                      self._alive(self._failed), runner=self.runner)

    def _alive(self, fn: Callable) -> Callable:  # type: ignore[type-arg]
        """A callback that does nothing once the dialog is closed (deleted)."""

        def call(arg: object) -> None:
            if shiboken6.isValid(self):
                fn(arg)

        return call

    def show_detail(self, detail: CaseDetail) -> None:
        first = self.detail is None
        self.detail = detail
        self.setWindowTitle(f"办件详情 · {detail.case_no} · {detail.title}")
        self.heading.setText(f"办件 {detail.case_no} · {detail.title}")
        colour = {"accepted": OK, "complete": MUTED, "supplement": WARN}.get(detail.status, BAD)
        self.status_label.setText(detail.status_label)
        self.status_label.setStyleSheet(f"font-size: 16px; font-weight: bold; color: {colour};")
        self.facts.setText(self._facts(detail))
        self._alert(detail)
        self._applicant(detail)
        self._form(detail)
        self.materials.set_rows(list(detail.materials))
        self.items.set_rows(list(detail.sub_items))
        header = self.items.horizontalHeader()
        for column, widest in ((0, ITEM_NAME_MAX), (5, ITEM_UNIT_MAX)):
            if header.sectionSize(column) > widest:
                header.resizeSection(column, widest)
        self.paper_list.set_rows(list(detail.papers))
        self.history.set_rows(list(detail.history))
        self._hints(detail)
        if first:
            self._first_focus(detail)

    def _facts(self, d: CaseDetail) -> str:
        received = "受理时间" if d.status in ("accepted", "complete", "returned") else "收件时间"
        parts = [f"{received} {_moment(d.accepted_at)}"]
        if d.materials_complete_at is not None:
            parts.append(f"材料补齐（自该日起受理）{_moment(d.materials_complete_at)}")
        if d.due_date is not None:
            parts.append(f"承诺办结 {_day(d.due_date)}")
        if d.supplement_deadline is not None and d.status == "supplement":
            parts.append(f"补正期限 {_day(d.supplement_deadline)}")
        if d.completed_at is not None:
            parts.append(f"结束 {_moment(d.completed_at)}")
        if d.window_no:
            parts.append(f"{d.window_no}号窗口 {d.teller}".strip())
        channel = {"window": "窗口", "online": "网上", "self_service": "自助"}.get(
            d.channel, d.channel)
        parts.append(f"渠道 {channel}")
        return "　·　".join(parts)

    def _alert(self, d: CaseDetail) -> None:
        """Why the case stopped, its 容缺 promise, notes for staff: each in its colour."""
        lines: list[tuple[str, str]] = []
        if d.reason:
            lines.append((f"{d.status_label}：{d.reason}", BAD))
        if d.tolerance is not None:
            lines.append((f"{d.tolerance.text}（{'、'.join(d.tolerance.materials)}）",
                          SLA_COLOURS[d.tolerance.state.value]))
        if d.warnings:
            lines.append(("提示（仅工作人员可见）：" + "；".join(d.warnings), WARN))
        self.alert.setText("<br>".join(
            f'<span style="color:{colour}">{html.escape(text)}</span>' for text, colour in lines))
        self.alert.setStyleSheet("font-weight: bold;")
        self.alert.setVisible(bool(lines))

    def _applicant(self, d: CaseDetail) -> None:
        form = self.applicant_form
        while form.rowCount():
            form.removeRow(0)
        a = d.applicant
        unit = a.kind == "unit"
        self.applicant_box.setTitle(f"申请人（{a.kind_label}）")
        rows = [("单位名称" if unit else "姓名", a.name),
                ("统一社会信用代码" if unit else a.id_type_label, a.id_number)]
        if a.legal_rep:
            rows.append(("法定代表人", a.legal_rep))
        if a.phone:
            rows.append(("联系电话", a.phone))
        if d.agent is not None:
            role = "经办人" if unit else "代办人"
            g = d.agent
            rows.append((role, f"{g.name}（{g.relation}）" if g.relation else g.name))
            rows.append((f"{role}{g.id_type_label}", g.id_number))
            if g.phone:
                rows.append((f"{role}电话", g.phone))
        for label, value in rows:
            form.addRow(f"{label}：", _value(value))

    def _form(self, d: CaseDetail) -> None:
        for form in (self.situation_form, self.form_form):
            while form.rowCount():
                form.removeRow(0)
        for s in d.situation_lines:  # a question can be long: it wraps above its answer
            question = _value(s.question)
            question.setStyleSheet(f"color: {MUTED};")
            self.situation_form.addRow(question)
            answer = _value(s.answer)
            answer.setStyleSheet("font-weight: bold; margin-left: 12px;")
            self.situation_form.addRow(answer)
        self.situation_box.setVisible(bool(d.situation_lines))
        for line in d.form_lines:
            self.form_form.addRow(f"{line.label}：", _value(line.value))
        if not d.form_lines:
            self.form_form.addRow(_value("（未填写表单）"))

    def _hints(self, d: CaseDetail) -> None:
        owed = [m for m in d.materials if m.can_supply]
        if self.may_supply and owed:
            self.material_hint.setText(
                f"待补交 {len(owed)} 项：↑↓ 选择材料，Enter 补交（会再问一次）")
        elif owed:
            self.material_hint.setText(f"待补交 {len(owed)} 项（在窗口补交）")
        else:
            self.material_hint.setText("没有待补交的材料")
        self.supply_button.setEnabled(bool(owed))
        if self.may_handle:
            self.item_hint.setText("↑↓ 选择子事项：Ctrl+D 办结（先确认），Ctrl+R 退回")
        else:
            overdue = sum(1 for i in d.sub_items if i.sla is not None and i.sla.value == "overdue")
            self.item_hint.setText(f"逾期 {overdue} 项" if overdue else "")

    def _first_focus(self, d: CaseDetail) -> None:
        """Where the keys start: the first material to supply at the window; the
        sub-item the back office came for."""
        owed = [m for m in d.materials if m.can_supply]
        if self.may_supply and owed:
            self.tabs.setCurrentIndex(0)
            self.materials.select_key(owed[0].code)
            self.materials.setFocus()
            return
        if self.backoffice or not d.materials:
            self.tabs.setCurrentIndex(1)
            if self.want_item and self.items.select_key(self.want_item) is not None:
                self.items.setFocus()
                return
        self._focus_tab()

    def _failed(self, exc: BaseException) -> None:
        self.say(user_message(exc), bad=True)

    def say(self, text: str, bad: bool = False) -> None:
        self.message.setStyleSheet(f"color: {BAD if bad else OK}; font-weight: bold;")
        self.message.setText(text)

    # -- 容缺 / 补正: a material handed in -------------------------------------------------
    def supply_selected(self) -> None:
        if not self.may_supply:
            if self.backoffice:
                self.say("后台只查看材料；补交材料请在窗口办理", bad=True)
            return
        material = self.materials.current()
        if material is None:
            self.say("请先用 ↑↓ 选择要补交的材料", bad=True)
            return
        if not material.can_supply:
            self.say(f"“{material.name}”{material.status_label}，无需补交", bad=True)
            return
        what = "容缺材料" if material.status == "tolerated" else "补正材料"
        ask = ConfirmDialog(
            "补交材料", f"确认已收到{what}“{material.name}”？", self, ok_text="已收到",
            detail=f"办件 {self.case_no}。记录为今日补交，不能撤销。",
        )
        ask.confirmed.connect(lambda _note, code=material.code: self._supply(code))
        self.pending_dialog = ask
        ask.open()

    def _supply(self, code: str) -> None:
        cmd = SupplyMaterial(self.actor, self.case_no, code)
        before = self.detail.status if self.detail is not None else ""
        self.say("正在记录…")
        self.ctx.call(lambda rt: cases.supply_material(rt, cmd),
                      self._alive(lambda d: self._supplied(d, code, before)),
                      self._alive(self._supply_failed), runner=self.runner)

    def _supplied(self, detail: CaseDetail, code: str, before: str) -> None:
        self.show_detail(detail)
        name = next((m.name for m in detail.materials if m.code == code), code)
        if before == "supplement" and detail.status == "accepted":
            self.say(f"已补交“{name}”：材料已齐全，本件自今日起受理，已分送办理")
        elif any(m.can_supply for m in detail.materials):
            self.say(f"已补交“{name}”；仍有材料待补交")
        else:
            self.say(f"已补交“{name}”，办件继续办理")
        self.changed.emit(self.case_no)
        owed = [m for m in detail.materials if m.can_supply]
        if owed:
            self.materials.select_key(owed[0].code)
        self.materials.setFocus()

    def _supply_failed(self, exc: BaseException) -> None:
        if isinstance(exc, PromiseBroken):
            text = f"超过承诺补交日期，按容缺承诺书本件已终止办理：{exc}"
        elif isinstance(exc, SupplementLapsed):
            text = f"超过一次性告知书的补正期限，申请已视为撤回：{exc}"
        else:
            text = user_message(exc)  # LifecycleError and the like: their own Chinese
        self.say(text, bad=True)
        if isinstance(exc, PromiseBroken | SupplementLapsed):
            self.changed.emit(self.case_no)
            self.load()

    # -- back office: 办结 / 退回 a sub-item -------------------------------------------------
    def _selected_item(self, verb: str) -> SubItemLine | None:
        """The sub-item the keys act on, if it can take the action now (else why not)."""
        item = self.items.current()
        if item is None:
            self.show_tab(1)
            self.say("请先在“子事项”中用 ↑↓ 选择一项", bad=True)
            return None
        if item.status != "pending":
            why = f"：{item.waits_for_text}" if item.waits_for_text else ""
            self.say(f"“{item.item_name}”{item.status_label}{why}，不能{verb}", bad=True)
            return None
        return item

    def complete_selected(self) -> None:
        if not self.may_handle or self.pending_dialog_open():
            return
        item = self._selected_item("办结")
        if item is None:
            return
        ask = ConfirmDialog("办结", f"办结“{item.item_name}”？", self,
                            note_label="办结说明（可不填）", ok_text="办结",
                            detail=f"办件 {self.case_no} · {self._who()}")
        ask.confirmed.connect(lambda note, code=item.item_code, name=item.item_name:
                              self._complete(code, note, name))
        self.pending_dialog = ask
        ask.open()

    def _complete(self, code: str, note: str, name: str = "") -> None:
        cmd = CompleteCaseItems(self.actor, self.case_no, (code,), note)
        self.ctx.call(lambda rt: backoffice.complete_case_items(rt, cmd),
                      self._alive(lambda d: self._handled(d, f"“{name}”已办结" if name else "")),
                      self._alive(self._failed), runner=self.runner)

    def return_selected(self) -> None:
        if not self.may_handle or self.pending_dialog_open():
            return
        item = self._selected_item("退回")
        if item is None:
            return
        ask = ReasonDialog("退回", f"退回“{item.item_name}”的原因：", RETURN_REASONS, self)
        ask.chosen.connect(lambda reason, code=item.item_code, name=item.item_name:
                           self._return(code, reason, name))
        self.pending_dialog = ask
        ask.open()

    def _return(self, code: str, reason: str, name: str = "") -> None:
        cmd = ReturnCaseItem(self.actor, self.case_no, code, reason)
        done = f"“{name}”已退回（{reason}）" if name else ""
        self.ctx.call(lambda rt: backoffice.return_case_item(rt, cmd),
                      self._alive(lambda d: self._handled(d, done)),
                      self._alive(self._failed), runner=self.runner)

    def _handled(self, detail: CaseDetail, done: str = "") -> None:
        """After a change: what was done to which sub-item, then the case as it now is
        (a case with a returned sub-item reads 已退回 while others go on)."""
        self.show_detail(detail)
        self.say(f"{done}；办件现为“{detail.status_label}”" if done
                 else f"已更新：{detail.status_label}")
        self.changed.emit(self.case_no)
        if detail.status == "complete":
            self.say("办件已全部办结，正在生成办结通知…")
            self.ctx.call(lambda rt: cases.write_case_papers(rt, self.case_no, ("completion",)),
                          self._alive(lambda out: self._show_papers(out.papers, "completion")),
                          self._alive(self._failed), runner=self.runner)

    def pending_dialog_open(self) -> bool:
        dialog = self.pending_dialog
        return dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible()

    def _who(self) -> str:
        if self.detail is None:
            return ""
        return f"{self.detail.applicant.name} {self.detail.applicant.id_number}"

    # -- papers ---------------------------------------------------------------------------
    def open_papers(self) -> None:
        doc = self.paper_list.current() if self.tabs.currentIndex() == 2 else None
        self.say("正在生成文书…")
        self.ctx.call(lambda rt: cases.write_case_papers(rt, self.case_no),
                      self._alive(lambda out: self._show_papers(out.papers, doc, out.errors)),
                      self._alive(self._failed), runner=self.runner)

    def _show_papers(self, papers: dict, doc: str | None = None,  # type: ignore[type-arg]
                     errors: dict | None = None) -> None:  # type: ignore[type-arg]
        if errors:
            self.say("部分文书未能生成：" + "、".join(TITLES.get(k, k) for k in errors), bad=True)
        elif papers:
            self.say("")
        if not papers:
            self.say("该办件当前没有可打印的文书", bad=True)
            return
        summary = f"办件 {self.case_no}"
        if self.detail is not None:
            summary += f" · {self.detail.title} · {self.detail.status_label}"
        dialog = PapersDialog(self.case_no, summary, papers, self.runner,
                              self.ctx.settings.cases.a4_printer, self, show_first=doc)
        self.papers_dialog = dialog
        dialog.show()

    # -- keys ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if forward_function_key(self, event):
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # Enter acts on the table row (activated), never on a button behind it
        super().keyPressEvent(event)


def _value(text: str) -> QLabel:
    label = QLabel(text or "—")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def open_case_detail(ctx: AppContext, runner: TaskRunner, case_no: str,
                     parent: QWidget | None = None, **options: object) -> CaseDetailDialog:
    """The one line a window needs: open the case detail view for `case_no`."""
    return CaseDetailDialog(ctx, runner, case_no, parent, **options)  # type: ignore[arg-type]
