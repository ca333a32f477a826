"""不予受理: the reason, chosen by its number from preset reasons that carry their
legal wording, or written (0); a note may be added to a preset. The text returned
is what the reject use case stores and the 不予受理通知书 prints in its sentence
"经审查，因<reason>，根据…的规定，本机关决定不予受理。", so every preset reads as a
clause after 因 and has no full stop. The notice adds the items' own legal basis
and the right to 行政复议 / 行政诉讼 by itself (printing/pdf/rejection.py).

`ask_reject_reason(parent)` asks and waits (a modal dialog, for the window's
不予受理 key); `RejectDialog` is the same without waiting (`open()`, then the
`chosen(reason)` signal), for callers that keep their event loop flat."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QLabel, QWidget

from ui.panels.confirm import ReasonDialog
from ui.style import MUTED


@dataclass(frozen=True)
class RejectReason:
    label: str  # what the list shows
    wording: str  # what the notice prints after 因 (legal basis included)


# 行政许可法 §32 (1)(2)(4)(5), §78; 社会保险法 §16. Worded for the notice's sentence.
REJECT_REASONS: tuple[RejectReason, ...] = (
    RejectReason(
        "不属于本机关职权范围",
        "申请事项依法不属于本机关职权范围（《中华人民共和国行政许可法》第三十二条第一款"
        "第二项），请向有关行政机关申请",
    ),
    RejectReason(
        "依法不需要申请办理",
        "申请事项依法不需要取得行政许可或者办理本事项（《中华人民共和国行政许可法》"
        "第三十二条第一款第一项）",
    ),
    RejectReason(
        "不符合申请条件",
        "申请人不具备本事项的申请资格，不符合法律、法规和政策规定的申请条件",
    ),
    RejectReason(
        "未达待遇领取条件",
        "申请人未达到法定退休年龄或者累计缴费年限不足，不符合按月领取基本养老金的条件"
        "（《中华人民共和国社会保险法》第十六条）",
    ),
    RejectReason(
        "逾期未补正或补正后仍不符合",
        "经一次性告知后，申请人逾期未补正，或者补正后申请材料仍不齐全、不符合法定形式"
        "（《中华人民共和国行政许可法》第三十二条第一款第四项、第五项）",
    ),
    RejectReason(
        "隐瞒情况或提供虚假材料",
        "申请人隐瞒有关情况或者提供虚假材料（《中华人民共和国行政许可法》第七十八条）",
    ),
    RejectReason(
        "已在办理，重复申请",
        "同一申请人的同一事项已受理且正在办理或者已经办结，属于重复申请",
    ),
    RejectReason(
        "代办手续不全",
        "代办人未能提供申请人的有效授权委托书或者身份证明，无法确认申请系申请人本人的"
        "真实意思表示",
    ),
)


def _sentence(reason: str) -> str:
    return f"经审查，因{reason}，本机关决定不予受理。" if reason else "（请选择或填写原因）"


class RejectDialog(ReasonDialog):
    """ReasonDialog with the legal wording: the list shows short labels; under it,
    the sentence as the notice will print it."""

    def __init__(self, parent: QWidget | None = None,
                 reasons: tuple[RejectReason, ...] = REJECT_REASONS) -> None:
        super().__init__("不予受理", "不予受理的原因（将印在不予受理通知书上）：",
                         [r.label for r in reasons], parent)
        self.reasons = reasons
        self.preview = QLabel("")
        self.preview.setWordWrap(True)
        self.preview.setMinimumWidth(480)
        self.preview.setStyleSheet(f"color: {MUTED}; padding: 4px 0;")
        layout = self.layout()
        layout.insertWidget(layout.indexOf(self.list) + 1, self.preview)  # type: ignore[attr-defined]
        self.list.currentRowChanged.connect(self._show)
        self.text.textChanged.connect(self._show)
        self._show()

    def reason(self) -> str:
        row = self.list.currentRow()
        note = self.text.text().strip().rstrip("。.")
        if 0 <= row < len(self.reasons):
            wording = self.reasons[row].wording
            return f"{wording}，{note}" if note else wording
        return note

    def _show(self, *_: object) -> None:
        self.preview.setText("通知书写作：" + _sentence(self.reason()))


def ask_reject_reason(parent: QWidget | None) -> str | None:
    """Ask for the 不予受理 reason and wait: the text for the reject use case, or None
    when the teller pressed Esc."""
    dialog = RejectDialog(parent)
    chosen: list[str] = []
    dialog.chosen.connect(chosen.append)
    if dialog.exec() != QDialog.DialogCode.Accepted or not chosen:
        return None
    return chosen[0]
