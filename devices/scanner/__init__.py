"""QR / barcode scanners: serial scanners (`ScannerDriver`), keyboard-wedge scanners
(`WedgeDetector`, fed by the GUI), and the resolver port for electronic
social-security card codes (`QrResolver`, `FakeResolver`)."""

from devices.scanner.codec import LineDecoder
from devices.scanner.driver import CodeScanned, ScannerDriver
from devices.scanner.resolver import FakeResolver, QrIdentity, QrResolveError, QrResolver
from devices.scanner.simulator import ScannerSimulator
from devices.scanner.wedge import ScanDetected, WedgeDetector

__all__ = [
    "CodeScanned",
    "FakeResolver",
    "LineDecoder",
    "QrIdentity",
    "QrResolveError",
    "QrResolver",
    "ScanDetected",
    "ScannerDriver",
    "ScannerSimulator",
    "WedgeDetector",
]
