"""`counter-app outbox …`: what waits to be sent to the provincial 好差评 system.

    counter-app outbox status [--target hcp|case] [--json]
    counter-app outbox flush [--target …] [--retry-parked] [--json]  # every pending row once now
    counter-app outbox run [--target …] [--lease 120] [--backoff 5]  # deliver until Ctrl+C

Targets: `hcp` the ratings (setting `hcp_url`, env COUNTER_HCP_URL), `case` the case
records 受理/办结 (setting `case_report_url`). The API key is read from the OS keyring,
never from the command line or the config file.
"""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from counter_app.cli import runner
from counter_app.cli.runner import print_json


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    box = sub.add_parser("outbox", help="好差评上报队列", parents=[common]).add_subparsers(
        dest="outbox_command", required=True
    )
    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--target", choices=["hcp", "case"], default="hcp",
                        help="hcp 好差评（默认），case 办件信息（受理、办结记录）")
    st = box.add_parser("status", help="待发送 / 已送达 / 已搁置", parents=[common, target])
    st.add_argument("--json", action="store_true")
    st.set_defaults(handler=cmd_status)

    fl = box.add_parser("flush", help="每条待发送记录立即尝试一次 (忽略退避)",
                        parents=[common, target])
    fl.add_argument("--retry-parked", action="store_true", help="已搁置的也重新发送")
    fl.add_argument("--json", action="store_true")
    fl.set_defaults(handler=cmd_flush)

    run = box.add_parser("run", help="持续发送, 直到中断", parents=[common, target])
    run.add_argument("--lease", type=float, default=120.0, help="认领租期 (秒)")
    run.add_argument("--backoff", type=float, default=5.0, help="首次重试等待 (秒)")
    run.add_argument("--idle", type=float, default=5.0, help="空闲时查询间隔 (秒)")
    run.set_defaults(handler=cmd_run)


def cmd_status(args: argparse.Namespace) -> int:
    from counter_app.usecases import outbox

    with runner.runtime(args) as rt:
        s = outbox.outbox_status(rt, args.target)
    if args.json:
        print_json(s.as_json())
        return 0
    print(f"待发送 {s.pending}（其中重试中 {s.retrying}）  已送达 {s.delivered}  已搁置 {s.parked}")
    if s.oldest_pending:
        from counter_app.domain.clock import local

        print(f"最早的待发送记录: {local(s.oldest_pending):%Y-%m-%d %H:%M:%S}")
    for r in s.parked_rows:
        print(f"  搁置 #{r.id} {r.key}  尝试 {r.attempts} 次  {r.last_error}")
    return 0


def cmd_flush(args: argparse.Namespace) -> int:
    from counter_app.usecases import outbox

    with runner.runtime(args) as rt:
        done = outbox.flush(rt, outbox.Flush(runner.actor(args, rt), args.retry_parked,
                                             args.target))
    stats = done.stats
    result = {
        "sent": stats.claimed,
        "delivered": stats.delivered,
        "retry": stats.retried,
        "parked": stats.parked,
        "pending": done.pending,
    }
    if args.json:
        print_json(result)
    else:
        print(f"发送 {stats.claimed} 条：送达 {stats.delivered}，待重试 {stats.retried}，"
              f"搁置 {stats.parked}；仍待发送 {done.pending}")
    return 0 if done.pending == 0 and stats.parked == 0 else 1


def cmd_run(args: argparse.Namespace) -> int:
    from counter_app.domain.roles import Permission
    from counter_app.infra.deliverer import Backoff
    from counter_app.usecases import outbox

    with runner.runtime(args) as rt:
        runner.actor(args, rt).require(Permission.DELIVER_OUTBOX)
        deliverer = outbox.deliverer_for(rt, lease_seconds=args.lease,
                                         backoff=Backoff(base=args.backoff),
                                         idle_seconds=args.idle, target=args.target)
        done = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
        deliverer.start()
        print(f"正在发送（{deliverer.owner}），Ctrl+C 结束", flush=True)
        done.wait()
        deliverer.stop()
    return 0
