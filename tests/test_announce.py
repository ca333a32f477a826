"""The hall's call read aloud: ticket digits one by one, the window as a number."""

from __future__ import annotations

import pytest

from counter_app.config import Settings
from counter_app.config.settings import SettingsError
from counter_app.domain.announce import (
    DEFAULT_TEMPLATE,
    TemplateError,
    announce,
    check_template,
    read_digits,
    read_number,
    read_ticket,
    read_window,
    speech_units,
)


@pytest.mark.parametrize(("n", "said"), [
    (0, "零"), (1, "一"), (2, "二"), (3, "三"), (9, "九"), (10, "十"), (11, "十一"),
    (12, "十二"), (19, "十九"), (20, "二十"), (21, "二十一"), (99, "九十九"),
    (100, "一百"), (101, "一百零一"), (110, "一百一十"), (111, "一百一十一"),
    (200, "二百"), (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"),
    (1100, "一千一百"), (9999, "九千九百九十九"), (10000, "一万"), (10001, "一万零一"),
    (10010, "一万零一十"), (11000, "一万一千"), (100000, "十万"), (120000, "十二万"),
    (1000000, "一百万"), (100000000, "一亿"), (100010000, "一亿零一万"),
    (100000001, "一亿零一"),
])
def test_numbers_as_they_are_said(n: int, said: str) -> None:
    assert read_number(n) == said


def test_ticket_digits_one_by_one() -> None:
    assert read_digits("005") == "零零五"
    assert read_ticket("A005") == "A零零五"
    assert read_ticket("b120") == "B一二零"
    assert read_ticket("C1") == "C一"  # 一, never 幺


@pytest.mark.parametrize(("window", "said"), [
    ("3", "三"), ("12", "十二"), ("10", "十"), ("20", "二十"), ("101", "一百零一"),
    ("03", "零三"), ("B2", "B二"), ("a12", "A十二"), ("0", "零"),
])
def test_window_as_a_number(window: str, said: str) -> None:
    assert read_window(window) == said


def test_the_default_announcement() -> None:
    a = announce("A005", "3")
    assert a.text == "请 A005 号到 3 号窗口办理"
    assert a.spoken == "请 A零零五 号到 三 号窗口办理"
    assert a.units == speech_units("请A零零五号到三号窗口办理") == 13
    assert announce("C012", "12").spoken == "请 C零一二 号到 十二 号窗口办理"


def test_a_configured_template() -> None:
    a = announce("B017", "5", "{number}号请到{window}号窗口")
    assert (a.text, a.spoken) == ("B017号请到5号窗口", "B零一七号请到五号窗口")
    only_number = announce("A001", "2", "请 {number} 号")
    assert only_number.spoken == "请 A零零一 号"


@pytest.mark.parametrize("bad", [
    "请到{window}号窗口", "请{number}号到{counter}号", "请{number号", "请{number!r}号",
    "请{number:>5}号", "请{}号",
])
def test_bad_templates_are_refused_in_chinese(bad: str) -> None:
    with pytest.raises(TemplateError) as err:
        check_template(bad)
    assert "播报模板" in str(err.value)


def test_the_settings_check_the_template_and_the_voice() -> None:
    s = Settings.of(display_announce_template="{number}号请到{window}号窗口",
                    display_announce_repeat=3, display_voice="espeak-ng")
    assert s.display.announce_template == "{number}号请到{window}号窗口"
    assert (s.display.announce_repeat, s.display.voice) == (3, "espeak-ng")
    assert Settings().display.announce_template == DEFAULT_TEMPLATE
    for key, value in (("display_announce_template", "请到{window}号窗口"),
                       ("display_announce_repeat", 0), ("display_voice", "sapi5"),
                       ("display_announce_template", "请{号码}号")):
        with pytest.raises(SettingsError):
            Settings.of(**{key: value})
