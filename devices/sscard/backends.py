"""Social-security card back-ends behind one interface (`SsCardBackend`).

- `PcscBackend`: a PC/SC reader through pyscard, an optional dependency
  (`pip install kuaiban-counter[pcsc]`). Without it `open` fails with the Chinese
  reason "未安装智能卡读卡组件…" (the pip hint goes to the log) and the status light
  says so; nothing else breaks.
- `SimulatedBackend`: a `SimulatedSsCard` lying on a simulated reader.
- A vendor back-end (SSCardDriver `iReadCardBas`, for third-generation cards that
  need the ministry's security module) fits the same interface; it is not written yet.
"""

from __future__ import annotations

import contextlib
from typing import Any, Protocol

from devices.sscard.apdu import SsCardData, SsCardError, SsCardReader
from devices.sscard.simulator import SimulatedSsCard
from devices.transport import DeviceUnavailable

PYSCARD_MISSING = "未安装智能卡读卡组件，无法使用社保卡读卡器，请联系技术人员"
PYSCARD_HINT = "pyscard is not installed: pip install kuaiban-counter[pcsc] (or pyscard)"


class SsCardBackend(Protocol):
    def open(self) -> None:
        """Raise DeviceUnavailable (Chinese reason) when the reader is not usable."""

    def close(self) -> None: ...

    def read_card(self) -> SsCardData | None:
        """The card in the reader, None when there is none; SsCardError on failure."""


class _PyscardConnection:
    """Adapts a pyscard connection (lists of ints) to `CardConnection` (bytes)."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        data, sw1, sw2 = self._connection.transmit(list(apdu))
        return bytes(data), sw1, sw2


class PcscBackend:
    def __init__(self, reader_name: str | None = None) -> None:
        self.reader_name = reader_name
        self._reader: Any = None
        self._exceptions: tuple[type[BaseException], ...] = ()

    def open(self) -> None:
        try:
            from smartcard import Exceptions as sc_exceptions  # noqa: N812
            from smartcard.System import readers
        except ImportError as exc:
            raise DeviceUnavailable(PYSCARD_MISSING, error=True, detail=PYSCARD_HINT) from exc
        self._exceptions = (
            sc_exceptions.NoCardException,
            sc_exceptions.CardConnectionException,
        )
        try:
            available = readers()
        except Exception as exc:  # pcscd missing raises its own types
            raise DeviceUnavailable(
                "智能卡服务不可用，请确认系统的智能卡服务已启动",
                detail=f"PC/SC: {type(exc).__name__}: {exc}",
            ) from exc
        for reader in available:
            if self.reader_name is None or self.reader_name.lower() in str(reader).lower():
                self._reader = reader
                return
        raise DeviceUnavailable(
            "未找到社保卡读卡器（设备未连接？）",
            detail=f"PC/SC readers {[str(r) for r in available]}, wanted {self.reader_name!r}",
        )

    def close(self) -> None:
        self._reader = None

    def read_card(self) -> SsCardData | None:
        if self._reader is None:
            raise SsCardError("读卡器未打开")
        connection = self._reader.createConnection()
        try:
            connection.connect()
        except self._exceptions:
            return None
        try:
            return SsCardReader(_PyscardConnection(connection)).read()
        except self._exceptions as exc:
            raise SsCardError(f"读卡过程中卡片被移开或接触不良: {exc}") from exc
        finally:
            with contextlib.suppress(Exception):  # pyscard raises its own types here
                connection.disconnect()


class SimulatedBackend:
    def __init__(self, card: SimulatedSsCard | None = None) -> None:
        self.card = card if card is not None else SimulatedSsCard()

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def read_card(self) -> SsCardData | None:
        if not self.card.inserted:
            return None
        self.card.reset()
        try:
            return SsCardReader(self.card).read()
        except ConnectionError as exc:
            raise SsCardError("读卡过程中卡片被移开") from exc


def backend_for(spec: str) -> SsCardBackend:
    """`pcsc`, `pcsc:<part of the reader name>` or `sim`."""
    spec = spec.strip()
    if spec == "sim":
        return SimulatedBackend()
    if spec == "pcsc":
        return PcscBackend()
    if spec.startswith("pcsc:"):
        return PcscBackend(spec[len("pcsc:") :] or None)
    raise ValueError(f"社保卡读卡器设置无效: {spec} (应为 pcsc、pcsc:读卡器名称 或 sim)")
