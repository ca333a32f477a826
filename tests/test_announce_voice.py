"""The hall display's voice, heard: the announcement is rendered to a WAV by the
display's own espeak-ng voice (chosen the way the display chooses it, speaking the
line the display builds), and the WAV is checked for sound and length.

Measured here (espeak-ng 1.51, cmn-latn-pinyin, 145 words/min at 100 %): about
0.37 s per syllable (13 syllables "请A零零五号到三号窗口办理" ≈ 4.9 s), RMS ≈ 4 000
of 32 767, ~86 % of 20 ms frames voiced. The band allowed, 0.25–0.6 s per syllable,
takes in a brisk voice and a slow one; silence, a cut-off line or a voice that
stalls falls outside. The `cmn` voice's bug (each character's pinyin read as English
letters, "号" as "h-a-o-4") lasts about as long (0.44 s per syllable), so the
phoneme test below catches that one."""

from __future__ import annotations

import array
import math
import subprocess
import wave
from pathlib import Path

import pytest

from counter_app.config import Settings
from counter_app.domain.announce import announce
from ui.bridge import speech
from ui.bridge.speech import EspeakVoice, Speaker

pytestmark = pytest.mark.skipif(
    speech.find_espeak() is None,
    reason="espeak-ng is not installed (bash scripts/setup-env.sh test installs it)",
)

SECONDS_PER_UNIT = (0.25, 0.6)
MIN_RMS = 500  # of 32767; espeak speaks at about 4000
MIN_VOICED = 0.6  # share of 20 ms frames louder than the floor


def _measure(path: Path) -> tuple[float, float, float]:
    """(seconds, RMS, voiced share) of a 16-bit mono WAV."""
    with wave.open(str(path)) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        rate, frames = w.getframerate(), w.getnframes()
        samples = array.array("h", w.readframes(frames))
    rms = math.sqrt(sum(x * x for x in samples) / max(len(samples), 1))
    step = rate // 50
    windows = [samples[i:i + step] for i in range(0, len(samples), step)]
    loud = sum(1 for win in windows
               if math.sqrt(sum(x * x for x in win) / max(len(win), 1)) > 300)
    return frames / rate, rms, loud / max(len(windows), 1)


@pytest.fixture
def display_voice(qtbot):  # type: ignore[no-untyped-def]
    settings = Settings.of(display_voice="espeak-ng").display
    speaker = Speaker(settings=settings)
    qtbot.waitUntil(lambda: bool(speaker.voice_name) or not speaker.available, timeout=10_000)
    assert speaker.available, speaker.notice
    assert isinstance(speaker.voice, EspeakVoice)
    yield settings, speaker.voice
    speaker.close()


@pytest.mark.parametrize(("number", "window"), [("A005", "3"), ("C012", "12"),
                                                ("E120", "101")])
def test_the_announcement_is_heard_and_lasts_as_long_as_its_words(  # type: ignore[no-untyped-def]
        display_voice, tmp_path, number, window) -> None:
    settings, voice = display_voice
    call = announce(number, window, settings.announce_template)
    wav = tmp_path / "call.wav"
    voice.render(call.spoken, wav)
    seconds, rms, voiced = _measure(wav)
    per_unit = seconds / call.units
    print(f"\n{call.spoken}: {call.units} syllables, {seconds:.2f} s "
          f"({per_unit:.3f} s each), RMS {rms:.0f}, voiced {voiced:.0%}")
    assert rms > MIN_RMS, "silence"
    assert voiced > MIN_VOICED
    assert SECONDS_PER_UNIT[0] <= per_unit <= SECONDS_PER_UNIT[1]


def test_the_voice_reads_chinese_as_chinese(display_voice) -> None:  # type: ignore[no-untyped-def]
    """espeak-ng's phonemes for the line: Mandarin throughout, no switch to English
    (what the `cmn` voice of espeak-ng 1.51 does with every character)."""
    settings, voice = display_voice
    call = announce("A005", "12", settings.announce_template)
    out = subprocess.run([*speech.espeak_argv(voice.exe, voice.voice, voice.rate), "-q", "-x"],
                         input=call.spoken.encode("utf-8"), capture_output=True, timeout=30,
                         check=True).stdout.decode("utf-8")
    assert "(en)" not in out
    assert out.count("_|") >= call.units - 1  # a syllable boundary after (nearly) each unit


def test_a_slower_rate_is_slower(display_voice, tmp_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    settings, voice = display_voice
    call = announce("A005", "3", settings.announce_template)
    voice.render(call.spoken, tmp_path / "normal.wav")
    slow = EspeakVoice(voice.exe, voice.voice, 70)
    slow.voice = voice.voice
    slow.render(call.spoken, tmp_path / "slow.wav")
    assert _measure(tmp_path / "slow.wav")[0] > 1.25 * _measure(tmp_path / "normal.wav")[0]
