"""不予受理 by keys: a digit picks a preset reason with its legal wording, a note can
be added, 0 writes one's own, Esc gives None; the text goes through the reject use
case into the stored case and the 不予受理通知书 prints it in its sentence."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from counter_app.config import Settings
from counter_app.runtime import open_runtime
from counter_app.store.models import Case
from counter_app.usecases import cases
from tests.ui.detail_support import retirement
from ui.panels.reject import REJECT_REASONS, RejectDialog, ask_reject_reason


def commit_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Chinese typed through the input method (QTest types ASCII only)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _dialog(qtbot):  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    qtbot.waitExposed(parent)
    dialog = RejectDialog(parent)
    got: list[str] = []
    dialog.chosen.connect(got.append)
    dialog.open()
    qtbot.waitUntil(dialog.list.hasFocus)
    return parent, dialog, got


def test_a_digit_picks_a_reason_with_its_legal_wording(qtbot) -> None:  # type: ignore[no-untyped-def]
    _parent, dialog, got = _dialog(qtbot)  # the parent held for the whole test
    labels = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert labels[0] == "1. 不属于本机关职权范围"
    assert labels[-1] == "0. 其他原因（在下面填写）"
    assert len(REJECT_REASONS) <= 9  # one digit each
    qtbot.keyClick(dialog.list, Qt.Key.Key_6)
    wording = REJECT_REASONS[5].wording
    assert "第七十八条" in wording
    assert dialog.preview.text() == f"通知书写作：经审查，因{wording}，本机关决定不予受理。"
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    assert got == [wording]


def test_a_note_is_added_to_a_preset(qtbot) -> None:  # type: ignore[no-untyped-def]
    _parent, dialog, got = _dialog(qtbot)  # the parent held for the whole test
    qtbot.keyClick(dialog.list, Qt.Key.Key_1)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Tab)
    assert dialog.text.hasFocus()
    commit_text(dialog.text, "住房公积金提取请到市住房公积金管理中心办理。")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    assert got == [REJECT_REASONS[0].wording + "，住房公积金提取请到市住房公积金管理中心办理"]


def test_zero_writes_ones_own_and_empty_is_refused(qtbot) -> None:  # type: ignore[no-untyped-def]
    _parent, dialog, got = _dialog(qtbot)  # the parent held for the whole test
    qtbot.keyClick(dialog.list, Qt.Key.Key_0)
    assert dialog.text.hasFocus()
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    assert got == [] and dialog.error.text() == "请选择或填写原因"
    commit_text(dialog.text, "申请人所持证件已过有效期")
    assert "因申请人所持证件已过有效期，本机关决定不予受理" in dialog.preview.text()
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    assert got == ["申请人所持证件已过有效期"]


def test_ask_waits_and_esc_gives_none(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    qtbot.waitExposed(parent)

    def press(*keys: Qt.Key) -> None:
        def go() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, RejectDialog)
            for key in keys:
                qtbot.keyClick(dialog.list, key)
        QTimer.singleShot(50, go)

    press(Qt.Key.Key_3, Qt.Key.Key_Return)
    assert ask_reject_reason(parent) == REJECT_REASONS[2].wording
    press(Qt.Key.Key_2, Qt.Key.Key_Escape)
    assert ask_reject_reason(parent) is None


def test_the_reason_is_stored_and_printed(tmp_path: Path, clock,  # type: ignore[no-untyped-def]
                                          teller_user_factory) -> None:
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url, papers_dir=str(tmp_path / "papers"),
                                       window_no="3"), clock=clock)
    try:
        actor = teller_user_factory(rt, clock)
        reason = REJECT_REASONS[3].wording  # 未达待遇领取条件, 社会保险法 §16
        done = cases.submit_application(rt, cases.SubmitApplication(
            actor, retirement(rt), cases.Outcome.REJECT, reason, write_papers=True))
        with rt.read() as session:
            stored = session.scalar(select(Case).where(Case.case_no == done.result.case_no))
            assert stored is not None
            assert (str(stored.status), stored.reason) == ("rejected", reason)
        notice = "".join(p.extract_text() for p in
                         PdfReader(Path(done.papers["rejection"])).pages)
        notice = "".join(notice.split())
        assert "因申请人未达到法定退休年龄" in notice
        assert "《中华人民共和国社会保险法》第十六条" in notice
        assert "本机关决定不予受理" in notice
    finally:
        rt.close()
