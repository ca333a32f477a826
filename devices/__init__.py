"""Counter hardware drivers: ID-card reader, social-security card, QR scanner,
evaluation pad, slip printer.

Pure Python plus pyserial. Nothing here imports `counter_app`, `ui` or Qt, so the
drivers run in a technician's terminal, in tests and behind the GUI alike.

Each device kind is a package with the same parts:

- a **codec** (pure functions and small stateful decoders fed with bytes; they never
  raise on garbage and never wait on their own),
- a **driver** (`devices.base.DeviceDriver`: one thread owns the port, commands go in
  through a queue, typed events come out through callbacks, status online / offline /
  error with a Chinese reason, reconnects by itself),
- a **simulator** (the device side of the same bytes, served on a pseudo-terminal by
  `devices.pty_sim`, with fault knobs).

`devices.hub` starts the set of drivers a counter has and the simulated devices of the
demo mode.

Glossary (English name in code → Chinese term):
    IdCardData               身份证/居住证/永居证 读取结果
    SAM                      安全模块 (security access module in the ID-card reader)
    SsCardData               社会保障卡
    pad                      评价器 (evaluation pad on the applicant's side)
    session / not rated      一次评价 / 未评价 (counts towards 参评率)
    slip                     排队小票 / 回执小票
    spool / job              打印任务队列 / 打印任务
"""

from devices.base import (
    DeviceDriver,
    DeviceEvent,
    DeviceState,
    DeviceStatus,
    DeviceStatusChanged,
    DeviceUnavailable,
)

__all__ = [
    "DeviceDriver",
    "DeviceEvent",
    "DeviceState",
    "DeviceStatus",
    "DeviceStatusChanged",
    "DeviceUnavailable",
]
