"""Persistence of the canteen core: SQLAlchemy tables, Alembic migrations, repositories and unit of work."""
