"""queue at the window: an outcome code per transaction (CHECK), arrival confirmed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 12:00:00

ticket_transactions.outcome_code: what came of one stretch of service (办结,
一次性告知, 不予受理, 转办, 咨询, 未带材料, 其他), NULL when not recorded, refused by the
database when it is none of them. tickets.arrived_at: when the teller confirmed the
person called had come to the window.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the domain enum's values on 2026-12-06 (a migration keeps its own copy)
OUTCOME_CODES = ("completed", "informed", "rejected", "referred", "consulted", "no_papers",
                 "other")


def upgrade() -> None:
    with op.batch_alter_table("ticket_transactions") as batch:
        batch.add_column(sa.Column("outcome_code", sa.String(16), nullable=True))
        batch.create_check_constraint(
            "outcome_code_enum",
            f"outcome_code IN ({', '.join(repr(v) for v in OUTCOME_CODES)})",
        )
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("arrived_at")
    with op.batch_alter_table("ticket_transactions") as batch:
        batch.drop_constraint(op.f("ck_ticket_transactions_outcome_code_enum"), type_="check")
        batch.drop_column("outcome_code")
