"""ID numbers, masking, the working-day calendar and case numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from counter_app.domain import idnumber
from counter_app.domain.caseno import doc_no, format_case_no, parse_case_no
from counter_app.domain.masking import mask_card, mask_id, mask_name, mask_phone
from counter_app.domain.workcal import (
    CalendarFileError,
    LimitUnit,
    WorkCalendar,
    load_overrides,
)


def test_valid_id_with_x_check_digit() -> None:
    info = idnumber.parse("11010519491231002x")
    assert info.number == "11010519491231002X"
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "女"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("110105194912310021", "校验位"),
        ("11010519491231002", "18位"),
        ("110105194913310026", "出生日期"),
        ("1101051949123100AX", "前17位"),
        ("", "不能为空"),
    ],
)
def test_invalid_ids_say_what_is_wrong(raw: str, message: str) -> None:
    with pytest.raises(idnumber.IdNumberError, match=message):
        idnumber.parse(raw)


def test_full_width_input_is_normalised() -> None:
    assert idnumber.is_valid("１１０１０５１９４９１２３１００２ｘ")


def test_fifteen_digit_upgrade() -> None:
    assert idnumber.upgrade15("110105491231002") == "110105194912310021"[:17] + idnumber.check_char(
        "11010519491231002"
    )


def test_masking_defaults() -> None:
    assert mask_id("37010219800101123X") == "370102********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("王䶮") == "王*"
    assert mask_name("阿卜杜·热合曼") == "阿******"
    assert mask_card("6222021234567890") == "************7890"


CAL = WorkCalendar()


def test_national_day_2026_and_the_working_saturday() -> None:
    """domain.md §3: 5 working days from Tuesday 2026-09-29 end on 2026-10-12."""
    due = CAL.add_working_days(date(2026, 9, 29), 5)
    assert due.due == date(2026, 10, 12)
    assert due.warning is None
    assert CAL.is_workday(date(2026, 10, 10))  # 调休 Saturday
    assert not CAL.is_workday(date(2026, 10, 5))


def test_natural_days_move_off_a_holiday() -> None:
    due = CAL.add_natural_days(date(2026, 9, 28), 5)  # lands on 10-03, a holiday
    assert due.due == date(2026, 10, 8)
    assert due.unit is LimitUnit.NATURAL


def test_deadline_into_2027_carries_a_warning() -> None:
    due = CAL.add_working_days(date(2026, 12, 24), 10)
    assert due.due.year == 2027
    assert due.estimated_years == (2027,)
    assert "2027年" in (due.warning or "") and "人工核对" in (due.warning or "")
    # the estimate still keeps New Year's Day off
    assert not CAL.is_workday(date(2027, 1, 1))


def test_override_file_supplies_a_missing_year(tmp_path: Path) -> None:
    path = tmp_path / "overrides.toml"
    path.write_text(
        '[2027]\nsource = "test"\nholidays = [2027-01-04]\nworkdays = [2027-01-09]\n',
        encoding="utf-8",
    )
    cal = WorkCalendar(load_overrides(path))
    assert cal.is_known(date(2027, 1, 4))
    assert not cal.is_workday(date(2027, 1, 4))
    assert cal.is_workday(date(2027, 1, 9))
    due = cal.add_working_days(date(2026, 12, 31), 2)
    assert due.due == date(2027, 1, 5) and due.warning is None


def test_override_file_errors_name_the_year_and_field(tmp_path: Path) -> None:
    path = tmp_path / "overrides.toml"
    path.write_text('[2027]\nholidays = ["2026-13-01"]\n', encoding="utf-8")
    with pytest.raises(CalendarFileError, match=r"\[2027\] holidays"):
        load_overrides(path)


def test_working_days_left() -> None:
    assert CAL.working_days_left(date(2026, 9, 29), date(2026, 10, 12)) == 5
    assert CAL.working_days_left(date(2026, 10, 13), date(2026, 10, 12)) == -1


def test_case_numbers_are_readable_and_round_trip() -> None:
    no = format_case_no("37010201", date(2026, 11, 26), 12)
    assert no == "37010201202611260012"
    assert parse_case_no(no) == ("37010201", date(2026, 11, 26), 12)
    assert doc_no(no) == "受字〔2026〕第11260012号"
    with pytest.raises(ValueError, match="大厅编码"):
        format_case_no("37 01", date(2026, 11, 26), 1)


def test_a_busy_day_widens_the_sequence_instead_of_overflowing() -> None:
    day = date(2026, 11, 26)
    assert format_case_no("37010201", day, 9999) == "37010201202611269999"
    tenth_thousand = format_case_no("37010201", day, 10_000)
    assert tenth_thousand == "370102012026112610000"
    for seq in (1, 9999, 10_000, 123_456, 99_999_999):
        no = format_case_no("37010201", day, seq)
        assert parse_case_no(no) == ("37010201", day, seq)
        assert parse_case_no(no, "37010201") == ("37010201", day, seq)
    assert doc_no(tenth_thousand) == "受字〔2026〕第112610000号"
    longest = format_case_no("H" * 16, day, 99_999_999)
    assert len(longest) == 32
    with pytest.raises(ValueError, match="超出范围"):
        format_case_no("H" * 16, day, 100_000_000)
