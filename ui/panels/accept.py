"""The centre of the workstation, top to bottom: find → situations → one form → one
set of materials → accept (or 一次性告知 / 不予受理)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
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
    FieldError,
    MaterialStatus,
    prefill,
)
from counter_app.domain.catalogue import (
    Catalogue,
    Item,
    SearchHit,
    SituationError,
)
from counter_app.domain.clock import Clock, business_date
from counter_app.domain.workcal import WorkCalendar
from ui.panels.errors import ErrorList
from ui.panels.form import FormPanel
from ui.panels.materials import MaterialsPanel
from ui.panels.search import SearchBox
from ui.panels.situations import SituationsPanel
from ui.style import ACCENT, BAD, MUTED


class AcceptPanel(QWidget):
    changed = Signal()  # anything of the visit typed or chosen (drafts follow it)
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
        self.errors: list[FieldError] = []

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
        self.form = FormPanel(lambda: business_date(self.clock()))
        self.form.changed.connect(self._edited)
        self.form.problem.connect(self._date_problem)
        self.materials = MaterialsPanel()
        self.materials.changed.connect(self._update_promises)
        self.materials.changed.connect(self._edited)
        self.body_layout.addWidget(self.situations)
        self.body_layout.addWidget(self.items_label)
        self.body_layout.addWidget(self.form)
        self.body_layout.addWidget(self.materials, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll, 1)

        # Alt+Q / Alt+X tick them (mnemonics); shown once a promise is needed
        self.tolerance_signed = QCheckBox("申请人已签署《容缺受理承诺书》 Alt+&Q")
        self.credit_signed = QCheckBox("申请人已签署《信用承诺书》（涉及资金支付） Alt+&X")
        for box in (self.tolerance_signed, self.credit_signed):
            box.toggled.connect(self._edited)
            outer.addWidget(box)
        self.message = ErrorList()  # 请更正…: one line, the list folded under it
        outer.addWidget(self.message)
        self._dropping = QTimer(self)  # a fixed problem leaves the list as it is fixed
        self._dropping.setSingleShot(True)
        self._dropping.setInterval(150)
        self._dropping.timeout.connect(self._drop_fixed)

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
        first = next(iter(self.situations.combos.values()), None) or self.form.first_empty()
        (first or self.search.edit).setFocus()
        self._watch_enter()

    # -- Enter: on to the next thing to fill ---------------------------------------------
    def _watch_enter(self) -> None:
        for widget in [*self.situations.combos.values(), *self.form.widgets.values()]:
            if not widget.property("enterWatched"):
                widget.installEventFilter(self)
                widget.setProperty("enterWatched", True)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        """Enter in a situation or a form field goes on to the next field still empty
        (then to the materials): a teller fills the form with content and Enter, not
        with a Tab per prefilled field."""
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                and isinstance(obj, QWidget)):
            combo = getattr(obj, "view", None)
            if combo is not None and obj.view().isVisible():
                return False  # Enter picks from the open list
            if hasattr(obj, "normalise"):
                obj.normalise()
                if obj.problem:
                    return True  # a date that is no date: stay and say so
            self.focus_next_empty(obj)
            return True
        return super().eventFilter(obj, event)

    def focus_next_empty(self, after: QWidget | None = None) -> None:
        order: list[QWidget] = [*self.situations.combos.values()]
        order += [w for w in self.form.widgets.values() if w.isEnabled()]
        start = order.index(after) + 1 if after in order else 0
        values = self.form.values()
        empty = {self.form.widgets[m.field.key] for m in self.form.fields
                 if m.required and not values.get(m.field.key)}
        for widget in order[start:]:
            if widget in empty:
                self.scroll.ensureWidgetVisible(widget, 40, 40)
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.materials.focus_table()

    def reset(self) -> None:
        self.bundle_code = None
        self.item_codes = []
        self.situations.set_bundle(None)
        self.form.set_fields([], {})
        self.tolerance_signed.setChecked(False)
        self.credit_signed.setChecked(False)
        self.search.edit.clear()
        self.search.results.setVisible(False)
        self.errors = []
        self.message.clear()
        self.recompute()

    def has_work(self) -> bool:
        """Is anything of a visit chosen or typed here (worth asking before it goes)?"""
        return bool(self.items)

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
        answers = self.situations.answers() if self.bundle_code else {}
        fields = self.catalogue.fields_for(self.bundle_code, answers, self.items)
        fixed = self.catalogue.situation_effects(self.bundle_code, answers).form
        self.form.set_fields(fields, prefill(fields, self._applicant), fixed)
        self.materials.set_materials(
            self.catalogue.materials_for(self.bundle_code, answers, self.items),
            self._latest_promises(), business_date(self.clock()),
        )
        self._set_enabled()
        self._watch_enter()
        self._edited()

    def _latest_promises(self) -> dict[str, date]:
        start = business_date(self.clock())
        dues = {
            i.code: self.calendar.add(start, i.committed.days, i.committed.unit).due
            for i in self.items
        }
        latest = {}
        answers = self.situations.answers() if self.bundle_code else {}
        for merged in self.catalogue.materials_for(self.bundle_code, answers, self.items):
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

    # -- problems --------------------------------------------------------------------
    def _edited(self) -> None:
        if self.errors:
            self._dropping.start()
        self.changed.emit()

    def _date_problem(self, message: str) -> None:
        if message:
            self.message.show_text(message)
        elif not self.errors:
            self.message.clear()

    def show_errors(self, errors: list[FieldError]) -> None:
        """请更正: every problem listed (folded), the first one's field highlighted."""
        self.errors = list(errors)
        self.form.clear_highlights()
        for box in (self.tolerance_signed, self.credit_signed):
            box.setStyleSheet("")
        self.message.show_errors([e.message for e in errors])
        for error in errors:
            if error.field.startswith("form."):
                self.form.highlight(error.field.removeprefix("form."))
            elif error.field == "tolerance_promise":
                self.tolerance_signed.setStyleSheet(f"color: {BAD}; font-weight: bold")
            elif error.field == "credit_promise":
                self.credit_signed.setStyleSheet(f"color: {BAD}; font-weight: bold")

    def focus_error(self, error: FieldError) -> bool:
        """Put the cursor where `error` is corrected, scrolled into view; False when
        the field is not in this panel (the applicant's fields are the window's)."""
        name = error.field
        target: QWidget | None = None
        if name.startswith("form."):
            target = self.form.widgets.get(name.removeprefix("form."))
        elif name == "tolerance_promise":
            target = self.tolerance_signed
        elif name == "credit_promise":
            target = self.credit_signed
        elif name.startswith("materials"):
            self.materials.focus_table()
            return True
        elif name.startswith(("situations", "bundle", "items")):
            target = next(iter(self.situations.combos.values()), None) or self.search.edit
        if target is None:
            return False
        if self.scroll.widget().isAncestorOf(target):
            self.scroll.ensureWidgetVisible(target, 40, 40)
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def drop_errors(self, still: set[str], prefix: str) -> None:
        """The window rechecked the fields starting with `prefix`: only `still` remain."""
        kept = [e for e in self.errors if not e.field.startswith(prefix) or e.field in still]
        if len(kept) != len(self.errors):
            self._show_kept(kept)

    def _drop_fixed(self) -> None:
        values = self.form.values()
        kept = []
        for error in self.errors:
            name = error.field
            if name.startswith("form.") and values.get(name.removeprefix("form.")):
                continue
            if name == "tolerance_promise" and (
                    self.tolerance_signed.isChecked() or not self.tolerance_signed.isVisible()):
                continue
            if name == "credit_promise" and self.credit_signed.isChecked():
                continue
            kept.append(error)
        if len(kept) != len(self.errors):
            self._show_kept(kept)

    def _show_kept(self, kept: list[FieldError]) -> None:
        if kept:
            self.show_errors(kept)
        else:
            self.errors = []
            self.form.clear_highlights()
            for box in (self.tolerance_signed, self.credit_signed):
                box.setStyleSheet("")
            self.message.clear()

    # -- drafts ------------------------------------------------------------------------
    def snapshot(self) -> dict:
        """What the teller chose and typed here, as plain data (a draft)."""
        return {
            "bundle_code": self.bundle_code,
            "item_codes": list(self.item_codes),
            "situations": self.situations.answers() if self.bundle_code else {},
            "form": self.form.values(),
            "materials": {
                code: [d.status.value, d.promised_date.isoformat() if d.promised_date else None]
                for code, d in self.materials.decisions().items()
            },
            "tolerance_signed": self.tolerance_signed.isChecked(),
            "credit_signed": self.credit_signed.isChecked(),
        }

    def restore(self, data: dict) -> None:
        """Back to a snapshot; codes the catalogue no longer knows are left out."""
        self.reset()
        bundle = data.get("bundle_code")
        if bundle in self.catalogue.bundles:
            self.bundle_code = bundle
            self.situations.set_bundle(self.catalogue.bundles[bundle])
            self.situations.blockSignals(True)
            for key, value in (data.get("situations") or {}).items():
                if key in self.situations.combos:
                    self.situations.answer(key, value)
            self.situations.blockSignals(False)
        self.item_codes = [c for c in data.get("item_codes") or [] if c in self.catalogue.items]
        self.recompute()
        for key, value in (data.get("form") or {}).items():
            if key in self.form.widgets and key not in self.form.fixed:
                self.form.set_value(key, value)
        for code, (status, promised) in (data.get("materials") or {}).items():
            try:
                self.materials.set_status(
                    code, MaterialStatus(status), date.fromisoformat(promised) if promised else None
                )
            except (KeyError, ValueError):
                continue  # a material this selection no longer has
        self.tolerance_signed.setChecked(bool(data.get("tolerance_signed")))
        self.credit_signed.setChecked(bool(data.get("credit_signed")))

