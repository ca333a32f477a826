"""Serial scanner driver: every line read becomes `CodeScanned(text)`.

The driver does not resolve codes (that is network I/O for a worker thread, see
`devices.scanner.resolver`).
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.base import DeviceEvent, SerialDeviceDriver, on_driver_thread
from devices.scanner.codec import LineDecoder


@dataclass(frozen=True)
class CodeScanned(DeviceEvent):
    text: str
    source: str = "serial"  # or "wedge" when the GUI detected a keyboard burst


class ScannerDriver(SerialDeviceDriver):
    kind = "scanner"
    default_baud = 9600

    def __init__(self, port: str, baud: int | None = None, **kwargs: object) -> None:
        super().__init__(port, baud, **kwargs)
        self._decoder = LineDecoder()

    def _on_connected(self) -> None:
        self._decoder.reset()
        super()._on_connected()

    @on_driver_thread
    def _tick(self) -> None:
        data = self._read_available()
        if data:
            for code in self._decoder.feed(data):
                self._emit(CodeScanned(self.name, code))
