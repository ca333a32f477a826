"""The ticket kiosk (`counter-app kiosk`): full screen, large touch targets. Touch a
category (with how many wait) to take a number, or read an ID card first (the
ticket is linked to the person, shown masked; card holders of the configured age
get a priority number). The slip prints in the background; a printer fault is said
plainly on the screen, with the number, so nobody loses their place.

An ESC/POS slip printer (serial, TCP, file) is owned by a printer driver on its own
thread: a light shows its state, a slip that does not print is kept in the spool
folder (it survives a restart) and prints by itself once the printer is fit again,
and while slips wait a staff alert (e.g. 打印机缺纸，请工作人员处理) names their
numbers. A `pdf:` printer goes through the system's print queue instead."""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.config import data_dir
from counter_app.domain.masking import mask_id, mask_name
from counter_app.domain.queue import PRIORITY_REASONS, QueueError
from counter_app.services.queue import Hall, Taken
from counter_app.services.queue_views import HallSnapshot
from counter_app.usecases import queue
from devices.base import DeviceEvent
from devices.escpos.driver import PrintJobDone, PrintJobFailed, PrintJobsWaiting
from devices.hub import DeviceHub
from printing.slip import SlipPrinted, escpos_bytes
from ui.bridge.devices import DeviceController
from ui.bridge.hall_watch import HallWatch
from ui.bridge.tasks import TaskRunner
from ui.context import AppContext
from ui.panels.applicant import CardData
from ui.panels.hall_header import HallHeader

log = logging.getLogger(__name__)
RESULT_SECONDS = 10
CARD_SECONDS = 30
SLIP_TITLE = "号票 "  # + number: the spool job's title
ALERT_NUMBERS = 8  # waiting slip numbers named in the staff alert
WAITING_COLOUR = "#0b4f9c"
LIGHT_COLOURS = {"online": "#1b7f3b", "offline": "#6b7280", "error": "#c62828"}

CardSource = Callable[[], CardData]

KIOSK_STYLE = """
#kiosk { background: #eef3f9; }
#head { background: #0b4f9c; }
#hall { color: white; font-size: 38px; font-weight: bold; }
#clock { color: #dbe6f3; font-size: 30px; }
#prompt { color: #12263f; font-size: 52px; font-weight: bold; }
#banner { color: #0b4f9c; background: #dcebfb; border-radius: 12px; font-size: 34px;
          padding: 10px 24px; }
QPushButton#category { background: white; border: 3px solid #b8cde6; border-radius: 22px; }
#catName { color: #12263f; font-size: 58px; font-weight: bold; }
#catPrefix { color: #0b4f9c; font-size: 28px; }
#catWaiting { color: #4b5d73; font-size: 34px; }
QPushButton#category:pressed { background: #dcebfb; border-color: #0b4f9c; }
QPushButton#category:disabled { color: #9aa8b8; }
#prioLabel { color: #12263f; font-size: 32px; }
QPushButton#prio { background: white; color: #7a4b00; border: 3px solid #e2c48f;
          border-radius: 16px; font-size: 32px; padding: 12px 28px; min-width: 150px; }
QPushButton#prio:checked { background: #f6a200; color: white; border-color: #c47f00; }
#hint { color: #4b5d73; font-size: 26px; }
QPushButton#card { background: #0b4f9c; color: white; border-radius: 18px; font-size: 36px;
          padding: 18px 40px; }
QPushButton#card:disabled { background: #8aa6c8; }
#yourNumber { color: #12263f; font-size: 48px; }
#bigNumber { color: #0b4f9c; font-size: 220px; font-weight: bold; }
#resultCategory { color: #12263f; font-size: 52px; }
#ahead { color: #12263f; font-size: 48px; }
#printState { color: #1b7f3b; font-size: 36px; }
#printState[state="note"] { color: #8a5300; font-weight: bold; }
#printState[state="bad"] { color: #c62828; font-weight: bold; }
QPushButton#back { background: #0b4f9c; color: white; border-radius: 18px; font-size: 38px;
          padding: 18px 80px; }
#error { color: #c62828; font-size: 32px; }
#printerBar { background: #eef3f9; }
#printerLight { color: #4b5d73; font-size: 24px; }
#staffAlert { color: white; background: #c62828; border-radius: 10px; font-size: 32px;
          font-weight: bold; padding: 8px 24px; }
"""


def scaled_style(style: str, factor: float) -> str:
    """The style sheet with every pixel size times `factor` (borders stay ≥ 1 px)."""
    return re.sub(r"(\d+)px", lambda m: f"{max(1, round(int(m.group(1)) * factor))}px", style)


class CategoryButton(QPushButton):
    """A large touch target: the category's name, its letter, and who waits."""

    def __init__(self, prefix: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("category")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # taller when the screen has the room (no empty band under the buttons)
        self.scale(1.0)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(f"{prefix} {name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        self.name = QLabel(name)
        self.name.setObjectName("catName")
        self.prefix = QLabel(f"{prefix} 类")
        self.prefix.setObjectName("catPrefix")
        self.waiting = QLabel("")
        self.waiting.setObjectName("catWaiting")
        self.waiting.setTextFormat(Qt.TextFormat.RichText)
        for w in (self.name, self.prefix, self.waiting):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(w)

    def scale(self, factor: float) -> None:
        """Large on a full-HD kiosk (1.0), smaller on a smaller screen."""
        self.setMinimumSize(round(380 * factor), round(190 * factor))
        self.setMaximumSize(round(580 * factor), round(320 * factor))

    def set_waiting(self, n: int) -> None:
        """How many wait, in the brand's blue: a count is news, not an alarm (red
        on this screen means a problem: a printer fault, a failed take)."""
        if n:
            self.waiting.setText(f"等候 <b style='color:{WAITING_COLOUR}'>{n}</b> 人")
        else:
            self.waiting.setText("当前无人等候")


class KioskWindow(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        card_source: CardSource | None = None,
        printer: str | None = None,
        watch: bool = True,
        spool_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        rt = self.rt = ctx.rt
        self.card_source = card_source
        self.printer = (rt.settings.devices.slip_printer if printer is None else printer).strip()
        self.spool_dir = Path(spool_dir) if spool_dir is not None else data_dir() / "print-spool"
        self.hall = Hall.of(rt.settings, rt.deps.clock)
        self.runner = TaskRunner(self)
        self.card: CardData | None = None
        self.last_taken: Taken | None = None
        self.last_printed: SlipPrinted | None = None
        self.category_buttons: dict[str, CategoryButton] = {}
        self._busy = False
        # The slip printer's driver (ESC/POS printers), its state and the slips waiting.
        self.slip_printer: DeviceController | None = None
        self.printer_state: tuple[str, str] = ("offline", "未启动")
        self.waiting_slips: tuple[str, ...] = ()
        self._slip_jobs: dict[str, str] = {}  # job id → number, slips of this run
        self._early_outcomes: dict[str, SlipPrinted] = {}  # results before the id came back
        self._current_job = ""
        self.setObjectName("kiosk")
        self.setWindowTitle("快办柜台 · 自助取号")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.style_scale = 1.0
        self.setStyleSheet(KIOSK_STYLE)
        self._build()
        screen = QGuiApplication.primaryScreen()
        if screen is not None:  # the whole screen, even where no window manager
            room = screen.geometry()  # makes "full screen" so (a bare X server)
            self._rescale(room.width(), room.height())
            self.setGeometry(room)
        QShortcut(QKeySequence("Esc"), self, activated=self.back_to_start)

        self.result_timer = QTimer(self)
        self.result_timer.timeout.connect(self._count_down)
        self.card_timer = QTimer(self)
        self.card_timer.setSingleShot(True)
        self.card_timer.timeout.connect(self.forget_card)
        self.watch = HallWatch(rt, self, idle_refresh=10.0)
        self.watch.changed.connect(self.show_counts)
        if watch:
            self.watch.start()
        self._start_printer()

    # -- layout -------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.header = HallHeader(
            self.rt.settings.hall.name, self.rt.deps.clock, seconds=False, margins=(36, 16)
        )
        self.clock = self.header.clock
        root.addWidget(self.header)
        root.addWidget(self._printer_bar())
        self.pages = QStackedWidget()
        self.pages.addWidget(self._choose_page())
        self.pages.addWidget(self._result_page())
        root.addWidget(self.pages, 1)

    def _printer_bar(self) -> QWidget:
        """The staff alert (shown while the printer is unfit or slips wait) and the
        printer light; on every page, so a waiting number stays on screen."""
        bar = QWidget()
        bar.setObjectName("printerBar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(36, 8, 36, 0)
        self.staff_alert = QLabel("")
        self.staff_alert.setObjectName("staffAlert")
        self.staff_alert.setWordWrap(True)
        self.staff_alert.hide()
        self.printer_light = QLabel("")
        self.printer_light.setObjectName("printerLight")
        self.printer_light.setTextFormat(Qt.TextFormat.RichText)
        self.printer_light.setVisible(bool(self.printer))
        layout.addWidget(self.staff_alert, 1)
        layout.addStretch(0)
        layout.addWidget(self.printer_light, 0, Qt.AlignmentFlag.AlignRight)
        return bar

    def _choose_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(60, 30, 60, 30)
        layout.setSpacing(22)
        self.prompt = QLabel("请选择办理业务")
        self.prompt.setObjectName("prompt")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.prompt)
        self.banner = QLabel("")
        self.banner.setObjectName("banner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.hide()
        layout.addWidget(self.banner, 0, Qt.AlignmentFlag.AlignHCenter)

        cats = self.hall.rules.categories
        columns = 3 if len(cats) > 4 else 2
        rows = QVBoxLayout()
        rows.setSpacing(28)
        for start in range(0, len(cats), columns):
            row = QHBoxLayout()
            row.setSpacing(28)
            row.addStretch(0)  # the buttons take the width first (up to their maximum)
            for cat in cats[start : start + columns]:
                button = CategoryButton(cat.prefix, cat.name)
                button.clicked.connect(lambda _=False, p=cat.prefix: self.take(p))
                self.category_buttons[cat.prefix] = button
                row.addWidget(button, 1)
            row.addStretch(0)
            rows.addLayout(row, 1)
        layout.addLayout(rows, 1)

        prio = QHBoxLayout()
        prio.setSpacing(18)
        label = QLabel("优先通道：")
        label.setObjectName("prioLabel")
        prio.addStretch(1)
        prio.addWidget(label)
        self.priority_group = QButtonGroup(self)
        self.priority_group.setExclusive(False)
        self.priority_buttons: dict[str, QPushButton] = {}
        for reason in PRIORITY_REASONS[:-1]:  # 其他 is for the staff at the desk
            b = QPushButton(reason)
            b.setObjectName("prio")
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.toggled.connect(lambda on, r=reason: self._priority_toggled(r, on))
            self.priority_group.addButton(b)
            self.priority_buttons[reason] = b
            prio.addWidget(b)
        prio.addStretch(1)
        layout.addLayout(prio)
        self.prio_hint = QLabel("选择优先通道后请向工作人员出示相关证件")
        self.prio_hint.setObjectName("hint")
        self.prio_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.prio_hint)

        bottom = QHBoxLayout()
        self.card_button = QPushButton("刷身份证取号")
        self.card_button.setObjectName("card")
        self.card_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.card_button.clicked.connect(self.read_card)
        self.card_button.setVisible(self.card_source is not None)
        age = self.hall.rules.priority_age
        self.card_hint = card_hint = QLabel(
            f"刷身份证取号：{age} 周岁以上自动优先" if age else "刷身份证取号可关联本人信息"
        )
        card_hint.setObjectName("hint")
        card_hint.setVisible(self.card_source is not None)
        self.error = QLabel("")
        self.error.setObjectName("error")
        bottom.addStretch(1)
        bottom.addWidget(self.card_button)
        bottom.addSpacing(20)
        bottom.addWidget(card_hint)
        bottom.addStretch(1)
        layout.addLayout(bottom)
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.error)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(60, 40, 60, 50)
        layout.setSpacing(10)
        self.your = QLabel("您的号码")
        self.your.setObjectName("yourNumber")
        self.number = QLabel("")
        self.number.setObjectName("bigNumber")
        self.result_category = QLabel("")
        self.result_category.setObjectName("resultCategory")
        self.ahead = QLabel("")
        self.ahead.setObjectName("ahead")
        self.print_state = QLabel("")
        self.print_state.setObjectName("printState")
        self.print_state.setWordWrap(True)
        self.back = QPushButton("返回")
        self.back.setObjectName("back")
        self.back.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back.clicked.connect(self.back_to_start)
        layout.addStretch(1)
        for w in (self.your, self.number, self.result_category, self.ahead, self.print_state):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(self.back, 0, Qt.AlignmentFlag.AlignHCenter)
        return page

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        """Sizes drawn for 1920×1080, scaled down on a smaller screen (a 1366×768
        kiosk shows everything, smaller), in steps so a resize does not re-style
        for every pixel."""
        super().resizeEvent(event)
        self._rescale(self.width(), self.height())

    def _rescale(self, width: int, height: int) -> None:
        factor = min(width / 1920, height / 1080, 1.0)
        factor = max(0.55, math.floor(factor * 20) / 20)
        if factor != self.style_scale:
            self.style_scale = factor
            self.setStyleSheet(scaled_style(KIOSK_STYLE, factor))
            for button in self.category_buttons.values():
                button.scale(factor)

    # -- counts ---------------------------------------------------------------------
    def show_counts(self, snap: HallSnapshot) -> None:
        for prefix, button in self.category_buttons.items():
            button.set_waiting(snap.waiting.get(prefix, 0))

    def refresh_now(self) -> None:
        """Read the counts now (in the background; shown when they arrive)."""
        self.ctx.call(queue.hall_snapshot, self.show_counts, runner=self.runner)

    # -- priority and card ----------------------------------------------------------
    def _priority_toggled(self, reason: str, on: bool) -> None:
        if on:
            for other, b in self.priority_buttons.items():
                if other != reason and b.isChecked():
                    b.setChecked(False)

    @property
    def priority_reason(self) -> str:
        return next((r for r, b in self.priority_buttons.items() if b.isChecked()), "")

    def attach_devices(self, devices: DeviceController) -> None:
        """Readers driven by the device layer: a card laid on the reader (or a scanned
        electronic social-security card) arrives by itself; the button asks again."""
        self.devices = devices
        devices.card_read.connect(self.on_card)
        devices.card_failed.connect(self.on_card_failed)
        self.card_button.setVisible(True)
        self.card_hint.setVisible(True)

    def read_card(self) -> None:
        devices = getattr(self, "devices", None)
        if devices is not None and not self._busy:
            self.card_button.setText("请将身份证放在感应区…")
            devices.read_card()
            return
        if self.card_source is None or self._busy:
            return
        self.card_button.setEnabled(False)
        self.card_button.setText("请将身份证放在感应区…")
        self.runner.run(self.card_source, self.on_card, self.on_card_failed)

    def on_card(self, card: CardData) -> None:
        """A card was read (here, or by a reader's driver when laid on it): the next
        number is taken for this person."""
        self.card_button.setEnabled(True)
        self.card_button.setText("刷身份证取号")
        self.card = card
        self.banner.setText(f"{mask_name(card.name)}  {mask_id(card.id_number)}  请选择办理业务")
        self.banner.show()
        self.error.setText("")
        self.card_timer.start(CARD_SECONDS * 1000)

    def on_card_failed(self, exc: BaseException | str) -> None:
        self.card_button.setEnabled(True)
        self.card_button.setText("刷身份证取号")
        self.error.setText(f"读卡失败：{exc}，也可直接点击业务取号")

    def forget_card(self) -> None:
        self.card = None
        devices = getattr(self, "devices", None)
        if devices is not None:
            devices.forget_card()
        self.banner.hide()

    # -- take ---------------------------------------------------------------------------
    def take(self, prefix: str) -> None:
        if self._busy:
            return
        self._busy = True
        self._enable(False)
        self.error.setText("")
        card = self.card
        holder = None if card is None else queue.CardHolder(
            card.id_number, card.name, card.birth_date, card.sex
        )
        cmd = queue.TakeTicket(self.ctx.actor, prefix, self.priority_reason, holder)
        self.ctx.call(lambda rt: queue.take_ticket(rt, cmd), self._taken, self._take_failed,
                      runner=self.runner)

    def _taken(self, taken: Taken) -> None:
        self._busy = False
        self._enable(True)
        self.forget_card()
        for b in self.priority_buttons.values():
            b.setChecked(False)
        self.show_result(taken)
        number = taken.ticket.number
        driver = self.slip_printer.hub.printer if self.slip_printer is not None else None
        if driver is not None:
            # Kept in the spool on a worker thread (a file write); the driver prints it.
            self.ctx.call(
                lambda rt: driver.print_job(escpos_bytes(queue.slip_data(rt, taken)),
                                            SLIP_TITLE + number),
                lambda job_id: self._slip_queued(job_id, number),
                lambda exc: self._printed(SlipPrinted(False, f"打印失败：{exc}")),
                runner=self.runner,
            )
        elif self.printer:
            printer = self.printer
            self.ctx.call(
                lambda rt: queue.print_ticket_slip(rt, taken, printer),
                self._printed,
                lambda exc: self._printed(SlipPrinted(False, f"打印失败：{exc}")),
                runner=self.runner,
            )

    def _take_failed(self, exc: BaseException) -> None:
        self._busy = False
        self._enable(True)
        if isinstance(exc, QueueError):
            self.error.setText(str(exc))
        else:
            log.error("take failed: %s", getattr(exc, "__traceback_text__", exc))
            self.error.setText("取号失败，请稍后再试或联系工作人员")

    def _enable(self, on: bool) -> None:
        for b in self.category_buttons.values():
            b.setEnabled(on)

    def show_result(self, taken: Taken, printing: bool | None = None) -> None:
        self.last_taken = taken
        self.last_printed = None
        t = taken.ticket
        self.number.setText(t.number)
        holder = f"    {t.holder}" if t.holder else ""
        prio = f"    【优先】{t.priority_reason}" if t.priority else ""
        self.result_category.setText(f"{t.category_name}{prio}{holder}")
        ahead = taken.waiting_ahead
        self.ahead.setText(f"您前面还有 {ahead} 人等候" if ahead else "您前面没有人等候")
        printing = bool(self.printer) if printing is None else printing
        self._set_print_state(
            "正在打印号票，请稍候…" if printing else "本机未连接号票打印机，请记住您的号码",
            state="ok" if printing else "note",
        )
        self.pages.setCurrentIndex(1)
        self._left = RESULT_SECONDS
        self.back.setText(f"返回（{self._left}）")
        self.result_timer.start(1000)

    def _printed(self, result: SlipPrinted) -> None:
        self.last_printed = result
        if result.ok:
            self._set_print_state("请取走号票，留意叫号", state="ok")
            return
        number = self.last_taken.ticket.number if self.last_taken is not None else ""
        later = "；打印机恢复后将自动补打，请向工作人员领取号票" if result.kept else ""
        self._set_print_state(
            f"号票未打印：{result.message}。请记住您的号码 {number}{later}", state="bad"
        )
        self._left = max(self._left, RESULT_SECONDS)  # time to note the number

    # -- the slip printer ---------------------------------------------------------------
    def _start_printer(self) -> None:
        """An ESC/POS printer gets its driver (own thread: status, retries, spool)."""
        if not self.printer or self.printer.startswith("pdf:"):
            if self.printer:
                self._show_light("online", "系统打印机")
            return
        hub = DeviceHub()
        try:
            hub.configure({"printer": self.printer}, spool_dir=self.spool_dir)
        except (ValueError, OSError) as exc:
            log.error("slip printer setting unusable: %s", exc)
            self.printer_state = ("error", "号票打印机设置有误")
            self._show_printer()
            return
        self.slip_printer = DeviceController(hub, parent=self)
        self.slip_printer.event.connect(self._on_printer_event)
        self.slip_printer.status_changed.connect(self._on_printer_status)
        self.slip_printer.start()

    def _slip_queued(self, job_id: str, number: str) -> None:
        self._slip_jobs[job_id] = number
        if self.last_taken is not None and self.last_taken.ticket.number == number:
            self._current_job = job_id
        early = self._early_outcomes.pop(job_id, None)
        if early is not None:
            self._slip_outcome(job_id, early)

    def _on_printer_status(self, kind: str, state: str, reason: str) -> None:
        if kind == "printer":
            self.printer_state = (state, reason)
            self._show_printer()

    def _on_printer_event(self, event: DeviceEvent) -> None:
        if isinstance(event, PrintJobsWaiting):
            self.waiting_slips = tuple(j.title.removeprefix(SLIP_TITLE) for j in event.jobs)
            self._show_printer()
        elif isinstance(event, PrintJobDone):
            text = "号票已补打，请向工作人员领取" if event.retried else "号票已打印"
            self._slip_outcome(event.job_id, SlipPrinted(True, text, event.job_id))
        elif isinstance(event, PrintJobFailed):
            self._slip_outcome(event.job_id,
                               SlipPrinted(False, event.reason, event.job_id, kept=True))

    def _slip_outcome(self, job_id: str, result: SlipPrinted) -> None:
        if job_id not in self._slip_jobs:
            if len(self._early_outcomes) < 64:
                self._early_outcomes[job_id] = result  # the worker has not answered yet
            return
        if job_id != self._current_job or self.pages.currentIndex() != 1:
            return  # an older slip: the alert and the light tell its story
        if result.ok and self.last_printed is not None and not self.last_printed.ok:
            self._set_print_state(f"{result.message}，留意叫号", state="ok")
            self.last_printed = result
            return
        self._printed(result)

    def _show_printer(self) -> None:
        state, reason = self.printer_state
        if state == "online":
            self._show_light("online", reason or "正常")
        else:
            self._show_light(state, reason or "未连接")
        problem = ""
        if state != "online":
            problem = reason if reason.startswith("打印机") else f"号票打印机：{reason or '未连接'}"
        waiting = self.waiting_slips
        if not problem and not waiting:
            self.staff_alert.hide()
            return
        text = f"{problem or '号票待补打'}，请工作人员处理"
        if waiting:
            named = "、".join(waiting[:ALERT_NUMBERS])
            more = f" 等 {len(waiting)} 张" if len(waiting) > ALERT_NUMBERS else ""
            text += f"（待补打号票：{named}{more}）"
        self.staff_alert.setText(text)
        self.staff_alert.show()

    def _show_light(self, state: str, text: str) -> None:
        colour = LIGHT_COLOURS.get(state, LIGHT_COLOURS["offline"])
        self.printer_light.setText(f'号票打印机 <span style="color:{colour}">●</span> {text}')
        self.printer_light.setProperty("state", state)
        self.printer_light.setToolTip(text)
        self.printer_light.show()

    def _set_print_state(self, text: str, *, state: str) -> None:
        """ok (green), note (amber: no printer here, remember the number), bad (red:
        the slip did not print)."""
        self.print_state.setText(text)
        self.print_state.setProperty("state", state)
        self.print_state.style().unpolish(self.print_state)
        self.print_state.style().polish(self.print_state)

    def _count_down(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self.back_to_start()
        else:
            self.back.setText(f"返回（{self._left}）")

    def back_to_start(self) -> None:
        self.result_timer.stop()
        self.pages.setCurrentIndex(0)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.watch.stop()
        self.runner.wait_idle(10_000)
        if self.slip_printer is not None:
            self.slip_printer.stop()  # kept slips stay in the spool folder for next time
            self.slip_printer = None
        super().closeEvent(event)
