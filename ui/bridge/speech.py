"""The hall's voice.

Which voice (`display_voice`): a system voice through QtTextToSpeech when one speaks
Chinese (Windows: SAPI/WinRT "Huihui"; Linux: speech-dispatcher), otherwise the
offline synthesizer espeak-ng run as a process on a worker thread. When neither
exists the display says so plainly (`NO_VOICE` and the package to install) and the
log says it once; calls are still shown.

How (`Speaker`): every call goes into one queue, spoken `display_announce_repeat`
times with a pause after each utterance; one utterance at a time (never two voices
over each other), none dropped when calls come fast. A voice that never reports
the end is given up after a generous time (`utterance_budget_s`), so the queue
cannot stall.

espeak-ng's Mandarin: version 1.51's `cmn` voice reads every character's pinyin
with English letters (espeak-ng issues #1028, #1163); `cmn-latn-pinyin` reads
Chinese right and says the ticket's letter as people do (A → ei)."""

from __future__ import annotations

import contextlib
import logging
import os
import queue as queue_mod
import shutil
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QObject, QTimer, Signal

from counter_app.config.settings import DisplaySettings
from counter_app.domain.announce import Announcement, speech_units

log = logging.getLogger(__name__)

NO_VOICE = "未检测到语音引擎：叫号不播报"
ESPEAK_SPEED = 145  # words per minute at 100 %: about 0.37 s per syllable, a hall's pace
WATCHDOG_EXTRA_S = 3.0  # beyond a voice's own time-out
ESPEAK_FALLBACK_VOICES = ("cmn-latn-pinyin", "cmn", "zh")
_NO_WINDOW = 0x08000000 if sys.platform == "win32" else 0  # CREATE_NO_WINDOW


class VoiceKind(StrEnum):
    QT = "qt"
    ESPEAK = "espeak-ng"
    NONE = "none"


def install_hint() -> str:
    """What to install on this kind of PC so the display can speak."""
    if sys.platform == "win32":
        return ("请在“设置 → 时间和语言 → 语音”中添加“中文(简体)”语音，"
                "或安装 eSpeak NG（espeak-ng）")
    if sys.platform == "darwin":
        return "请在“系统设置 → 辅助功能 → 朗读内容”中添加中文语音"
    return "请安装 espeak-ng（sudo apt install espeak-ng）"


def utterance_budget_s(text: str, rate: int = 100) -> float:
    """The longest an utterance may take before the queue moves on without it."""
    return 5.0 + 1.5 * speech_units(text) * 100 / max(rate, 1)


# -- espeak-ng ------------------------------------------------------------------------------


def find_espeak() -> str | None:
    """The espeak-ng program: on PATH, or where its Windows installer puts it."""
    for name in ("espeak-ng", "espeak"):
        found = shutil.which(name)
        if found:
            return found
    if sys.platform == "win32":
        for root in (os.environ.get("PROGRAMFILES", ""), os.environ.get("PROGRAMFILES(X86)", "")):
            exe = Path(root) / "eSpeak NG" / "espeak-ng.exe"
            if root and exe.is_file():
                return str(exe)
    return None


def espeak_speed(rate: int) -> int:
    return max(80, min(450, round(ESPEAK_SPEED * rate / 100)))


def espeak_argv(exe: str, voice: str, rate: int, wav: str | os.PathLike[str] | None = None
                ) -> list[str]:
    """The command that speaks (or, with `wav`, writes) the text given on stdin, as
    UTF-8: no text on the command line, so nothing in it is taken for an option."""
    argv = [exe, "-v", voice, "-s", str(espeak_speed(rate)), "-b", "1"]
    if wav is not None:
        argv += ["-w", str(wav)]
    return argv


def espeak_voices(exe: str, timeout: float = 5.0) -> set[str]:
    """Names espeak-ng knows for Chinese voices (language codes and files, lower case)."""
    names: set[str] = set()
    for lang in ("cmn", "zh", "yue"):
        try:
            out = subprocess.run([exe, f"--voices={lang}"], capture_output=True, timeout=timeout,
                                 creationflags=_NO_WINDOW).stdout.decode("utf-8", "replace")
        except (OSError, subprocess.SubprocessError):
            continue
        for line in out.splitlines()[1:]:
            cols = line.split()
            if len(cols) >= 5:
                names.add(cols[1].lower())
                names.add(cols[4].lower())
                names.add(cols[4].lower().rsplit("/", 1)[-1])
    return names


def pick_espeak_voice(wanted: str, known: set[str]) -> str | None:
    for voice in (wanted, *ESPEAK_FALLBACK_VOICES):
        if voice.lower() in known:
            return voice
    return None


def _espeak_problem(result: subprocess.CompletedProcess[bytes]) -> str:
    """Why espeak-ng did not speak ("" when it did). It exits 0 even when it found
    no sound card; then it writes "error: …" (and ALSA's complaints) to stderr."""
    err = result.stderr.decode("utf-8", "replace")
    if result.returncode == 0 and "error" not in err.lower():
        return ""
    if "alsa" in err.lower() or "pcm" in err.lower() or "pulse" in err.lower():
        return "本机没有可用的声音输出设备（声卡或音箱未连接）"
    last = next((ln.strip() for ln in reversed(err.splitlines()) if ln.strip()), "")
    return f"espeak-ng 未能发声（退出码 {result.returncode}）{('：' + last[:80]) if last else ''}"


# -- the voices --------------------------------------------------------------------------------


class Voice(QObject):
    """A way to speak one utterance at a time; it reports the end or a failure."""

    finished = Signal()
    failed = Signal(str)  # why, in Chinese
    ready = Signal(str)  # the voice could be set up (its description)
    unavailable = Signal(str)  # the voice could not be set up (why)
    kind = VoiceKind.NONE
    description = ""

    def start(self) -> None:
        """Set up (may be asynchronous: ready or unavailable follows)."""
        self.ready.emit(self.description)

    def speak(self, text: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class EspeakVoice(Voice):
    """espeak-ng as a process, run by a worker thread: the GUI never waits for it.
    The worker first checks that espeak-ng has a Chinese voice."""

    kind = VoiceKind.ESPEAK

    def __init__(self, exe: str, wanted: str, rate: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.exe, self.wanted, self.rate = exe, wanted, rate
        self.voice = ""
        self.description = f"espeak-ng（{wanted}）"
        self._jobs: queue_mod.Queue[str | None] = queue_mod.Queue()
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="hall-voice", daemon=True)
        self._thread.start()

    def speak(self, text: str) -> None:
        self._jobs.put(text)

    def close(self) -> None:
        self._jobs.put(None)
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(self) -> None:
        voice = pick_espeak_voice(self.wanted, espeak_voices(self.exe))
        try:
            if voice is None:
                self.unavailable.emit("espeak-ng 没有中文语音数据（请安装 espeak-ng-data）")
                return
            self.voice = voice
            self.description = f"espeak-ng（{voice}）"
            self.ready.emit(self.description)
        except RuntimeError:  # closed before it was ready
            return
        while (text := self._jobs.get()) is not None:
            problem = self._say(text)
            try:
                if problem:
                    self.failed.emit(problem)
                else:
                    self.finished.emit()
            except RuntimeError:  # the display closed while it spoke
                return

    def render(self, text: str, wav: str | os.PathLike[str]) -> None:
        """Write `text` to a WAV as this voice says it: the same program, voice and
        speed (for the test that listens to it, and to try a template)."""
        if not self.voice:
            raise RuntimeError("the voice is not ready")
        subprocess.run(espeak_argv(self.exe, self.voice, self.rate, wav),
                       input=text.encode("utf-8"), capture_output=True, check=True,
                       timeout=utterance_budget_s(text, self.rate), creationflags=_NO_WINDOW)

    def _say(self, text: str) -> str:
        try:
            self._proc = subprocess.Popen(
                espeak_argv(self.exe, self.voice, self.rate), stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, creationflags=_NO_WINDOW)
            _, err = self._proc.communicate(text.encode("utf-8"),
                                            timeout=utterance_budget_s(text, self.rate))
        except subprocess.TimeoutExpired:
            assert self._proc is not None
            self._proc.kill()
            self._proc.communicate()
            return "espeak-ng 超时未结束"
        except OSError as exc:
            return f"espeak-ng 无法运行：{exc}"
        result = subprocess.CompletedProcess(self._proc.args, self._proc.returncode, b"", err)
        self._proc = None
        return _espeak_problem(result)


class QtVoice(Voice):
    """A system voice through QtTextToSpeech (speaking is asynchronous in Qt)."""

    kind = VoiceKind.QT

    def __init__(self, tts: Any, description: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tts = tts
        tts.setParent(self)
        self.description = description
        self._speaking = False
        tts.stateChanged.connect(self._state)

    def speak(self, text: str) -> None:
        self._speaking = True
        self.tts.say(text)

    def _state(self, state: Any) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if not self._speaking:
            return
        if state == QTextToSpeech.State.Ready:
            self._speaking = False
            self.finished.emit()
        elif state == QTextToSpeech.State.Error:
            self._speaking = False
            self.failed.emit(f"系统语音出错：{self.tts.errorString() or '未知原因'}")

    def close(self) -> None:
        self._speaking = False
        with contextlib.suppress(RuntimeError):  # the C++ side already gone
            self.tts.stop()


def qt_chinese_voice(rate: int, *, engines: list[str] | None = None,
                     parent: QObject | None = None) -> QtVoice | None:
    """A QtTextToSpeech engine with a Chinese voice (mainland first), or None. Qt's
    "mock" engine is for Qt's own tests and is never chosen unless named."""
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:  # PySide6-Essentials only
        return None
    names = engines if engines is not None else [
        e for e in QTextToSpeech.availableEngines() if e != "mock"]
    for engine in names:
        try:
            tts = QTextToSpeech(engine)
            if tts.state() == QTextToSpeech.State.Error:
                tts.deleteLater()
                continue
            voices = [v for v in tts.availableVoices()
                      if v.locale().language() == QLocale.Language.Chinese]
            if not voices:
                tts.deleteLater()
                continue
            voices.sort(key=lambda v: v.locale().territory() != QLocale.Territory.China)
            tts.setLocale(voices[0].locale())
            tts.setVoice(voices[0])
            tts.setRate(max(-1.0, min(1.0, (rate - 100) / 100)))
            return QtVoice(tts, f"系统语音 {voices[0].name()}（{engine}）", parent)
        except Exception as exc:  # a broken engine must not stop the display
            log.warning("text-to-speech engine %s unusable: %s", engine, exc)
    return None


@dataclass(frozen=True)
class _Utterance:
    text: str
    pause_ms: int


class Speaker(QObject):
    """The display's voice: a queue of utterances, spoken one after another.

    `notice` is what the display shows when calls cannot be heard ("" when all is
    well); `notice_changed` tells it."""

    notice_changed = Signal(str)
    spoke = Signal(str)  # an utterance was handed to the voice

    def __init__(self, parent: QObject | None = None, *,
                 settings: DisplaySettings | None = None, voice: Voice | None = None,
                 enabled: bool = True) -> None:
        super().__init__(parent)
        self.settings = settings or DisplaySettings()
        self.spoken: list[str] = []  # each announcement's spoken line, once
        self.handed: list[str] = []  # each utterance given to the voice, in order
        self.notice = ""
        self.voice_name = ""
        self._queue: deque[_Utterance] = deque()
        self._busy = False
        self._ready = False
        self._told: set[str] = set()  # problems logged (once each)
        self.watchdog = QTimer(self)
        self.watchdog.setSingleShot(True)
        self.watchdog.timeout.connect(self._gave_up)
        self.pause = QTimer(self)
        self.pause.setSingleShot(True)
        self.pause.timeout.connect(self._pump)
        if not enabled or self.settings.voice == "off":
            self.voice: Voice | None = None
            self._set_notice("语音播报已关闭（display_voice = off）", quiet=True)
            return
        self.voice = voice if voice is not None else self._choose()
        if self.voice is None:
            self._no_voice(install_hint())
            return
        self.voice.setParent(self)
        self.voice.finished.connect(self._done)
        self.voice.failed.connect(self._failed)
        self.voice.ready.connect(self._on_ready)
        self.voice.unavailable.connect(self._no_voice)
        self.voice.start()

    # -- choosing ------------------------------------------------------------------------------
    def _choose(self) -> Voice | None:
        mode = self.settings.voice
        if mode in ("auto", "qt"):
            qt = qt_chinese_voice(self.settings.voice_rate)
            if qt is not None or mode == "qt":
                return qt
        exe = find_espeak()
        if exe is None:
            return None
        return EspeakVoice(exe, self.settings.espeak_voice, self.settings.voice_rate)

    @property
    def available(self) -> bool:
        return self.voice is not None and not self.notice.startswith(NO_VOICE)

    @property
    def pending(self) -> int:
        """Utterances not yet ended (the one being said stays first in the queue)."""
        return len(self._queue)

    # -- speaking ------------------------------------------------------------------------------
    def announce(self, a: Announcement) -> None:
        """Queue one call, said `display_announce_repeat` times."""
        self.spoken.append(a.spoken)
        if self.voice is None:
            return
        for _ in range(self.settings.announce_repeat):
            self._queue.append(_Utterance(a.spoken, self.settings.announce_pause_ms))
        self._pump()

    def say(self, text: str) -> None:
        """Queue a line said once (a notice, a test)."""
        self.spoken.append(text)
        if self.voice is not None:
            self._queue.append(_Utterance(text, self.settings.announce_pause_ms))
            self._pump()

    def _pump(self) -> None:
        if self._busy or not self._ready or not self._queue or self.pause.isActive():
            return
        item = self._queue[0]
        self._busy = True
        self.handed.append(item.text)
        budget = utterance_budget_s(item.text, self.settings.voice_rate) + WATCHDOG_EXTRA_S
        self.watchdog.start(round(budget * 1000))
        assert self.voice is not None
        self.spoke.emit(item.text)
        self.voice.speak(item.text)

    def _done(self) -> None:
        if self._busy and self.notice and not self.notice.startswith(NO_VOICE):
            self._set_notice("")  # it speaks again (e.g. the speakers were plugged in)
        self._next()

    def _failed(self, why: str) -> None:
        self._complain(f"叫号播报失败：{why}", why)
        self._next()

    def _next(self) -> None:
        """The utterance in hand ended (spoken or not): the pause, then the next."""
        if not self._busy:
            return
        self.watchdog.stop()
        self._busy = False
        if self._queue:  # (emptied meanwhile when the display closed)
            self.pause.start(self._queue.popleft().pause_ms)

    def _gave_up(self) -> None:
        """The voice said nothing back in time (a hung engine): skip the utterance.
        The watchdog waits longer than espeak-ng's own time-out, so a late answer
        from the voice cannot be taken for the next utterance's."""
        self._complain("叫号播报无响应，已跳过一句", "the voice did not finish in time")
        if isinstance(self.voice, QtVoice):
            self.voice.close()
        self._next()

    def _on_ready(self, description: str) -> None:
        self._ready = True
        self.voice_name = description
        log.info("hall display voice: %s", description)
        self._pump()

    def _no_voice(self, why: str) -> None:
        dropped = len(self._queue)
        self._queue.clear()
        self._busy = False
        if self.voice is not None:
            self.voice.close()
            self.voice = None
        if dropped:
            log.warning("%d announcements not spoken: no voice", dropped)
        self._set_notice(f"{NO_VOICE}。{why}")

    def _complain(self, notice: str, detail: str) -> None:
        self._set_notice(notice, quiet=detail in self._told)
        if detail not in self._told:
            self._told.add(detail)

    def _set_notice(self, text: str, *, quiet: bool = False) -> None:
        if text and not quiet:
            log.warning("hall display: %s", text)
        if text != self.notice:
            self.notice = text
            self.notice_changed.emit(text)

    def close(self) -> None:
        self.watchdog.stop()
        self.pause.stop()
        self._queue.clear()
        self._busy = False
        if self.voice is not None:
            self.voice.close()
