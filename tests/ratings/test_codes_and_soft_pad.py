"""Meanings inside, codes at the export boundary (and per target profile); the
software pad keeps the hardware pad's rules."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from counter_app.domain.rating import (
    CodeOrder,
    Reason,
    Satisfaction,
    from_pad_level,
    reasons_from_labels,
    satisfaction_code,
    satisfaction_from_code,
)
from counter_app.infra.soft_pad import SoftPad
from counter_app.services.hcp_export import ProfileError, load_profile
from devices.pad.codec import REASON_BITS
from devices.pad.driver import NotRated, NotRatedCause, RatingReceived

RECORD = {
    "key": "37010201202609290001-PJ00000001", "project_no": "37010201202609290001",
    "item_code": "370100-JY-0001", "item_name": "就业登记", "dept_code": "JYK",
    "area_code": "370102", "pro_status": "accepted", "handler_name": "张敏",
    "channel": "window_pad", "applicant_name": "王䶮", "applicant_cert_no": "11010519491231002X",
    "applicant_kind": "person", "satisfaction": "very_satisfied", "reasons": [],
    "comment": "", "assessed_at": "2026-09-29T02:00:00+00:00", "assess_number": 1,
}


def test_the_two_code_orders() -> None:
    assert satisfaction_code(Satisfaction.VERY_SATISFIED) == 5  # report interfaces
    assert satisfaction_code(Satisfaction.VERY_DISSATISFIED) == 1
    assert satisfaction_code(Satisfaction.VERY_SATISFIED, CodeOrder.GBT39046) == 1
    assert satisfaction_code(Satisfaction.VERY_DISSATISFIED, "gbt39046") == 5
    for level in Satisfaction:
        for order in CodeOrder:
            assert satisfaction_from_code(satisfaction_code(level, order), order) is level
    assert from_pad_level(5) is Satisfaction.VERY_SATISFIED
    assert from_pad_level(2) is Satisfaction.DISSATISFIED and from_pad_level(2).is_bad
    assert not Satisfaction.BASIC.is_bad


def test_pad_reason_texts_map_to_reasons() -> None:
    assert [r.label for r in Reason] == list(REASON_BITS)  # the pad's bits, in order
    assert reasons_from_labels(["服务态度差", "多次跑动", "火星文"]) == [
        Reason.ATTITUDE, Reason.MANY_TRIPS, Reason.OTHER]


def test_reference_profile_record() -> None:
    record = load_profile().record({**RECORD, "reasons": ["attitude", "slow"],
                                    "satisfaction": "dissatisfied"})
    assert record["satisfaction"] == 2 and record["evalDetail"] == "1,2"
    assert record["assessTime"] == "2026-09-29 10:00:00"  # China time, yyyy-MM-dd HH:mm:ss
    assert record["pf"] == 5 and record["userProp"] == 1 and record["assessNumber"] == 1
    assert record["idempotencyKey"] == RECORD["key"]
    assert set(record) >= {"projectNo", "taskCode", "taskName", "deptCode", "areaCode",
                           "proStatus", "proManager", "userName", "certKeyGOV",
                           "writingEvaluation"}


def test_another_province_is_a_new_file(tmp_path: Path) -> None:
    profile = tmp_path / "gbt.toml"
    profile.write_text(
        'satisfaction_order = "gbt39046"\n'
        'assess_time_format = "%Y%m%d%H%M%S"\n'
        "[fields]\nbjbh = \"project_no\"\nmyd = \"satisfaction\"\npjsj = \"assessed_at\"\n",
        encoding="utf-8",
    )
    record = load_profile(profile).record(RECORD)
    assert record == {"bjbh": RECORD["project_no"], "myd": 1, "pjsj": "20260929100000"}
    bad = tmp_path / "bad.toml"
    bad.write_text('[fields]\nx = "password"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="不是已知的数据项"):
        load_profile(bad)


class _Events(list):  # type: ignore[type-arg]
    def __init__(self) -> None:
        super().__init__()
        self.cond = threading.Condition()

    def __call__(self, event: object) -> None:
        with self.cond:
            self.append(event)
            self.cond.notify_all()


def test_soft_pad_sessions_end_exactly_once() -> None:
    pad = SoftPad()
    events = _Events()
    shown: list[object] = []
    pad.add_listener(events)
    pad.add_screen(shown.append)
    first = pad.open_session("C1", "就业登记", 10, session_id=7)
    second = pad.open_session("C2", "社保卡", 10, session_id=8)  # cancels the first
    assert isinstance(events[0], NotRated) and events[0].session_id == first
    assert events[0].cause is NotRatedCause.CANCELLED
    with pytest.raises(ValueError, match="原因"):
        pad.press(1)  # a bad level needs a reason
    assert pad.press(1, ["服务态度差"])
    assert not pad.press(5)  # nothing open any more
    pad.cancel_session(second)  # too late: already rated
    got = [e for e in events if e.session_id == second]
    assert len(got) == 1 and isinstance(got[0], RatingReceived)
    assert got[0].level == 1 and got[0].reasons_mask == 1
    assert shown[-1] is None  # the screen went back to idle


def test_soft_pad_times_out() -> None:
    pad = SoftPad()
    events = _Events()
    pad.add_listener(events)
    pad.open_session("C1", "就业登记", 10, session_id=1)
    pad._timer.cancel()  # type: ignore[union-attr]  # don't wait 10 s
    pad._timed_out(1)
    assert events[-1].cause is NotRatedCause.TIMEOUT
    assert not pad.press(5)
