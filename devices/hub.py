"""The devices of one counter, started together; and the simulated set for the demo.

    hub = DeviceHub(on_event=bridge.post)          # bridge: the GUI's Qt-side relay
    hub.configure({
        "idcard": "/dev/ttyUSB0",                  # or "COM3?baud=115200", "sdtapi", "sdtapi:1001"
        "sscard": "pcsc",                          # "pcsc:<reader name part>", "sim"
        "scanner": "/dev/ttyACM1?baud=9600",
        "pad": "/dev/ttyACM0",
        "printer": "tcp:192.168.1.50:9100",        # serial:PORT?baud=9600, file:PATH
    }, spool_dir=data_dir / "print-spool")
    hub.start()
    ...
    hub.idcard.read_now(); hub.pad.open_session(case_no, business, 60)
    hub.printer.print_job(slip_bytes, "排队小票")
    hub.stop()

An empty or missing setting leaves that device out (its attribute is None).

How events come out: every driver calls `on_event(event)` **on its own driver
thread**, one call per event, in the order the driver saw things happen. Events are
frozen dataclasses (`devices.base.DeviceEvent` subclasses, each with `device`, the
kind name): `DeviceStatusChanged`, `IdCardRead`, `IdCardReadFailed`, `SsCardRead`,
`SsCardReadFailed`, `CodeScanned`, `RatingReceived`, `NotRated`, `ButtonPressed`,
`PadInfoReceived`, `PadStatus`, `PrintJobDone`, `PrintJobFailed`, `PrintJobsWaiting`.
The callback must return quickly and must not touch widgets; a Qt bridge re-emits each
event as a signal (queued to the GUI thread). Calls into the drivers (`read_now`, `open_session`,
`print_job`, …) are safe from any thread and never block on device I/O.

`start_simulated_devices()` serves simulators on pseudo-terminals in this process and
returns the settings that point a hub at them (`counter-app demo`). POSIX only: on
Windows the demo runs without simulated serial devices.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.base import DeviceDriver, DeviceStatus, EventCallback
from devices.escpos.driver import PrinterDriver
from devices.escpos.simulator import PrinterSimulator
from devices.escpos.spool import JobSpool
from devices.idcard.driver import IdCardDriver
from devices.idcard.model import CardType
from devices.idcard.reader import SerialSamBackend
from devices.idcard.samples import sample_card
from devices.idcard.simulator import IdCardSimulator
from devices.idcard.vendor import USB_PORT, VendorLibBackend
from devices.pad.driver import PadDriver
from devices.pad.simulator import PadSimulator
from devices.pty_sim import PtySimulator
from devices.scanner.driver import ScannerDriver
from devices.scanner.resolver import FakeResolver
from devices.scanner.simulator import ScannerSimulator
from devices.sscard.backends import SimulatedBackend, backend_for
from devices.sscard.driver import SsCardDriver
from devices.sscard.simulator import SimulatedSsCard

KINDS = ("idcard", "sscard", "scanner", "pad", "printer")

#: Attribute names of `counter_app.config.Settings` for each kind (read by duck typing,
#: so this package does not import counter_app).
SETTINGS_ATTRIBUTES = {
    "idcard": "idcard_port",
    "sscard": "sscard_port",
    "scanner": "scanner_port",
    "pad": "pad_port",
    "printer": "slip_printer",
}


def ports_from_settings(settings: Any) -> dict[str, str]:
    """{kind: port} from an object with `idcard_port`, …, `slip_printer` attributes."""
    return {
        kind: str(getattr(settings, attr, "") or "") for kind, attr in SETTINGS_ATTRIBUTES.items()
    }


def make_idcard_driver(spec: str, on_event: EventCallback | None = None) -> IdCardDriver:
    """`sdtapi` / `sdtapi:1001` / `sdtapi:/path/lib.so` for a vendor library, else a port."""
    if spec == "sdtapi" or spec.startswith("sdtapi:"):
        arg = spec.partition(":")[2]
        if arg.isdigit():
            backend: Any = VendorLibBackend(port=int(arg))
        else:
            backend = VendorLibBackend(arg or None, port=USB_PORT)
        return IdCardDriver(backend, on_event=on_event)
    return IdCardDriver(SerialSamBackend(spec, 115200), on_event=on_event)


class DeviceHub:
    """Owns the drivers of one counter."""

    def __init__(self, on_event: EventCallback | None = None) -> None:
        self.on_event = on_event
        self.drivers: dict[str, DeviceDriver] = {}
        self.spool: JobSpool | None = None
        #: The simulated social-security card when sscard is "sim" (demo: take it out…).
        self.simulated_sscard: SimulatedSsCard | None = None

    # typed accessors -------------------------------------------------------------------
    @property
    def idcard(self) -> IdCardDriver | None:
        return self.drivers.get("idcard")  # type: ignore[return-value]

    @property
    def sscard(self) -> SsCardDriver | None:
        return self.drivers.get("sscard")  # type: ignore[return-value]

    @property
    def scanner(self) -> ScannerDriver | None:
        return self.drivers.get("scanner")  # type: ignore[return-value]

    @property
    def pad(self) -> PadDriver | None:
        return self.drivers.get("pad")  # type: ignore[return-value]

    @property
    def printer(self) -> PrinterDriver | None:
        return self.drivers.get("printer")  # type: ignore[return-value]

    def configure(
        self,
        ports: Mapping[str, str | None],
        *,
        spool_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        """Create the drivers (not started). Raises ValueError (Chinese) on a bad setting."""
        self.stop()
        self.drivers = {}
        self.spool = JobSpool(spool_dir)
        for kind, spec in ports.items():
            if kind not in KINDS:
                raise ValueError(f"未知设备类型: {kind}")
            spec = (spec or "").strip()
            if spec:
                self.drivers[kind] = self._make(kind, spec)

    def _make(self, kind: str, spec: str) -> DeviceDriver:
        if kind == "idcard":
            return make_idcard_driver(spec, self.on_event)
        if kind == "sscard":
            backend = backend_for(spec)
            if isinstance(backend, SimulatedBackend):
                self.simulated_sscard = backend.card
            return SsCardDriver(backend, on_event=self.on_event)
        if kind == "scanner":
            return ScannerDriver(spec, on_event=self.on_event)
        if kind == "pad":
            return PadDriver(spec, on_event=self.on_event)
        return PrinterDriver(spec, spool=self.spool, on_event=self.on_event)

    def start(self) -> None:
        for driver in self.drivers.values():
            driver.start()

    def stop(self) -> None:
        for driver in self.drivers.values():
            driver.stop()

    def restart(self, kind: str, spec: str) -> None:
        """Change one device's setting (from the settings dialog) without touching the rest."""
        old = self.drivers.pop(kind, None)
        if old is not None:
            old.stop()
        spec = spec.strip()
        if spec:
            driver = self._make(kind, spec)
            self.drivers[kind] = driver
            driver.start()

    def statuses(self) -> dict[str, DeviceStatus]:
        return {kind: driver.status for kind, driver in self.drivers.items()}


@dataclass
class SimulatedDevices:
    """Simulators running in this process, and the settings that reach them."""

    idcard: IdCardSimulator
    pad: PadSimulator
    printer: PrinterSimulator
    scanner: ScannerSimulator
    resolver: FakeResolver
    folder: str
    ports: dict[str, str] = field(default_factory=dict)

    @property
    def simulators(self) -> list[PtySimulator]:
        return [self.idcard, self.pad, self.printer, self.scanner]

    def stop(self) -> None:
        for sim in self.simulators:
            sim.stop()
        with contextlib.suppress(OSError):
            os.rmdir(self.folder)

    def __enter__(self) -> SimulatedDevices:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_simulated_devices(
    *,
    card_type: CardType | str = CardType.RESIDENT,
    folder: str | os.PathLike[str] | None = None,
    pad_press_delay_s: float = 3.0,
) -> SimulatedDevices:
    """Start an ID-card reader, pad, slip printer and scanner on pseudo-terminals.

    Returns them with `ports`, ready for `DeviceHub.configure` (sscard is "sim", a
    simulated card inside the hub). The ID card lies on the reader and comes back a
    few seconds after each read; the pad presses 5 (非常满意) after
    `pad_press_delay_s`; `scanner.scan(FakeResolver.DEMO_CODE)` scans the demo QR.
    """
    base = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="kuaiban-demo-"))
    base.mkdir(parents=True, exist_ok=True)
    idcard = IdCardSimulator(sample_card(card_type), baud=115200, path=str(base / "idcard"),
                             replace_after_s=5.0)
    pad = PadSimulator(baud=9600, press_delay_s=pad_press_delay_s, path=str(base / "pad"))
    printer = PrinterSimulator(baud=9600, path=str(base / "printer"))
    scanner = ScannerSimulator(baud=9600, path=str(base / "scanner"))
    started: list[PtySimulator] = []
    try:
        for sim in (idcard, pad, printer, scanner):
            sim.start()
            started.append(sim)
    except Exception:
        for sim in started:
            sim.stop()
        raise
    devices = SimulatedDevices(idcard, pad, printer, scanner, FakeResolver(), str(base))
    devices.ports = {
        "idcard": f"{idcard.path}?baud=115200",
        "sscard": "sim",
        "scanner": f"{scanner.path}?baud=9600",
        "pad": f"{pad.path}?baud=9600",
        "printer": f"serial:{printer.path}?baud=9600",
    }
    return devices
