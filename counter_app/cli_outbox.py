"""`counter-app outbox …`: what waits to be sent to the provincial 好差评 system.

    counter-app outbox status [--json]
    counter-app outbox flush [--retry-parked] [--json]     # send every pending row now
    counter-app outbox run [--lease 120] [--backoff 5]     # keep delivering until Ctrl+C

The endpoint is the setting `hcp_url` (env COUNTER_HCP_URL); the API key is read
from the OS keyring, never from the command line or the config file.
"""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from counter_app.cli import CliError, print_json


def register(sub: Any) -> None:
    box = sub.add_parser("outbox", help="好差评上报队列").add_subparsers(
        dest="outbox_command", required=True
    )
    st = box.add_parser("status", help="待发送 / 已送达 / 已搁置")
    st.add_argument("--json", action="store_true")
    st.set_defaults(handler=cmd_status)

    fl = box.add_parser("flush", help="立即发送全部待发送记录 (忽略退避)")
    fl.add_argument("--retry-parked", action="store_true", help="已搁置的也重新发送")
    fl.add_argument("--json", action="store_true")
    fl.set_defaults(handler=cmd_flush)

    run = box.add_parser("run", help="持续发送, 直到中断")
    run.add_argument("--lease", type=float, default=120.0, help="认领租期 (秒)")
    run.add_argument("--backoff", type=float, default=5.0, help="首次重试等待 (秒)")
    run.add_argument("--idle", type=float, default=5.0, help="空闲时查询间隔 (秒)")
    run.set_defaults(handler=cmd_run)


def _runtime(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from counter_app.cli_db import _runtime as open_rt

    return open_rt(args)


def _deliverer(rt, **kwargs: Any):  # type: ignore[no-untyped-def]
    from counter_app.services.hcp_export import ProfileError, load_profile
    from counter_app.services.outbox import Deliverer, sender_from_settings

    try:
        profile = load_profile(rt.settings.hcp_profile or None)
    except ProfileError as exc:
        raise CliError(str(exc)) from exc
    sender = sender_from_settings(rt.settings, profile)
    if sender is None:
        raise CliError("未配置好差评接口地址 hcp_url（配置文件或环境变量 COUNTER_HCP_URL）")
    return Deliverer(rt.sessions, sender, **kwargs)


def cmd_status(args: argparse.Namespace) -> int:
    from counter_app.services import outbox

    rt = _runtime(args)
    with rt.uow() as session:
        s = outbox.summary(session)
    rt.close()
    if args.json:
        print_json(s.as_json())
        return 0
    print(f"待发送 {s.pending}（其中重试中 {s.retrying}）  已送达 {s.delivered}  已搁置 {s.parked}")
    if s.oldest_pending:
        print(f"最早的待发送记录: {s.oldest_pending:%Y-%m-%d %H:%M:%S} UTC")
    for r in s.parked_rows:
        print(f"  搁置 #{r.id} {r.key}  尝试 {r.attempts} 次  {r.last_error}")
    return 0


def cmd_flush(args: argparse.Namespace) -> int:
    from counter_app.services import outbox

    rt = _runtime(args)
    deliverer = _deliverer(rt)
    if args.retry_parked:
        with rt.uow() as session:
            outbox.requeue_parked(session, rt.deps.clock())
    stats = deliverer.run_once(ignore_backoff=True)
    with rt.uow() as session:
        s = outbox.summary(session)
    rt.close()
    result = {
        "sent": stats.claimed,
        "delivered": stats.delivered,
        "retry": stats.retried,
        "parked": stats.parked,
        "pending": s.pending,
    }
    if args.json:
        print_json(result)
    else:
        print(f"发送 {stats.claimed} 条：送达 {stats.delivered}，待重试 {stats.retried}，"
              f"搁置 {stats.parked}；仍待发送 {s.pending}")
    return 0 if s.pending == 0 and stats.parked == 0 else 1


def cmd_run(args: argparse.Namespace) -> int:
    from counter_app.services.outbox import Backoff

    rt = _runtime(args)
    deliverer = _deliverer(rt, lease_seconds=args.lease, backoff=Backoff(base=args.backoff),
                           idle_seconds=args.idle)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    deliverer.start()
    print(f"正在发送（{deliverer.owner}），Ctrl+C 结束", flush=True)
    done.wait()
    deliverer.stop()
    rt.close()
    return 0
