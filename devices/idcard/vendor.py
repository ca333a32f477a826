"""`IdCardBackend` over a reader vendor's library (sdtapi / termb style, via ctypes).

Many USB readers hide the SAM behind a vendor library (sdtapi.dll, termb.dll,
libsdtapi.so, libtermb.so). The common "sdtapi" calls return the same SW3 status
codes as the serial protocol and hand back the same 256 text + 1024 photo bytes, so
the text decoder is shared:

    SDT_OpenPort(int port)                                      -> 0x90
    SDT_ClosePort(int port)
    SDT_StartFindIDCard(int port, uchar *mana, int ifOpen)      -> 0x9F
    SDT_SelectIDCard(int port, uchar *mana, int ifOpen)         -> 0x90
    SDT_ReadBaseMsg(int port, uchar *text, uint *textLen,
                    uchar *photo, uint *photoLen, int ifOpen)   -> 0x90

Port numbers: 1–16 serial COM1–16, 1001–1016 USB. Nothing of this can run without the
licensed library; when it is missing `open` fails with a clear Chinese reason.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import sys
from collections.abc import Sequence

from devices.idcard.cardtext import decode_card_text
from devices.idcard.model import IdCardData
from devices.idcard.reader import IdCardError
from devices.idcard.tables import SW3_FIND_OK, SW3_NO_CARD, SW3_OK, sw3_message
from devices.transport import DeviceUnavailable

DEFAULT_NAMES: tuple[str, ...] = (
    ("sdtapi.dll", "termb.dll") if sys.platform == "win32" else ("libsdtapi.so", "libtermb.so")
)
USB_PORT = 1001


def _load(candidates: Sequence[str]) -> ctypes.CDLL:
    loader = ctypes.WinDLL if sys.platform == "win32" else ctypes.CDLL  # type: ignore[attr-defined]
    tried = []
    for name in candidates:
        paths = [name]
        if os.path.sep not in name:
            found = ctypes.util.find_library(name.removeprefix("lib").split(".")[0])
            if found:
                paths.append(found)
        for path in paths:
            tried.append(path)
            try:
                return loader(path)
            except OSError:
                continue
    raise DeviceUnavailable(
        "未找到读卡器厂商动态库，请安装读卡器驱动或改用串口方式",
        error=True,
        detail=f"tried: {', '.join(tried)}",
    )


class VendorLibBackend:
    """Reads cards through sdtapi-style functions of a vendor library."""

    def __init__(self, library: str | Sequence[str] | None = None, port: int = USB_PORT) -> None:
        if library is None:
            self.candidates: tuple[str, ...] = DEFAULT_NAMES
        elif isinstance(library, str):
            self.candidates = (library,)
        else:
            self.candidates = tuple(library)
        self.port = port
        self._lib: ctypes.CDLL | None = None

    def open(self) -> None:
        lib = _load(self.candidates)
        try:
            result = lib.SDT_OpenPort(ctypes.c_int(self.port))
        except AttributeError as exc:
            raise DeviceUnavailable("读卡器厂商动态库不兼容（缺少打开端口的接口）", error=True,
                                    detail="no SDT_OpenPort: not an sdtapi library") from exc
        if result != SW3_OK:
            raise DeviceUnavailable(f"读卡器端口 {self.port} 打开失败: {sw3_message(result)}")
        self._lib = lib

    def close(self) -> None:
        lib, self._lib = self._lib, None
        if lib is not None:
            with contextlib.suppress(Exception):  # the library may fail any way here
                lib.SDT_ClosePort(ctypes.c_int(self.port))

    def read_card(self) -> IdCardData | None:
        lib = self._lib
        if lib is None:
            raise IdCardError("读卡器未打开", link=True)
        mana = (ctypes.c_ubyte * 8)()
        found = lib.SDT_StartFindIDCard(ctypes.c_int(self.port), mana, ctypes.c_int(1))
        if found == SW3_NO_CARD:
            return None
        if found != SW3_FIND_OK:
            raise IdCardError(sw3_message(found), sw3=found)
        selected = lib.SDT_SelectIDCard(ctypes.c_int(self.port), mana, ctypes.c_int(1))
        if selected != SW3_OK:
            raise IdCardError(sw3_message(selected), sw3=selected)
        text = (ctypes.c_ubyte * 256)()
        photo = (ctypes.c_ubyte * 1024)()
        text_len = ctypes.c_uint(0)
        photo_len = ctypes.c_uint(0)
        status = lib.SDT_ReadBaseMsg(
            ctypes.c_int(self.port), text, ctypes.byref(text_len), photo,
            ctypes.byref(photo_len), ctypes.c_int(1),
        )
        if status != SW3_OK:
            raise IdCardError(sw3_message(status), sw3=status)
        card = decode_card_text(
            bytes(text)[: text_len.value], bytes(photo)[: min(photo_len.value, 1024)]
        )
        if card is None:
            raise IdCardError("证件信息无法识别")
        return card
