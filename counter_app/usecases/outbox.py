"""The outbox to the provincial systems: ratings to the 好差评 system (target "hcp")
and case records to the case platform (target "case"): what waits, send now, put
parked rows back in line, and the background deliverers every logged-in PC runs."""

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


TARGETS = {"hcp": "好差评", "case": "办件信息"}
_URL_KEYS = {"hcp": "hcp_url（环境变量 COUNTER_HCP_URL）",
             "case": "case_report_url（环境变量 COUNTER_CASE_REPORT_URL）"}


def outbox_status(rt: Runtime, target: str = "hcp") -> outbox.Summary:
    with rt.read() as session:
        return outbox.summary(session, target)


def deliverer_for(rt: Runtime, *, lease_seconds: float = 120.0, backoff: Backoff | None = None,
                  idle_seconds: float = 5.0, target: str = "hcp") -> Deliverer:
    """The deliverer of the configured endpoint (NotConfigured when there is none)."""
    try:
        profile = load_profile(rt.settings.delivery.profile or None)
    except ProfileError as exc:
        raise NotConfigured(str(exc)) from None
    if target == "case" and not profile.case_fields:
        raise NotConfigured("接口配置文件中没有 [case_fields]，无法上报办件信息")
    sender = sender_from_settings(rt.settings.delivery, profile, target)
    if sender is None:
        raise NotConfigured(f"未配置{TARGETS.get(target, target)}接口地址 "
                            f"{_URL_KEYS.get(target, target)}")
    return Deliverer(rt.sessions, sender, target=target, clock=rt.deps.clock,
                     lease_seconds=lease_seconds, backoff=backoff, idle_seconds=idle_seconds)


@dataclass(frozen=True)
class Flush:
    actor: Actor
    retry_parked: bool = False
    target: str = "hcp"


@dataclass(frozen=True)
class Flushed:
    stats: RunStats
    pending: int  # still waiting after the pass


def flush(rt: Runtime, cmd: Flush) -> Flushed:
    """Try every pending row once now, ignoring backoff; returns within the
    sender's timeout per row even when the endpoint is down."""
    cmd.actor.require(Permission.DELIVER_OUTBOX)
    deliverer = deliverer_for(rt, target=cmd.target)
    if cmd.retry_parked:
        with rt.write() as session:
            outbox.requeue_parked(session, rt.deps.clock(), target=cmd.target)
    stats = deliverer.run_once(ignore_backoff=True)
    return Flushed(stats, outbox_status(rt, cmd.target).pending)


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
