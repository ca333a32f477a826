"""The hall's voice: Qt's text-to-speech when this Qt ships it and an engine is
there, otherwise quiet (PySide6-Essentials has no QtTextToSpeech module; a PC
without a speech engine has none either). Never raises: a call still shows."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QLocale, QObject

log = logging.getLogger(__name__)


class Speaker(QObject):
    def __init__(self, parent: QObject | None = None, *, enabled: bool = True) -> None:
        super().__init__(parent)
        self._tts: Any = None
        self.reason = ""
        self.spoken: list[str] = []  # what was asked, for tests and the log
        if not enabled:
            self.reason = "语音播报已关闭"
            return
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech  # type: ignore[import-not-found]
        except ImportError:
            self.reason = "本机 Qt 未带语音模块，语音播报未启用"
            return
        try:
            engines = QTextToSpeech.availableEngines()
            if not engines:
                self.reason = "本机没有语音引擎，语音播报未启用"
                return
            tts = QTextToSpeech(self)
            zh = QLocale.Language.Chinese
            chinese = [v for v in tts.availableLocales() if v.language() == zh]
            if chinese:
                tts.setLocale(chinese[0])
            self._tts = tts
        except Exception as exc:  # a broken engine must not stop the display
            log.warning("text-to-speech unavailable: %s", exc)
            self.reason = "语音引擎无法启动，语音播报未启用"

    @property
    def available(self) -> bool:
        return self._tts is not None

    def say(self, text: str) -> None:
        self.spoken.append(text)
        if self._tts is None:
            return
        try:
            if hasattr(self._tts, "enqueue"):  # Qt ≥ 6.6: one call after another
                self._tts.enqueue(text)
            else:
                self._tts.say(text)
        except Exception as exc:
            log.warning("speech failed: %s", exc)
