"""The teller workstation (综合柜员): applicant on the left, one flow in the centre,
today's cases on the right. Every action has a key; nothing blocks the window.

One visit is one applicant: a newly called ticket starts with an empty applicant,
form and materials (asking first when something typed would be lost). What matters
is said on the message line under the queue strip. An unfinished visit is kept as a
draft file while it is typed and offered again when the window starts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.application import ApplicantInput, ApplicationError, FieldError
from counter_app.domain.clock import local
from counter_app.domain.masking import mask_id
from counter_app.domain.roles import Permission
from counter_app.usecases import drafts
from ui.bridge.keys import function_key
from ui.bridge.rating_hook import RatingHook
from ui.bridge.tasks import TaskRunner
from ui.bridge.wedge_filter import WedgeFilter
from ui.context import AppContext
from ui.lazy import lazy_module
from ui.panels.accept import AcceptPanel
from ui.panels.applicant import ApplicantPanel, CardData
from ui.panels.cases import CasesPanel
from ui.panels.device_lights import DeviceLights
from ui.panels.elided import ElidedLabel
from ui.panels.message_line import MessageKind, MessageLine
from ui.panels.papers import PapersDialog
from ui.panels.queue import QueuePanel
from ui.panels.reject import RejectDialog

if TYPE_CHECKING:
    from counter_app.services.caseviews import CaseRow
    from counter_app.usecases import cases, errors
    from counter_app.usecases.cases import Submitted
else:  # SQLAlchemy and the services: loaded by the worker that first runs a use case
    cases = lazy_module("counter_app.usecases.cases")
    errors = lazy_module("counter_app.usecases.errors")

log = logging.getLogger(__name__)
REFRESH_MS = 30_000
DRAFT_MS = 600  # a draft is written this long after the last key
SETTINGS_KEY = "Ctrl+Shift+S"


class TellerWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt, self.user, self.devices = ctx.rt, ctx.actor, ctx.devices
        rt, user = self.rt, self.user
        self.hub = ctx.hub
        self.devices_pending = False  # the devices come after the window (attach_devices)
        self.runner = TaskRunner(self)
        # the draft file written off the GUI thread (fsync), one job at a time, in the
        # order asked: a discard after submit is never overtaken by an older save
        self.draft_runner = TaskRunner(self, max_threads=1)
        self.last_submitted: Submitted | None = None
        self._case_loads = 0
        self._visit_ticket: int | None = None
        self._quitting = False
        self._draft_ticket: int | None = None
        # cards not to take unasked: declined this visit, or the last visit's (a card
        # left on the reader is reported again; F5 takes it all the same)
        self._quiet_cards: set[str] = set()
        self._card_asked = False
        self.reject_dialog: RejectDialog | None = None  # 不予受理's reason, while open
        self.pending_question: QMessageBox | None = None  # the question open now (tests)
        self.detail_dialog: QWidget | None = None
        self.settings_dialog: QWidget | None = None
        self.draft_store = drafts.draft_store(rt, user)
        self._draft_ready = False  # no saving before the old draft was offered
        window_no = rt.settings.hall.window_no
        self.setWindowTitle(f"快办柜台 · {window_no}号窗口 · {user.name}")
        self._fit_screen()

        central = QWidget()
        root = QVBoxLayout(central)
        root.setContentsMargins(6, 4, 6, 4)
        root.setSpacing(4)
        top = QHBoxLayout()
        self.title = ElidedLabel(  # a long hall name gives way at 1280 px
            f"{window_no}号窗口 · {user.name}({user.staff_no}) · {rt.settings.hall.name}",
            minimum=200,
        )
        self.title.setObjectName("topbar")
        self.clock_label = QLabel("")
        self.lights = DeviceLights()
        self.rating = RatingHook(self, self)  # 好差评: F8 请评价
        top.addWidget(self.title, 1)  # takes the room there is; "…" only when short
        top.addWidget(self.rating.label)
        top.addSpacing(12)
        top.addWidget(self.clock_label)
        top.addSpacing(12)
        top.addWidget(self.lights)
        root.addLayout(top)
        self.queue = QueuePanel(ctx, self.runner)  # F1 叫号 … F7 办结
        root.addWidget(self.queue)
        self.message_line = MessageLine()
        root.addWidget(self.message_line)

        self.applicant = ApplicantPanel()
        applicant_scroll = QScrollArea()  # the agent's rows may not fit a low screen
        applicant_scroll.setWidgetResizable(True)
        applicant_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        applicant_scroll.setWidget(self.applicant)
        applicant_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        applicant_scroll.setMinimumWidth(300)  # an address of 20 characters shows whole
        self.accept = AcceptPanel(rt.deps.catalogue, rt.deps.calendar, rt.deps.clock)
        self.cases = CasesPanel()
        self.cases.setMinimumWidth(240)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(applicant_scroll)
        splitter.addWidget(self.accept)
        splitter.addWidget(self.cases)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 700, 300])
        self.splitter = splitter
        root.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.status = self.statusBar()
        self.runner.on_failure(lambda text: self.show_message(text, MessageKind.ERROR))

        self.applicant.changed.connect(self._applicant_changed)
        self.applicant.read_card_requested.connect(self.read_card)
        self.accept.changed.connect(self._visit_edited)
        self.accept.accept_requested.connect(lambda: self.submit("accept"))
        self.accept.supplement_requested.connect(lambda: self.submit("supplement"))
        self.accept.reject_requested.connect(self.reject)
        self.cases.case_opened.connect(self.open_case)
        self.queue.ticket_changed.connect(self._ticket_changed)
        self._keys()
        self._menu()
        self._attach_devices()

        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_MS)
        self.draft_timer.timeout.connect(self.save_draft)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh_cases)
        self.timer.start(REFRESH_MS)
        self.tick = QTimer(self)
        self.tick.timeout.connect(self._tick)
        self.tick.start(1000)
        self._tick()
        self.refresh_cases()
        self.accept.search.edit.setFocus()
        QTimer.singleShot(0, self._offer_draft)

    def _fit_screen(self) -> None:
        """Never larger than the screen's free area (the app shows it maximized)."""
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1366, 768)
            return
        area = screen.availableGeometry()
        self.resize(min(1366, area.width()), min(768, area.height()))

    # -- keys and menu --------------------------------------------------------------
    def _keys(self) -> None:
        bindings = {
            "Ctrl+F": lambda: self.accept.search.edit.setFocus(),
            "Ctrl+Return": lambda: self.submit("accept"),
            "Ctrl+Enter": lambda: self.submit("accept"),
            "Ctrl+G": lambda: self.submit("supplement"),
            "Ctrl+J": self.reject,
            "Ctrl+N": self.new_applicant,
            "Ctrl+L": lambda: self.applicant.id_number.setFocus(),
            "Ctrl+M": self.accept.materials.focus_table,
            "Ctrl+E": self.accept.message.flip,
            "Ctrl+Shift+P": self.reprint_last,
        }
        for key, slot in bindings.items():
            QShortcut(QKeySequence(key), self, activated=slot)
        # F-keys work in the dialogs opened from the window too (ui.bridge.keys)
        function_key(self, "F5", self.read_card)
        function_key(self, "F9", self.refresh_cases)

    def _menu(self) -> None:
        menu = self.menuBar().addMenu("办件(&C)")
        for text, key, slot in (
            ("新申请人", "Ctrl+N", self.new_applicant),
            ("重打上一件文书", "Ctrl+Shift+P", self.reprint_last),
            ("刷新办件列表", "F9", self.refresh_cases),
            ("退出", "Alt+F4", self.close_asking),
        ):
            action = QAction(f"{text}\t{key}", self)
            action.triggered.connect(slot)
            menu.addAction(action)
        QShortcut(QKeySequence("Alt+F4"), self, activated=self.close_asking)
        admin = self.menuBar().addMenu("管理(&A)")
        action = QAction(f"设置…\t{SETTINGS_KEY}", self)
        action.triggered.connect(self.open_settings)
        action.setEnabled(self.user.can(Permission.CHANGE_SETTINGS))
        admin.addAction(action)
        QShortcut(QKeySequence(SETTINGS_KEY), self, activated=self.open_settings)

    # -- what the rating hook asks of the window (ui.bridge.rating_hook.RatingHost) ----
    @property
    def settings(self):  # type: ignore[no-untyped-def]
        return self.rt.settings

    def current_ticket_id(self) -> int | None:
        return self.queue.current_ticket_id

    def last_case_no(self) -> str | None:
        return self.last_submitted.result.case_no if self.last_submitted else None

    def show_message(self, text: str, kind: MessageKind | str | bool = MessageKind.INFO,
                     good: bool | None = None) -> None:
        """On the message line under the queue strip (and the status bar). The rating
        hook passes `good=` (RatingHost) instead of a kind."""
        if good is not None:
            kind = good
        if isinstance(kind, bool):
            kind = MessageKind.OK if kind else MessageKind.INFO
        self.message_line.show_message(text, kind)
        self.status.showMessage(text, 15000)

    def _tick(self) -> None:
        self.clock_label.setText(local(self.rt.deps.clock()).strftime("%Y-%m-%d %H:%M"))

    # -- questions (never modal loops: Enter answers yes, Esc no) ----------------------
    def ask(self, title: str, text: str, yes: str, no: str,
            on_yes: Callable[[], Any], on_no: Callable[[], Any] | None = None) -> None:
        if self.pending_question is not None:
            self.pending_question.done(QMessageBox.StandardButton.No)
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(f"{yes}（Enter）")
        box.button(QMessageBox.StandardButton.No).setText(f"{no}（Esc）")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setEscapeButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(code: int) -> None:
            if self.pending_question is box:
                self.pending_question = None
            self.activateWindow()  # the keys go back to the window
            if code == QMessageBox.StandardButton.Yes:
                on_yes()
            elif on_no is not None:
                on_no()

        box.finished.connect(finished)
        self.pending_question = box
        box.open()

    # -- one visit = one applicant ------------------------------------------------------
    def has_work(self) -> bool:
        """Something typed or chosen for the visit (kept as a draft)."""
        return not self.applicant.is_empty() or self.accept.has_work()

    def half_filled(self) -> bool:
        """Would a reset lose typing? (An applicant read from a card is read again.)"""
        return self.accept.has_work() or not (
            self.applicant.is_empty() or self.applicant.from_card())

    def _ticket_changed(self, view: Any) -> None:
        ticket = getattr(view, "id", None) if view is not None else None
        if ticket is None or ticket == self._visit_ticket:
            return
        self._visit_ticket = ticket
        if ticket == self._draft_ticket:
            return  # the visit restored from the draft goes on
        number = getattr(view, "number", "")
        if not self.half_filled():
            self.clear_visit()
            return
        self.ask("新的办理", f"已叫号 {number}。上一位申请人的内容尚未提交，清空后开始新的办理？",
                 "清空", "保留", self.clear_visit)

    def clear_visit(self) -> None:
        """Applicant, item, situations, form and materials empty; the draft gone."""
        if self.devices is not None:
            self.devices.forget_card()
        self._quiet_cards = set()
        self.applicant.clear()
        self.accept.reset()
        self.draft_timer.stop()
        self._draft_job(drafts.discard_draft)
        self.applicant.id_number.setFocus()

    def new_applicant(self) -> None:
        if self.half_filled():
            self.ask("新申请人", "当前内容尚未提交，清空后录入新申请人？", "清空", "保留",
                     self.clear_visit)
            return
        self.clear_visit()

    # -- drafts ------------------------------------------------------------------------
    def _visit_edited(self) -> None:
        if self._draft_ready:
            self.draft_timer.start()

    def draft(self) -> dict[str, Any]:
        return {"applicant": self.applicant.snapshot(), "visit": self.accept.snapshot(),
                "ticket_id": self.queue.current_ticket_id}

    def save_draft(self) -> None:
        self.draft_timer.stop()
        if self.has_work():
            data = self.draft()  # read from the widgets here, written on the draft thread
            self._draft_job(lambda store: drafts.save_draft(store, data))
        else:
            self._draft_job(drafts.discard_draft)

    def _draft_job(self, job: Callable[[Any], object]) -> None:
        store = self.draft_store
        self.draft_runner.run(lambda: job(store), None, self._draft_failed)

    def _draft_failed(self, exc: BaseException) -> None:
        log.error("draft not saved: %s", exc)
        self.show_message(f"草稿未能保存：{exc}", MessageKind.WARN)

    def _offer_draft(self) -> None:
        store = self.draft_store
        self.draft_runner.run(lambda: drafts.load_draft(store), self._draft_loaded,
                              self._draft_unread)

    def _draft_unread(self, exc: BaseException) -> None:
        log.error("draft not read: %s", exc)
        self._draft_ready = True

    def _draft_loaded(self, data: dict[str, Any] | None) -> None:
        if not data:
            self._draft_ready = True
            return
        person = data.get("applicant", {})
        who = person.get("name") or mask_id(person.get("id_number", "")) or "（未填申请人）"
        self.ask("恢复未提交的办理", f"上次有一件未提交的办理（申请人 {who}）。恢复它？",
                 "恢复", "丢弃", lambda: self.restore_draft(data), self._drop_draft)

    def restore_draft(self, data: dict[str, Any]) -> None:
        self.applicant.restore(data.get("applicant") or {})
        self.accept.restore(data.get("visit") or {})
        self._draft_ticket = data.get("ticket_id")
        self._draft_ready = True
        self.show_message("已恢复上次未提交的办理", MessageKind.OK)
        # go on where the visit stopped, not in the search box (its list would open
        # and a second Enter would choose another item over the restored one)
        if self.applicant.is_empty():
            self.applicant.id_number.setFocus()
        elif self.accept.items:
            self.accept.focus_next_empty()
        else:
            self.accept.search.edit.setFocus()

    def _drop_draft(self) -> None:
        self._draft_job(drafts.discard_draft)
        self._draft_ready = True
        self.applicant.id_number.setFocus()

    # -- applicant ------------------------------------------------------------------
    def _applicant_changed(self) -> None:
        person = self.applicant.applicant()
        self.accept.set_applicant(person)
        if self.accept.errors:
            still = {e.field for e in self.applicant.problems()}
            self.accept.drop_errors(still, "applicant.")
            self.accept.drop_errors(still, "agent")
        self._visit_edited()
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
        if self.devices is not None:
            self._connect_devices()

    def expect_devices(self) -> None:
        """The devices start once the window is up (the demo's simulators): until
        `attach_devices`, the lights and F5 say they are connecting."""
        self.devices_pending = True
        for key in self.lights.labels:
            self.lights.set_state(key, "offline", "正在连接…")

    def attach_devices(self, devices: Any) -> None:
        """The device controller, started after the window was shown (or None: the
        devices could not start, the lights stay 未连接)."""
        self.devices_pending = False
        self.devices = self.ctx.devices = devices
        self.hub = self.ctx.hub
        if devices is None:
            for key in self.lights.labels:
                self.lights.set_state(key, "offline", "未连接")
            return
        self._connect_devices()
        for kind, status in devices.hub.statuses().items():  # started before we listened
            self.lights.set_state(kind, status.state.value, status.reason)

    def _connect_devices(self) -> None:
        assert self.devices is not None
        self.devices.status_changed.connect(self.lights.set_state)
        self.devices.card_read.connect(self._card_read)
        self.devices.card_failed.connect(self._card_failed)

    def _code_scanned(self, code: str) -> None:
        if not self.isActiveWindow():
            return
        if self.devices is None and self.devices_pending:
            self.show_message("外设正在连接，请稍候再扫码", MessageKind.WARN)
            return
        if self.devices is None:
            self.show_message("扫码：未配置电子社保卡解码服务", MessageKind.WARN)
            return
        self.show_message("正在识别电子社保卡…")
        self.devices.resolve_code(code)

    def read_card(self) -> None:
        if self.devices is None and self.devices_pending:
            self.show_message("外设正在连接，请稍候再按 F5", MessageKind.WARN)
            return
        if self.devices is None or not self.devices.read_card():
            self.show_message("未配置读卡器：请在配置中设置 idcard_port，或手工录入",
                              MessageKind.WARN)
            return
        self._card_asked = True
        self.show_message("正在读卡，请将证件放在读卡器上…")

    def _card_read(self, card: CardData) -> None:
        """A card fills an empty panel (or one a card filled); a hand-typed applicant
        is replaced only when the teller says so. The cursor stays where it is."""
        if self.applicant.applicant().id_number == card.id_number:
            return  # the same card read again: leave what the teller typed and the focus
        asked, self._card_asked = self._card_asked, False
        if card.id_number in self._quiet_cards and not asked:
            return  # still on the reader after its visit, or declined: F5 takes it
        if self.applicant.is_empty() or self.applicant.from_card():
            self._take_card(card)
            return
        typed = self.applicant.name.text().strip() or mask_id(self.applicant.id_number.text())
        self.ask("读卡", f"读卡器上的{card.source}（{card.name} {mask_id(card.id_number)}）"
                 f"将替换手工录入的申请人“{typed}”。替换？", "替换", "保留",
                 lambda: self._take_card(card),
                 lambda: self._quiet_cards.add(card.id_number))

    def _take_card(self, card: CardData) -> None:
        self.applicant.fill_from_card(card)
        mismatch = self.applicant.card_mismatch()
        if mismatch:
            self.show_message(f"已读取{card.source}：{card.name}。{mismatch}", MessageKind.WARN)
        else:
            self.show_message(f"已读取{card.source}：{card.name}", MessageKind.OK)

    def _card_failed(self, reason: str) -> None:
        self._card_asked = False
        self.show_message(f"读卡：{reason}", MessageKind.WARN)

    # -- submit -----------------------------------------------------------------------
    def submit(self, outcome: str, reason: str = "") -> None:
        if not self.accept.items:
            self.accept.message.setText("请先搜索并选择办理事项（Ctrl+F）")
            self.accept.search.edit.setFocus()
            return
        if self.runner.busy and not self.accept.accept_button.isEnabled():
            return
        dates = self.accept.form.date_problems()
        if dates:
            self._show_errors([FieldError(f"form.{k}", m) for k, m in dates])
            return
        app = self.accept.application(self.form_backed_applicant())
        app.agent = self.applicant.agent()
        self.accept.message.setText("正在提交…")
        for button in (
            self.accept.accept_button,
            self.accept.supplement_button,
            self.accept.reject_button,
        ):
            button.setEnabled(False)
        command = cases.SubmitApplication(self.user, app, cases.Outcome(outcome), reason,
                                          ticket_id=self.queue.current_ticket_id)
        self.ctx.call(lambda rt: cases.submit_application(rt, command), self._submitted,
                      self._submit_failed, runner=self.runner)

    def form_backed_applicant(self) -> ApplicantInput:
        """The applicant, with a phone or address typed only in the form (a card
        carries no phone: the teller types it where the cursor is) taken over, so the
        applicant record and the papers have it too."""
        person = self.applicant.applicant()
        if person.is_unit:
            return person
        typed = {m.field.prefill: self.accept.form.values().get(m.field.key, "")
                 for m in self.accept.form.fields}
        return replace(person, phone=person.phone or typed.get("applicant.phone", ""),
                       address=person.address or typed.get("applicant.address", ""))

    def reject(self) -> None:
        if not self.accept.items:
            return
        # preset reasons with their legal wording, a digit chooses (ui.panels.reject);
        # opened, not exec'd: the window's event loop stays flat
        self.reject_dialog = RejectDialog(self)
        self.reject_dialog.chosen.connect(lambda reason: self.submit("reject", reason))
        self.reject_dialog.finished.connect(lambda _code: self.activateWindow())
        self.reject_dialog.destroyed.connect(lambda *_: setattr(self, "reject_dialog", None))
        self.reject_dialog.open()
        self.reject_dialog.activateWindow()  # the digits go to the reasons, not the form
        self.reject_dialog.list.setFocus()

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
        self.show_message(f"已提交 {result.case_no} {result.title}", MessageKind.OK)
        self.show_papers(result.case_no, "\n".join(lines), done.papers)
        served = self.applicant.applicant().id_number
        self.clear_visit()
        if served:  # the card may still lie on the reader: not the next visit's
            self._quiet_cards.add(served)
        self.refresh_cases()
        self.queue.refresh()  # shows the cases linked to the ticket
        self.rating.after_submit(result)  # by itself when the setting rating_auto is on

    def _submit_failed(self, exc: BaseException) -> None:
        self.accept._set_enabled()
        if isinstance(exc, ApplicationError):
            self._show_errors(exc.errors)
            return
        log.error("submit failed: %s", getattr(exc, "__traceback_text__", exc))
        self.accept.message.setText(errors.user_message(exc))
        self.show_message(errors.user_message(exc), MessageKind.ERROR)

    def _show_errors(self, errors: list[FieldError]) -> None:
        """The list (folded under its first line), every wrong field outlined, the
        cursor in the first one."""
        self.accept.show_errors(errors)
        self.applicant.highlight(errors)
        self.show_message(f"请更正 {len(errors)} 处后再提交", MessageKind.ERROR)
        for error in errors:
            widget = self.applicant.widget_for(error.field)
            if widget is not None:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            if self.accept.focus_error(error):
                return

    def show_papers(self, case_no: str, summary: str, papers: dict) -> None:
        dialog = PapersDialog(
            case_no, summary, papers, self.runner, self.rt.settings.cases.a4_printer, self
        )
        dialog.setModal(False)
        dialog.finished.connect(lambda _r: self.activateWindow())  # keys back to the window
        dialog.show()  # owned by the window until closed, then deleted (WA_DeleteOnClose)

    def reprint_last(self) -> None:
        if self.last_submitted is not None:
            r = self.last_submitted.result
            self.show_papers(r.case_no, f"办件编号 {r.case_no}", self.last_submitted.papers)

    def open_case(self, case_no: str) -> None:
        """Enter or double-click on a case: its detail (容缺 supply, papers, history)."""
        from ui.windows.case_detail import CaseDetailDialog

        dialog = CaseDetailDialog(self.ctx, self.runner, case_no, self)
        dialog.changed.connect(lambda _no: self.refresh_cases())
        self.detail_dialog = dialog

    def open_case_papers(self, case_no: str) -> None:
        self.ctx.call(
            lambda rt: cases.write_case_papers(rt, case_no),
            lambda res: self.show_papers(case_no, f"办件编号 {case_no}", res.papers),
            runner=self.runner,
        )

    def open_settings(self) -> None:
        from ui.windows.settings_dialog import open_settings

        self.settings_dialog = open_settings(self.ctx, self)

    # -- cases list ---------------------------------------------------------------------
    def refresh_cases(self) -> None:
        self._case_loads += 1
        load_no = self._case_loads

        def loaded(rows: list[CaseRow]) -> None:
            if load_no == self._case_loads:  # an older load that finished last is stale
                self.cases.show_rows(rows)

        self.ctx.call(lambda rt: cases.desk_cases(rt), loaded, runner=self.runner)

    # -- closing ------------------------------------------------------------------------
    def close_asking(self) -> None:
        """Alt+F4 or 退出: with a half-filled visit, ask first (the draft stays)."""
        if not self.half_filled():
            self._quit()
            return
        self.ask("退出", "当前办理尚未提交。退出吗？（已保存为草稿，下次启动时可恢复）",
                 "退出", "返回", self._quit)

    def _quit(self) -> None:
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if event.spontaneous() and not self._quitting and self.half_filled():
            event.ignore()  # the window manager's close (Alt+F4, the title bar's ×)
            self.close_asking()
            return
        if self._draft_ready:
            self.save_draft()  # whatever was typed in the last moment
        self.timer.stop()
        self.draft_timer.stop()
        self.draft_runner.wait_idle(10_000)  # on disk before the window goes
        QApplication.instance().removeEventFilter(self.wedge)
        self.rating.detach()
        self.runner.wait_idle(10_000)
        super().closeEvent(event)
