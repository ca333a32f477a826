"""Infrastructure: the adapters that talk to the world outside the database —
the HTTP sender and deliverer of the outbox, the hall listener (PostgreSQL
LISTEN/NOTIFY, SQLite data_version), report files (PDF, xlsx), the evaluation pad's
session thread and the software pad. Use cases and the GUI wire them up; nothing
here holds a business rule."""
