"""The SAM reader against the simulated reader on a pty, with every fault knob;
the ID-card driver; the vendor-library back-end."""

from __future__ import annotations

import pytest

from devices.base import DeviceState, DeviceStatusChanged
from devices.idcard.driver import IdCardDriver, IdCardRead, IdCardReadFailed
from devices.idcard.frames import FIND_CARD, FrameDecoder, encode_response, parse_request
from devices.idcard.model import CardType
from devices.idcard.reader import IdCardError, SamReader, SerialSamBackend
from devices.idcard.samples import SAMPLE_CARDS
from devices.idcard.simulator import IdCardSimulator
from devices.idcard.tables import SW3_FIND_OK, SW3_NO_CARD, SW3_OK
from devices.idcard.vendor import VendorLibBackend
from devices.pty_sim import LineFaults
from devices.transport import DeviceUnavailable, PortGone, open_serial

from .conftest import Events, wait_for

RESIDENT = SAMPLE_CARDS[CardType.RESIDENT]


@pytest.fixture
def sim(stop_later):
    def make(card=RESIDENT, **options):
        options.setdefault("replace_after_s", None)
        return stop_later(IdCardSimulator(card, **options).start())

    return make


@pytest.fixture
def backend(stop_later):
    def make(simulator, **options):
        b = stop_later(SerialSamBackend(simulator.path, 115200, **options))
        b.open()
        return b

    return make


@pytest.mark.parametrize("card_type", list(CardType))
def test_reads_every_card_type(sim, backend, card_type):
    simulator = sim(SAMPLE_CARDS[card_type])
    card = backend(simulator).read_card()
    assert card == SAMPLE_CARDS[card_type]
    assert card is not None and card.photo_wlt == SAMPLE_CARDS[card_type].photo_wlt


def test_card_must_leave_before_the_next_read(sim, backend):
    simulator = sim()
    reader = backend(simulator)
    assert reader.read_card() == RESIDENT
    assert reader.read_card() is None  # still on the reader, but already read
    simulator.remove_card()
    assert reader.read_card() is None
    simulator.place_card(SAMPLE_CARDS[CardType.GAT])
    assert reader.read_card() == SAMPLE_CARDS[CardType.GAT]


def test_card_comes_back_after_replace_delay(sim, backend):
    simulator = sim(replace_after_s=0.2)
    reader = backend(simulator)
    assert reader.read_card() == RESIDENT
    assert wait_for(lambda: reader.read_card(), timeout=5) == RESIDENT


def test_no_card(sim, backend):
    assert backend(sim(None)).read_card() is None


def test_garbage_and_split_frames(sim, backend):
    simulator = sim(faults=LineFaults(garbage_rate=1.0, garbage_max=40, split_rate=1.0,
                                      split_gap_s=0.005, seed=7))
    assert backend(simulator).read_card() == RESIDENT


def test_one_bad_checksum_is_read_again(sim, backend):
    simulator = sim(bad_checksum_once=True)
    reader = backend(simulator)
    assert reader.read_card() == RESIDENT
    assert simulator.corrupted == 1
    assert reader.reader is not None and reader.reader.resends == 1


def test_checksum_always_bad_gives_up_with_a_chinese_error(sim, backend):
    simulator = sim(bad_checksum_rate=1.0)
    reader = backend(simulator, retries=2)
    with pytest.raises(IdCardError, match="校验和错误") as info:
        reader.read_card()
    assert info.value.link


def test_lost_requests_are_asked_again(sim, backend):
    simulator = sim(drop_rate=0.3, faults=LineFaults(seed=3))
    reader = backend(simulator, retries=6, answer_timeout=0.1)
    assert reader.read_card() == RESIDENT


class LateAnswerPort:
    """A reader that still answers the request before, which the host gave up on:
    that late answer comes first, then the answer to the request just sent."""

    def __init__(self) -> None:
        self.buffer = b""

    @property
    def in_waiting(self) -> int:
        return len(self.buffer)

    def read(self, size: int = 1) -> bytes:
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def reset_input_buffer(self) -> None:
        self.buffer = b""

    def write(self, data: bytes, /) -> int:
        request = parse_request(next(iter(FrameDecoder().feed(data))))
        assert request is not None
        if (request.cmd, request.para) == FIND_CARD:  # after a status or select
            self.buffer += encode_response(SW3_OK) + encode_response(SW3_FIND_OK)
        else:  # after a find
            self.buffer += encode_response(SW3_NO_CARD) + encode_response(SW3_OK)
        return len(data)


def test_a_late_answer_to_the_request_before_is_passed_over():
    """GA 467 answers carry no command code: a find answered 'done' (90) was the
    late answer to the status asked before (seen under load: 操作成功 as a find's
    error), and a select answered 'no card' (80) the late answer to a find."""
    reader = SamReader(LateAnswerPort(), answer_timeout=0.2)
    assert reader.find() is True
    reader.select()
    assert reader.late_answers == 2 and reader.resends == 0


def test_read_failure_is_retried_from_find(sim, backend):
    simulator = sim()
    reader = backend(simulator)
    simulator.fail_next_read = 0x41
    assert reader.read_card() == RESIDENT
    assert simulator.requests.count((0x20, 0x01)) == 2


def test_a_status_code_that_does_not_retry(sim, backend):
    simulator = sim()
    reader = backend(simulator)
    simulator.fail_next_read = 0x40
    with pytest.raises(IdCardError, match="无法识别的证件类型") as info:
        reader.read_card()
    assert info.value.sw3 == 0x40 and not info.value.link


def test_sam_self_test_failure_is_an_error_status(sim):
    simulator = sim(sam_status=0x60)
    with pytest.raises(DeviceUnavailable, match="安全模块自检失败") as info:
        SerialSamBackend(simulator.path).open()
    assert info.value.error


def test_a_port_nobody_answers_on(tmp_path):
    with pytest.raises(DeviceUnavailable, match="找不到端口"):
        SerialSamBackend(str(tmp_path / "nothing")).open()


def test_pulled_cable_fails_the_port_and_plugging_back_works(sim):
    simulator = sim()
    port = open_serial(simulator.path, 115200)
    reader = SamReader(port, 115200)
    assert reader.find()
    simulator.pull_cable()
    # Whichever call notices first (flush, write, read) and whatever pyserial raises
    # underneath (SerialException, OSError, termios.error), the transport says PortGone.
    with pytest.raises(PortGone, match="连接中断"):
        reader.find()
    port.close()
    with pytest.raises(DeviceUnavailable):
        open_serial(simulator.path, 115200)
    simulator.plug_cable()
    port = open_serial(simulator.path, 115200)
    try:
        assert SamReader(port, 115200).read_card() == RESIDENT
    finally:
        port.close()


def test_fingerprint_read(sim, backend):
    card = backend(sim(), fingerprint=True).read_card()
    assert card == RESIDENT and card is not None and card.fingerprint == b""


# ---- driver --------------------------------------------------------------------------


def test_driver_reports_each_card_once_and_survives_a_pulled_cable(sim, stop_later):
    simulator = sim(replace_after_s=None)
    events = Events()
    driver = stop_later(IdCardDriver(simulator.path, 115200, on_event=events,
                                     poll_interval_s=0.05).start())
    assert events.next(IdCardRead).card == RESIDENT
    assert driver.status.state is DeviceState.ONLINE
    simulator.pull_cable(0.3)
    events.next(DeviceStatusChanged, where=lambda e: e.status.state is DeviceState.OFFLINE)
    events.next(DeviceStatusChanged, where=lambda e: e.status.state is DeviceState.ONLINE)
    simulator.place_card(SAMPLE_CARDS[CardType.FOREIGN_2017])
    assert events.next(IdCardRead).card == SAMPLE_CARDS[CardType.FOREIGN_2017]
    assert len(events.of(IdCardRead)) == 2


def test_read_now_without_card_says_so(sim, stop_later):
    simulator = sim(None)
    events = Events()
    driver = stop_later(IdCardDriver(simulator.path, on_event=events, poll=False).start())
    wait_for(lambda: driver.status.online)
    driver.read_now()
    assert events.next(IdCardReadFailed).reason == "未检测到证件"


def test_photo_decoder_is_plugged_in(sim, stop_later):
    class Decoder:
        def decode(self, wlt: bytes) -> bytes:
            return b"BM" + wlt[:4]

    events = Events()
    stop_later(IdCardDriver(sim().path, on_event=events, photo_decoder=Decoder(),
                            poll_interval_s=0.05).start())
    read = events.next(IdCardRead)
    assert read.photo == b"BM" + RESIDENT.photo_wlt[:4]
    assert "photo" not in repr(read.card)


def test_vendor_library_missing_is_a_clear_error(tmp_path, stop_later):
    backend = VendorLibBackend(str(tmp_path / "libsdtapi.so"))
    with pytest.raises(DeviceUnavailable, match="未找到读卡器厂商动态库") as info:
        backend.open()
    assert info.value.error
    events = Events()
    driver = stop_later(IdCardDriver(backend, on_event=events).start())
    wait_for(lambda: driver.status.state is DeviceState.ERROR)
    assert "厂商动态库" in driver.status.reason


def test_vendor_default_names_are_tried():
    with pytest.raises(DeviceUnavailable, match="未找到读卡器厂商动态库") as info:
        VendorLibBackend().open()
    # The names tried are for the technician's log, not for the status light.
    assert "libsdtapi.so" in info.value.detail or "sdtapi.dll" in info.value.detail
