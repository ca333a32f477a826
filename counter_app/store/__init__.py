"""Storage: SQLAlchemy 2 typed models, engine/session helpers, Alembic migrations."""
