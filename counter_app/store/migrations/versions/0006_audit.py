"""audit trail: views of personal data and changes, with actor, time and PC

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import counter_app.store.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIONS = (
    "view_case", "view_unmasked", "case_accepted", "case_supplement", "case_rejected",
    "material_supplied", "case_terminated", "case_withdrawn", "sub_item_done",
    "sub_item_returned", "ticket_action", "rating_asked", "followup_step", "outbox_requeued",
    "user_added", "login", "login_failed", "report_viewed",
)


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", counter_app.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("staff_no", sa.String(length=32), nullable=False),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("workstation", sa.String(length=64), nullable=False),
        sa.Column("window_no", sa.String(length=8), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            f"action IN ({', '.join(repr(a) for a in ACTIONS)})",
            name=op.f("ck_audit_entries_action_enum"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_at", "audit_entries", ["at"])
    op.create_index("ix_audit_entries_subject", "audit_entries", ["subject_kind", "subject"])


def downgrade() -> None:
    op.drop_index("ix_audit_entries_subject", table_name="audit_entries")
    op.drop_index("ix_audit_entries_at", table_name="audit_entries")
    op.drop_table("audit_entries")
