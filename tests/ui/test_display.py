"""The hall display: it fills the screen with one window or many, and every call is
said, in order, one at a time, none dropped; without a voice it says so.

Screenshots go to $COUNTER_TEST_SHOTS when set (else the test's tmp folder)."""

from __future__ import annotations

import logging
import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtGui import QFontMetrics

from counter_app.config import Settings
from counter_app.domain.announce import announce
from counter_app.runtime import open_runtime
from counter_app.services import queue as q
from counter_app.usecases.queue import hall_snapshot
from ui.bridge import speech
from ui.bridge.speech import NO_VOICE, Speaker, Voice
from ui.context import AppContext
from ui.fonts import apply_app_font
from ui.windows.display import DisplayWindow, FitLabel, best_columns

SHOTS = os.environ.get("COUNTER_TEST_SHOTS")  # COUNTER_* others are dropped by conftest


def _shot(widget, name: str, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert widget.grab().save(str(path))
    return path


class FakeVoice(Voice):
    """Speaks for `ms` milliseconds; counts how many utterances sound at once."""

    description = "test voice"

    def __init__(self, ms: int = 5, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ms = ms
        self.sounding = 0
        self.most_at_once = 0
        self.said: list[str] = []

    def speak(self, text: str) -> None:
        self.sounding += 1
        self.most_at_once = max(self.most_at_once, self.sounding)
        self.said.append(text)
        QTimer.singleShot(self.ms, self._end)

    def _end(self) -> None:
        self.sounding -= 1
        self.finished.emit()


def _hall(tmp_path: Path, clock, windows: int, **settings):  # type: ignore[no-untyped-def]
    """A hall where `windows` windows have called someone (window 3 last)."""
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url, **settings), clock=clock)
    hall = q.Hall.of(rt.settings, clock)
    with rt.uow() as s:
        for i in range(windows + 9):
            q.take(s, hall, "ABCDE"[i % 5])
        order = [str(w) for w in range(1, windows + 1) if w != 3] + (["3"] if windows >= 3
                                                                      else [])
        for window in order or ["1"]:
            q.call_next(s, hall, window)
    return rt, hall


def _off_gui(fn):  # type: ignore[no-untyped-def]
    """Run `fn` on another thread, as the window's workers do (a window forbids the
    database on the GUI thread)."""
    out: list = []
    worker = threading.Thread(target=lambda: out.append(fn()))
    worker.start()
    worker.join()
    assert out, "the worker failed"
    return out[0]


def _call(rt, hall, window: str):  # type: ignore[no-untyped-def]
    """A teller at `window` calls the next; the hall as the display then reads it."""

    def call():  # type: ignore[no-untyped-def]
        with rt.uow() as s:
            q.call_next(s, hall, window)
        return hall_snapshot(rt)

    return _off_gui(call)


def _fits(label: FitLabel) -> bool:
    m = QFontMetrics(label.font())
    return m.horizontalAdvance(label.text()) <= label.width() and m.height() <= label.height()


@pytest.mark.parametrize("windows", [1, 6])
@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_the_display_fills_the_screen(qtbot, qapp, tmp_path, clock, windows, size) -> None:  # type: ignore[no-untyped-def]
    apply_app_font(qapp)
    rt, _hall_ = _hall(tmp_path, clock, windows)
    snap = hall_snapshot(rt)
    w = DisplayWindow(AppContext(rt), watch=False, speaker=Speaker(voice=FakeVoice()))
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    w.show_snapshot(snap)
    qtbot.wait(50)  # layouts settle
    image = w.grab()
    assert (image.width(), image.height()) == size
    _shot(w, f"display-{windows}-window{'s' if windows > 1 else ''}-{size[0]}x{size[1]}.png",
          tmp_path)

    # the current call is the largest thing on the screen
    latest = snap.recent[0]
    assert w.hero_number.text() == latest.number
    assert w.hero_number.pixel_size() >= size[1] * 0.14
    assert w.latest.text() == f"请 {latest.number} 号到 {latest.window_no} 号窗口办理"
    # the window cards use the room under it: nothing like 60 % left empty
    grid = w.card_grid
    used = sum(c.width() * c.height() for c in w.cards.values())
    assert used >= 0.6 * grid.width() * grid.height()
    assert grid.height() >= 0.4 * w.height()
    biggest = max(c.number.pixel_size() for c in w.cards.values())
    assert biggest >= (size[1] * 0.18 if windows == 1 else size[1] * 0.06)
    # every text is whole on the screen
    labels = [lb for lb in w.findChildren(FitLabel) if lb.isVisible() and lb.text()]
    assert labels and all(_fits(lb) for lb in labels)
    screen = QRect(0, 0, *size)
    for lb in labels:
        top_left = lb.mapTo(w, lb.rect().topLeft())
        assert screen.contains(QRect(top_left, lb.size())), lb.text()
    # recent calls and the waiting counts
    assert w.recent_rows[0][0].text() == latest.number
    assert w.waiting_total.text() == f"共 {snap.waiting_total} 人等候"
    assert {p: row[1].text() for p, row in w.waiting_rows.items()} == {
        p: f"{n} 人" for p, n in snap.waiting.items()}
    w.close()
    rt.close()


def test_before_any_window_opens_the_welcome_fills_the_screen(qtbot, qapp, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    apply_app_font(qapp)
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    rt = open_runtime(url, Settings.of(db_url=url), clock=clock)
    snap = hall_snapshot(rt)
    w = DisplayWindow(AppContext(rt), watch=False, speaker=Speaker(voice=FakeVoice()))
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitExposed(w)
    w.show_snapshot(snap)
    qtbot.wait(50)
    _shot(w, "display-morning-1920x1080.png", tmp_path)
    assert not w.card_grid.isVisible()
    assert w.hero_number.text() == "欢迎光临" and w.hero_number.pixel_size() >= 200
    assert w.recent_rows[0][0].text() == "暂无"
    w.close()
    rt.close()


def test_columns_follow_the_shape_of_the_screen() -> None:
    assert best_columns(1, 1300, 500) == 1
    assert best_columns(6, 1300, 520) == 3
    assert best_columns(4, 1300, 500) in (2, 4)
    assert best_columns(12, 1300, 560) == 4
    assert best_columns(2, 400, 900) == 1  # a portrait screen stacks them


def test_every_call_is_said_in_order_one_at_a_time(qtbot, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    """Four windows call within one refresh: each call is said twice (the default),
    in the order they were made, never two at once, none lost."""
    rt, hall = _hall(tmp_path, clock, 1, display_announce_pause_ms=0)
    voice = FakeVoice(ms=20)
    w = DisplayWindow(AppContext(rt), watch=False,
                      speaker=Speaker(settings=rt.settings.display, voice=voice))
    qtbot.addWidget(w)
    w.show_snapshot(_off_gui(lambda: hall_snapshot(rt)))  # the first look: shown, not said
    assert voice.said == []
    for window in ("2", "5", "3"):
        _call(rt, hall, window)
    w.show_snapshot(_call(rt, hall, "12"))
    w.show_snapshot(_call(rt, hall, "2"))  # one more while the others are being said
    qtbot.waitUntil(lambda: w.speaker.pending == 0, timeout=10_000)
    windows = ["二", "五", "三", "十二", "二"]
    assert [line.split(" 号到 ")[1].split(" ")[0] for line in w.speaker.spoken] == windows
    assert voice.said == [line for line in w.speaker.spoken for _ in range(2)]
    assert voice.most_at_once == 1
    assert w.speaker.spoken[0].startswith("请 B零零") and "号窗口办理" in w.speaker.spoken[0]
    w.close()
    rt.close()


def test_more_calls_between_two_looks_than_the_recent_list_holds_are_all_said(
        qtbot, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    """Twelve windows call while the display cannot read (its recent list holds
    eight, e.g. the network was away): when it reads again every citizen called is
    said, oldest first, each once."""
    rt, hall = _hall(tmp_path, clock, 1, display_announce_pause_ms=0,
                     display_announce_repeat=1)
    with rt.uow() as s:
        for i in range(12):
            q.take(s, hall, "ABCDE"[i % 5])
    voice = FakeVoice(ms=2)
    w = DisplayWindow(AppContext(rt), watch=False,
                      speaker=Speaker(settings=rt.settings.display, voice=voice))
    qtbot.addWidget(w)
    w.show_snapshot(_off_gui(lambda: hall_snapshot(rt)))  # the first look
    windows = [str(n) for n in range(2, 14)]
    for window in windows[:-1]:
        _call(rt, hall, window)
        clock.now += timedelta(seconds=20)
    w.show_snapshot(_call(rt, hall, windows[-1]))
    qtbot.waitUntil(lambda: w.speaker.pending == 0, timeout=10_000)
    said = [line.split(" 号到 ")[1].split(" 号窗口")[0] for line in w.speaker.spoken]
    assert said == [announce("A001", n).spoken.split(" 号到 ")[1].split(" 号窗口")[0]
                    for n in windows]
    assert len(voice.said) == 12
    w.close()
    rt.close()


def test_a_configured_template_and_repeat(qtbot, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    rt, hall = _hall(tmp_path, clock, 1, display_announce_template="{number}号请到{window}号窗口",
                     display_announce_repeat=3, display_announce_pause_ms=0)
    voice = FakeVoice()
    w = DisplayWindow(AppContext(rt), watch=False,
                      speaker=Speaker(settings=rt.settings.display, voice=voice))
    qtbot.addWidget(w)
    w.show_snapshot(_off_gui(lambda: hall_snapshot(rt)))
    w.show_snapshot(_call(rt, hall, "12"))
    qtbot.waitUntil(lambda: w.speaker.pending == 0, timeout=5_000)
    number = w.snapshot.recent[0].number
    assert w.latest.text() == f"{number}号请到12号窗口"
    digits = "".join("零一二三四五六七八九"[int(d)] for d in number[1:])
    spoken = f"{number[0]}{digits}号请到十二号窗口"
    assert voice.said == [spoken] * 3
    w.close()
    rt.close()


def test_the_qt_voice_is_never_talked_over(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Qt's say() cuts the running utterance short; the queue waits for the end.
    (Qt's mock engine: a voice that takes time, as a real one does.)"""
    qtts = pytest.importorskip("PySide6.QtTextToSpeech")
    if "mock" not in qtts.QTextToSpeech.availableEngines():
        pytest.skip("Qt's mock speech engine is not shipped here")
    voice = speech.QtVoice(qtts.QTextToSpeech("mock"), "mock")
    spoken: list[str] = []
    speaker = Speaker(settings=Settings.of(display_announce_pause_ms=0).display, voice=voice)
    speaker.spoke.connect(spoken.append)
    states: list[object] = []
    voice.tts.stateChanged.connect(states.append)
    from counter_app.domain.announce import announce

    for n, window in (("A001", "1"), ("B002", "2"), ("C003", "3")):
        speaker.announce(announce(n, window))
    qtbot.waitUntil(lambda: speaker.pending == 0, timeout=20_000)
    assert len(spoken) == 6 and spoken[::2] == speaker.spoken
    ready = qtts.QTextToSpeech.State.Ready
    assert states.count(ready) == 6  # each utterance ran to its end
    speaker.close()


def test_no_voice_is_said_on_the_screen_and_logged_once(qtbot, tmp_path, clock, monkeypatch,  # type: ignore[no-untyped-def]
                                                        caplog) -> None:
    monkeypatch.setattr(speech, "find_espeak", lambda: None)
    monkeypatch.setattr(speech, "qt_chinese_voice", lambda *a, **k: None)
    rt, hall = _hall(tmp_path, clock, 1)
    with caplog.at_level(logging.WARNING):
        w = DisplayWindow(AppContext(rt), watch=False)
        qtbot.addWidget(w)
        w.resize(1920, 1080)
        w.show()
        w.show_snapshot(_off_gui(lambda: hall_snapshot(rt)))
        for window in ("2", "3"):
            w.show_snapshot(_call(rt, hall, window))
    assert not w.speaker.available
    assert w.voice_note.isVisible()
    assert w.voice_note.text().startswith("未检测到语音引擎：叫号不播报")
    assert "espeak-ng" in w.voice_note.text()  # what to install
    assert len(w.speaker.spoken) == 2  # the calls went on, shown
    assert [r.getMessage().count(NO_VOICE) for r in caplog.records].count(1) == 1
    _shot(w, "display-no-voice-1920x1080.png", tmp_path)
    w.close()
    rt.close()


def test_a_voice_that_fails_is_said_and_the_queue_goes_on(qtbot) -> None:  # type: ignore[no-untyped-def]
    class Broken(FakeVoice):
        def speak(self, text: str) -> None:
            self.said.append(text)
            QTimer.singleShot(1, lambda: self.failed.emit("本机没有可用的声音输出设备"))

    voice = Broken()
    speaker = Speaker(settings=Settings.of(display_announce_pause_ms=0).display, voice=voice)
    from counter_app.domain.announce import announce

    speaker.announce(announce("A001", "1"))
    speaker.announce(announce("A002", "2"))
    qtbot.waitUntil(lambda: speaker.pending == 0, timeout=5_000)
    assert len(voice.said) == 4  # tried every one
    assert speaker.notice == "叫号播报失败：本机没有可用的声音输出设备"
    speaker.close()


def test_voice_off_is_quiet(qtbot) -> None:  # type: ignore[no-untyped-def]
    speaker = Speaker(settings=Settings.of(display_voice="off").display)
    assert speaker.voice is None and "已关闭" in speaker.notice
    speaker.close()
