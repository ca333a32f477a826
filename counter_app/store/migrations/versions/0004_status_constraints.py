"""every status an Enum stored with a CHECK constraint; step kind appeal_review → review;
rating_sessions.reasked (asked again after the pad's link dropped)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table → column → allowed values (the domain enums' values on 2026-12-01; a migration
# keeps its own copy so later changes to the enums need a migration of their own)
CONSTRAINTS: dict[str, dict[str, tuple[str, ...]]] = {
    "users": {"role": ("teller", "backoffice", "supervisor", "admin", "system")},
    "applicants": {"id_type": ("resident", "J", "I", "Y")},
    "cases": {
        "channel": ("window", "online", "selfservice"),
        "status": ("accepted", "complete", "returned", "supplement", "rejected", "terminated",
                   "withdrawn"),
    },
    "case_items": {
        "case_kind": ("instant", "promised"),
        "status": ("pending", "waiting", "done", "returned", "stopped"),
    },
    "case_materials": {
        "status": ("received", "shared", "tolerated", "not_needed", "missing"),
    },
    "tickets": {
        "status": ("waiting", "serving", "parked", "no_show", "done", "cancelled"),
    },
    "ticket_transactions": {"outcome": ("", "done", "transfer", "no_show", "park")},
    "rating_sessions": {
        "channel": ("window_pad", "soft_pad", "online"),
        "state": ("open", "rated", "not_rated"),
    },
    "ratings": {
        "outcome": ("rated", "not_rated"),
        "satisfaction": ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied",
                         "very_dissatisfied"),
        "cause": ("timeout", "cancelled", "pad_offline"),
    },
    "outbox": {"status": ("pending", "delivered", "parked")},
    "followups": {
        "status": ("open", "called_back", "verified", "appealing", "rectifying", "rectified",
                   "not_adopted", "closed"),
    },
    "followup_steps": {
        "kind": ("opened", "callback", "verify", "appeal", "review", "rectify", "rectify_done",
                 "feedback", "report"),
    },
}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    # Values older versions could leave behind, mapped onto the enums.
    op.execute(text("UPDATE followup_steps SET kind = 'review' WHERE kind = 'appeal_review'"))
    op.execute(text(
        "UPDATE rating_sessions SET channel = 'window_pad' "
        "WHERE channel NOT IN ('window_pad', 'soft_pad', 'online')"
    ))
    op.execute(text(
        "UPDATE cases SET channel = 'online' "
        "WHERE channel NOT IN ('window', 'online', 'selfservice')"
    ))
    with op.batch_alter_table("rating_sessions") as batch:
        batch.add_column(
            sa.Column("reasked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    for table, columns in CONSTRAINTS.items():
        with op.batch_alter_table(table) as batch:
            for column, values in columns.items():
                batch.create_check_constraint(f"{column}_enum", _in(column, values))


def downgrade() -> None:
    for table, columns in CONSTRAINTS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_constraint(op.f(f"ck_{table}_{column}_enum"), type_="check")
    with op.batch_alter_table("rating_sessions") as batch:
        batch.drop_column("reasked")
    op.execute(text("UPDATE followup_steps SET kind = 'appeal_review' WHERE kind = 'review'"))
