"""The teller workstation (综合柜员): applicant on the left, one flow in the centre,
today's cases on the right. Every action has a key; nothing blocks the window."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.application import ApplicationError
from counter_app.domain.clock import local
from counter_app.services.caseviews import CaseRow
from counter_app.usecases import cases
from counter_app.usecases.cases import Outcome, SubmitApplication, Submitted
from counter_app.usecases.errors import user_message
from ui.bridge.rating_hook import RatingHook
from ui.bridge.tasks import TaskRunner
from ui.bridge.wedge_filter import WedgeFilter
from ui.context import AppContext
from ui.panels.accept import AcceptPanel
from ui.panels.applicant import ApplicantPanel, CardData
from ui.panels.cases import CasesPanel
from ui.panels.device_lights import DeviceLights
from ui.panels.papers import PapersDialog
from ui.panels.queue import QueuePanel

log = logging.getLogger(__name__)
REFRESH_MS = 30_000



class TellerWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt, self.user, self.devices = ctx.rt, ctx.actor, ctx.devices
        rt, user = self.rt, self.user
        self.hub = ctx.hub
        self.runner = TaskRunner(self)
        self.last_submitted: Submitted | None = None
        self._case_loads = 0
        window_no = rt.settings.hall.window_no
        self.setWindowTitle(f"快办柜台 · {window_no}号窗口 · {user.name}")
        self.resize(1366, 768)

        central = QWidget()
        root = QVBoxLayout(central)
        root.setContentsMargins(6, 4, 6, 4)
        top = QHBoxLayout()
        self.title = QLabel(
            f"{window_no}号窗口 · {user.name}({user.staff_no}) · {rt.settings.hall.name}"
        )
        self.title.setObjectName("topbar")
        self.clock_label = QLabel("")
        self.lights = DeviceLights()
        self.rating = RatingHook(self, self)  # 好差评: F8 请评价
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.rating.label)
        top.addSpacing(12)
        top.addWidget(self.clock_label)
        top.addSpacing(12)
        top.addWidget(self.lights)
        root.addLayout(top)
        self.queue = QueuePanel(ctx, self.runner)  # F1 叫号 … F7 办结
        root.addWidget(self.queue)

        self.applicant = ApplicantPanel()
        self.applicant.setMinimumWidth(250)
        self.accept = AcceptPanel(rt.deps.catalogue, rt.deps.calendar, rt.deps.clock)
        self.cases = CasesPanel()
        self.cases.setMinimumWidth(300)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.applicant)
        splitter.addWidget(self.accept)
        splitter.addWidget(self.cases)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([270, 760, 330])
        root.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.status = self.statusBar()
        self.runner.on_failure(lambda text: self.status.showMessage(text, 15000))

        self.applicant.changed.connect(self._applicant_changed)
        self.applicant.read_card_requested.connect(self.read_card)
        self.accept.accept_requested.connect(lambda: self.submit("accept"))
        self.accept.supplement_requested.connect(lambda: self.submit("supplement"))
        self.accept.reject_requested.connect(self.reject)
        self.cases.case_opened.connect(self.open_case_papers)
        self._keys()
        self._menu()
        self._attach_devices()

        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh_cases)
        self.timer.start(REFRESH_MS)
        self.tick = QTimer(self)
        self.tick.timeout.connect(self._tick)
        self.tick.start(1000)
        self._tick()
        self.refresh_cases()
        self.accept.search.edit.setFocus()

    # -- keys and menu --------------------------------------------------------------
    def _keys(self) -> None:
        bindings = {
            "Ctrl+F": lambda: self.accept.search.edit.setFocus(),
            "F5": self.read_card,
            "Ctrl+Return": lambda: self.submit("accept"),
            "Ctrl+Enter": lambda: self.submit("accept"),
            "Ctrl+G": lambda: self.submit("supplement"),
            "Ctrl+J": self.reject,
            "Ctrl+N": self.new_applicant,
            "Ctrl+L": lambda: self.applicant.id_number.setFocus(),
            "Ctrl+M": self.accept.materials.focus_table,
            "Ctrl+Shift+P": self.reprint_last,
        }
        for key, slot in bindings.items():
            QShortcut(QKeySequence(key), self, activated=slot)

    def _menu(self) -> None:
        menu = self.menuBar().addMenu("办件(&C)")
        for text, key, slot in (
            ("新申请人", "Ctrl+N", self.new_applicant),
            ("重打上一件文书", "Ctrl+Shift+P", self.reprint_last),
            ("刷新办件列表", "F9", self.refresh_cases),
        ):
            action = QAction(f"{text}\t{key}", self)
            action.triggered.connect(slot)
            menu.addAction(action)

    # -- what the rating hook asks of the window (ui.bridge.rating_hook.RatingHost) ----
    @property
    def settings(self):  # type: ignore[no-untyped-def]
        return self.rt.settings

    def current_ticket_id(self) -> int | None:
        return self.queue.current_ticket_id

    def last_case_no(self) -> str | None:
        return self.last_submitted.result.case_no if self.last_submitted else None

    def show_message(self, text: str, good: bool = False) -> None:
        self.status.showMessage(text, 10000)

    def _tick(self) -> None:
        self.clock_label.setText(local(self.rt.deps.clock()).strftime("%Y-%m-%d %H:%M"))

    # -- applicant ------------------------------------------------------------------
    def _applicant_changed(self) -> None:
        person = self.applicant.applicant()
        self.accept.set_applicant(person)
        if self.applicant.id_valid():
            number = person.id_number
            self.ctx.call(lambda rt: cases.history_count(rt, number), self._show_history,
                          runner=self.runner)

    def _show_history(self, count: int) -> None:
        self.applicant.set_history(count)

    def _attach_devices(self) -> None:
        """Lights follow the drivers; a card laid on a reader (or a scanned electronic
        social-security card) fills the applicant panel by itself."""
        self.wedge = WedgeFilter(self)
        self.wedge.scanned.connect(self._code_scanned)
        QApplication.instance().installEventFilter(self.wedge)
        if self.devices is None:
            return
        self.devices.status_changed.connect(self.lights.set_state)
        self.devices.card_read.connect(self._card_read)
        self.devices.card_failed.connect(self._card_failed)

    def _code_scanned(self, code: str) -> None:
        if not self.isActiveWindow():
            return
        if self.devices is None:
            self.status.showMessage("扫码：未配置电子社保卡解码服务", 8000)
            return
        self.status.showMessage("正在识别电子社保卡…", 5000)
        self.devices.resolve_code(code)

    def read_card(self) -> None:
        if self.devices is None or not self.devices.read_card():
            self.status.showMessage("未配置读卡器：请在配置中设置 idcard_port，或手工录入", 8000)
            return
        self.status.showMessage("正在读卡，请将证件放在读卡器上…", 5000)

    def _card_read(self, card: CardData) -> None:
        if self.applicant.applicant().id_number == card.id_number:
            return  # the same card read again: leave what the teller typed and the focus
        self.applicant.fill_from_card(card)
        self.status.showMessage(f"已读取{card.source}", 5000)

    def _card_failed(self, reason: str) -> None:
        self.status.showMessage(f"读卡：{reason}", 8000)

    def new_applicant(self) -> None:
        if self.devices is not None:
            self.devices.forget_card()
        self.applicant.clear()
        self.accept.reset()
        self.applicant.id_number.setFocus()

    # -- submit -----------------------------------------------------------------------
    def submit(self, outcome: str, reason: str = "") -> None:
        if not self.accept.items:
            self.accept.message.setText("请先搜索并选择办理事项（Ctrl+F）")
            return
        if self.runner.busy and not self.accept.accept_button.isEnabled():
            return
        app = self.accept.application(self.applicant.applicant())
        self.accept.message.setText("正在提交…")
        for button in (
            self.accept.accept_button,
            self.accept.supplement_button,
            self.accept.reject_button,
        ):
            button.setEnabled(False)
        command = SubmitApplication(self.user, app, Outcome(outcome), reason,
                                    ticket_id=self.queue.current_ticket_id)
        self.ctx.call(lambda rt: cases.submit_application(rt, command), self._submitted,
                      self._submit_failed, runner=self.runner)

    def reject(self) -> None:
        if not self.accept.items:
            return
        reason, ok = QInputDialog.getMultiLineText(
            self, "不予受理", "不予受理的理由（将打印在通知书上）："
        )
        if ok and reason.strip():
            self.submit("reject", reason)

    def _submitted(self, done: Submitted) -> None:
        self.last_submitted = done
        result = done.result
        self.accept.message.setText("")
        self.accept._set_enabled()
        lines = [f"办件编号 {result.case_no}  {result.title}"]
        for sub in result.sub_items:
            lines.append(f"  {sub.item_name} → {sub.unit_name}，办结期限 {sub.due_date}")
        lines += [f"⚠ {w}" for w in result.warnings]
        lines += [f"✗ 文书“{d}”生成失败：{e}" for d, e in done.paper_errors.items()]
        self.status.showMessage(f"已提交 {result.case_no}", 10000)
        self.show_papers(result.case_no, "\n".join(lines), done.papers)
        self.applicant.clear()
        self.accept.reset()
        self.refresh_cases()
        self.queue.refresh()  # shows the cases linked to the ticket
        self.rating.after_submit(result)  # by itself when the setting rating_auto is on

    def _submit_failed(self, exc: BaseException) -> None:
        self.accept._set_enabled()
        if isinstance(exc, ApplicationError):
            self.accept.message.setText("请更正：\n" + "\n".join(e.message for e in exc.errors))
            return
        log.error("submit failed: %s", getattr(exc, "__traceback_text__", exc))
        self.accept.message.setText(user_message(exc))

    def show_papers(self, case_no: str, summary: str, papers: dict) -> None:
        dialog = PapersDialog(
            case_no, summary, papers, self.runner, self.rt.settings.cases.a4_printer, self
        )
        dialog.setModal(False)
        dialog.show()  # owned by the window until closed, then deleted (WA_DeleteOnClose)

    def reprint_last(self) -> None:
        if self.last_submitted is not None:
            r = self.last_submitted.result
            self.show_papers(r.case_no, f"办件编号 {r.case_no}", self.last_submitted.papers)

    def open_case_papers(self, case_no: str) -> None:
        self.ctx.call(
            lambda rt: cases.write_case_papers(rt, case_no),
            lambda res: self.show_papers(case_no, f"办件编号 {case_no}", res.papers),
            runner=self.runner,
        )

    # -- cases list ---------------------------------------------------------------------
    def refresh_cases(self) -> None:
        self._case_loads += 1
        load_no = self._case_loads

        def loaded(rows: list[CaseRow]) -> None:
            if load_no == self._case_loads:  # an older load that finished last is stale
                self.cases.show_rows(rows)

        self.ctx.call(cases.desk_cases, loaded, runner=self.runner)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.timer.stop()
        QApplication.instance().removeEventFilter(self.wedge)
        self.rating.detach()
        self.runner.wait_idle(10_000)
        super().closeEvent(event)

