"""Code tables of the ID-card protocol: SAM status (SW3); sex, nation and nationality
come from the shared `devices.gbcodes`."""

from __future__ import annotations

from devices.gbcodes import (  # noqa: F401 - re-exported for the ID-card modules
    NATIONALITIES,
    NATIONS,
    SEX,
    nation_name,
    nationality_name,
    sex_name,
)

#: SAM status byte SW3 → Chinese message (GA/T 467). SW1 SW2 are 00 00.
SW3_MESSAGES: dict[int, str] = {
    0x90: "操作成功",
    0x9F: "寻找证件成功",
    0x80: "未检测到证件",
    0x81: "选取证件失败",
    0x41: "读证件失败",
    0x10: "读卡器收到的命令校验和错误",
    0x11: "读卡器收到的命令长度错误",
    0x21: "读卡器收到的命令错误",
    0x23: "越权操作",
    0x24: "读卡器未知错误",
    0x31: "证件认证安全模块失败",
    0x32: "安全模块认证证件失败",
    0x33: "证件信息验证错误",
    0x40: "无法识别的证件类型",
    0x47: "读卡器密钥错误",
    0x60: "安全模块自检失败",
    0x66: "安全模块未经授权",
    0x91: "证件中此项无内容",
}

SW3_OK = 0x90
SW3_FIND_OK = 0x9F
SW3_NO_CARD = 0x80
SW3_SELECT_FAILED = 0x81
SW3_READ_FAILED = 0x41
SW3_BAD_CHECKSUM = 0x10
SW3_BAD_LENGTH = 0x11
SW3_NO_CONTENT = 0x91

#: Statuses after which find → select → read is simply tried again.
RETRYABLE_READ = frozenset({0x41, 0x81, 0x31, 0x32, 0x33})


def sw3_message(sw3: int) -> str:
    return SW3_MESSAGES.get(sw3, f"读卡器返回未知状态 0x{sw3:02X}")
