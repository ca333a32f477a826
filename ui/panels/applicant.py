"""The applicant (申请人): a person typed with a live ID check or filled from a card
reader, or a unit (统一社会信用代码, 法定代表人); optionally an agent (代办人, a
unit's 经办人) who hands the papers in.

A card fills the panel but never moves the cursor: the teller may be typing
elsewhere. Sex and birth date follow from the ID number; a card that says otherwise
is shown as a mismatch (a male number never shows 女)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain import idnumber
from counter_app.domain.application import (
    AgentInput,
    ApplicantInput,
    ApplicantKind,
    FieldError,
    IdType,
    check_agent,
    check_applicant,
)
from ui.panels.fields import INVALID_STYLE, NumberedCombo
from ui.style import BAD, MUTED, OK, WARN

ID_TYPES = [
    (IdType.RESIDENT, "居民身份证"),
    (IdType.PERMIT_J, "港澳台居民居住证"),
    (IdType.FOREIGN_I, "外国人永久居留身份证(2017)"),
    (IdType.FOREIGN_Y, "外国人永久居留身份证(2023)"),
]
KINDS = [(ApplicantKind.PERSON, "个人"), (ApplicantKind.UNIT, "单位")]
HAND = "手工录入"


@dataclass(frozen=True)
class CardData:
    """What a reader hands over (ID card, social-security card, resolved QR)."""

    id_number: str
    name: str
    id_type: IdType = IdType.RESIDENT
    sex: str = ""
    birth_date: date | None = None
    address: str = ""
    nation: str = ""
    source: str = "身份证"


class ApplicantPanel(QGroupBox):
    changed = Signal()
    read_card_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("申请人", parent)
        self._card: CardData | None = None
        self._filling = False
        layout = QVBoxLayout(self)
        self.read_button = QPushButton("读卡 F5")
        self.read_button.setToolTip("读取身份证 / 社保卡 / 电子社保卡二维码")
        self.read_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.read_button.clicked.connect(self.read_card_requested)
        layout.addWidget(self.read_button)
        self.rows = QFormLayout()
        self.rows.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.kind = NumberedCombo()
        for value, label in KINDS:
            self.kind.add_answer(label, value)
        self.id_type = NumberedCombo()
        for value, label in ID_TYPES:
            self.id_type.add_answer(label, value)
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("18位证件号码")
        self.id_number.setMaxLength(20)
        self.id_status = QLabel(" ")
        self.id_status.setWordWrap(True)
        self.name = QLineEdit()
        self.credit_code = QLineEdit()
        self.credit_code.setPlaceholderText("18位统一社会信用代码")
        self.credit_code.setMaxLength(20)
        self.legal_rep = QLineEdit()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("手机号码")
        self.phone.setMaxLength(13)
        self.address = QLineEdit()
        self.name_label = QLabel("姓名")
        self.rows.addRow("申请人类别", self.kind)
        self.rows.addRow("证件类型", self.id_type)
        self.rows.addRow("证件号码", self.id_number)
        self.rows.addRow("信用代码", self.credit_code)
        self.rows.addRow("", self.id_status)
        self.rows.addRow(self.name_label, self.name)
        self.rows.addRow("法定代表人", self.legal_rep)
        self.rows.addRow("联系电话", self.phone)
        self.rows.addRow("住址", self.address)
        layout.addLayout(self.rows)
        self.facts = QLabel("")
        self.facts.setWordWrap(True)
        self.facts.setStyleSheet(f"color: {MUTED}")
        layout.addWidget(self.facts)
        self.history = QLabel("")
        layout.addWidget(self.history)

        self.has_agent = QCheckBox("有代办人 / 经办人 Alt+&D")
        layout.addWidget(self.has_agent)
        self.agent_box = QWidget()
        agent_rows = QFormLayout(self.agent_box)
        agent_rows.setContentsMargins(0, 0, 0, 0)
        agent_rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.agent_name = QLineEdit()
        self.agent_id = QLineEdit()
        self.agent_id.setMaxLength(20)
        self.agent_phone = QLineEdit()
        self.agent_phone.setMaxLength(13)
        self.agent_relation = QLineEdit()
        self.agent_relation.setPlaceholderText("如 子女、单位经办人")
        agent_rows.addRow("代办人姓名", self.agent_name)
        agent_rows.addRow("代办人证件", self.agent_id)
        agent_rows.addRow("代办人电话", self.agent_phone)
        agent_rows.addRow("与申请人关系", self.agent_relation)
        layout.addWidget(self.agent_box)
        layout.addStretch(1)
        self.source = QLabel(HAND)
        self.source.setStyleSheet(f"color: {MUTED}")
        layout.addWidget(self.source)

        for widget in self.line_edits():
            widget.textChanged.connect(self._on_edit)
        self.id_type.currentIndexChanged.connect(self._on_edit)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.has_agent.toggled.connect(self._agent_toggled)
        self._kind_changed()
        self._agent_toggled(False)

    def line_edits(self) -> list[QLineEdit]:
        return [self.id_number, self.credit_code, self.name, self.legal_rep, self.phone,
                self.address, self.agent_name, self.agent_id, self.agent_phone,
                self.agent_relation]

    # -- person or unit, agent ----------------------------------------------------
    @property
    def is_unit(self) -> bool:
        return self.kind.currentData() == ApplicantKind.UNIT

    def _kind_changed(self) -> None:
        unit = self.is_unit
        for widget in (self.id_type, self.id_number):
            self.rows.setRowVisible(widget, not unit)
        for widget in (self.credit_code, self.legal_rep):
            self.rows.setRowVisible(widget, unit)
        self.name_label.setText("单位名称" if unit else "姓名")
        if unit and not self.has_agent.isChecked():
            self.has_agent.setChecked(True)  # a unit is always served through its 经办人
        self._on_edit()

    def _agent_toggled(self, on: bool) -> None:
        self.agent_box.setVisible(on)
        if on and not self._filling:
            self.agent_name.setFocus()
        self._on_edit()

    def agent(self) -> AgentInput | None:
        if not self.has_agent.isChecked():
            return None
        return AgentInput(
            name=self.agent_name.text().strip(),
            id_number=idnumber.normalize(self.agent_id.text()),
            phone=self.agent_phone.text().strip(),
            relation=self.agent_relation.text().strip(),
        )

    # -- data in/out -------------------------------------------------------------
    def is_empty(self) -> bool:
        return not any(w.text().strip() for w in self.line_edits())

    def from_card(self) -> bool:
        """Is what the panel shows the card's (not typed by hand)?"""
        return self._card is not None and self._card.id_number == idnumber.normalize(
            self.id_number.text())

    def fill_from_card(self, card: CardData) -> None:
        """Fill in what the card says; the cursor stays where the teller is typing."""
        self._filling = True
        self._card = card
        self.kind.setCurrentIndex(0)
        index = self.id_type.findData(card.id_type)
        self.id_type.setCurrentIndex(max(index, 0))
        self.id_number.setText(card.id_number)
        self.name.setText(card.name)
        if card.address or not self.address.text():
            self.address.setText(card.address)
        for edit in (self.id_number, self.name, self.address):
            edit.setCursorPosition(0)  # a long address shows its beginning
        self.source.setText(f"来自{card.source}（已核验）")
        self._filling = False
        self._on_edit()

    def card_mismatch(self) -> str:
        """What the card says against its own ID number ("" when they agree)."""
        card = self._card
        if card is None or not self.from_card():
            return ""
        try:
            info = idnumber.parse(card.id_number)
        except idnumber.IdNumberError:
            return ""
        problems = []
        if card.sex and card.sex != info.sex:
            problems.append(f"卡上性别“{card.sex}”")
        if card.birth_date and card.birth_date != info.birth_date:
            problems.append(f"卡上出生日期 {card.birth_date.isoformat()}")
        if not problems:
            return ""
        return f"⚠ {'、'.join(problems)}与证件号码不符，已以证件号码为准（{info.sex}，" \
               f"{info.birth_date.isoformat()}），请核对证件"

    def applicant(self) -> ApplicantInput:
        if self.is_unit:
            return ApplicantInput.unit(
                self.name.text().strip(), self.credit_code.text().strip().upper(),
                self.legal_rep.text().strip(), self.phone.text().strip(),
                self.address.text().strip(),
            )
        number = idnumber.normalize(self.id_number.text())
        sex, birth = "", None
        id_type = IdType(self.id_type.currentData())
        parsed = False
        if id_type is not IdType.FOREIGN_I:
            try:
                info = idnumber.parse(number)
                sex, birth, parsed = info.sex, info.birth_date, True
            except idnumber.IdNumberError:
                pass
        if not parsed and self._card is not None and self._card.id_number == number:
            sex, birth = self._card.sex, self._card.birth_date  # the number says nothing
        return ApplicantInput(
            id_number=number,
            name=self.name.text().strip(),
            phone=self.phone.text().strip(),
            id_type=id_type,
            sex=sex,
            birth_date=birth,
            address=self.address.text().strip(),
        )

    def clear(self) -> None:
        self._filling = True
        self._card = None
        for widget in self.line_edits():
            widget.clear()
            widget.setStyleSheet("")
        self.kind.setCurrentIndex(0)
        self.id_type.setCurrentIndex(0)
        self.has_agent.setChecked(False)
        self.history.clear()
        self.source.setText(HAND)
        self._filling = False
        self._on_edit()

    def set_history(self, count: int) -> None:
        self.history.setText(f"历史办件 {count} 件" if count else "首次办件")

    # -- drafts ---------------------------------------------------------------------
    def snapshot(self) -> dict:
        data = {name: getattr(self, name).text() for name in (
            "id_number", "credit_code", "name", "legal_rep", "phone", "address",
            "agent_name", "agent_id", "agent_phone", "agent_relation")}
        data.update(kind=str(self.kind.currentData()), id_type=str(self.id_type.currentData()),
                    has_agent=self.has_agent.isChecked())
        return data

    def restore(self, data: dict) -> None:
        self.clear()
        self._filling = True
        self.kind.setCurrentIndex(max(0, self.kind.findData(data.get("kind", ""))))
        self.id_type.setCurrentIndex(max(0, self.id_type.findData(data.get("id_type", ""))))
        self.has_agent.setChecked(bool(data.get("has_agent")))
        for name in ("id_number", "credit_code", "name", "legal_rep", "phone", "address",
                     "agent_name", "agent_id", "agent_phone", "agent_relation"):
            getattr(self, name).setText(str(data.get(name, "")))
        self._filling = False
        self._on_edit()

    # -- errors -----------------------------------------------------------------------
    def widget_for(self, field: str) -> QWidget | None:
        """The input that corrects a FieldError's field (`applicant.name`, `agent.…`)."""
        table = {
            "applicant.id_number": self.id_number, "applicant.name": self.name,
            "applicant.phone": self.phone, "applicant.address": self.address,
            "applicant.credit_code": self.credit_code, "applicant.legal_rep": self.legal_rep,
            "applicant.sex": self.id_number, "applicant.birth_date": self.id_number,
            "applicant.kind": self.kind, "agent.name": self.agent_name,
            "agent.id_number": self.agent_id, "agent.phone": self.agent_phone,
            "agent.relation": self.agent_relation,
        }
        if field == "agent" and not self.has_agent.isChecked():
            self.has_agent.setChecked(True)
            return self.agent_name
        return table.get(field) or (self.agent_name if field == "agent" else None)

    def highlight(self, errors: list[FieldError]) -> None:
        for widget in self.line_edits():
            widget.setStyleSheet("")
        for error in errors:
            widget = self.widget_for(error.field)
            if isinstance(widget, QLineEdit):
                widget.setStyleSheet(INVALID_STYLE)

    def problems(self) -> list[FieldError]:
        """The applicant's and agent's problems as they stand now."""
        person = self.applicant()
        errors = check_applicant(person)
        agent = self.agent()
        if agent is not None:
            errors += check_agent(agent, person)
        return errors

    # -- live check ---------------------------------------------------------------
    def _on_edit(self) -> None:
        sender = self.sender()
        if isinstance(sender, QLineEdit) and sender.styleSheet() == INVALID_STYLE:
            sender.setStyleSheet("")  # being corrected
        if self._filling:
            return
        if self._card is not None and not self.from_card():
            self._card = None  # the number was changed by hand
            self.source.setText(HAND)
        number_field = "applicant.credit_code" if self.is_unit else "applicant.id_number"
        edit = self.credit_code if self.is_unit else self.id_number
        if not edit.text().strip():
            self.id_status.setText(" ")
            self.facts.clear()
        else:
            errors = [e for e in check_applicant(self.applicant()) if e.field == number_field]
            if errors:
                self.id_status.setText(f"✗ {errors[0].message}")
                self.id_status.setStyleSheet(f"color: {BAD}")
                self.facts.clear()
            else:
                # no second copy of the number right under it: only that it is valid
                self.id_status.setText("✓ 号码有效")
                self.id_status.setStyleSheet(f"color: {OK}")
                person = self.applicant()
                mismatch = self.card_mismatch()
                if mismatch:
                    self.facts.setText(mismatch)
                    self.facts.setStyleSheet(f"color: {WARN}; font-weight: bold")
                elif person.birth_date:
                    self.facts.setText(f"{person.sex}  出生 {person.birth_date.isoformat()}")
                    self.facts.setStyleSheet(f"color: {MUTED}")
                else:
                    self.facts.clear()
        self.changed.emit()

    def id_valid(self) -> bool:
        if self.is_unit:
            return False
        return not [e for e in check_applicant(self.applicant()) if e.field.endswith("id_number")]
