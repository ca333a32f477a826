"""Typed models, one file per aggregate around `base.py`. Importing this package
maps them all (relationships name their targets by class name, so no model
module imports another)."""

from counter_app.store.models.applicant import Applicant, ApplicantVersion, BrokenPromise
from counter_app.store.models.audit import AuditEntry
from counter_app.store.models.base import NAMING_CONVENTION, Base
from counter_app.store.models.case import Case, CaseCounter, CaseEvent, CaseItem, CaseMaterial
from counter_app.store.models.followup import FollowUp, FollowUpStep
from counter_app.store.models.login import LoginGuard
from counter_app.store.models.outbox import OutboxMessage
from counter_app.store.models.queue import (
    QueueEvent,
    QueueWindow,
    Ticket,
    TicketCounter,
    TicketTransaction,
)
from counter_app.store.models.rating import Rating, RatingSession
from counter_app.store.models.user import User

__all__ = [
    "NAMING_CONVENTION",
    "Applicant",
    "ApplicantVersion",
    "AuditEntry",
    "Base",
    "BrokenPromise",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "CaseItem",
    "CaseMaterial",
    "FollowUp",
    "FollowUpStep",
    "LoginGuard",
    "OutboxMessage",
    "QueueEvent",
    "QueueWindow",
    "Rating",
    "RatingSession",
    "Ticket",
    "TicketCounter",
    "TicketTransaction",
    "User",
]
