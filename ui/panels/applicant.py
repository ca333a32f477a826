"""The applicant (申请人): typed with a live ID check, or filled from a card reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain import idnumber
from counter_app.domain.application import ApplicantInput, IdType, check_applicant
from counter_app.domain.masking import mask_id
from ui.style import BAD, MUTED, OK

ID_TYPES = [
    (IdType.RESIDENT, "居民身份证"),
    (IdType.PERMIT_J, "港澳台居民居住证"),
    (IdType.FOREIGN_I, "外国人永久居留身份证(2017)"),
    (IdType.FOREIGN_Y, "外国人永久居留身份证(2023)"),
]


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
        layout = QVBoxLayout(self)
        self.read_button = QPushButton("读卡 F5")
        self.read_button.setToolTip("读取身份证 / 社保卡 / 电子社保卡二维码")
        self.read_button.clicked.connect(self.read_card_requested)
        layout.addWidget(self.read_button)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.id_type = QComboBox()
        for value, label in ID_TYPES:
            self.id_type.addItem(label, value)
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("18位证件号码")
        self.id_number.setMaxLength(20)
        self.id_status = QLabel(" ")
        self.id_status.setWordWrap(True)
        self.name = QLineEdit()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("手机号码")
        self.phone.setMaxLength(13)
        self.address = QLineEdit()
        self.facts = QLabel("")
        self.facts.setStyleSheet(f"color: {MUTED}")
        self.history = QLabel("")
        form.addRow("证件类型", self.id_type)
        form.addRow("证件号码", self.id_number)
        form.addRow("", self.id_status)
        form.addRow("姓名", self.name)
        form.addRow("联系电话", self.phone)
        form.addRow("住址", self.address)
        layout.addLayout(form)
        layout.addWidget(self.facts)
        layout.addWidget(self.history)
        layout.addStretch(1)
        self.source = QLabel("手工录入")
        self.source.setStyleSheet(f"color: {MUTED}")
        layout.addWidget(self.source)
        for widget in (self.id_number, self.name, self.phone, self.address):
            widget.textChanged.connect(self._on_edit)
        self.id_type.currentIndexChanged.connect(self._on_edit)

    # -- data in/out -------------------------------------------------------------
    def fill_from_card(self, card: CardData) -> None:
        self._card = card
        index = self.id_type.findData(card.id_type)
        self.id_type.setCurrentIndex(max(index, 0))
        self.id_number.setText(card.id_number)
        self.name.setText(card.name)
        self.address.setText(card.address)
        self.source.setText(f"来自{card.source}（已核验）")
        self.phone.setFocus()

    def applicant(self) -> ApplicantInput:
        number = idnumber.normalize(self.id_number.text())
        sex, birth = "", None
        id_type = IdType(self.id_type.currentData())
        if id_type is not IdType.FOREIGN_I:
            try:
                info = idnumber.parse(number)
                sex, birth = info.sex, info.birth_date
            except idnumber.IdNumberError:
                pass
        if self._card is not None and self._card.id_number == number:
            sex = self._card.sex or sex
            birth = self._card.birth_date or birth
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
        self._card = None
        for widget in (self.id_number, self.name, self.phone, self.address):
            widget.clear()
        self.id_type.setCurrentIndex(0)
        self.history.clear()
        self.source.setText("手工录入")

    def set_history(self, count: int) -> None:
        self.history.setText(f"历史办件 {count} 件" if count else "首次办件")

    # -- live check ---------------------------------------------------------------
    def _on_edit(self) -> None:
        text = self.id_number.text().strip()
        if not text:
            self.id_status.setText(" ")
            self.facts.clear()
        else:
            errors = [e for e in check_applicant(self.applicant()) if e.field.endswith("id_number")]
            if errors:
                self.id_status.setText(f"✗ {errors[0].message}")
                self.id_status.setStyleSheet(f"color: {BAD}")
                self.facts.clear()
            else:
                person = self.applicant()
                self.id_status.setText(f"✓ {mask_id(person.id_number)}")
                self.id_status.setStyleSheet(f"color: {OK}")
                if person.birth_date:
                    self.facts.setText(f"{person.sex}  出生 {person.birth_date.isoformat()}")
        self.changed.emit()

    def id_valid(self) -> bool:
        return not [e for e in check_applicant(self.applicant()) if e.field.endswith("id_number")]
