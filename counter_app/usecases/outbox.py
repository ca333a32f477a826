"""The outbox to the provincial 好差评 system: what waits, send now, put parked rows
back in line, and the background deliverer every logged-in PC runs."""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.domain.audit import AuditAction
from counter_app.domain.roles import Actor, Permission
from counter_app.infra.deliverer import Backoff, Deliverer, RunStats
from counter_app.infra.http_sender import sender_from_settings
from counter_app.runtime import Runtime
from counter_app.services import audit, outbox
from counter_app.services.hcp_export import ProfileError, load_profile


class NotConfigured(ValueError):
    """No endpoint (hcp_url) or an unusable profile; the message is Chinese."""


def outbox_status(rt: Runtime) -> outbox.Summary:
    with rt.read() as session:
        return outbox.summary(session)


def deliverer_for(rt: Runtime, *, lease_seconds: float = 120.0, backoff: Backoff | None = None,
                  idle_seconds: float = 5.0) -> Deliverer:
    """The deliverer of the configured endpoint (NotConfigured when there is none)."""
    try:
        profile = load_profile(rt.settings.delivery.profile or None)
    except ProfileError as exc:
        raise NotConfigured(str(exc)) from None
    sender = sender_from_settings(rt.settings.delivery, profile)
    if sender is None:
        raise NotConfigured("未配置好差评接口地址 hcp_url（配置文件或环境变量 COUNTER_HCP_URL）")
    return Deliverer(rt.sessions, sender, clock=rt.deps.clock, lease_seconds=lease_seconds,
                     backoff=backoff, idle_seconds=idle_seconds)


@dataclass(frozen=True)
class Flush:
    actor: Actor
    retry_parked: bool = False


@dataclass(frozen=True)
class Flushed:
    stats: RunStats
    pending: int  # still waiting after the pass


def flush(rt: Runtime, cmd: Flush) -> Flushed:
    """Try every pending row once now, ignoring backoff; returns within the
    sender's timeout per row even when the endpoint is down."""
    cmd.actor.require(Permission.DELIVER_OUTBOX)
    deliverer = deliverer_for(rt)
    if cmd.retry_parked:
        with rt.write() as session:
            outbox.requeue_parked(session, rt.deps.clock())
    stats = deliverer.run_once(ignore_backoff=True)
    return Flushed(stats, outbox_status(rt).pending)


@dataclass(frozen=True)
class Requeue:
    actor: Actor
    ids: tuple[int, ...] = ()  # none: every parked row


def requeue_parked(rt: Runtime, cmd: Requeue) -> int:
    cmd.actor.require(Permission.DELIVER_OUTBOX)
    with rt.write() as session:
        count = outbox.requeue_parked(session, rt.deps.clock(), list(cmd.ids) or None)
        audit.record(session, rt.deps.clock(), cmd.actor, AuditAction.OUTBOX_REQUEUED,
                     "outbox", ",".join(map(str, cmd.ids)) or "all", count=count)
        return count
