"""Done when: `device read-id` against the simulator prints the right fields for all
four card types, also with garbage on the line and one corrupted checksum; with no
card it exits ≠ 0 after --wait with "未检测到证件"."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from devices.idcard.model import CardType
from devices.idcard.samples import SAMPLE_CARDS
from devices.idcard.simulator import IdCardSimulator
from devices.pty_sim import LineFaults

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_TEXT = {
    CardType.RESIDENT: [
        "证件类型: 居民身份证", "姓名: 阿*******", "性别: 女", "民族: 维吾尔",
        "出生日期: 1970-03-07", "住址: 新疆维吾尔自", "证件号码: 650102********0022",
        "签发机关: 乌鲁木齐市公安局天山区分局", "有效期起: 2016-03-01", "有效期止: 长期",
    ],
    CardType.GAT: [
        "证件类型: 港澳台居民居住证", "姓名: 陈**", "性别: 男", "证件号码: 810000********1230",
        "通行证号码: *****5678", "签发次数: 01", "有效期止: 2026-05-10",
    ],
    CardType.FOREIGN_2017: [
        "证件类型: 外国人永久居留身份证(2017版)", "姓名: 史**", "英文姓名: S******************",
        "国籍: 美国", "证件号码: USA310*****0620", "有效期止: 2027-06-19",
    ],
    CardType.FOREIGN_2023: [
        "证件类型: 外国人永久居留身份证(2023版)", "姓名: 玛**", "国籍: 西班牙",
        "证件号码: 931724********0013", "出生日期: 1990-04-05", "有效期止: 2033-11-30",
    ],
}


def faulty_sim(card_type: CardType | None) -> IdCardSimulator:
    card = SAMPLE_CARDS[card_type] if card_type else None
    return IdCardSimulator(card, baud=115200, bad_checksum_once=True,
                           faults=LineFaults(garbage_rate=1.0, seed=11))


@pytest.mark.parametrize("card_type", list(CardType))
def test_read_id_prints_masked_fields_despite_garbage_and_a_bad_checksum(run_cli, card_type):
    with faulty_sim(card_type) as sim:
        code, out, err = run_cli("device", "read-id", "--port", sim.path, "--wait", "5")
        assert sim.corrupted == 1  # the first read answer was corrupted, then read again
    assert code == 0, err
    lines = out.splitlines()
    for expected in EXPECTED_TEXT[card_type]:
        assert any(line.startswith(expected) for line in lines), (expected, out)
    full = SAMPLE_CARDS[card_type]
    assert full.id_number not in out and full.name not in out
    assert "照片: WLT 1024 字节" in out


@pytest.mark.parametrize("card_type", list(CardType))
def test_read_id_json_unmasked_has_every_field(run_cli, card_type):
    with faulty_sim(card_type) as sim:
        code, out, err = run_cli("device", "read-id", "--port", f"{sim.path}?baud=115200",
                                 "--json", "--unmasked")
    assert code == 0, err
    data = json.loads(out)
    expected = SAMPLE_CARDS[card_type].to_dict()
    for key, value in expected.items():
        assert data[key] == value, key
    assert "photo_wlt" not in data


def test_no_card_exits_nonzero_after_wait(run_cli):
    with faulty_sim(None) as sim:
        code, out, err = run_cli("device", "read-id", "--port", sim.path, "--wait", "0.5")
    assert code != 0
    assert "未检测到证件" in err
    assert out == ""


def test_missing_port_and_missing_vendor_library(run_cli, tmp_path):
    code, _, err = run_cli("device", "read-id", "--wait", "0")
    assert code == 2 and "--port" in err
    code, _, err = run_cli("device", "read-id", "--port", str(tmp_path / "none"), "--wait", "0")
    assert code == 1 and "找不到端口" in err
    code, _, err = run_cli("device", "read-id", "--vendor-lib", str(tmp_path / "libsdtapi.so"))
    assert code == 1 and "未找到读卡器厂商动态库" in err


def test_simulate_command_and_read_id_as_separate_processes(tmp_path):
    """The technician's way: `simulate idcard` in one terminal, `device read-id` in another."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sim = subprocess.Popen(
        [sys.executable, "-m", "counter_main", "simulate", "idcard", "--card-type", "J",
         "--garbage", "--bad-checksum-once", "--json", "--link", str(tmp_path / "reader")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert sim.stdout is not None
        info = json.loads(sim.stdout.readline())
        assert info["port"] == str(tmp_path / "reader")
        done = subprocess.run(
            [sys.executable, "-m", "counter_main", "device", "read-id", "--port", info["port"],
             "--json"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        assert data["card_type"] == "J" and data["pass_number"] == "*****5678"
    finally:
        sim.send_signal(signal.SIGINT)
        sim.wait(10)
    assert sim.returncode == 0
    assert not (tmp_path / "reader").exists()  # the port went away with the simulator


def test_simulate_rejects_an_unknown_card_type(run_cli):
    code, _, err = run_cli("simulate", "idcard", "--card-type", "X")
    assert code == 2 and "未知证件类型" in err
