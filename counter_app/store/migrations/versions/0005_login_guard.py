"""login guard: failed logins and lockouts per staff number

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import counter_app.store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_guards",
        sa.Column("staff_no", sa.String(length=32), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column(
            "last_failed_at", counter_app.store.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "locked_until", counter_app.store.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.PrimaryKeyConstraint("staff_no", name=op.f("pk_login_guards")),
    )


def downgrade() -> None:
    op.drop_table("login_guards")
