"""The pad driver against the simulated pad on a pty, with every fault knob.

Timings are shortened (ACK timeout 0.1 s, offline after 1.5 s) so the tests are quick;
the defaults of the spec are checked separately.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from devices.base import DeviceState, DeviceStatusChanged
from devices.pad.codec import Info, Rating
from devices.pad.driver import (
    ButtonPressed,
    NotRated,
    NotRatedCause,
    PadDriver,
    PadInfoReceived,
    PadStatus,
    PadTimings,
    RatingReceived,
)
from devices.pad.simulator import PadSimulator, parse_levels
from devices.pty_sim import LineFaults

from .conftest import Events, wait_for

FAST = PadTimings(ack_timeout_s=0.1, gap_timeout_s=0.2, offline_after_s=1.5, session_grace_s=0.5)
#: For tests where the cable comes back: the reconnect (with backoff) must come well
#: before the pad would count as lost, even on a loaded machine.
PATIENT = replace(FAST, offline_after_s=8.0)


@pytest.fixture
def pad(stop_later):
    """(simulator, driver, events) with fast timings on both ends."""

    def make(timings: PadTimings = FAST, **sim_options):
        sim_options.setdefault("press_delay_s", 0.02)
        sim_options.setdefault("heartbeat_s", 0.3)
        sim = stop_later(PadSimulator(baud=115200, ack_timeout_s=timings.ack_timeout_s,
                                      gap_timeout_s=timings.gap_timeout_s,
                                      **sim_options).start())
        events = Events()
        driver = stop_later(PadDriver(sim.path, 115200, timings=timings, on_event=events).start())
        wait_for(lambda: driver.status.online)
        return sim, driver, events

    return make


def result(events: Events, sid: int, timeout: float = 15.0):
    return events.next(RatingReceived | NotRated, timeout,
                       where=lambda e: e.session_id == sid)


def test_spec_defaults() -> None:
    t = PadTimings()
    assert (t.ack_timeout_s, t.max_retries, t.gap_timeout_s, t.offline_after_s) == (
        0.3, 3, 0.5, 15.0)
    assert PadDriver.default_baud == 9600


def test_hello_info_heartbeat_and_clock(pad) -> None:
    sim, driver, events = pad()
    info = events.next(PadInfoReceived).info
    assert info == Info("快办模拟", "PAD-SIM-1", "1.0.0", "SIM0001", "1")
    assert events.next(PadStatus).screen_ok
    wait_for(lambda: sim.clock is not None)
    driver.show_serving("B012", "职工退休一件事")
    wait_for(lambda: sim.display is not None and sim.display.queue_no == "B012")


def test_ratings_in_turn_with_reasons_for_bad_ones(pad) -> None:
    sim, driver, events = pad(levels=[5, 2], bad_reasons_mask=0b101)
    first = result(events, driver.open_session("C1", "社保", 30))
    second = result(events, driver.open_session("C2", "社保", 30))
    assert (first.level, first.reasons, first.level_name) == (5, [], "非常满意")
    assert second.level == 2 and second.bad
    assert second.reasons == ["服务态度差", "未一次性告知"]
    assert sim.requests_seen[0].case_no == "C1"


@pytest.mark.parametrize(
    "faults",
    [
        {"lost_ack_rate": 0.3},
        {"faults": LineFaults(garbage_rate=0.7, garbage_max=24, seed=5)},
        {"faults": LineFaults(split_rate=1.0, split_gap_s=0.005, seed=5)},
        {"bad_crc_rate": 0.3},
    ],
    ids=["lost-acks", "garbage", "split", "bad-crc"],
)
def test_every_session_gets_exactly_its_rating_despite_line_faults(pad, faults) -> None:
    levels = [5, 4, 3, 2, 1, 5, 4, 3]
    sim, driver, events = pad(levels=levels, **faults)
    sim.rng.seed(1)
    got = [result(events, driver.open_session(f"C{i}", "测试", 30)) for i in range(len(levels))]
    assert [e.level for e in got] == levels
    assert len({e.session_id for e in got}) == len(levels)
    # No session ended twice, whatever was retransmitted.
    assert len(events.of(RatingReceived)) == len(levels) and not events.of(NotRated)


def test_lost_acks_cause_duplicates_that_are_not_counted_twice(pad) -> None:
    sim, driver, events = pad(levels=[4], lost_ack_rate=0.5)
    sim.rng.seed(2)
    for i in range(6):
        assert result(events, driver.open_session(f"C{i}", "测试", 30)).level == 4
    assert sim.acks_dropped > 0
    assert driver.stats["duplicates"] + sim.link.duplicates > 0
    assert len(events.of(RatingReceived)) == 6


def test_pulled_cable_during_a_session_loses_nothing(pad) -> None:
    sim, driver, events = pad(PATIENT, levels=[3], pull_cable_after=1, pull_seconds=0.5)
    got = result(events, driver.open_session("C1", "测试", 30))
    assert got.level == 3
    assert events.of(DeviceStatusChanged)  # it did go offline and come back
    wait_for(lambda: driver.status.online)
    assert result(events, driver.open_session("C2", "测试", 30)).level == 3
    assert len(events.of(RatingReceived)) == 2


def test_rating_given_while_the_cable_is_out_is_delivered_later(pad) -> None:
    sim, driver, events = pad(PATIENT, levels=[1], press_delay_s=0.3)
    sid = driver.open_session("C1", "测试", 30)
    wait_for(lambda: sim.current is not None)
    sim.pull_cable()
    wait_for(lambda: sim.ratings_sent)  # pressed into the void
    wait_for(lambda: sim.parked, timeout=5)  # all retries failed; kept
    sim.plug_cable()
    got = result(events, sid)
    assert got.level == 1 and got.reasons == ["服务态度差", "办事效率低、等候时间长"]
    # The host asked again when the pad came back (it cannot know the press was kept).
    assert got.reasked_after_link_loss and got.reasks == 1


def test_a_press_lost_with_the_cable_is_asked_again_and_the_rating_says_so(pad) -> None:
    """A pad that drops a RATING nobody acknowledged (the protocol lets it): the host
    re-asks after the reconnect, the applicant presses again, and the rating that is
    stored is the second answer: its event says the session was re-asked."""
    sim, driver, events = pad(PATIENT, levels=[1, 5], press_delay_s=0.3, keep_results=False)
    calm = driver.open_session("C0", "测试", 30)
    first = result(events, calm)
    assert first.level == 1 and not first.reasked_after_link_loss and first.reasks == 0
    sid = driver.open_session("C1", "测试", 30)
    wait_for(lambda: sim.current is not None and sim.current.session_id == sid)
    sim.pull_cable()
    wait_for(lambda: len(sim.ratings_sent) == 2)  # 5 pressed while the cable is out
    wait_for(lambda: sim.results_dropped, timeout=5)  # … and lost at the pad
    sim.plug_cable()
    got = result(events, sid)
    assert isinstance(got, RatingReceived)
    assert got.level == 1  # the answer to the second ask, not the 5 pressed into the void
    assert got.reasked_after_link_loss and got.reasks == 1
    assert [r.session_id for r in sim.requests_seen].count(sid) == 2


def test_a_session_lost_with_the_pad_after_a_reask_says_so(pad) -> None:
    sim, driver, events = pad(PATIENT, levels=None, keep_results=False)
    sid = driver.open_session("C1", "测试", 30)
    wait_for(lambda: sim.current is not None)
    sim.pull_cable()
    events.next(DeviceStatusChanged, where=lambda e: e.status.state is DeviceState.OFFLINE)
    sim.plug_cable()
    wait_for(lambda: [r.session_id for r in sim.requests_seen].count(sid) == 2)
    driver.cancel_session(sid)
    got = result(events, sid)
    assert isinstance(got, NotRated) and got.cause is NotRatedCause.CANCELLED
    assert got.reasked_after_link_loss and got.reasks == 1


def test_nobody_presses_the_pad_reports_timeout(pad) -> None:
    sim, driver, events = pad(levels=None)
    sid = driver.open_session("C1", "测试", 10)
    wait_for(lambda: sim.current is not None)
    with sim.lock:
        sim.current.deadline = 0  # type: ignore[union-attr]  # don't wait 10 s
    got = result(events, sid)
    assert isinstance(got, NotRated) and got.cause is NotRatedCause.TIMEOUT
    assert got.cause.label == "超时未评价"


def test_cancel_and_a_new_request_cancels_the_open_one(pad) -> None:
    sim, driver, events = pad(levels=None)
    first = driver.open_session("C1", "测试", 60)
    wait_for(lambda: sim.current is not None)
    second = driver.open_session("C2", "测试", 60)
    assert result(events, first).cause is NotRatedCause.CANCELLED
    wait_for(lambda: sim.current is not None and sim.current.session_id == second)
    driver.cancel_session(second)
    assert result(events, second).cause is NotRatedCause.CANCELLED
    wait_for(lambda: sim.current is None)
    assert len(events.of(NotRated)) == 2


def test_pad_lost_for_good_ends_the_session_as_not_rated(pad) -> None:
    sim, driver, events = pad(levels=None)
    sid = driver.open_session("C1", "测试", 60)
    wait_for(lambda: sim.current is not None)
    sim.pull_cable()  # and never back
    got = result(events, sid)
    assert got.cause is NotRatedCause.PAD_LOST and got.cause.label == "评价器离线"
    assert driver.status.state is DeviceState.OFFLINE


def test_silent_pad_goes_offline_after_the_heartbeat_limit(pad) -> None:
    sim, driver, events = pad(heartbeat_s=0.3)
    sim.heartbeat_s = 1e9
    sim._next_heartbeat = 1e18  # heartbeats stop, the port stays
    events.next(DeviceStatusChanged, where=lambda e: "无心跳" in e.status.reason)
    sim.heartbeat_s = 0.3
    sim._next_heartbeat = 0
    wait_for(lambda: driver.status.online)


def test_unknown_session_and_bad_level_are_acked_and_ignored(pad) -> None:
    sim, driver, events = pad(levels=None)
    sid = driver.open_session("C1", "测试", 60)
    wait_for(lambda: sim.current is not None)
    with sim.lock:
        sim.link.send(Rating(12345, 5, 0), time.monotonic())
        sim.link.send(Rating(sid, 9, 0), time.monotonic())
    wait_for(lambda: sim.link.idle)
    sim.press(4)
    got = result(events, sid)
    assert got.level == 4 and len(events.of(RatingReceived)) == 1


def test_a_session_id_is_used_once(pad) -> None:
    sim, driver, events = pad(levels=[5])
    sid = driver.open_session("C1", "测试", 30)
    assert result(events, sid).level == 5
    assert driver.open_session("C2", "测试", 30, session_id=sid) == sid
    again = events.next(NotRated, where=lambda e: e.session_id == sid)
    assert again.detail == "评价会话号已使用过"
    assert len(events.of(RatingReceived)) == 1


def test_help_button(pad) -> None:
    sim, driver, events = pad()
    sim.press_button()
    event = events.next(ButtonPressed)
    assert (event.code, event.name) == (1, "求助")


def test_stopping_the_driver_ends_open_sessions(pad) -> None:
    sim, driver, events = pad(levels=None)
    sid = driver.open_session("C1", "测试", 60)
    wait_for(lambda: sim.current is not None)
    driver.stop()
    assert result(events, sid).cause is NotRatedCause.CANCELLED


def test_open_session_checks_the_timeout() -> None:
    driver = PadDriver("loop://")
    with pytest.raises(ValueError, match="10–255"):
        driver.open_session("C1", "测试", 5)


def test_parse_levels() -> None:
    assert parse_levels("5,4，1") == [5, 4, 1]
    with pytest.raises(ValueError, match="1–5"):
        parse_levels("6")
