"""The centre of the workstation, top to bottom: find → situations → one form → one
set of materials → accept (or 一次性告知 / 不予受理)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.application import (
    ApplicantInput,
    Application,
    MaterialStatus,
    prefill,
)
from counter_app.domain.catalogue import (
    Catalogue,
    Item,
    SearchHit,
    SituationError,
    merge_fields,
    merge_materials,
)
from counter_app.domain.clock import Clock, business_date
from counter_app.domain.workcal import WorkCalendar
from ui.panels.form import FormPanel
from ui.panels.materials import MaterialsPanel
from ui.panels.search import SearchBox
from ui.panels.situations import SituationsPanel
from ui.style import ACCENT, MUTED


class AcceptPanel(QWidget):
    accept_requested = Signal()
    supplement_requested = Signal()
    reject_requested = Signal()

    def __init__(
        self,
        catalogue: Catalogue,
        calendar: WorkCalendar,
        clock: Clock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.catalogue, self.calendar, self.clock = catalogue, calendar, clock
        self.bundle_code: str | None = None
        self.item_codes: list[str] = []
        self.items: list[Item] = []
        self._applicant = ApplicantInput("", "")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.search = SearchBox(catalogue)
        self.search.chosen.connect(self.choose)
        outer.addWidget(self.search)

        self.selection = QLabel("未选择办理事项")
        self.selection.setWordWrap(True)
        self.selection.setStyleSheet(f"color: {ACCENT}; font-weight: bold")
        self.clear_selection = QPushButton("清除选择")
        self.clear_selection.clicked.connect(self.reset)
        row = QHBoxLayout()
        row.addWidget(self.selection, 1)
        row.addWidget(self.clear_selection)
        outer.addLayout(row)

        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.situations = SituationsPanel()
        self.situations.changed.connect(self.recompute)
        self.items_label = QLabel("")
        self.items_label.setWordWrap(True)
        self.items_label.setTextFormat(Qt.TextFormat.RichText)
        self.form = FormPanel()
        self.materials = MaterialsPanel()
        self.materials.changed.connect(self._update_promises)
        self.body_layout.addWidget(self.situations)
        self.body_layout.addWidget(self.items_label)
        self.body_layout.addWidget(self.form)
        self.body_layout.addWidget(self.materials, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.tolerance_signed = QCheckBox("申请人已签署《容缺受理承诺书》")
        self.credit_signed = QCheckBox("申请人已签署《信用承诺书》（涉及资金支付）")
        outer.addWidget(self.tolerance_signed)
        outer.addWidget(self.credit_signed)
        self.message = QLabel("")
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        outer.addWidget(self.message)

        buttons = QHBoxLayout()
        self.accept_button = QPushButton("受理 Ctrl+Enter")
        self.accept_button.setObjectName("primary")
        self.supplement_button = QPushButton("一次性告知 Ctrl+G")
        self.reject_button = QPushButton("不予受理 Ctrl+J")
        self.accept_button.clicked.connect(self.accept_requested)
        self.supplement_button.clicked.connect(self.supplement_requested)
        self.reject_button.clicked.connect(self.reject_requested)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.supplement_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self._update_promises()
        self._set_enabled()

    # -- selection ----------------------------------------------------------------
    def choose(self, hit: SearchHit) -> None:
        if hit.kind == "bundle":
            self.bundle_code = hit.code
            self.item_codes = []
            self.situations.set_bundle(self.catalogue.bundles[hit.code])
        elif hit.code not in self.item_codes:
            self.item_codes.append(hit.code)
        self.search.edit.clear()
        self.search.results.setVisible(False)
        self.recompute()
        first = next(iter(self.situations.combos.values()), None)
        (first or self.form).setFocus()

    def reset(self) -> None:
        self.bundle_code = None
        self.item_codes = []
        self.situations.set_bundle(None)
        self.form.set_fields([], {})
        self.tolerance_signed.setChecked(False)
        self.credit_signed.setChecked(False)
        self.message.clear()
        self.recompute()

    def recompute(self) -> None:
        """Resolve the items from the selection and rebuild the one form and materials."""
        try:
            self.items = self.catalogue.resolve_items(
                self.bundle_code, self.situations.answers(), self.item_codes
            )
        except SituationError as exc:
            self.message.setText(str(exc))
            return
        self._show_selection()
        fields = merge_fields(self.items)
        self.form.set_fields(fields, prefill(fields, self._applicant))
        self.materials.set_materials(
            merge_materials(self.items), self._latest_promises(), business_date(self.clock())
        )
        self._set_enabled()

    def _latest_promises(self) -> dict[str, date]:
        start = business_date(self.clock())
        dues = {
            i.code: self.calendar.add(start, i.committed.days, i.committed.unit).due
            for i in self.items
        }
        latest = {}
        for merged in merge_materials(self.items):
            latest[merged.code] = min(dues[c] for c in merged.item_codes)
        return latest

    def _show_selection(self) -> None:
        if not self.items:
            self.selection.setText("未选择办理事项")
            self.items_label.clear()
            return
        title = self.catalogue.bundles[self.bundle_code].name if self.bundle_code else "单项办理"
        extra = f" + {len(self.item_codes)} 个单项" if self.bundle_code and self.item_codes else ""
        self.selection.setText(f"{title}{extra}：共 {len(self.items)} 个事项")
        start = business_date(self.clock())
        rows = []
        for item in self.items:
            due = self.calendar.add(start, item.committed.days, item.committed.unit)
            speed = ' <b style="color:#1b7f3b">提速办</b>' if item.is_speedup else ""
            money = ' <span style="color:#b26a00">信用承诺</span>' if item.pays_money else ""
            warn = ' <span style="color:#c62828">⚠ 节假日未收录</span>' if due.warning else ""
            rows.append(
                f"• {item.name}{speed}{money} — {item.unit.name}，{item.case_kind.label}，"
                f'<span style="color:{MUTED}">法定{item.statutory.label} / 承诺'
                f"{item.committed.label}，办结期限 {due.due.isoformat()}</span>{warn}"
            )
        self.items_label.setText("<br>".join(rows))

    def _update_promises(self) -> None:
        tolerated = self.materials.has(MaterialStatus.TOLERATED)
        self.tolerance_signed.setVisible(tolerated)
        self.credit_signed.setVisible(any(i.pays_money for i in self.items))

    def _set_enabled(self) -> None:
        has = bool(self.items)
        for button in (self.accept_button, self.supplement_button, self.reject_button):
            button.setEnabled(has)

    # -- applicant ----------------------------------------------------------------
    def set_applicant(self, applicant: ApplicantInput) -> None:
        self._applicant = applicant
        self.form.apply_prefill(prefill(self.form.fields, applicant))

    def application(self, applicant: ApplicantInput) -> Application:
        return Application(
            applicant=applicant,
            bundle_code=self.bundle_code,
            item_codes=tuple(self.item_codes),
            situations=self.situations.answers() if self.bundle_code else {},
            form_values=self.form.values(),
            materials=self.materials.decisions(),
            credit_promise_signed=self.credit_signed.isChecked(),
            tolerance_promise_signed=self.tolerance_signed.isChecked(),
            channel="window",
        )
