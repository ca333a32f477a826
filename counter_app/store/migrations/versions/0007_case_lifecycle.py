"""case lifecycle: units and agents, the applicant as accepted on each case, applicant
history, broken 容缺 promises, channel ids, sub-items held for 补正 and dependent
items, each item's legal basis, materials' items and notes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

import counter_app.store.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the enums' values on 2026-12-02 (a migration keeps its own copy)
ID_TYPES = ("resident", "J", "I", "Y", "credit")
OLD_ID_TYPES = ("resident", "J", "I", "Y")
KINDS = ("person", "unit")
SUB_ITEM_STATES = ("held", "pending", "waiting", "done", "returned", "stopped")
OLD_SUB_ITEM_STATES = ("pending", "waiting", "done", "returned", "stopped")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("applicants") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False,
                                   server_default="person"))
        batch.add_column(sa.Column("legal_rep", sa.String(length=128), nullable=False,
                                   server_default=""))
        batch.drop_constraint(op.f("uq_applicants_id_number"), type_="unique")
        batch.create_unique_constraint(op.f("uq_applicants_kind"), ["kind", "id_number"])
        batch.drop_constraint(op.f("ck_applicants_id_type_enum"), type_="check")
        batch.create_check_constraint("id_type_enum", _in("id_type", ID_TYPES))
        batch.create_check_constraint("kind_enum", _in("kind", KINDS))

    op.create_table(
        "applicant_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("replaced_at", counter_app.store.types.UtcDateTime(timezone=True),
                  nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["applicant_id"], ["applicants.id"], ondelete="CASCADE",
                                name=op.f("fk_applicant_versions_applicant_id_applicants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicant_versions")),
    )
    op.create_index("ix_applicant_versions_applicant_id", "applicant_versions",
                    ["applicant_id"])

    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("materials_complete_at",
                                   counter_app.store.types.UtcDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column("application_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("applicant_kind", sa.String(length=16), nullable=False,
                                   server_default="person"))
        for name, length in (("applicant_name", 128), ("applicant_phone", 32),
                             ("applicant_address", 255), ("applicant_legal_rep", 128),
                             ("agent_name", 128), ("agent_id_type", 16),
                             ("agent_id_number", 32), ("agent_phone", 32),
                             ("agent_relation", 32)):
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=False,
                                       server_default=""))
        batch.create_unique_constraint(op.f("uq_cases_channel"), ["channel", "application_id"])
        batch.create_check_constraint("applicant_kind_enum", _in("applicant_kind", KINDS))
    # every earlier case keeps the details its applicant has now (the best there is)
    op.execute(text(
        "UPDATE cases SET "
        "applicant_name = (SELECT name FROM applicants WHERE applicants.id = cases.applicant_id),"
        "applicant_phone = (SELECT phone FROM applicants WHERE applicants.id = cases.applicant_id),"
        "applicant_address = (SELECT address FROM applicants "
        "WHERE applicants.id = cases.applicant_id)"
    ))

    with op.batch_alter_table("case_items") as batch:
        batch.add_column(sa.Column("basic_code", sa.String(length=16), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("legal_basis", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("depends_on", sa.JSON(), nullable=False,
                                   server_default="[]"))
        batch.drop_constraint(op.f("ck_case_items_status_enum"), type_="check")
        batch.create_check_constraint("status_enum", _in("status", SUB_ITEM_STATES))

    with op.batch_alter_table("case_materials") as batch:
        batch.add_column(sa.Column("item_codes", sa.JSON(), nullable=False,
                                   server_default="[]"))
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))

    op.create_table(
        "broken_promises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=32), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("promised_date", sa.Date(), nullable=False),
        sa.Column("broken_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", counter_app.store.types.UtcDateTime(timezone=True),
                  nullable=False),
        sa.ForeignKeyConstraint(["applicant_id"], ["applicants.id"],
                                name=op.f("fk_broken_promises_applicant_id_applicants")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE",
                                name=op.f("fk_broken_promises_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broken_promises")),
        sa.UniqueConstraint("case_id", name=op.f("uq_broken_promises_case_id")),
    )
    op.create_index("ix_broken_promises_applicant_id", "broken_promises", ["applicant_id"])
    op.create_index("ix_broken_promises_broken_on", "broken_promises", ["broken_on"])


def downgrade() -> None:
    op.drop_index("ix_broken_promises_broken_on", table_name="broken_promises")
    op.drop_index("ix_broken_promises_applicant_id", table_name="broken_promises")
    op.drop_table("broken_promises")
    with op.batch_alter_table("case_materials") as batch:
        batch.drop_column("note")
        batch.drop_column("item_codes")
    op.execute(text("UPDATE case_items SET status = 'stopped' WHERE status = 'held'"))
    with op.batch_alter_table("case_items") as batch:
        batch.drop_constraint(op.f("ck_case_items_status_enum"), type_="check")
        batch.create_check_constraint("status_enum", _in("status", OLD_SUB_ITEM_STATES))
        batch.drop_column("depends_on")
        batch.drop_column("legal_basis")
        batch.drop_column("basic_code")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(op.f("ck_cases_applicant_kind_enum"), type_="check")
        batch.drop_constraint(op.f("uq_cases_channel"), type_="unique")
        for name in ("agent_relation", "agent_phone", "agent_id_number", "agent_id_type",
                     "agent_name", "applicant_legal_rep", "applicant_address",
                     "applicant_phone", "applicant_name", "applicant_kind", "application_id",
                     "materials_complete_at"):
            batch.drop_column(name)
    op.drop_index("ix_applicant_versions_applicant_id", table_name="applicant_versions")
    op.drop_table("applicant_versions")
    units = op.get_bind().execute(text("SELECT count(*) FROM applicants WHERE kind = 'unit'"))
    if units.scalar():
        raise RuntimeError("units are applicants in this database: 0006 cannot hold them")
    with op.batch_alter_table("applicants") as batch:
        batch.drop_constraint(op.f("ck_applicants_kind_enum"), type_="check")
        batch.drop_constraint(op.f("ck_applicants_id_type_enum"), type_="check")
        batch.create_check_constraint("id_type_enum", _in("id_type", OLD_ID_TYPES))
        batch.drop_constraint(op.f("uq_applicants_kind"), type_="unique")
        batch.create_unique_constraint(op.f("uq_applicants_id_number"), ["id_number"])
        batch.drop_column("legal_rep")
        batch.drop_column("kind")
