"""Social-security cards: the APDU logic against a simulated card, the optional
pyscard back-end, the driver and `device read-sscard`."""

from __future__ import annotations

import importlib.util
import json
from datetime import date

import pytest

from devices.base import DeviceState
from devices.sscard.apdu import (
    SELECT_AID,
    SsCardError,
    SsCardReader,
    decode_digits,
    parse_record,
    read_record_apdu,
)
from devices.sscard.backends import PYSCARD_MISSING, PcscBackend, SimulatedBackend, backend_for
from devices.sscard.driver import SsCardDriver, SsCardRead, SsCardReadFailed
from devices.sscard.simulator import SimulatedSsCard
from devices.transport import DeviceUnavailable

from .conftest import Events, wait_for

HAS_PYSCARD = importlib.util.find_spec("smartcard") is not None


def test_select_apdu_is_the_documented_one() -> None:
    documented = bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF")
    assert documented == SELECT_AID


def test_read_record_by_short_file_id() -> None:
    assert read_record_apdu(0x05, 0x07) == bytes.fromhex("00B2072C00")
    assert read_record_apdu(0x06, 0x09) == bytes.fromhex("00B2093400")


def test_reads_every_field() -> None:
    card = SsCardReader(SimulatedSsCard()).read()
    assert (card.name, card.sex, card.nation) == ("李晓梅", "女", "汉")
    assert card.ssn == "370102198808150035" and card.card_number == "A12345678"
    assert card.birth_date == date(1988, 8, 15) and card.birth_place == "370102"
    assert (card.issue_date, card.expiry_date) == (date(2019, 6, 1), date(2029, 6, 1))
    assert card.card_id == "370100D15600000500A1B2C3D4E5F601"
    assert card.to_dict()["birth_date"] == "1988-08-15"


def test_the_apdu_transcript() -> None:
    sim = SimulatedSsCard()
    SsCardReader(sim).read()
    assert sim.apdus[0] == SELECT_AID
    assert sim.apdus[1:5] == [read_record_apdu(5, r) for r in (0x01, 0x05, 0x06, 0x07)]
    assert sim.apdus[5:] == [read_record_apdu(6, r) for r in range(0x08, 0x0E)]


def test_wrong_le_is_asked_again() -> None:
    sim = SimulatedSsCard(reorder_le=True)
    assert SsCardReader(sim).read().name == "李晓梅"
    assert any(apdu[1] == 0xB2 and apdu[4] != 0 for apdu in sim.apdus)


def test_cards_needing_the_security_module_fail_clearly() -> None:
    with pytest.raises(SsCardError, match="安全状态不满足"):
        SsCardReader(SimulatedSsCard(needs_security_module=True)).read()


def test_not_a_social_security_card() -> None:
    class OtherCard:
        def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
            return b"", 0x6A, 0x82

    with pytest.raises(SsCardError, match="不是社会保障卡"):
        SsCardReader(OtherCard()).read()


def test_record_helpers() -> None:
    assert parse_record(b"\x07\x02AB", 0x07) == b"AB"
    assert parse_record(b"\x07\x05AB", 0x07) is None
    assert parse_record(b"\x08\x02AB", 0x07) is None
    assert decode_digits(bytes.fromhex("19880815")) == "19880815"
    assert decode_digits(b"A12345678") == "A12345678"


@pytest.mark.skipif(HAS_PYSCARD, reason="pyscard is installed here")
def test_without_pyscard_the_status_says_so(stop_later) -> None:
    with pytest.raises(DeviceUnavailable, match="未安装智能卡读卡组件") as info:
        PcscBackend().open()
    assert info.value.error
    events = Events()
    driver = stop_later(SsCardDriver("pcsc", on_event=events).start())
    wait_for(lambda: driver.status.state is DeviceState.ERROR)
    assert driver.status.reason == PYSCARD_MISSING


def test_backend_specs() -> None:
    assert isinstance(backend_for("sim"), SimulatedBackend)
    assert backend_for("pcsc:ACS").reader_name == "ACS"  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="社保卡读卡器设置无效"):
        backend_for("com3")


def test_driver_reports_a_card_once_per_insertion(stop_later) -> None:
    card = SimulatedSsCard()
    events = Events()
    driver = stop_later(SsCardDriver(SimulatedBackend(card), on_event=events,
                                     poll_interval_s=0.02).start())
    assert events.next(SsCardRead).card.name == "李晓梅"
    card.remove()
    wait_for(lambda: not driver._present)
    driver.read_now()
    assert events.next(SsCardReadFailed).reason == "未检测到社保卡"
    card.insert()
    events.next(SsCardRead)
    assert len(events.of(SsCardRead)) == 2


def test_read_sscard_cli(run_cli) -> None:
    code, out, err = run_cli("device", "read-sscard", "--simulated")
    assert code == 0, err
    assert "姓名: 李*" in out and "社会保障号码: 370102********0035" in out
    code, out, err = run_cli("device", "read-sscard", "--simulated", "--json", "--unmasked")
    assert json.loads(out)["ssn"] == "370102198808150035"


@pytest.mark.skipif(HAS_PYSCARD, reason="pyscard is installed here")
def test_read_sscard_cli_without_pyscard(run_cli) -> None:
    code, _, err = run_cli("device", "read-sscard")
    assert code == 1 and "未安装智能卡读卡组件" in err
