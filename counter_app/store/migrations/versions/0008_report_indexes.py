"""indexes that bound the reports by hall and day (or by what is still open)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:00:00

The shift summary, the board and the ledger read one hall's day (tickets, cases,
rating sessions and results of the day, follow-ups opened, records delivered that
day) or what is still open (cases by status, follow-ups by status and report).
Without these they walked a year of history. The day indexes carry the columns the
reports aggregate, so a day is read from the index alone; each replaces a shorter
index that is its prefix.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (name, table, columns, the index it replaces and that one's columns)
INDEXES = (
    ("ix_tickets_day", "tickets",
     ["hall_code", "day", "status", "category", "teller_id", "window_no", "taken_at",
      "first_called_at", "wait_seconds", "service_seconds"],
     ("ix_tickets_queue", ["hall_code", "day", "status", "category"])),
    ("ix_cases_hall_day", "cases",
     ["hall_code", "accepted_at", "status", "window_no", "teller_id", "bundle_code",
      "ticket_id", "channel"], None),
    ("ix_cases_hall_status", "cases", ["hall_code", "status", "window_no"], None),
    ("ix_case_items_report", "case_items",
     ["case_id", "status", "case_kind", "instant_due_at", "due_date", "handled_at",
      "item_name"], None),
    ("ix_rating_sessions_report", "rating_sessions",
     ["hall_code", "day", "window_no", "assess_number", "teller_id", "visit_key",
      "opened_at"],
     ("ix_rating_sessions_day", ["hall_code", "day"])),
    ("ix_ratings_report", "ratings",
     ["hall_code", "day", "window_no", "outcome", "satisfaction", "teller_id", "bad"],
     ("ix_ratings_day", ["hall_code", "day"])),
    ("ix_followups_hall_opened", "followups", ["hall_code", "opened_at"], None),
    ("ix_followups_open", "followups", ["hall_code", "status", "reported_at"],
     ("ix_followups_hall_status", ["hall_code", "status"])),
    ("ix_outbox_delivered", "outbox", ["target", "delivered_at"], None),
)


def upgrade() -> None:
    for name, table, columns, replaces in INDEXES:
        op.create_index(name, table, columns)
        if replaces is not None:
            op.drop_index(replaces[0], table_name=table)


def downgrade() -> None:
    for name, table, _columns, replaces in reversed(INDEXES):
        if replaces is not None:
            op.create_index(replaces[0], table, replaces[1])
        op.drop_index(name, table_name=table)
